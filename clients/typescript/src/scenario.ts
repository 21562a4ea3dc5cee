/**
 * The interop scenario (clients/scenario/SCENARIO.md) through the TypeScript client.
 * `node dist/src/scenario.js` after `tsc`; EXPRUN_TARGET names the server.
 */
import {
  AlreadyExistsError,
  type ExperimentRun,
  ExprunClient,
  InvalidArgumentError,
  NotFoundError,
  RunState,
  type SeriesData,
  stateName,
} from "./index.js";

const LANG = "typescript";
const STEPS = 50_000;

function fail(message: string): never {
  throw new Error(`scenario ${LANG}: mismatch: ${message}`);
}

function expectEqual(what: string, got: unknown, want: unknown): void {
  // Canonical JSON: object keys sorted, bigints (int64) marked so they never equal a number.
  const show = (value: unknown) =>
    JSON.stringify(value, (_, v: unknown) => {
      if (typeof v === "bigint") return `${v}n`;
      if (v !== null && typeof v === "object" && !Array.isArray(v)) {
        return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      }
      return v;
    });
  if (show(got) !== show(want)) fail(`${what}: got ${show(got)}, want ${show(want)}`);
}

function columns(from: number, to: number): { steps: number[]; loss: number[]; acc: number[] } {
  const steps: number[] = [];
  const loss: number[] = [];
  const acc: number[] = [];
  for (let step = from; step <= to; step++) {
    steps.push(step);
    loss.push(1 / step);
    acc.push(step / STEPS);
  }
  return { steps, loss, acc };
}

