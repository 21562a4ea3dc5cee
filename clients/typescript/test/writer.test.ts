import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import {
  BufferFullError,
  DeadlineExceededError,
  ExprunClient,
  FailedPreconditionError,
  InvalidArgumentError,
  ResourceExhaustedError,
  type TimeSeriesWriter,
  type WriterOptions,
} from "../src/index.js";
import { backoffDelay, retryDelay } from "../src/writer.js";
import { FakeServer, type Refusal } from "./fake-server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("TimeSeriesWriter against a fake server", () => {
  let fake: FakeServer;
  let client: ExprunClient;
  let counter = 0;
  before(async () => {
    fake = new FakeServer();
    const target = await fake.start();
    client = new ExprunClient({ target, project: "test-project", experiment: "exp" });
  });
  after(async () => {
    client.close();
    await fake.stop();
  });
  beforeEach(() => {
    fake.points.clear();
    fake.received = [];
    fake.written = 0;
    fake.plans = [];
    fake.maxInFlight = 0;
    fake.largestStep = 0;
    fake.refuse = null;
    fake.refusalsOf.clear();
    fake.releaseAcks();
  });

  function writer(options: WriterOptions = {}): TimeSeriesWriter {
    return client.run("r").timeSeriesWriter({ writerId: `w${++counter}`, reconnectBackoffMs: [5, 20], ...options });
  }

  function stored(metric: string): [number, number][] {
    return [...(fake.points.get(metric) ?? new Map<number, number>()).entries()].sort((a, b) => a[0] - b[0]);
  }

  it("streams every point once, in batches of at most maxBatchPoints", async () => {
    const w = writer({ maxBatchPoints: 7 });
    for (let step = 1; step <= 10; step++) await w.log({ a: step, b: -step, c: step / 2 }, step);
    await w.logColumns([11, 12], { a: [11, 12], b: [-11, -12], c: [5.5, 6] }, new Date(0));
    await w.close();
    assert.equal(w.pointsAcked, 36);
    assert.equal(fake.written, 36);
    assert.ok(fake.received.every(([, , points]) => points <= 7));
    assert.deepEqual(
      stored("b").map(([step, value]) => step + value),
      new Array(12).fill(0),
    );
  });

  async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await sleep(5);
    }
  }

  it("sends a partial batch once it is maxBatchDelayMs old, without a flush", async () => {
    const w = writer({ maxBatchDelayMs: 200 });
    const logged = performance.now();
    await w.log({ a: 1 }, 1);
    await until(() => w.pointsAcked === 1, "the ack");
    assert.ok(performance.now() - logged >= 199, "not sent before the delay");
    assert.equal(fake.written, 1);
    await w.close();
  });

  it("never has more than maxUnackedBatches batches in flight", async () => {
    fake.holdAcks = true;
    const w = writer({ maxBatchPoints: 10, maxUnackedBatches: 3 });
    const rows = Array.from({ length: 500 }, (_, i) => i);
    await w.logColumns(rows, { a: rows });
    await until(() => fake.received.length === 3, "a full window");
    await sleep(50);
    assert.equal(fake.received.length, 3, "nothing beyond the window without acks");
    fake.releaseAcks();
    await w.close();
    assert.equal(fake.written, 500);
    assert.ok(fake.maxInFlight <= 3, `in flight ${fake.maxInFlight}`);
  });

  it("flush resolves when everything logged before it is acknowledged", async () => {
    const w = writer({ maxBatchDelayMs: 60_000 });
    await w.log({ a: 1 }, 1);
    await w.flush();
    assert.equal(w.pointsAcked, 1);
    assert.equal(w.pointsPending, 0);
    fake.holdAcks = true;
    await w.log({ a: 2 }, 2);
    await assert.rejects(w.flush(50), { name: "DeadlineExceededError" });
    fake.releaseAcks();
    await w.flush();
    await w.close();
  });

  it("reconnect() reopens, learns the committed sequence and resends only what is not committed", async () => {
    fake.plans = [{ swallow: true }];
    const w = writer({ maxBatchPoints: 5 });
    await w.logColumns([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    await sleep(50);
    assert.equal(w.pointsAcked, 0, "the first stream swallowed both batches");
    await w.reconnect();
    await w.flush();
    assert.equal(fake.streams >= 2, true);
    const resent = fake.received.filter(([stream]) => stream === fake.streams).map(([, sequence]) => sequence);
    assert.deepEqual(resent, [1, 2]);
    await w.reconnect();
    await w.log({ a: 11 }, 11);
    await w.close();
    const last = fake.received.filter(([stream]) => stream === fake.streams).map(([, sequence]) => sequence);
    assert.deepEqual(last, [3], "committed batches are not resent after the second reconnect");
    assert.equal(stored("a").length, 11);
    assert.equal(w.committedSequence, 3);
  });

  it("retries a torn stream (UNAVAILABLE) with backoff and loses nothing", async () => {
    fake.plans = [
      { failAfterBatches: { count: 2, code: grpc.status.UNAVAILABLE, details: "torn" } },
      { failAfterBatches: { count: 1, code: grpc.status.INTERNAL, details: "proxy reset" } },
    ];
    const w = writer({ maxBatchPoints: 4 });
    const steps = Array.from({ length: 40 }, (_, i) => i + 1);
    await w.logColumns(steps, { a: steps });
    await w.close();
    assert.equal(w.pointsAcked, 40);
    assert.deepEqual(
      stored("a").map(([step]) => step),
      steps,
    );
    assert.equal(fake.written, 40, "no batch was written twice");
  });

  it("stops on a permanent error and surfaces it typed, with the field violations", async () => {
    fake.plans = [{ rejectOpen: { field: "open.run", description: "not a run name" } }];
    const w = writer();
    await w.log({ a: 1 }, 1);
    const error = await w.close().then(
      () => assert.fail("close resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof InvalidArgumentError);
    assert.equal(error.reason, "INVALID_ARGUMENT");
    assert.deepEqual(error.fieldViolations, [{ field: "open.run", description: "not a run name" }]);
    assert.match(error.message, /1 points logged to it were not acknowledged/);
    await assert.rejects(w.log({ a: 2 }, 2), InvalidArgumentError);
  });

  it('rejects with BufferFullError when full and onFull is "error", buffering nothing of the call', async () => {
    fake.holdAcks = true;
    const w = writer({ maxBatchPoints: 10, maxBufferedPoints: 20, onFull: "error" });
    const steps = Array.from({ length: 10 }, (_, i) => i);
    await w.logColumns(steps, { a: steps, b: steps });
    await assert.rejects(w.log({ a: 1 }, 11), BufferFullError);
    assert.equal(w.pointsLogged, 20);
    fake.releaseAcks();
    await w.flush();
    await w.log({ a: 1 }, 11);
    await w.close();
    assert.equal(fake.written, 21);
  });

  it('waits for acks when full and onFull is "block", then admits in order', async () => {
    fake.holdAcks = true;
    const w = writer({ maxBatchPoints: 10, maxBufferedPoints: 20 });
    const steps = Array.from({ length: 20 }, (_, i) => i);
    await w.logColumns(steps, { a: steps });
    let admitted = false;
    const blocked = w.log({ a: 100 }, 100).then(() => (admitted = true));
    await sleep(30);
    assert.equal(admitted, false);
    assert.ok(w.pointsPending <= 20);
    fake.releaseAcks();
    await blocked;
    await w.close();
    assert.equal(fake.written, 21);
    assert.equal(stored("a").at(-1)?.[0], 100);
  });

  const storageFull = (retryDelayMs: number): Refusal => ({
    code: grpc.status.RESOURCE_EXHAUSTED,
    details: "the store's disk is full",
    reason: "STORAGE_FULL",
    retryDelayMs,
  });
  /** Refusals in a row well past the limit on "usually transient" statuses (5). */
  const PAST_THE_LIMIT = 15;

  it('keeps retrying STORAGE_FULL past the retry limit; with onFull "error" log refuses; nothing is lost', async () => {
    const w = writer({ maxBatchPoints: 10, maxBufferedPoints: 20, onFull: "error", maxBatchDelayMs: 1 });
    await w.logColumns([1, 2, 3, 4, 5], { a: [1, 2, 3, 4, 5], b: [1, 2, 3, 4, 5] });
    await w.flush();
    fake.refuse = storageFull(10);
    const steps = Array.from({ length: 10 }, (_, i) => i + 6);
    await w.logColumns(steps, { a: steps, b: steps }); // 20 points pending: full
    await until(() => (fake.refusalsOf.get(w.writerId) ?? 0) > PAST_THE_LIMIT, "refusals past the retry limit");
    await assert.rejects(w.log({ a: 16 }, 16), BufferFullError);
    assert.equal(w.pointsPending, 20);
    assert.equal(w.pointsAcked, 10);
    fake.refuse = null;
    await w.close();
    assert.equal(w.pointsAcked, 30);
    assert.deepEqual(
      stored("a").map(([step, value]) => step - value),
      new Array(15).fill(0),
    );
    assert.equal(fake.written, 30, "every point written once");
  });

  it('keeps log waiting while the server refuses with onFull "block", then admits everything', async () => {
    fake.refuse = storageFull(20);
    const w = writer({ maxBatchPoints: 10, maxBufferedPoints: 20, maxBatchDelayMs: 1 });
    const steps = Array.from({ length: 50 }, (_, i) => i + 1);
    let admitted = false;
    const logged = w.logColumns(steps, { a: steps }).then(() => (admitted = true));
    await until(() => (fake.refusalsOf.get(w.writerId) ?? 0) > PAST_THE_LIMIT, "refusals past the retry limit");
    assert.equal(admitted, false, "logColumns returned while the buffer was full and refused");
    assert.ok(w.pointsPending <= 20, `${w.pointsPending} points pending with maxBufferedPoints 20`);
    fake.refuse = null;
    await logged;
    await w.close();
    assert.deepEqual(
      stored("a").map(([step]) => step),
      steps,
    );
    assert.equal(fake.written, 50, "every point written once");
  });

  it("close with a timeout rejects instead of waiting for a refusing server", async () => {
    fake.refuse = storageFull(10);
    const w = writer();
    await w.log({ a: 1 }, 1);
    await until(() => fake.refusalsOf.has(w.writerId), "a refusal");
    await assert.rejects(w.close(100), DeadlineExceededError);
  });

  it("stops on RESOURCE_EXHAUSTED without a RetryInfo after the limited retries", async () => {
    fake.refuse = { code: grpc.status.RESOURCE_EXHAUSTED, details: "message too large", reason: "MESSAGE_TOO_LARGE" };
    const w = writer();
    await w.log({ a: 1 }, 1);
    await assert.rejects(w.close(), ResourceExhaustedError);
    // The first stream may count as progress (opened before the batch was cut): one more.
    const refusals = fake.refusalsOf.get(w.writerId);
    assert.ok(refusals === 6 || refusals === 7, `${refusals} refusals`);
  });

  it("numbers default steps after the run's largest step", async () => {
    fake.largestStep = 41;
    const w = writer();
    await w.log({ a: 1 });
    await w.log({ a: 2 });
    await w.close();
    assert.deepEqual(
      stored("a").map(([step]) => step),
      [42, 43],
    );
  });

  it("detects another writer using the same ID", async () => {
    const w = writer();
    await w.log({ a: 1 }, 1);
    await w.flush();
    fake.plans = [{ openedWith: 100 }];
    await assert.rejects(w.reconnect(), FailedPreconditionError);
    await assert.rejects(w.close(), (error: FailedPreconditionError) => error.reason === "WRITER_ID_IN_USE");
  });

  it("refuses a non-finite value locally with an InvalidArgumentError naming the metric, sending nothing", async () => {
    const w = writer();
    const namesMetric = (field: string) => (error: InvalidArgumentError) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.codeName, "INVALID_ARGUMENT");
      assert.equal(error.reason, "INVALID_VALUE");
      assert.equal(error.metadata.metric, "loss");
      assert.deepEqual(
        error.fieldViolations.map((violation) => violation.field),
        [field],
      );
      return true;
    };
    await assert.rejects(w.log({ acc: 0.5, loss: Number.NaN }, 1), namesMetric("metrics['loss']"));
    await assert.rejects(w.logColumns([1, 2], { loss: [1, Infinity] }), namesMetric("columns['loss'][1]"));
    await assert.rejects(w.log({ a: 1 }, -1), (error: InvalidArgumentError) => error.fieldViolations[0]?.field === "step");
    assert.equal(w.pointsLogged, 0);
    await w.close();
    assert.deepEqual(fake.received, [], "no batch was sent");
    assert.equal(fake.written, 0);
  });

  it("closes, flushing everything, when an `await using` scope ends", async () => {
    let id = "";
    {
      await using w = writer();
      id = w.writerId;
      await w.log({ a: 1, b: 2 }, 1);
      await w.log({ a: 3, b: 4 }, 2);
    }
    assert.equal(fake.written, 4);
    assert.deepEqual(stored("a"), [
      [1, 1],
      [2, 3],
    ]);
    assert.ok(fake.committed.get(id)! >= 1);
  });
});

describe("backoffDelay", () => {
  it("doubles from the minimum up to the maximum, with jitter in [0.5, 1]", () => {
    assert.equal(backoffDelay(0, [50, 5000], () => 1), 50);
    assert.equal(backoffDelay(3, [50, 5000], () => 1), 400);
    assert.equal(backoffDelay(3, [50, 5000], () => 0), 200);
    assert.equal(backoffDelay(40, [50, 5000], () => 1), 5000);
  });
});

describe("retryDelay", () => {
  it("waits at least the RetryInfo delay, plus up to a quarter, capped at a minute", () => {
    assert.equal(retryDelay(0, [50, 5000], 1000, () => 0), 1000);
    assert.equal(retryDelay(0, [50, 5000], 1000, () => 1), 1250);
    assert.equal(retryDelay(10, [50, 5000], 1000, () => 1), 5000, "a longer backoff wins");
    assert.equal(retryDelay(0, [50, 5000], 3_600_000, () => 0), 60_000);
    assert.equal(retryDelay(3, [50, 5000], null, () => 1), 400);
  });
});
