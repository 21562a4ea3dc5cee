/**
 * `ExprunClient`: one connection to an exprun server with the defaults every call uses, like
 * the SDK's `aiplatform.init`: target, project, location, experiment, a bearer token, TLS.
 */
import * as grpc from "@grpc/grpc-js";
import { Api, type CallOptions, Paged, type RetryOptions } from "./api.js";
import { AlreadyExistsError } from "./errors.js";
import { type ExecutionInputsAndOutputs as ExecutionInputsAndOutputsProto, ExperimentRunServiceClient } from "./gen/exprun/v1/experiment_run_service.js";
import {
  type Execution as ExecutionProto,
  type Experiment as ExperimentProto,
  type ExperimentModel as ExperimentModelProto,
  Run,
} from "./gen/exprun/v1/resources.js";
import * as names from "./names.js";
import {
  type Execution,
  type ExecutionInput,
  type ExecutionInputsAndOutputs,
  executionProto,
  type ExperimentModel,
  RunState,
  toArtifact,
  toExecution,
  toModel,
  toProtoState,
} from "./resources.js";
import { downloadModel, ExperimentRun, type ModelFileChunk } from "./run.js";

export const DEFAULT_TARGET = "127.0.0.1:50051";
export const DEFAULT_LOCATION = "us-central1";

/** TLS settings; `true` means TLS with the system's root certificates. */
export interface TlsOptions {
  /** PEM root certificates to trust instead of the system's. */
  rootCerts?: Buffer;
  /** PEM client key and certificate chain, for mTLS. */
  privateKey?: Buffer;
  certChain?: Buffer;
}

export interface ClientOptions {
  /** `host:port`; default `EXPRUN_TARGET` or `127.0.0.1:50051`. */
  target?: string;
  /** The project of bare IDs; default `EXPRUN_PROJECT`. */
  project?: string;
  /** The location of bare IDs; default `EXPRUN_LOCATION` or `us-central1`. */
  location?: string;
  /** The experiment of bare run IDs; default `EXPRUN_EXPERIMENT`. */
  experiment?: string;
  /** Sent as `authorization: Bearer <token>` on every call. */
  token?: string;
  /** Plaintext (false, the default) or TLS. */
  tls?: boolean | TlsOptions;
  /** Extra headers on every call. */
  metadata?: Record<string, string>;
  /** The default deadline of each call in ms (a call's own `timeoutMs` wins); none by default. */
  timeoutMs?: number;
  /** How idempotent unary calls retry on UNAVAILABLE (default: 5 attempts, 100 ms doubling to 5 s, with jitter). */
  retry?: RetryOptions;
  /** grpc-js channel options, merged over the defaults (64 MiB messages). */
  channelOptions?: Partial<grpc.ChannelOptions>;
}

/** ReadTimeSeries chunks and model metadata can exceed gRPC's 4 MiB default on receive. */
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": 64 * 1024 * 1024,
  "grpc.max_send_message_length": 64 * 1024 * 1024,
};

/** An experiment as the server returned it. */
export interface Experiment {
  name: string;
  experimentId: string;
  description: string;
  backingTensorboard: string;
  createTime: Date | undefined;
  updateTime: Date | undefined;
}

function toExperiment(proto: ExperimentProto): Experiment {
  return {
    name: proto.name,
    experimentId: names.segment(proto.name, "experiments"),
    description: proto.description,
    backingTensorboard: proto.backingTensorboard,
    createTime: proto.createTime,
    updateTime: proto.updateTime,
  };
}

function credentialsFor(tls: boolean | TlsOptions | undefined): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  const options = tls === true ? {} : tls;
  return grpc.credentials.createSsl(options.rootCerts ?? null, options.privateKey ?? null, options.certChain ?? null);
}

const EXECUTIONS = "metadataStores/default/executions";
const ARTIFACTS = "metadataStores/default/artifacts";

/**
 * One channel to an exprun server. Every method takes `CallOptions` (`{ signal, timeoutMs }`)
 * last; lists are async iterables (`Paged`). `await using client = new ExprunClient(...)`
 * closes it at the end of the scope.
 */
