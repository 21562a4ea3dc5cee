/**
 * `ExperimentRun`: one run and what can be done with it, as the Vertex SDK's `ExperimentRun`
 * (`log_params`, `log_metrics`, `log_classification_metrics`, time series, `end_run`, ...).
 */
import type { Api } from "./api.js";
import { type ClassificationMetrics, type Run, RunState, type Value } from "./gen/exprun/v1/resources.js";
import { segment } from "./names.js";
import { collectSeries, type ReadOptions, type SeriesData } from "./timeseries.js";
import { fromValueMap, nowMicros, type ParamValue, toMicros, toValueMap, type WallTime } from "./values.js";
import { TimeSeriesWriter, type WriterOptions } from "./writer.js";

export { RunState };

/** The state's short name, as the SDK shows it: `RUN_STATE_COMPLETE` → `COMPLETE`. */
export function stateName(state: RunState): string {
  return (RunState[state] ?? "UNRECOGNIZED").replace(/^RUN_STATE_/, "");
}

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
  async refresh(): Promise<Run> {
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.getRun({ name: this.name }, md, o, cb));
    return this.current;
  }

  /** The state's short name (`RUNNING`, `COMPLETE`, ...), read from the server. */
  async getState(): Promise<string> {
    return stateName((await this.refresh()).state);
  }

  async updateState(state: RunState): Promise<void> {
    this.current = await this.api.unary<Run>((md, o, cb) =>
      this.api.stub.updateRunState({ name: this.name, state }, md, o, cb),
    );
  }

  /** Ends the run: `RUN_STATE_COMPLETE` by default (the SDK's `end_run`). */
  async end(state: RunState = RunState.RUN_STATE_COMPLETE): Promise<void> {
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.endRun({ name: this.name, state }, md, o, cb));
  }

  /**
   * Deletes the run with its time series and links. Its artifacts and model files stay, as in the
   * SDK, unless `deleteArtifacts`.
   */
  async delete(options: { deleteBackingTensorboardRun?: boolean; deleteArtifacts?: boolean } = {}): Promise<void> {
    await this.api.unary((md, o, cb) =>
      this.api.stub.deleteRun(
        {
          name: this.name,
          deleteBackingTensorboardRun: options.deleteBackingTensorboardRun ?? false,
          deleteArtifacts: options.deleteArtifacts ?? false,
        },
        md,
        o,
        cb,
      ),
    );
  }

  /** Tells the server the run's producer is alive (see the `Heartbeat` RPC). */
  async heartbeat(): Promise<string> {
    const response = await this.api.unary<{ state: RunState }>((md, o, cb) =>
      this.api.stub.heartbeat({ run: this.name }, md, o, cb),
    );
    return stateName(response.state);
  }

  // -- params and summary metrics --------------------------------------------------------------
  /** Merges params key by key: a number logs a double, a bigint an int64, a string a string. */
  async logParams(params: Record<string, ParamValue>): Promise<void> {
    const request = { run: this.name, params: toValueMap(params) };
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.logParams(request, md, o, cb));
  }

  /** Params as logged: an int64 reads back as a bigint, a double as a number. */
  async getParams(): Promise<Record<string, ParamValue>> {
    const response = await this.api.unary<{ params: Record<string, Value> }>(
      (md, o, cb) => this.api.stub.getParams({ run: this.name }, md, o, cb),
    );
    return fromValueMap(response.params);
  }

  /** Merges summary metrics key by key, typed like params. */
  async logMetrics(metrics: Record<string, ParamValue>): Promise<void> {
    const request = { run: this.name, metrics: toValueMap(metrics) };
    this.current = await this.api.unary<Run>((md, o, cb) => this.api.stub.logMetrics(request, md, o, cb));
  }

  async getMetrics(): Promise<Record<string, ParamValue>> {
    const response = await this.api.unary<{ metrics: Record<string, Value> }>(
      (md, o, cb) => this.api.stub.getMetrics({ run: this.name }, md, o, cb),
    );
    return fromValueMap(response.metrics);
  }

  // -- classification metrics ------------------------------------------------------------------
  /** Logs a confusion matrix and/or ROC curve; the server applies the SDK's checks. */
  async logClassificationMetrics(input: ClassificationMetricsInput): Promise<ClassificationMetricsData> {
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
    const proto = await this.api.unary<ClassificationMetrics>((md, o, cb) =>
      this.api.stub.logClassificationMetrics({ parent: this.name, classificationMetrics: body }, md, o, cb),
    );
    return toData(proto);
  }

  /** Every classification metrics of the run, oldest first. */
  async getClassificationMetrics(): Promise<ClassificationMetricsData[]> {
    return this.api.listAll(
      (pageToken) =>
        this.api.unary<{ classificationMetrics: ClassificationMetrics[]; nextPageToken: string }>((md, o, cb) =>
          this.api.stub.listClassificationMetrics({ parent: this.name, pageSize: 1000, pageToken }, md, o, cb),
        ),
      (page) => page.classificationMetrics.map(toData),
    );
  }

  // -- time series -----------------------------------------------------------------------------
  /** A new `TimeSeriesWriter` streaming to this run. The caller owns it: `await writer.close()`. */
  timeSeriesWriter(options: WriterOptions = {}): TimeSeriesWriter {
    return new TimeSeriesWriter(this.api, this.name, options);
  }

  /**
   * One point per metric in one unary call (the SDK's `log_time_series_metrics`); with no
   * `step`, the run's largest step + 1, chosen by the server. Prefer a writer for many points.
   */
  async logTimeSeriesMetrics(metrics: Record<string, number>, step?: number, wallTime?: WallTime): Promise<void> {
    const micros = BigInt(wallTime === undefined ? nowMicros() : toMicros(wallTime));
    const series = Object.entries(metrics).map(([metric, value]) => ({
      metric,
      steps: step === undefined ? [] : [BigInt(step)],
      values: [value],
      wallTimeMicros: [micros],
    }));
    await this.api.unary((md, o, cb) =>
      this.api.stub.writeTimeSeries({ run: this.name, writerId: "", sequence: 0n, batch: { series } }, md, o, cb),
    );
  }

  /** Points per metric in step order; `endStep` is exclusive; `maxPoints` > 0 downsamples. */
  async readTimeSeries(options: ReadOptions = {}): Promise<Map<string, SeriesData>> {
    const request = {
      run: this.name,
      metrics: options.metrics ?? [],
      startStep: BigInt(options.startStep ?? 0),
      endStep: BigInt(options.endStep ?? 0),
      maxPoints: options.maxPoints ?? 0,
    };
    return collectSeries(this.api.serverStream((md) => this.api.stub.readTimeSeries(request, md)));
  }
}
