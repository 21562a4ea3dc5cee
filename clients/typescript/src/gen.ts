/**
 * `@exprun/client/gen`: the code ts-proto generates from protos/exprun/v1, for what the
 * idiomatic layer does not cover: every request and response message with its codec, the
 * `ExperimentRunServiceClient` grpc-js client class (`client.stub` is one on the client's
 * channel) and `ExperimentRunServiceService`, the service definition.
 */
export * from "./gen/exprun/v1/experiment_run_service.js";
export {
  Artifact,
  ClassificationMetrics,
  CustomJobLink,
  Execution,
  Experiment,
  ExperimentModel,
  MatrixRow,
  ModelFile,
  PipelineJobLink,
  Run,
  Run_MetricsEntry,
  Run_ParamsEntry,
  RunState,
  TimeSeries,
  TimeSeriesBatch,
  Value,
} from "./gen/exprun/v1/resources.js";