export class ExprunClient {
  readonly target: string;
  readonly location: string;
  readonly experiment: string | undefined;
  private readonly projectId: string | undefined;
  private readonly raw: ExperimentRunServiceClient;
  private readonly api: Api;

  constructor(options: ClientOptions = {}) {
    const env = process.env;
    this.target = options.target || env.EXPRUN_TARGET || DEFAULT_TARGET;
    this.projectId = options.project || env.EXPRUN_PROJECT || undefined;
    this.location = options.location || env.EXPRUN_LOCATION || DEFAULT_LOCATION;
    this.experiment = options.experiment || env.EXPRUN_EXPERIMENT || undefined;
    const headers: [string, string][] = Object.entries(options.metadata ?? {});
    if (options.token) headers.push(["authorization", `Bearer ${options.token}`]);
    this.raw = new ExperimentRunServiceClient(this.target, credentialsFor(options.tls), {
      ...CHANNEL_OPTIONS,
      ...options.channelOptions,
    });
    this.api = new Api(this.raw, headers, options.timeoutMs, options.retry);
  }

  /**
   * The generated grpc-js client on this client's channel (`@exprun/client/gen` has its types),
   * for what the idiomatic layer does not offer. Calls on it get no token, deadline, retries or
   * typed errors unless the caller adds them (`fromGrpcError` types an error).
   */
  get stub(): ExperimentRunServiceClient {
    return this.raw;
  }

  /** The project of bare IDs. */
  get project(): string {
    if (!this.projectId) {
      throw new Error("No project is set: pass { project } to ExprunClient or set EXPRUN_PROJECT.");
    }
    return this.projectId;
  }

  /** Closes the channel; calls after it fail. Writers should be closed first. */
  close(): void {
    this.raw.close();
  }

  /** `await using client = new ExprunClient(...)`: closes the channel when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  // -- names -----------------------------------------------------------------------------------
  experimentName(experiment?: string): string {
    const chosen = experiment ?? this.experiment;
    if (!chosen) {
      throw new Error("No experiment is set: pass { experiment } or set it in the client's options or EXPRUN_EXPERIMENT.");
    }
    return names.experimentName(chosen, this.project, this.location);
  }

  runName(run: string, experiment?: string): string {
    if (run.startsWith("projects/")) return run;
    return `${this.experimentName(experiment)}/runs/${run}`;
  }

  // -- experiments -----------------------------------------------------------------------------
  /** Creates an experiment; `AlreadyExistsError` if it exists. */
  async createExperiment(
    experimentId: string,
    options: CallOptions & { description?: string; backingTensorboard?: string } = {},
  ): Promise<Experiment> {
    const request = {
      parent: names.locationName(this.project, this.location),
      experimentId,
      experiment: {
        name: "",
        description: options.description ?? "",
        backingTensorboard: options.backingTensorboard ?? "",
        createTime: undefined,
        updateTime: undefined,
        metadataContext: "",
      },
    };
    return toExperiment(await this.api.unary<ExperimentProto>((md, o, cb) => this.raw.createExperiment(request, md, o, cb), options));
  }

  /** Gets an experiment; `NotFoundError` if it does not exist. */
  async getExperiment(experiment?: string, options?: CallOptions): Promise<Experiment> {
    const name = this.experimentName(experiment);
    return toExperiment(await this.api.unary<ExperimentProto>((md, o, cb) => this.raw.getExperiment({ name }, md, o, cb), options, true));
  }

  /** Gets an experiment, creating it first if it does not exist. */
  async getOrCreateExperiment(experimentId: string, options: CallOptions & { description?: string } = {}): Promise<Experiment> {
    try {
      return await this.createExperiment(experimentId, options);
    } catch (error) {
      if (error instanceof AlreadyExistsError) return this.getExperiment(experimentId, options);
      throw error;
    }
  }

