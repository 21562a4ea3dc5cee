/**
 * `ExperimentRun`: one run and what can be done with it, as the Vertex SDK's `ExperimentRun`
 * (`log_params`, `log_metrics`, `log_classification_metrics`, time series, executions,
 * artifacts, models, pipeline and custom jobs, `end_run`, ...).
 *
 * Every method takes `CallOptions` (`{ signal, timeoutMs }`) last. Idempotent calls (reads,
 * merges, state changes, links) are retried on UNAVAILABLE; creations are not.
 */
import { type Api, type CallOptions, Paged } from "./api.js";
import type { ModelChunk } from "./gen/exprun/v1/experiment_run_service.js";
import type {
  Artifact as ArtifactProto,
  ExperimentModel as ExperimentModelProto,
  ClassificationMetrics,
  CustomJobLink,
  Execution as ExecutionProto,
  PipelineJobLink,
  Run,
  Value,
} from "./gen/exprun/v1/resources.js";
import { type LogModelInput, modelUpload } from "./models.js";
import { inLocation, segment } from "./names.js";
import {
  type Artifact,
  type CustomJob,
  type Execution,
  type ExecutionInput,
  type ExperimentModel,
  executionProto,
  fromProtoState,
  type PipelineJob,
  RunState,
  toArtifact,
  toCustomJob,
  toExecution,
  toModel,
  toPipelineJob,
  toProtoState,
} from "./resources.js";
import { type ReadOptions, SeriesReader } from "./timeseries.js";
import { fromValueMap, nowMicros, type ParamInput, type ParamValue, toInt64, toMicros, toValueMap, type WallTime } from "./values.js";
import { TimeSeriesWriter, type WriterOptions } from "./writer.js";

/** What `logClassificationMetrics` takes: a confusion matrix and/or a ROC curve. */
export interface ClassificationMetricsInput {
  displayName?: string;
  /** The class labels; required with `matrix`. */
  labels?: string[];
  /** A square matrix, one row per label. */
  matrix?: number[][];
  /** The ROC curve: false positive rates, true positive rates and thresholds, equally long. */
  fpr?: number[];
  tpr?: number[];
  threshold?: number[];
}

/** A logged confusion matrix and/or ROC curve, read back. */
export interface ClassificationMetricsData {
  name: string;
  displayName: string;
  labels: string[];
  matrix: number[][];
  fpr: number[];
  tpr: number[];
  threshold: number[];
  createTime: Date | undefined;
}

/** One piece of a downloaded model file: files in the model's order, each in chunks of at most 1 MiB. */
export interface ModelFileChunk {
  path: string;
  data: Uint8Array;
}

function toData(proto: ClassificationMetrics): ClassificationMetricsData {
  return {
    name: proto.name,
    displayName: proto.displayName,
    labels: proto.labels,
    matrix: proto.matrix.map((row) => row.values),
    fpr: proto.fpr,
    tpr: proto.tpr,
    threshold: proto.threshold,
    createTime: proto.createTime,
  };
}

/** The page size asked of List calls: the API's maximum, so a list takes as few calls as it can. */
const PAGE_SIZE = 1000;

/** A run. Its `proto` is the last `Run` the server returned; `refresh()` reads it again. */
export class ExperimentRun {
  /** `projects/{project}/locations/{location}/experiments/{experiment}/runs/{run}`. */
  readonly name: string;
  private readonly api: Api;
  private current: Run | undefined;

  constructor(api: Api, name: string, proto?: Run) {
    this.api = api;
    this.name = name;
    this.current = proto;
  }

  get runId(): string {
    return segment(this.name, "runs");
  }

  get experiment(): string {
    return segment(this.name, "experiments");
  }

  get project(): string {
    return segment(this.name, "projects");
  }

  get location(): string {
    return segment(this.name, "locations");
  }

  /** The last `Run` message the server returned for this run (undefined before any call). */
  get proto(): Run | undefined {
    return this.current;
  }

