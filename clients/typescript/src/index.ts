/**
 * `@exprun/client`: the Vertex AI Experiments `ExperimentRun` API over gRPC, for Node.
 *
 * ```ts
 * const client = new ExprunClient({ project: "my-project", experiment: "my-experiment" });
 * const run = await client.createRun("run-1");
 * await run.logParams({ lr: 0.01, layers: 4n, optimizer: "adam" });
 * const writer = run.timeSeriesWriter();
 * await writer.log({ loss: 0.5 }, 1);
 * await writer.close();
 * await run.end();
 * ```
 */
export { type ClientOptions, DEFAULT_LOCATION, DEFAULT_TARGET, type Experiment, ExprunClient, type TlsOptions } from "./client.js";
export {
  AbortedError,
  AlreadyExistsError,
  CancelledError,
  Code,
  codeName,
  DeadlineExceededError,
  decodeStatusDetails,
  type ErrorDetails,
  ExprunError,
  FailedPreconditionError,
  type FieldViolation,
  fromGrpcError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from "./errors.js";
export {
  type ClassificationMetricsData,
  type ClassificationMetricsInput,
  ExperimentRun,
  RunState,
  stateName,
} from "./run.js";
export type { ReadOptions, SeriesData } from "./timeseries.js";
export type { ParamValue, WallTime } from "./values.js";
export { MAX_STREAM_BATCH_POINTS } from "./batching.js";
export { BufferFullError, defaultWriterId, TimeSeriesWriter, type WriterOptions } from "./writer.js";