  /** The experiments of the client's project and location, oldest first, page by page. */
  listExperiments(options: CallOptions & { filter?: string; orderBy?: string } = {}): Paged<Experiment> {
    const parent = names.locationName(this.project, this.location);
    return new Paged(async (pageToken) => {
      const request = { parent, pageSize: 1000, pageToken, filter: options.filter ?? "", orderBy: options.orderBy ?? "" };
      const page = await this.api.unary<{ experiments: ExperimentProto[]; nextPageToken: string }>(
        (md, o, cb) => this.raw.listExperiments(request, md, o, cb),
        options,
        true,
      );
      return { items: page.experiments.map(toExperiment), nextPageToken: page.nextPageToken };
    });
  }

  /**
   * Deletes an experiment and all its runs. Their artifacts and model files stay, as in the SDK,
   * unless `deleteArtifacts`.
   */
  async deleteExperiment(
    experiment?: string,
    options: CallOptions & { deleteBackingTensorboardRuns?: boolean; deleteArtifacts?: boolean } = {},
  ): Promise<void> {
    const request = {
      name: this.experimentName(experiment),
      deleteBackingTensorboardRuns: options.deleteBackingTensorboardRuns ?? false,
      deleteArtifacts: options.deleteArtifacts ?? false,
    };
    await this.api.unary((md, o, cb) => this.raw.deleteExperiment(request, md, o, cb), options);
  }

  // -- runs ------------------------------------------------------------------------------------
  /** A handle on a run by ID (in `experiment` or the client's) or full name; makes no call. */
  run(run: string, options: { experiment?: string } = {}): ExperimentRun {
    return new ExperimentRun(this.api, this.runName(run, options.experiment));
  }

  /** Creates a run, RUNNING unless `state` says otherwise; `AlreadyExistsError` if it exists. */
  async createRun(
    runId: string,
    options: CallOptions & { experiment?: string; state?: RunState; tensorboard?: string } = {},
  ): Promise<ExperimentRun> {
    const request = {
      parent: this.experimentName(options.experiment),
      runId,
      run: Run.fromPartial({ state: toProtoState(options.state ?? RunState.RUNNING) }),
      tensorboard: options.tensorboard ?? "",
    };
    const proto = await this.api.unary<Run>((md, o, cb) => this.raw.createRun(request, md, o, cb), options);
    return new ExperimentRun(this.api, proto.name, proto);
  }

  /** Gets a run; `NotFoundError` if it does not exist. */
  async getRun(run: string, options: CallOptions & { experiment?: string } = {}): Promise<ExperimentRun> {
    const handle = this.run(run, options);
    await handle.refresh(options);
    return handle;
  }

  /** The runs of an experiment, page by page (`filter` and `orderBy` as in `ListRunsRequest`). */
  listRuns(options: CallOptions & { experiment?: string; filter?: string; orderBy?: string } = {}): Paged<ExperimentRun> {
    const parent = this.experimentName(options.experiment);
    return new Paged(async (pageToken) => {
      const request = { parent, pageSize: 1000, pageToken, filter: options.filter ?? "", orderBy: options.orderBy ?? "" };
      const page = await this.api.unary<{ runs: Run[]; nextPageToken: string }>(
        (md, o, cb) => this.raw.listRuns(request, md, o, cb),
        options,
        true,
      );
      return { items: page.runs.map((proto) => new ExperimentRun(this.api, proto.name, proto)), nextPageToken: page.nextPageToken };
    });
  }

  // -- executions (the SDK's aiplatform.Execution) ---------------------------------------------
  /** `projects/{project}/locations/{location}/metadataStores/default/executions/{id}` from an ID or a name. */
  executionName(execution: string): string {
    return names.inLocation(execution, EXECUTIONS, this.project, this.location);
  }

  /** Creates an execution in the location's metadata store; `AlreadyExistsError` for a taken `executionId`. */
  async createExecution(input: ExecutionInput & { executionId?: string } = {}, options?: CallOptions): Promise<Execution> {
    const request = {
      parent: names.locationName(this.project, this.location),
      executionId: input.executionId ?? "",
      execution: executionProto("", input),
    };
    return toExecution(await this.api.unary<ExecutionProto>((md, o, cb) => this.raw.createExecution(request, md, o, cb), options));
  }

