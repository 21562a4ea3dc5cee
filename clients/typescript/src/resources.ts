/**
 * Plain values the client returns and accepts: the run state, executions, artifacts, models and
 * job links. Plain objects rather than generated messages, so user code does not depend on the
 * generated code (which stays reachable as `@exprun/client/gen` and `client.stub`).
 */
import type {
  Artifact as ArtifactProto,
  CustomJobLink,
  Execution as ExecutionProto,
  ExperimentModel as ExperimentModelProto,
  PipelineJobLink,
  RunState as ProtoRunState,
} from "./gen/exprun/v1/resources.js";

/**
 * The state of a run or an execution: the names and numbers of Vertex's `Execution.State`
 * (the API's `RunState` without its `RUN_STATE_` prefix), as the Python client's `RunState`.
 * What `getState()`, `heartbeat()` and `Execution.state` return, and what `end()`,
 * `updateState()`, `createRun({ state })` and executions take.
 */
export enum RunState {
  STATE_UNSPECIFIED = 0,
  NEW = 1,
  RUNNING = 2,
  COMPLETE = 3,
  FAILED = 4,
  CACHED = 5,
  CANCELLED = 6,
}

/** The state's name, as the SDK shows it: `RunState.COMPLETE` → `"COMPLETE"`. */
export function stateName(state: RunState): string {
  return RunState[state] ?? `STATE_${Number(state)}`;
}

/** Same numbers on both sides; only the TypeScript enum types differ. */
export function toProtoState(state: RunState): ProtoRunState {
  return state as number as ProtoRunState;
}

export function fromProtoState(state: ProtoRunState): RunState {
  return state as number as RunState;
}

/** The last segment of a resource name: the ID. */
function idOf(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/** A Vertex Metadata execution (`associateExecution`, `listExecutions`, `createExecution`, ...). */
export interface Execution {
  /** `projects/{project}/locations/{location}/metadataStores/default/executions/{execution}`. */
  name: string;
  /** The execution ID, the last segment of `name`. */
  executionId: string;
  displayName: string;
  schemaTitle: string;
  state: RunState;
  metadata: Record<string, unknown>;
  description: string;
  createTime: Date | undefined;
}

/** What `createExecution` and `associateExecution` take to create one. */
export interface ExecutionInput {
  displayName?: string;
  /** Default `system.ContainerExecution`, as in the SDK. */
  schemaTitle?: string;
  /** Default `RunState.RUNNING`. */
  state?: RunState;
  /** JSON-like metadata of at most 200 KB serialized. */
  metadata?: Record<string, unknown>;
  description?: string;
}

export function toExecution(proto: ExecutionProto): Execution {
  return {
    name: proto.name,
    executionId: idOf(proto.name),
    displayName: proto.displayName,
    schemaTitle: proto.schemaTitle,
    state: fromProtoState(proto.state),
    metadata: (proto.metadata as Record<string, unknown> | undefined) ?? {},
    description: proto.description,
    createTime: proto.createTime,
  };
}

export function executionProto(name: string, input: ExecutionInput): ExecutionProto {
  return {
    name,
    displayName: input.displayName ?? "",
    schemaTitle: input.schemaTitle ?? "",
    state: toProtoState(input.state ?? RunState.RUNNING),
    metadata: input.metadata ?? {},
    description: input.description ?? "",
    createTime: undefined,
  };
}

/** A Vertex Metadata artifact of a run: the TensorBoard run link, classification metrics, models, ... */
export interface Artifact {
  /** `projects/{project}/locations/{location}/metadataStores/default/artifacts/{artifact}`. */
  name: string;
  artifactId: string;
  displayName: string;
  /** For example `google.ClassificationMetrics`, `google.ExperimentModel`. */
  schemaTitle: string;
  uri: string;
  metadata: Record<string, unknown>;
  createTime: Date | undefined;
}

export function toArtifact(proto: ArtifactProto): Artifact {
  return {
    name: proto.name,
    artifactId: idOf(proto.name),
    displayName: proto.displayName,
    schemaTitle: proto.schemaTitle,
    uri: proto.uri,
    metadata: (proto.metadata as Record<string, unknown> | undefined) ?? {},
    createTime: proto.createTime,
  };
}

/** One file of an uploaded model, as the server recorded it. */
export interface ModelFileInfo {
  path: string;
  /** Sizes are int64 on the wire; a model file is far below 2^53 bytes. */
  sizeBytes: number;
  sha256: string;
}

/** A model logged to a run (a `google.ExperimentModel` artifact). */
export interface ExperimentModel {
  /** `projects/{project}/locations/{location}/metadataStores/default/artifacts/{artifact}`. */
  name: string;
  artifactId: string;
  displayName: string;
  frameworkName: string;
  frameworkVersion: string;
  modelFile: string;
  modelClass: string;
  /** The model directory: the caller's for a model logged by reference, the server's staging for uploads. */
  uri: string;
  inputExample: unknown;
  files: ModelFileInfo[];
  createTime: Date | undefined;
}

export function toModel(proto: ExperimentModelProto): ExperimentModel {
  return {
    name: proto.name,
    artifactId: proto.artifactId || idOf(proto.name),
    displayName: proto.displayName,
    frameworkName: proto.frameworkName,
    frameworkVersion: proto.frameworkVersion,
    modelFile: proto.modelFile,
    modelClass: proto.modelClass,
    uri: proto.uri,
    inputExample: proto.inputExample,
    files: proto.files.map((file) => ({ path: file.path, sizeBytes: Number(file.sizeBytes), sha256: file.sha256 })),
    createTime: proto.createTime,
  };
}

/** A pipeline job linked to a run. */
export interface PipelineJob {
  /** `projects/{project}/locations/{location}/pipelineJobs/{pipeline_job}`. */
  pipelineJob: string;
  createTime: Date | undefined;
}

export function toPipelineJob(proto: PipelineJobLink): PipelineJob {
  return { pipelineJob: proto.pipelineJob, createTime: proto.createTime };
}

/** A custom job linked to a run. */
export interface CustomJob {
  /** `projects/{project}/locations/{location}/customJobs/{custom_job}`. */
  customJob: string;
  /** The job's page in the Cloud console. */
  consoleUri: string;
}

export function toCustomJob(proto: CustomJobLink): CustomJob {
  return { customJob: proto.customJob, consoleUri: proto.consoleUri };
}

/** The artifacts an execution read and produced, each in the order they were recorded. */
export interface ExecutionInputsAndOutputs {
  inputs: Artifact[];
  outputs: Artifact[];
}
