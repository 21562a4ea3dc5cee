/**
 * The idiomatic layer against a real exprun server (`EXPRUN_TARGET`; ci.sh runs these with the
 * server scripts/polyglot.sh started): every RPC, the typed errors the server sends, signals,
 * deadlines and disposal. Each test works in its own new run.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  AlreadyExistsError,
  CancelledError,
  DeadlineExceededError,
  type ExperimentRun,
  ExprunClient,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  RunState,
  stateName,
} from "../../src/index.js";
import { type Run, RunState as ProtoRunState } from "../../src/gen.js";

const target = process.env.EXPRUN_TARGET;
if (!target) throw new Error("the live tests need EXPRUN_TARGET: a running exprun server");
const EXPERIMENT = "ts-live";
const LOCATION = "projects/ts-live/locations/us-central1";

describe("the client against a live server", () => {
  let client: ExprunClient;
  const newRun = async (): Promise<ExperimentRun> => client.createRun(`r-${randomUUID().slice(0, 12)}`);

  before(async () => {
    client = new ExprunClient({ target, project: "ts-live", experiment: EXPERIMENT });
    await client.getOrCreateExperiment(EXPERIMENT);
  });
  after(() => client.close());

  it("experiments and runs: create, get, list as async iterables, state, delete", async () => {
    const experiment = (await client.getExperiment()).name;
    assert.equal(experiment, `${LOCATION}/experiments/${EXPERIMENT}`);
    let seen = false;
    for await (const e of client.listExperiments()) seen ||= e.name === experiment;
    assert.ok(seen);
    await assert.rejects(client.createExperiment(EXPERIMENT), AlreadyExistsError);

    const run = await client.createRun(`r-${randomUUID().slice(0, 12)}`, { state: RunState.NEW });
    assert.equal(await run.getState(), RunState.NEW);
    await run.updateState(RunState.RUNNING);
    assert.equal(await run.heartbeat(), RunState.RUNNING);
    await run.end();
    assert.equal(await run.getState(), RunState.COMPLETE, "getState returns the RunState that end takes");
    await run.end(RunState.FAILED);
    assert.equal(stateName(await run.getState()), "FAILED");
    const ids = (await client.listRuns().toArray()).map((r) => r.runId);
    assert.ok(ids.includes(run.runId));
    await run.delete();
    await assert.rejects(client.getRun(run.runId), (error: NotFoundError) => error instanceof NotFoundError && error.reason === "RUN_NOT_FOUND");
  });

  it("logs a whole number as an int64 and reads it back as a number", async () => {
    const run = await newRun();
    await run.logParams({ layers: 4, lr: 0.01, big: 2n ** 60n, name: "adam", flag: true });
    await run.logMetrics({ epochs: 3, accuracy: 0.91 });
    assert.deepEqual(await run.getParams(), { layers: 4, lr: 0.01, big: 2n ** 60n, name: "adam", flag: true });
    const raw = await new Promise<Record<string, { kind?: { $case: string } }>>((resolve, reject) =>
      client.stub.getParams({ run: run.name }, (error, response) => (error ? reject(error) : resolve(response.params))),
    );
    assert.equal(raw.layers?.kind?.$case, "intValue");
    assert.equal(raw.lr?.kind?.$case, "doubleValue");
    // The Run that logMetrics returned, a generated message (`@exprun/client/gen`).
    const proto: Run = run.proto!;
    assert.equal(proto.metrics.epochs?.kind?.$case, "intValue");
  });

  it("surfaces a server error as a typed error with code, reason and field violations", async () => {
    const run = await newRun();
    await assert.rejects(run.logMetrics({ bad: Number.NaN }), (error: InvalidArgumentError) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.codeName, "INVALID_ARGUMENT");
      assert.equal(error.domain, "exprun.dev");
      assert.deepEqual(
        error.fieldViolations.map((v) => v.field),
        ["metrics['bad']"],
      );
      return true;
    });
    await assert.rejects(run.logPipelineJob("projects/ts-live/locations/us-central1/notJobs/x"), (error: InvalidArgumentError) => {
      assert.equal(error.reason, "BAD_NAME");
      assert.equal(error.fieldViolations[0]?.field, "pipeline_job");
      return true;
    });
    assert.deepEqual(await run.getMetrics(), {}, "nothing stored");
  });

  it("refuses a non-finite writer value locally, naming the metric; nothing reaches the server", async () => {
    const run = await newRun();
    const writer = run.timeSeriesWriter();
    await assert.rejects(writer.log({ loss: Number.POSITIVE_INFINITY }, 1), (error: InvalidArgumentError) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.metadata.metric, "loss");
      assert.equal(error.fieldViolations[0]?.field, "metrics['loss']");
      return true;
    });
    await writer.log({ acc: 0.5 }, 1);
    await writer.close();
    const series = await run.readTimeSeries().toMap();
    assert.deepEqual([...series.keys()], ["acc"]);
  });

  it("writes with `await using`, reads back as an async iterable and as a map", async () => {
    const run = await newRun();
    {
      await using writer = run.timeSeriesWriter();
      await writer.logColumns([1, 2, 3], { a: [1, 2, 3], b: [0.5, 0.25, 0.125] });
    }
    await run.logTimeSeriesMetrics({ a: 4 }, 4n);
    const parts = [];
    for await (const part of run.readTimeSeries({ metrics: ["a"], startStep: 2 })) parts.push(part);
    assert.deepEqual(parts.flatMap((p) => p.steps), [2, 3, 4]);
    assert.deepEqual((await run.readTimeSeries().toMap()).get("b")?.values, [0.5, 0.25, 0.125]);
    assert.throws(() => run.readTimeSeries({ startStep: 1.5 }), InvalidArgumentError);
  });

  it("cancels a call by its signal and bounds it by timeoutMs", async () => {
    const run = await newRun();
    await assert.rejects(run.getParams({ signal: AbortSignal.abort() }), CancelledError);
    await assert.rejects(run.getParams({ timeoutMs: 0 }), DeadlineExceededError);
    const controller = new AbortController();
    const writer = run.timeSeriesWriter();
    await writer.logColumns(Array.from({ length: 20_000 }, (_, i) => i), { a: new Float64Array(20_000) });
    await writer.close();
    const read = run.readTimeSeries({ signal: controller.signal });
    await assert.rejects(
      (async () => {
        for await (const _ of read) controller.abort();
      })(),
      CancelledError,
    );
  });

  it("executions: associate, create, get, update, events, inputs and outputs, list", async () => {
    const run = await newRun();
    const associated = await run.associateExecution({ displayName: "train", metadata: { lang: "ts" } });
    assert.equal(associated.state, RunState.RUNNING);
    assert.equal(associated.schemaTitle, "system.ContainerExecution");
    const id = `e-${randomUUID().slice(0, 8)}`;
    const created = await client.createExecution({ executionId: id, displayName: "eval", state: RunState.NEW });
    assert.equal(created.name, `${LOCATION}/metadataStores/default/executions/${id}`);
    await assert.rejects(client.createExecution({ executionId: id }), AlreadyExistsError);
    await run.associateExecution(id);
    const updated = await client.updateExecution(id, { state: RunState.COMPLETE, metadata: { score: 1 } });
    assert.equal(updated.state, RunState.COMPLETE);
    assert.deepEqual((await client.getExecution(created.name)).metadata, { score: 1 });
    const model = await run.logModel({ uri: "gs://bucket/model" });
    await client.addExecutionEvents(id, { inputs: [model.artifactId] });
    const io = await client.getExecutionInputsAndOutputs(id);
    assert.deepEqual([io.inputs.map((a) => a.name), io.outputs], [[model.name], []]);
    const names = (await run.listExecutions().toArray()).map((e) => e.name).sort();
    assert.deepEqual(names, [associated.name, created.name].sort());
    await assert.rejects(client.getExecution("missing-execution"), NotFoundError);
  });

  it("models: upload files, download them byte for byte, log by URI, list; artifacts by schema", async () => {
    const run = await newRun();
    const big = new Uint8Array(2 * 1024 * 1024 + 5).map((_, i) => i % 251);
    const uploaded = await run.logModel({
      files: [
        { path: "model.bin", data: big },
        { path: "conf/empty.txt", data: new Uint8Array(0) },
      ],
      frameworkName: "custom",
      modelFile: "model.bin",
    });
    assert.deepEqual(
      uploaded.files.map((f) => [f.path, f.sizeBytes]),
      [
        ["model.bin", big.length],
        ["conf/empty.txt", 0],
      ],
    );
    const received = new Map<string, Buffer[]>();
    for await (const chunk of client.downloadModel(uploaded.name)) {
      received.set(chunk.path, [...(received.get(chunk.path) ?? []), Buffer.from(chunk.data)]);
    }
    assert.ok(Buffer.concat(received.get("model.bin")!).equals(Buffer.from(big)));
    assert.equal(Buffer.concat(received.get("conf/empty.txt")!).length, 0);
    const byUri = await run.logModel({ uri: "gs://bucket/by-ref", frameworkName: "sklearn" });
    await assert.rejects(
      (async () => {
        for await (const _ of client.downloadModel(byUri.name));
      })(),
      FailedPreconditionError,
    );
    await assert.rejects(run.logModel({ uri: "gs://x", files: [] }), InvalidArgumentError);
    assert.deepEqual((await run.listExperimentModels().toArray()).map((m) => m.uri).slice(1), ["gs://bucket/by-ref"]);
    const fetched = await client.getExperimentModel(byUri.name);
    assert.deepEqual([fetched.name, fetched.uri, fetched.frameworkName], [byUri.name, "gs://bucket/by-ref", "sklearn"]);
    const models = await run.listArtifacts({ schemaTitle: "google.ExperimentModel" }).toArray();
    assert.equal(models.length, 2);
  });

  it("job links and the backing TensorBoard", async () => {
    const run = await newRun();
    await run.logPipelineJob("p-1");
    await run.logCustomJob(`${LOCATION}/customJobs/123`);
    assert.deepEqual(
      (await run.listPipelineJobs().toArray()).map((j) => j.pipelineJob),
      [`${LOCATION}/pipelineJobs/p-1`],
    );
    assert.deepEqual(
      (await run.listCustomJobs().toArray()).map((j) => j.customJob),
      [`${LOCATION}/customJobs/123`],
    );
    await run.assignBackingTensorboard("tb-1");
    assert.match(run.proto!.backingTensorboardRun, /tensorboards\/tb-1\//);
    await assert.rejects(run.assignBackingTensorboard("tb-2"), FailedPreconditionError);
  });

  it("closes the channel when an `await using` scope ends", async () => {
    let scoped: ExprunClient;
    {
      await using c = new ExprunClient({ target, project: "ts-live", experiment: EXPERIMENT });
      scoped = c;
      await c.getExperiment();
    }
    await assert.rejects(scoped.getExperiment(undefined, { retry: false }));
    assert.equal(ProtoRunState.RUN_STATE_COMPLETE as number, RunState.COMPLETE as number, "one numbering");
  });
});