  /** Gets an execution by ID or name; `NotFoundError` if it does not exist. */
  async getExecution(execution: string, options?: CallOptions): Promise<Execution> {
    const name = this.executionName(execution);
    return toExecution(await this.api.unary<ExecutionProto>((md, o, cb) => this.raw.getExecution({ name }, md, o, cb), options, true));
  }

  /**
   * Changes what is given of an execution's state, display name, description and metadata
   * (merged key by key, as the SDK's `Execution.update`).
   */
  async updateExecution(
    execution: string,
    changes: { state?: RunState; displayName?: string; description?: string; metadata?: Record<string, unknown> },
    options?: CallOptions,
  ): Promise<Execution> {
    const paths: string[] = [];
    if (changes.state !== undefined) paths.push("state");
    if (changes.displayName !== undefined) paths.push("display_name");
    if (changes.description !== undefined) paths.push("description");
    if (changes.metadata !== undefined) paths.push("metadata");
    const body = executionProto(this.executionName(execution), { ...changes, state: changes.state ?? RunState.STATE_UNSPECIFIED });
    const request = { execution: body, updateMask: paths };
    return toExecution(await this.api.unary<ExecutionProto>((md, o, cb) => this.raw.updateExecution(request, md, o, cb), options, true));
  }

  /**
   * Records artifacts (IDs or names) as inputs and/or outputs of an execution (the SDK's
   * `assign_input_artifacts`/`assign_output_artifacts`); recording one again is a no-op.
   */
  async addExecutionEvents(
    execution: string,
    artifacts: { inputs?: string[]; outputs?: string[] },
    options?: CallOptions,
  ): Promise<void> {
    const artifact = (id: string): string => names.inLocation(id, ARTIFACTS, this.project, this.location);
    const request = {
      execution: this.executionName(execution),
      inputArtifacts: (artifacts.inputs ?? []).map(artifact),
      outputArtifacts: (artifacts.outputs ?? []).map(artifact),
    };
    await this.api.unary((md, o, cb) => this.raw.addExecutionEvents(request, md, o, cb), options, true);
  }

  /** The input and output artifacts of an execution (the SDK's `get_input_artifacts`/`get_output_artifacts`). */
  async getExecutionInputsAndOutputs(execution: string, options?: CallOptions): Promise<ExecutionInputsAndOutputs> {
    const request = { execution: this.executionName(execution) };
    const proto = await this.api.unary<ExecutionInputsAndOutputsProto>(
      (md, o, cb) => this.raw.queryExecutionInputsAndOutputs(request, md, o, cb),
      options,
      true,
    );
    return { inputs: proto.inputs.map(toArtifact), outputs: proto.outputs.map(toArtifact) };
  }

  // -- models ----------------------------------------------------------------------------------
  /**
   * A model by its artifact (an `ExperimentModel`'s `name` or an artifact ID), also after the run
   * that logged it was deleted: models stay unless a delete asks for artifacts too, as in the SDK.
   */
  async getExperimentModel(model: string, options?: CallOptions): Promise<ExperimentModel> {
    const name = names.inLocation(model, ARTIFACTS, this.project, this.location);
    return toModel(await this.api.unary<ExperimentModelProto>((md, o, cb) => this.raw.getExperimentModel({ name }, md, o, cb), options, true));
  }

  /**
   * An uploaded model's files (`DownloadModel`), chunk by chunk: files in the order of the
   * model's `files`, each in chunks of at most 1 MiB. `FailedPreconditionError` for a model
   * logged by reference. `model` is an `ExperimentModel`'s `name` or an artifact ID.
   */
  downloadModel(model: string, options?: CallOptions): AsyncIterable<ModelFileChunk> {
    return downloadModel(this.api, names.inLocation(model, ARTIFACTS, this.project, this.location), options);
  }
}
