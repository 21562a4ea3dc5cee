/**
 * `ExprunClient`: one connection to an exprun server with the defaults every call uses, like
 * the SDK's `aiplatform.init`: target, project, location, experiment, a bearer token, TLS.
 */
import * as grpc from "@grpc/grpc-js";
import { Api } from "./api.js";
import { AlreadyExistsError } from "./errors.js";
import { ExperimentRunServiceClient } from "./gen/exprun/v1/experiment_run_service.js";
import { type Experiment as ExperimentProto, Run, RunState } from "./gen/exprun/v1/resources.js";
import * as names from "./names.js";
import { ExperimentRun } from "./run.js";

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
  /** A deadline for each unary call, in ms; none by default. */
  timeoutMs?: number;
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

export class ExprunClient {
  readonly target: string;
  readonly location: string;
  readonly experiment: string | undefined;
  private readonly projectId: string | undefined;
  private readonly stub: ExperimentRunServiceClient;
  private readonly api: Api;

  constructor(options: ClientOptions = {}) {
    const env = process.env;
    this.target = options.target || env.EXPRUN_TARGET || DEFAULT_TARGET;
    this.projectId = options.project || env.EXPRUN_PROJECT || undefined;
    this.location = options.location || env.EXPRUN_LOCATION || DEFAULT_LOCATION;
    this.experiment = options.experiment || env.EXPRUN_EXPERIMENT || undefined;
    const headers: [string, string][] = Object.entries(options.metadata ?? {});
    if (options.token) headers.push(["authorization", `Bearer ${options.token}`]);
    this.stub = new ExperimentRunServiceClient(this.target, credentialsFor(options.tls), {
      ...CHANNEL_OPTIONS,
      ...options.channelOptions,
    });
    this.api = new Api(this.stub, headers, options.timeoutMs);
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
    this.stub.close();
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
    options: { description?: string; backingTensorboard?: string } = {},
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
    return toExperiment(
      await this.api.unary<ExperimentProto>((md, o, cb) => this.stub.createExperiment(request, md, o, cb)),
    );
  }

  /** Gets an experiment; `NotFoundError` if it does not exist. */
  async getExperiment(experiment?: string): Promise<Experiment> {
    const name = this.experimentName(experiment);
    return toExperiment(await this.api.unary<ExperimentProto>((md, o, cb) => this.stub.getExperiment({ name }, md, o, cb)));
  }

  /** Gets an experiment, creating it first if it does not exist. */
  async getOrCreateExperiment(experimentId: string, options: { description?: string } = {}): Promise<Experiment> {
    try {
      return await this.createExperiment(experimentId, options);
    } catch (error) {
      if (error instanceof AlreadyExistsError) return this.getExperiment(experimentId);
      throw error;
    }
  }

  /** Every experiment of the client's project and location, oldest first. */
  async listExperiments(options: { filter?: string; orderBy?: string } = {}): Promise<Experiment[]> {
    const parent = names.locationName(this.project, this.location);
    return this.api.listAll(
      (pageToken) =>
        this.api.unary<{ experiments: ExperimentProto[]; nextPageToken: string }>((md, o, cb) =>
          this.stub.listExperiments(
            { parent, pageSize: 1000, pageToken, filter: options.filter ?? "", orderBy: options.orderBy ?? "" },
            md,
            o,
            cb,
          ),
        ),
      (page) => page.experiments.map(toExperiment),
    );
  }

  /**
   * Deletes an experiment and all its runs. Their artifacts and model files stay, as in the SDK,
   * unless `deleteArtifacts`.
   */
  async deleteExperiment(
    experiment?: string,
    options: { deleteBackingTensorboardRuns?: boolean; deleteArtifacts?: boolean } = {},
  ): Promise<void> {
    const name = this.experimentName(experiment);
    await this.api.unary((md, o, cb) =>
      this.stub.deleteExperiment(
        {
          name,
          deleteBackingTensorboardRuns: options.deleteBackingTensorboardRuns ?? false,
          deleteArtifacts: options.deleteArtifacts ?? false,
        },
        md,
        o,
        cb,
      ),
    );
  }

  // -- runs ------------------------------------------------------------------------------------
  /** A handle on a run by ID (in `experiment` or the client's) or full name; makes no call. */
  run(run: string, options: { experiment?: string } = {}): ExperimentRun {
    return new ExperimentRun(this.api, this.runName(run, options.experiment));
  }

  /** Creates a run, RUNNING unless `state` says otherwise; `AlreadyExistsError` if it exists. */
  async createRun(
    runId: string,
    options: { experiment?: string; state?: RunState; tensorboard?: string } = {},
  ): Promise<ExperimentRun> {
    const parent = this.experimentName(options.experiment);
    const request = {
      parent,
      runId,
      run: Run.fromPartial({ state: options.state ?? RunState.RUN_STATE_RUNNING }),
      tensorboard: options.tensorboard ?? "",
    };
    const proto = await this.api.unary<Run>((md, o, cb) => this.stub.createRun(request, md, o, cb));
    return new ExperimentRun(this.api, proto.name, proto);
  }

  /** Gets a run; `NotFoundError` if it does not exist. */
  async getRun(run: string, options: { experiment?: string } = {}): Promise<ExperimentRun> {
    const handle = this.run(run, options);
    await handle.refresh();
    return handle;
  }

  /** Every run of an experiment (`filter` and `orderBy` as in `ListRunsRequest`). */
  async listRuns(options: { experiment?: string; filter?: string; orderBy?: string } = {}): Promise<ExperimentRun[]> {
    const parent = this.experimentName(options.experiment);
    return this.api.listAll(
      (pageToken) =>
        this.api.unary<{ runs: Run[]; nextPageToken: string }>((md, o, cb) =>
          this.stub.listRuns(
            { parent, pageSize: 1000, pageToken, filter: options.filter ?? "", orderBy: options.orderBy ?? "" },
            md,
            o,
            cb,
          ),
        ),
      (page) => page.runs.map((proto) => new ExperimentRun(this.api, proto.name, proto)),
    );
  }
}
