import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Column, type Part, planBatches, varintSize, writeVarint } from "../src/batching.js";
import { encodeBatchRequest } from "../src/encoding.js";
import { StreamTimeSeriesRequest } from "../src/gen/exprun/v1/experiment_run_service.js";

/**
 * The canonical (packed) encoding, built with @bufbuild/protobuf's wire writer. ts-proto's own
 * encoder is not the reference: it writes repeated scalars unpacked when a field carries an
 * option (here `google.api.field_behavior`), which parsers accept but is larger.
 */
function referenceBytes(sequence: number, parts: readonly Part[]): Uint8Array {
  const writer = new BinaryWriter();
  writer.uint32(0x12).fork();
  writer.uint32(0x08).uint64(sequence);
  writer.uint32(0x12).fork();
  for (const { column, start, end } of parts) {
    writer.uint32(0x0a).fork();
    writer.uint32(0x0a).string(column.metric);
    writer.uint32(0x12).fork();
    for (let i = start; i < end; i++) writer.int64(column.steps[i]!);
    writer.join();
    writer.uint32(0x1a).fork();
    for (let i = start; i < end; i++) writer.double(column.values[i]!);
    writer.join();
    writer.uint32(0x22).fork();
    for (let i = start; i < end; i++) writer.int64(column.walls[i]!);
    writer.join();
    writer.join();
  }
  writer.join();
  writer.join();
  return writer.finish();
}

describe("varints", () => {
  it("match protobuf's at every length boundary up to 2^53", () => {
    for (let bits = 0; bits <= 53; bits++) {
      for (const value of [2 ** bits - 1, 2 ** bits, 2 ** bits + 1]) {
        if (!Number.isSafeInteger(value)) continue;
        const out = new Uint8Array(10);
        const end = writeVarint(out, 0, value);
        assert.equal(end, varintSize(value), `size of ${value}`);
        assert.deepEqual(out.subarray(0, end), new BinaryWriter().uint64(value).finish(), `bytes of ${value}`);
      }
    }
  });
});

describe("encodeBatchRequest", () => {
  const loss = new Column("loss");
  const acc = new Column("accuracy/top-1 ünïcode");
  const wall = 1_732_000_000_123_456;
  for (let step = 0; step < 3000; step++) {
    loss.push(1 / (step + 1), step, wall);
    acc.push(step === 7 ? -0 : step / 3000, 2 ** 40 + step, wall + (step % 3 === 0 ? step : 0));
  }
  loss.push(Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 0);

  it("writes the canonical packed bytes for every batch cut", () => {
    for (const maxPoints of [6001, 1000, 7]) {
      for (const [index, parts] of planBatches([loss, acc], maxPoints).entries()) {
        const sequence = index * 1000 + 1;
        assert.deepEqual(encodeBatchRequest(sequence, parts), referenceBytes(sequence, parts), `batch ${index} of ${maxPoints}`);
      }
    }
  });

  it("decodes, with the generated decoder, to the logged points", () => {
    const [parts] = planBatches([loss, acc], 100_000);
    const decoded = StreamTimeSeriesRequest.decode(encodeBatchRequest(5, parts!));
    assert.equal(decoded.kind?.$case, "batch");
    const batch = decoded.kind.value;
    assert.equal(batch.sequence, 5n);
    const [first, second] = batch.batch!.series;
    assert.equal(first!.metric, "loss");
    assert.equal(first!.steps.length, 3001);
    assert.equal(first!.steps[3000], BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(first!.values[3000], Number.MAX_VALUE);
    assert.equal(first!.wallTimeMicros[0], BigInt(wall));
    assert.equal(second!.metric, "accuracy/top-1 ünïcode");
    assert.equal(second!.steps[1], 2n ** 40n + 1n);
    assert.ok(Object.is(second!.values[7], -0));
    assert.equal(second!.wallTimeMicros[3], BigInt(wall + 3));
  });

  it("repeats one wall time's bytes for a run of equal wall times", () => {
    const column = new Column("x");
    column.pushRows(new Float64Array([0.5, 1.5]), new Float64Array([10, 11]), 99, 0, 2);
    const decoded = StreamTimeSeriesRequest.decode(encodeBatchRequest(3, [{ column, start: 0, end: 2 }]));
    assert.deepEqual(decoded.kind, {
      $case: "batch",
      value: {
        sequence: 3n,
        batch: { series: [{ metric: "x", steps: [10n, 11n], values: [0.5, 1.5], wallTimeMicros: [99n, 99n] }] },
      },
    });
  });
});