async function main(): Promise<void> {
  const client = new ExprunClient({
    target: process.env.EXPRUN_TARGET || "127.0.0.1:50051",
    project: "polyglot-ci",
    location: "us-central1",
  });
  const experiment = `polyglot-${LANG}`;
  const runId = `scenario-${LANG}`;
  try {
    try {
      await client.createExperiment(experiment);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
    try {
      await client.run(runId, { experiment }).delete();
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    const run = await client.createRun(runId, { experiment });
    // A whole number is an int64, as Python's 4: the check below and check.py see int_value.
    await run.logParams({ lr: 0.01, layers: 4, optimizer: "adam" });
    await run.logMetrics({ accuracy: 0.91, epochs: 3n });
    await run.logClassificationMetrics({
      displayName: "eval",
      labels: ["cat", "dog"],
      matrix: [
        [9, 1],
        [2, 8],
      ],
      fpr: [0.0, 0.1, 1.0],
      tpr: [0.0, 0.8, 1.0],
      threshold: [1.0, 0.5, 0.0],
    });

    await executionsModelsAndJobs(client, run);

    const half = STEPS / 2;
    const first = columns(1, half);
    const second = columns(half + 1, STEPS);
    const writer = run.timeSeriesWriter({ writerId: `scenario-${LANG}` });
    const started = performance.now();
    await writer.logColumns(first.steps, { loss: first.loss, acc: first.acc });
    await writer.flush();
    if (writer.pointsAcked < STEPS) fail(`only ${writer.pointsAcked} points acknowledged before the reconnect`);
    // The forced reconnect: the writer reopens, learns the committed sequence and resends the rest.
    const committed = writer.committedSequence;
    await writer.reconnect();
    await writer.logColumns(second.steps, { loss: second.loss, acc: second.acc });
    await writer.close();
    const seconds = (performance.now() - started) / 1000;
    if (writer.pointsAcked !== 2 * STEPS) fail(`${writer.pointsAcked} points acknowledged, want ${2 * STEPS}`);
    console.log(
      `scenario ${LANG}: writer ${Math.round((2 * STEPS) / seconds).toLocaleString("en-US")} points/s ` +
        `(reconnected at committed sequence ${committed}, ended at ${writer.committedSequence})`,
    );

    try {
      await run.logMetrics({ bad: Number.NaN });
      fail("NaN metric was accepted");
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      const fields = error.fieldViolations.map((violation) => violation.field);
      console.log(`scenario ${LANG}: error ${error.codeName} on ${JSON.stringify(fields)} (reason ${error.reason})`);
      expectEqual("field violations", fields, ["metrics['bad']"]);
    }

    await run.end();
    await check(client, runId, experiment);
    console.log(`scenario ${LANG}: ok`);
  } finally {
    client.close();
  }
}

const jobs = (lang: string) => ({
  pipelineJob: `projects/polyglot-ci/locations/us-central1/pipelineJobs/pipeline-${lang}`,
  customJob: `projects/polyglot-ci/locations/us-central1/customJobs/custom-${lang}`,
});
const MODEL_URI = `gs://polyglot-ci/models/${LANG}`;

/**
 * SCENARIO.md step 5a: an execution (associated, updated, read back), a model logged by URI and
 * recorded as the execution's output, and links to a pipeline job and a custom job.
 */
async function executionsModelsAndJobs(client: ExprunClient, run: ExperimentRun): Promise<void> {
  const associated = await run.associateExecution({
    displayName: "train",
    schemaTitle: "system.ContainerExecution",
    metadata: { lang: LANG },
  });
  await client.updateExecution(associated.name, { state: RunState.COMPLETE, metadata: { epochs: 3 } });
  const execution = await client.getExecution(associated.executionId);
  expectEqual("execution", [execution.name, execution.displayName, stateName(execution.state), execution.metadata], [
    associated.name,
    "train",
    "COMPLETE",
    { epochs: 3, lang: LANG },
  ]);
  const model = await run.logModel({
    uri: MODEL_URI,
    frameworkName: "sklearn",
    frameworkVersion: "1.5.2",
    displayName: `model-${LANG}`,
    modelFile: "model.pkl",
  });
  expectEqual("model", [model.uri, model.frameworkName, model.files.length], [MODEL_URI, "sklearn", 0]);
  await client.addExecutionEvents(execution.name, { outputs: [model.name] });
  const io = await client.getExecutionInputsAndOutputs(execution.executionId);
  expectEqual(
    "execution inputs and outputs",
    [io.inputs.map((a) => a.name), io.outputs.map((a) => a.name)],
    [[], [model.name]],
  );
  await run.logPipelineJob(jobs(LANG).pipelineJob);
  await run.logCustomJob(jobs(LANG).customJob);
  console.log(`scenario ${LANG}: execution ${execution.executionId}, model ${model.artifactId} by URI, 2 job links`);
}

async function check(client: ExprunClient, runId: string, experiment: string): Promise<void> {
  const run = client.run(runId, { experiment });
  expectEqual("params", await run.getParams(), { lr: 0.01, layers: 4, optimizer: "adam" });
  expectEqual("metrics", await run.getMetrics(), { accuracy: 0.91, epochs: 3 });
  // The types on the wire, through the generated stub: `layers: 4` went as an int64.
  const raw = await new Promise<Record<string, { kind?: { $case: string } }>>((resolve, reject) =>
    client.stub.getParams({ run: run.name }, (error, response) => (error ? reject(error) : resolve(response.params))),
  );
  expectEqual("param kinds", Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value.kind?.$case])), {
    layers: "intValue",
    lr: "doubleValue",
    optimizer: "stringValue",
  });
  expectEqual("state", stateName(await run.getState()), "COMPLETE");
  const all = await run.getClassificationMetrics();
  expectEqual("classification metrics count", all.length, 1);
  const cm = all[0]!;
  expectEqual("classification metrics", [cm.displayName, cm.labels, cm.matrix, cm.fpr, cm.tpr, cm.threshold], [
    "eval",
    ["cat", "dog"],
    [
      [9, 1],
      [2, 8],
    ],
    [0.0, 0.1, 1.0],
    [0.0, 0.8, 1.0],
    [1.0, 0.5, 0.0],
  ]);
  const series = await run.readTimeSeries().toMap();
  const expected: [string, (step: number) => number][] = [
    ["loss", (step) => 1 / step],
    ["acc", (step) => step / STEPS],
  ];
  for (const [metric, value] of expected) {
    const got: SeriesData | undefined = series.get(metric);
    if (got === undefined) fail(`series ${metric} missing`);
    expectEqual(`${metric} point count`, got.steps.length, STEPS);
    for (let i = 0; i < STEPS; i++) {
      if (got.steps[i] !== i + 1) fail(`${metric} step ${i} is ${got.steps[i]}`);
    }
    for (const step of [1, 2, 777, STEPS / 2, STEPS / 2 + 1, STEPS]) {
      expectEqual(`${metric} at step ${step}`, got.values[step - 1], value(step));
    }
  }

  const executions = await run.listExecutions().toArray();
  expectEqual("executions", executions.map((e) => [e.displayName, stateName(e.state), e.metadata]), [
    ["train", "COMPLETE", { epochs: 3, lang: LANG }],
  ]);
  const models = [];
  for await (const model of run.listExperimentModels()) models.push([model.uri, model.frameworkName, model.frameworkVersion]);
  expectEqual("models", models, [[MODEL_URI, "sklearn", "1.5.2"]]);
  const titles = (await run.listArtifacts().toArray()).map((a) => a.schemaTitle);
  for (const title of ["google.ClassificationMetrics", "google.ExperimentModel"]) {
    if (!titles.includes(title)) fail(`no ${title} among the run's artifacts ${JSON.stringify(titles)}`);
  }
  const modelArtifacts = await run.listArtifacts({ schemaTitle: "google.ExperimentModel" }).toArray();
  expectEqual("model artifacts", modelArtifacts.map((a) => a.uri), [MODEL_URI]);
  expectEqual("pipeline jobs", (await run.listPipelineJobs().toArray()).map((j) => j.pipelineJob), [jobs(LANG).pipelineJob]);
  expectEqual("custom jobs", (await run.listCustomJobs().toArray()).map((j) => j.customJob), [jobs(LANG).customJob]);
}

main().catch((error: unknown) => {
  console.error(error);
  // An open stream would keep the process alive: exit now.
  process.exit(1);
});
