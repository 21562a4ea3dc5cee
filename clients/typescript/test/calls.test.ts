import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { retryBackoff } from "../src/api.js";
import { CancelledError, ExprunClient, NotFoundError, Paged, ResourceExhaustedError, RunState, UnavailableError } from "../src/index.js";
import { FakeServer, refusal } from "./fake-server.js";

const unavailable = (retryDelayMs?: number) =>
  refusal({ code: grpc.status.UNAVAILABLE, details: "server draining", reason: "SERVER_DRAINING", retryDelayMs });

describe("unary calls against a fake server", () => {
  let fake: FakeServer;
  let client: ExprunClient;
  before(async () => {
    fake = new FakeServer();
    const target = await fake.start();
    client = new ExprunClient({ target, project: "p", experiment: "exp", retry: { initialBackoffMs: 1, maxBackoffMs: 5 } });
  });
  after(async () => {
    client.close();
    await fake.stop();
  });
  beforeEach(() => {
    fake.calls.clear();
    fake.unaryFailures.clear();
  });

  it("retries an idempotent call on UNAVAILABLE until it succeeds, honouring RetryInfo", async () => {
    fake.unaryFailures.set("getRun", [unavailable(), unavailable(20)]);
    const run = await client.getRun("r1");
    assert.equal(run.runId, "r1");
    assert.equal(fake.calls.get("getRun"), 3);
  });

  it("retries RESOURCE_EXHAUSTED only with a RetryInfo (the server refused before running the call)", async () => {
    const overloaded = (retryDelayMs?: number) =>
      refusal({ code: grpc.status.RESOURCE_EXHAUSTED, details: "busy", reason: "SERVER_OVERLOADED", retryDelayMs });
    fake.unaryFailures.set("getRun", [overloaded(5)]);
    assert.equal((await client.getRun("r1")).runId, "r1");
    assert.equal(fake.calls.get("getRun"), 2);
    fake.unaryFailures.set("getRun", [overloaded()]);
    await assert.rejects(client.getRun("r1"), (error: ResourceExhaustedError) => error instanceof ResourceExhaustedError);
    assert.equal(fake.calls.get("getRun"), 3, "no RetryInfo: final");
  });

  it("gives up after maxAttempts with the typed error", async () => {
    fake.unaryFailures.set("getRun", Array.from({ length: 6 }, () => unavailable()));
    await assert.rejects(client.getRun("r1"), (error: UnavailableError) => error instanceof UnavailableError && error.reason === "SERVER_DRAINING");
    assert.equal(fake.calls.get("getRun"), 5, "the default is 5 attempts");
  });

  it("never retries a creation, nor a call with { retry: false }, nor another code", async () => {
    fake.unaryFailures.set("createRun", [unavailable()]);
    await assert.rejects(client.createRun("r2", { state: RunState.NEW }), UnavailableError);
    assert.equal(fake.calls.get("createRun"), 1);
    fake.unaryFailures.set("getRun", [unavailable()]);
    await assert.rejects(client.getRun("r1", { retry: false }), UnavailableError);
    assert.equal(fake.calls.get("getRun"), 1);
    fake.unaryFailures.set("getRun", [refusal({ code: grpc.status.NOT_FOUND, details: "no run", reason: "RUN_NOT_FOUND" })]);
    await assert.rejects(client.getRun("r1"), (error: NotFoundError) => error instanceof NotFoundError && error.reason === "RUN_NOT_FOUND");
    assert.equal(fake.calls.get("getRun"), 2);
  });

  it("stops retrying when the signal aborts during a backoff", async () => {
    const slow = new ExprunClient({ target: client.target, project: "p", experiment: "exp", retry: { initialBackoffMs: 60_000, maxBackoffMs: 60_000 } });
    try {
      fake.unaryFailures.set("getRun", [unavailable()]);
      const controller = new AbortController();
      const pending = slow.getRun("r1", { signal: controller.signal });
      // The first attempt fails; the call then waits a 30-60 s backoff, which the abort ends.
      while ((fake.calls.get("getRun") ?? 0) < 1) await new Promise((resolve) => setImmediate(resolve));
      controller.abort(new Error("user pressed stop"));
      await assert.rejects(pending, (error: CancelledError) => error instanceof CancelledError && error.reason === "CALL_ABORTED");
      assert.equal(fake.calls.get("getRun"), 1, "no attempt after the abort");
    } finally {
      slow.close();
    }
  });

  it("rejects at once with CancelledError when the signal is already aborted, sending nothing", async () => {
    await assert.rejects(client.getRun("r1", { signal: AbortSignal.abort() }), CancelledError);
    assert.equal(fake.calls.get("getRun") ?? 0, 0);
  });
});

describe("retryBackoff", () => {
  const policy = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 5000, multiplier: 2 };
  it("grows exponentially to the cap with jitter in [0.5, 1], and never undercuts RetryInfo", () => {
    assert.equal(retryBackoff(1, policy, null, () => 1), 100);
    assert.equal(retryBackoff(3, policy, null, () => 1), 400);
    assert.equal(retryBackoff(3, policy, null, () => 0), 200);
    assert.equal(retryBackoff(20, policy, null, () => 1), 5000);
    assert.equal(retryBackoff(1, policy, 2000, () => 0), 2000);
    assert.equal(retryBackoff(1, policy, 3_600_000, () => 0), 60_000, "RetryInfo is capped at a minute");
  });
});

describe("Paged", () => {
  const pages: Record<string, { items: number[]; nextPageToken: string }> = {
    "": { items: [1, 2], nextPageToken: "b" },
    b: { items: [], nextPageToken: "c" },
    c: { items: [3], nextPageToken: "" },
  };
  it("follows nextPageToken until it is empty, lazily", async () => {
    const asked: string[] = [];
    const paged = new Paged(async (token) => {
      asked.push(token);
      return pages[token]!;
    });
    for await (const item of paged) {
      assert.equal(item, 1);
      break;
    }
    assert.deepEqual(asked, [""], "breaking out stops fetching");
    assert.deepEqual(await paged.toArray(), [1, 2, 3]);
    const sizes: number[] = [];
    for await (const page of paged.pages()) sizes.push(page.length);
    assert.deepEqual(sizes, [2, 0, 1]);
  });
});