  /** Reads the run again. */
  async refresh(options?: CallOptions): Promise<Run> {
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.getRun({ name: this.name }, md, o, cb), options, true);
    return this.current;
  }

  /** The run's state, read from the server (`stateName(state)` gives `"COMPLETE"`, ...). */
  async getState(options?: CallOptions): Promise<RunState> {
    return fromProtoState((await this.refresh(options)).state);
  }

  async updateState(state: RunState, options?: CallOptions): Promise<void> {
    const request = { name: this.name, state: toProtoState(state) };
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.updateRunState(request, md, o, cb), options, true);
  }

  /** Ends the run: `RunState.COMPLETE` by default (the SDK's `end_run`). */
  async end(state: RunState = RunState.COMPLETE, options?: CallOptions): Promise<void> {
    const request = { name: this.name, state: toProtoState(state) };
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.endRun(request, md, o, cb), options, true);
  }

  /**
   * Deletes the run with its time series and links. Its artifacts and model files stay, as in the
   * SDK, unless `deleteArtifacts`.
   */
  async delete(
    options: CallOptions & { deleteBackingTensorboardRun?: boolean; deleteArtifacts?: boolean } = {},
  ): Promise<void> {
    const request = {
      name: this.name,
      deleteBackingTensorboardRun: options.deleteBackingTensorboardRun ?? false,
      deleteArtifacts: options.deleteArtifacts ?? false,
    };
    await this.api.unary((md, o, cb) => this.api.stub.deleteRun(request, md, o, cb), options);
  }

  /** Tells the server the run's producer is alive (see the `Heartbeat` RPC); returns the run's state. */
  async heartbeat(options?: CallOptions): Promise<RunState> {
    const response = await this.api.unary<{ state: Run["state"] }>(
      (md, o, cb) => this.api.stub.heartbeat({ run: this.name }, md, o, cb),
      options,
      true,
    );
    return fromProtoState(response.state);
  }

  /** Assigns the Vertex TensorBoard (`projects/.../tensorboards/{id}` or an ID) that backs the run's time series. */
  async assignBackingTensorboard(tensorboard: string, options?: CallOptions): Promise<void> {
    const request = { run: this.name, tensorboard: inLocation(tensorboard, "tensorboards", this.project, this.location) };
    this.current = await this.api.unary<Run>(
      (md, o, cb) => this.api.stub.assignBackingTensorboard(request, md, o, cb),
      options,
      true,
    );
  }

  // -- params and summary metrics --------------------------------------------------------------
  /**
   * Merges params key by key. A safe-integer number or a bigint logs an int64, any other number
   * a double (`double(x)` forces one), a string a string, a boolean a bool.
   */
  async logParams(params: Record<string, ParamInput>, options?: CallOptions): Promise<void> {
    const request = { run: this.name, params: toValueMap(params, "params") };
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.logParams(request, md, o, cb), options, true);
  }

  /** Params as logged: an int64 reads back as a number (a bigint beyond 2^53), a double as a number. */
  async getParams(options?: CallOptions): Promise<Record<string, ParamValue>> {
    const response = await this.api.unary<{ params: Record<string, Value> }>(
      (md, o, cb) => this.api.stub.getParams({ run: this.name }, md, o, cb),
      options,
      true,
    );
    return fromValueMap(response.params);
  }

  /** Merges summary metrics key by key, typed like params. */
  async logMetrics(metrics: Record<string, ParamInput>, options?: CallOptions): Promise<void> {
    const request = { run: this.name, metrics: toValueMap(metrics, "metrics") };
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.logMetrics(request, md, o, cb), options, true);
  }

  async getMetrics(options?: CallOptions): Promise<Record<string, ParamValue>> {
    const response = await this.api.unary<{ metrics: Record<string, Value> }>(
      (md, o, cb) => this.api.stub.getMetrics({ run: this.name }, md, o, cb),
      options,
      true,
    );
    return fromValueMap(response.metrics);
  }

  // -- classification metrics ------------------------------------------------------------------
  /** Logs a confusion matrix and/or ROC curve; the server applies the SDK's checks. */
  async logClassificationMetrics(input: ClassificationMetricsInput, options?: CallOptions): Promise<ClassificationMetricsData> {
    const body: ClassificationMetrics = {
      name: "",
      displayName: input.displayName ?? "",
      labels: input.labels ?? [],
      matrix: (input.matrix ?? []).map((values) => ({ values })),
      fpr: input.fpr ?? [],
      tpr: input.tpr ?? [],
      threshold: input.threshold ?? [],
      createTime: undefined,
    };
    const proto = await this.api.unary<ClassificationMetrics>(
      (md, o, cb) => this.api.stub.logClassificationMetrics({ parent: this.name, classificationMetrics: body }, md, o, cb),
      options,
    );
    return toData(proto);
  }

  /** The run's classification metrics, oldest first, fetched page by page (`toArray()` for all). */
  listClassificationMetrics(options?: CallOptions): Paged<ClassificationMetricsData> {
    return new Paged(async (pageToken) => {
      const page = await this.api.unary<{ classificationMetrics: ClassificationMetrics[]; nextPageToken: string }>(
        (md, o, cb) => this.api.stub.listClassificationMetrics({ parent: this.name, pageSize: PAGE_SIZE, pageToken }, md, o, cb),
        options,
        true,
      );
      return { items: page.classificationMetrics.map(toData), nextPageToken: page.nextPageToken };
    });
  }

  /** Every classification metrics of the run, oldest first (the SDK's `get_classification_metrics`). */
  getClassificationMetrics(options?: CallOptions): Promise<ClassificationMetricsData[]> {
    return this.listClassificationMetrics(options).toArray();
  }

  // -- time series -----------------------------------------------------------------------------
  /** A new `TimeSeriesWriter` streaming to this run. The caller owns it: `await writer.close()` or `await using`. */
  timeSeriesWriter(options: WriterOptions = {}): TimeSeriesWriter {
    return new TimeSeriesWriter(this.api, this.name, options);
  }

  /**
   * One point per metric in one unary call (the SDK's `log_time_series_metrics`); with no
   * `step`, the run's largest step + 1, chosen by the server. Prefer a writer for many points.
   * Retried on UNAVAILABLE only with an explicit `step` (a rewrite of a step overwrites it).
   */
  async logTimeSeriesMetrics(
    metrics: Record<string, number>,
    step?: number | bigint,
    wallTime?: WallTime,
    options?: CallOptions,
  ): Promise<void> {
    const micros = BigInt(wallTime === undefined ? nowMicros() : toMicros(wallTime));
    const steps = step === undefined ? [] : [toInt64(step, "step")];
    const series = Object.entries(metrics).map(([metric, value]) => ({ metric, steps, values: [value], wallTimeMicros: [micros] }));
    const request = { run: this.name, writerId: "", sequence: 0n, batch: { series } };
    await this.api.unary((md, o, cb) => this.api.stub.writeTimeSeries(request, md, o, cb), options, step !== undefined);
  }

  /**
   * The run's time series (`endStep` exclusive, `maxPoints` > 0 downsamples): an async iterable
   * of parts as the server streams them, or `await run.readTimeSeries().toMap()` for one
   * `SeriesData` per metric. `timeoutMs` and `signal` bound the whole read.
   */
  readTimeSeries(options: ReadOptions = {}): SeriesReader {
    const request = {
      run: this.name,
      metrics: options.metrics ?? [],
      startStep: toInt64(options.startStep ?? 0, "startStep"),
      endStep: toInt64(options.endStep ?? 0, "endStep"),
      maxPoints: options.maxPoints ?? 0,
    };
    return new SeriesReader(() => this.api.serverStream((md, o) => this.api.stub.readTimeSeries(request, md, o), options));
  }

  // -- executions and artifacts ----------------------------------------------------------------
  /**
   * Associates an execution with the run (the SDK's `associate_execution`): an existing one by
   * name or ID (a string), or a new one created from `ExecutionInput` (with `executionId`, or
   * a generated ID).
   */
  async associateExecution(
    execution: string | (ExecutionInput & { executionId?: string }),
    options?: CallOptions,
  ): Promise<Execution> {
    const byName = typeof execution === "string";
    const id = byName ? execution : execution.executionId;
    const name = id === undefined || id === "" ? "" : inLocation(id, "metadataStores/default/executions", this.project, this.location);
    const body: ExecutionProto = byName ? executionProto(name, {}) : executionProto(name, execution);
    if (byName) body.state = toProtoState(RunState.STATE_UNSPECIFIED);
    const proto = await this.api.unary<ExecutionProto>(
      (md, o, cb) => this.api.stub.associateExecution({ run: this.name, execution: body }, md, o, cb),
      options,
      byName,
    );
    return toExecution(proto);
  }

  /**
   * The run's executions, page by page (the SDK's `get_executions`); `filter` takes
   * `schema_title`, `display_name` and `state` terms with `=`/`!=` joined by AND.
   */
  listExecutions(options: CallOptions & { filter?: string; orderBy?: string } = {}): Paged<Execution> {
    return new Paged(async (pageToken) => {
      const request = { parent: this.name, pageSize: PAGE_SIZE, pageToken, filter: options.filter ?? "", orderBy: options.orderBy ?? "" };
      const page = await this.api.unary<{ executions: ExecutionProto[]; nextPageToken: string }>(
        (md, o, cb) => this.api.stub.listExecutions(request, md, o, cb),
        options,
        true,
      );
      return { items: page.executions.map(toExecution), nextPageToken: page.nextPageToken };
    });
  }

  /** The run's artifacts, page by page (the SDK's `get_artifacts`); `schemaTitle` keeps one kind. */
  listArtifacts(options: CallOptions & { schemaTitle?: string } = {}): Paged<Artifact> {
    const filter = options.schemaTitle === undefined ? "" : `schema_title = ${JSON.stringify(options.schemaTitle)}`;
    return new Paged(async (pageToken) => {
      const page = await this.api.unary<{ artifacts: ArtifactProto[]; nextPageToken: string }>(
        (md, o, cb) => this.api.stub.listArtifacts({ parent: this.name, pageSize: PAGE_SIZE, pageToken, filter }, md, o, cb),
        options,
        true,
      );
      return { items: page.artifacts.map(toArtifact), nextPageToken: page.nextPageToken };
    });
  }

  // -- models ----------------------------------------------------------------------------------
  /**
   * Logs a model (the SDK's `log_model`): by reference (`{ uri }`, nothing uploaded) or by
   * uploading `files` or every file under a local `path`, with sizes and SHA-256 checked by the server.
   */
  async logModel(input: LogModelInput, options?: CallOptions): Promise<ExperimentModel> {
    const requests = await modelUpload(this.name, input);
    const proto = await this.api.clientStream<(typeof requests)[number], ExperimentModelProto>(
      (md, o, cb) => this.api.stub.logModel(md, o, cb),
      requests,
      options,
    );
    return toModel(proto);
  }

  /** The models logged to the run, page by page (the SDK's `get_experiment_models`). */
  listExperimentModels(options?: CallOptions): Paged<ExperimentModel> {
    return new Paged(async (pageToken) => {
      const page = await this.api.unary<{ models: ExperimentModelProto[]; nextPageToken: string }>(
        (md, o, cb) => this.api.stub.listExperimentModels({ parent: this.name, pageSize: PAGE_SIZE, pageToken }, md, o, cb),
        options,
        true,
      );
      return { items: page.models.map(toModel), nextPageToken: page.nextPageToken };
    });
  }

  // -- pipeline and custom jobs ----------------------------------------------------------------
  /** Links a pipeline job (`projects/.../pipelineJobs/{id}` or an ID in the run's location). */
  async logPipelineJob(pipelineJob: string, options?: CallOptions): Promise<PipelineJob> {
    const request = { run: this.name, pipelineJob: inLocation(pipelineJob, "pipelineJobs", this.project, this.location) };
    const proto = await this.api.unary<PipelineJobLink>((md, o, cb) => this.api.stub.logPipelineJob(request, md, o, cb), options, true);
    return toPipelineJob(proto);
  }

  /** The pipeline jobs linked to the run, page by page (the SDK's `get_logged_pipeline_jobs`). */
  listPipelineJobs(options?: CallOptions): Paged<PipelineJob> {
    return new Paged(async (pageToken) => {
      const page = await this.api.unary<{ pipelineJobs: PipelineJobLink[]; nextPageToken: string }>(
        (md, o, cb) => this.api.stub.listPipelineJobs({ parent: this.name, pageSize: PAGE_SIZE, pageToken }, md, o, cb),
        options,
        true,
      );
      return { items: page.pipelineJobs.map(toPipelineJob), nextPageToken: page.nextPageToken };
    });
  }

  /** Links a custom job (`projects/.../customJobs/{id}` or an ID in the run's location). */
  async logCustomJob(customJob: string, options?: CallOptions): Promise<CustomJob> {
    const request = { run: this.name, customJob: inLocation(customJob, "customJobs", this.project, this.location) };
    const proto = await this.api.unary<CustomJobLink>((md, o, cb) => this.api.stub.logCustomJob(request, md, o, cb), options, true);
    return toCustomJob(proto);
  }

  /** The custom jobs linked to the run, page by page (the SDK's `get_logged_custom_jobs`). */
  listCustomJobs(options?: CallOptions): Paged<CustomJob> {
    return new Paged(async (pageToken) => {
      const page = await this.api.unary<{ customJobs: CustomJobLink[]; nextPageToken: string }>(
        (md, o, cb) => this.api.stub.listCustomJobs({ parent: this.name, pageSize: PAGE_SIZE, pageToken }, md, o, cb),
        options,
        true,
      );
      return { items: page.customJobs.map(toCustomJob), nextPageToken: page.nextPageToken };
    });
  }
}

/** A model's files from the server (`DownloadModel`), chunk by chunk, files in the model's order. */
export async function* downloadModel(api: Api, model: string, options?: CallOptions): AsyncGenerator<ModelFileChunk> {
  for await (const chunk of api.serverStream<ModelChunk>((md, o) => api.stub.downloadModel({ model }, md, o), options)) {
    yield { path: chunk.path, data: chunk.data };
  }
}
