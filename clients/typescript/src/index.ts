/**
 * `@exprun/client`: the Vertex AI Experiments `ExperimentRun` API over gRPC, for Node.
 *
 * ```ts
 * await using client = new ExprunClient({ project: "my-project", experiment: "my-experiment" });
 * const run = await client.createRun("run-1");
 * await run.logParams({ lr: 0.01, layers: 4, optimizer: "adam" });
 * await using writer = run.timeSeriesWriter();
 * await writer.log({ loss: 0.5 }, 1);
 * ```
 *
 * The generated code (messages, the grpc-js client class) is `@exprun/client/gen`.
 */
export { type CallOptions, Paged, type RetryOptions } from "./api.js";
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
export type { LogModelInput, ModelFileInput } from "./models.js";
export {
  type Artifact,
  type CustomJob,
  type Execution,
  type ExecutionInput,
  type ExecutionInputsAndOutputs,
  type ExperimentModel,
  type ModelFileInfo,
  type PipelineJob,
  RunState,
  stateName,
} from "./resources.js";
export { type ClassificationMetricsData, type ClassificationMetricsInput, ExperimentRun, type ModelFileChunk } from "./run.js";
export { type ReadOptions, SeriesReader, type SeriesData } from "./timeseries.js";
export { Double, double, type ParamInput, type ParamValue, type WallTime } from "./values.js";
export { MAX_STREAM_BATCH_POINTS } from "./batching.js";
export { BufferFullError, defaultWriterId, TimeSeriesWriter, type WriterOptions } from "./writer.js";
