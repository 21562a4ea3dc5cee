import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Column, planBatches, type StreamPosition, WriterState } from "../src/batching.js";

function limits(overrides: Partial<ConstructorParameters<typeof WriterState>[0]> = {}) {
  return { maxBatchPoints: 10, maxBatchDelayMs: 50, maxUnackedBatches: 2, maxBufferedPoints: 100, ...overrides };
}

/** Logs `rows` rows of `metrics` starting at `step`, as the writer does. */
function logRows(state: WriterState, metrics: string[], step: number, rows: number, now = 0): void {
  for (let i = 0; i < rows; i++) {
    for (const metric of metrics) state.column(metric).push(i, step + i, 0);
  }
  state.admitted(rows * metrics.length, now);
}

function opened(state: WriterState, committed: number): StreamPosition {
  const position = { opened: false, lastSent: 0 };
  assert.deepEqual(state.opened(position, committed), { ok: true });
  return position;
}

describe("planBatches", () => {
  it("cuts columns into batches of at most maxPoints, each metric once per batch", () => {
    const a = new Column("a");
    const b = new Column("b");
    for (let i = 0; i < 7; i++) a.push(i, i, 0);
    for (let i = 0; i < 5; i++) b.push(i, i, 0);
    const batches = planBatches([a, b], 4);
    assert.deepEqual(
      batches.map((parts) => parts.map(({ column, start, end }) => [column.metric, start, end])),
      [[["a", 0, 4]], [["a", 4, 7], ["b", 0, 1]], [["b", 1, 5]]],
    );
  });

  it("gives no batch for empty columns", () => {
    assert.deepEqual(planBatches([new Column("a")], 4), []);
  });
});

describe("Column", () => {
  it("grows and keeps rows aligned", () => {
    const column = new Column("m", 2);
    for (let i = 0; i < 5; i++) column.push(i / 2, i, 100 + i);
    column.pushRows(new Float64Array([9, 8, 7]), new Float64Array([5, 6, 7]), 42, 1, 3);
    assert.equal(column.length, 7);
    assert.deepEqual(Array.from(column.steps.subarray(0, 7)), [0, 1, 2, 3, 4, 6, 7]);
    assert.deepEqual(Array.from(column.values.subarray(5, 7)), [8, 7]);
    assert.deepEqual(Array.from(column.walls.subarray(4, 7)), [104, 42, 42]);
  });
});

describe("WriterState", () => {
  it("numbers batches after the sequence the server committed for the writer", () => {
    const state = new WriterState(limits());
    const stream = opened(state, 41);
    logRows(state, ["a"], 1, 25);
    const sent = [state.nextToSend(stream, 0), state.nextToSend(stream, 0)].map((batch) => batch?.sequence);
    assert.deepEqual(sent, [42, 43]);
    assert.equal(state.unacked.length, 3);
    assert.deepEqual(
      state.unacked.map((batch) => batch.points),
      [10, 10, 5],
    );
    assert.equal(state.lastAssigned, 44);
  });

  it("cuts by size, by age and when asked, not before", () => {
    const state = new WriterState(limits({ maxBatchPoints: 10, maxBatchDelayMs: 50 }));
    const stream = opened(state, 0);
    logRows(state, ["a"], 1, 3, 1000);
    assert.equal(state.nextToSend(stream, 1049), null);
    assert.equal(state.dueAt(), 1050);
    assert.equal(state.nextToSend(stream, 1050)?.points, 3);
    logRows(state, ["a"], 4, 10, 2000);
    assert.equal(state.nextToSend(stream, 2000)?.points, 10);
    state.acknowledge(2);
    logRows(state, ["a"], 14, 1, 3000);
    assert.equal(state.nextToSend(stream, 3000), null);
    state.cutNow = true;
    assert.equal(state.nextToSend(stream, 3000)?.points, 1);
    assert.equal(state.cutNow, false);
  });

  it("sends at most maxUnackedBatches ahead of the ack", () => {
    const state = new WriterState(limits({ maxUnackedBatches: 2 }));
    const stream = opened(state, 0);
    logRows(state, ["a", "b"], 1, 25);
    assert.equal(state.nextToSend(stream, 0)?.sequence, 1);
    assert.equal(state.nextToSend(stream, 0)?.sequence, 2);
    assert.equal(state.nextToSend(stream, 0), null, "window full");
    state.acknowledge(1);
    assert.equal(state.nextToSend(stream, 0)?.sequence, 3);
    assert.equal(state.nextToSend(stream, 0), null);
    state.acknowledge(3);
    assert.equal(state.nextToSend(stream, 0)?.sequence, 4);
    assert.equal(state.nextToSend(stream, 0)?.sequence, 5);
    assert.equal(state.nextToSend(stream, 0), null, "nothing left");
    assert.ok(state.allSent(stream));
  });

  it("accounts memory: buffered plus unacknowledged points, freed only by acks", () => {
    const state = new WriterState(limits({ maxBufferedPoints: 40 }));
    const stream = opened(state, 0);
    logRows(state, ["a"], 1, 30);
    assert.equal(state.free, 10);
    state.nextToSend(stream, 0);
    state.nextToSend(stream, 0);
    assert.equal(state.free, 10, "sending frees nothing");
    assert.equal(state.pending, 30);
    assert.equal(state.acknowledge(1), 10);
    assert.equal(state.free, 20);
    assert.equal(state.acknowledge(1), 0, "a repeated ack releases nothing");
    assert.equal(state.acknowledge(3), 20);
    assert.equal(state.free, 40);
    assert.equal(state.acked, 30);
    assert.equal(state.pending, 0);
  });

  it("resends, on a new stream, every batch above the committed sequence", () => {
    const state = new WriterState(limits({ maxUnackedBatches: 4 }));
    const first = opened(state, 0);
    logRows(state, ["a"], 1, 40);
    const sent: number[] = [];
    for (let batch = state.nextToSend(first, 0); batch; batch = state.nextToSend(first, 0)) sent.push(batch.sequence);
    assert.deepEqual(sent, [1, 2, 3, 4]);
    state.acknowledge(1);
    // The stream breaks; the server had committed 2 of them.
    const second = opened(state, 2);
    assert.equal(state.committed, 2);
    assert.equal(state.unacked[0]?.sequence, 3);
    const resent: number[] = [];
    for (let batch = state.nextToSend(second, 0); batch; batch = state.nextToSend(second, 0)) resent.push(batch.sequence);
    assert.deepEqual(resent, [3, 4]);
    assert.equal(state.free, 80);
  });

  it("detects another writer with the same ID from opened", () => {
    const state = new WriterState(limits());
    const stream = opened(state, 0);
    logRows(state, ["a"], 1, 10);
    state.nextToSend(stream, 0);
    assert.deepEqual(state.opened({ opened: false, lastSent: 0 }, 5), { ok: false, committed: 5, numbered: 1 });
  });

  it("refuses impossible limits", () => {
    assert.throws(() => new WriterState(limits({ maxBatchPoints: 0 })), RangeError);
    assert.throws(() => new WriterState(limits({ maxBatchPoints: 100_001, maxBufferedPoints: 200_000 })), RangeError);
    assert.throws(() => new WriterState(limits({ maxUnackedBatches: 0 })), RangeError);
    assert.throws(() => new WriterState(limits({ maxBufferedPoints: 5 })), RangeError);
    assert.throws(() => new WriterState(limits({ maxBatchDelayMs: -1 })), RangeError);
  });
});
