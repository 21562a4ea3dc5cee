/**
 * An in-process fake of the exprun server's time-series RPCs on a real grpc-js server, with
 * the streaming contract (opened{committed}, cumulative acks after commit, resends at or below
 * the committed sequence acknowledged and not rewritten) and knobs to misbehave: hold acks,
 * tear a stream after N batches, swallow a stream, answer with a rich error, refuse every batch
 * (as a server whose disk is full) while `refuse` is set.
 */
import * as grpc from "@grpc/grpc-js";
import {
  ExperimentRunServiceService,
  type ReadTimeSeriesRequest,
  type ReadTimeSeriesResponse,
  type StreamTimeSeriesRequest,
  type StreamTimeSeriesResponse,
} from "../src/gen/exprun/v1/experiment_run_service.js";
import { Run } from "../src/gen/exprun/v1/resources.js";
import { encodeStatus } from "./status-fixture.js";

export interface StreamPlan {
  /** End the stream with this status after receiving this many batches (before acking the last). */
  failAfterBatches?: { count: number; code: grpc.status; details: string };
  /** Receive and ignore every batch: no commit, no ack. */
  swallow?: boolean;
  /** Answer `open` with this committed sequence instead of the real one. */
  openedWith?: number;
  /** Answer `open` with a rich INVALID_ARGUMENT. */
  rejectOpen?: { field: string; description: string };
}

export function richError(code: grpc.status, details: string, reason: string, fields: [string, string][]): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  const status = encodeStatus({ code, message: details, errorInfo: { reason, domain: "exprun.dev" }, violations: fields });
  metadata.set("grpc-status-details-bin", Buffer.from(status));
  return Object.assign(new Error(details), { code, details, metadata });
}

/** A status a stream ends with: RESOURCE_EXHAUSTED STORAGE_FULL with a RetryInfo, for example. */
export interface Refusal {
  code: grpc.status;
  details: string;
  reason: string;
  retryDelayMs?: number;
}

export function refusal({ code, details, reason, retryDelayMs }: Refusal): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  const status = encodeStatus({ code, message: details, errorInfo: { reason, domain: "exprun.dev" }, retryDelayMs });
  metadata.set("grpc-status-details-bin", Buffer.from(status));
  return Object.assign(new Error(details), { code, details, metadata });
}

export class FakeServer {
  readonly server = new grpc.Server();
  port = 0;
  /** Committed sequence per writer ID. */
  committed = new Map<string, number>();
  /** Stored points: metric → step → value (a rewrite overwrites, as the real store does). */
  points = new Map<string, Map<number, number>>();
  /** Every batch received: [stream number, sequence, points]. */
  received: [number, number, number][] = [];
  /** Points written by batches that were not resends. */
  written = 0;
  streams = 0;
  /** Plans for the next streams, in order; a stream without a plan behaves. */
  plans: StreamPlan[] = [];
  /** While true, commits happen but acks wait in `heldAcks`. */
  holdAcks = false;
  private heldAcks: (() => void)[] = [];
  maxInFlight = 0;
  largestStep = 0;
  /** While set, every stream ends with this status on its next batch, which is not committed. */
  refuse: Refusal | null = null;
  /** Batches refused so far per writer ID (a stream of an earlier test may still arrive). */
  refusalsOf = new Map<string, number>();

  /** Unary calls answered so far, by method name (`getRun`, `createRun`). */
  calls = new Map<string, number>();
  /** Errors the next unary calls of a method fail with, in order; then it answers. */
  unaryFailures = new Map<string, grpc.ServiceError[]>();

  /** A unary handler: fails with the method's queued errors first, then answers a `Run` named in the request. */
  private unary(method: string) {
    return (call: grpc.ServerUnaryCall<{ name?: string; parent?: string; runId?: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
      const failure = this.unaryFailures.get(method)?.shift();
      if (failure !== undefined) {
        callback(failure);
        return;
      }
      const request = call.request;
      const name = request.name ?? `${request.parent}/runs/${request.runId}`;
      callback(null, Run.fromPartial({ name, runId: name.slice(name.lastIndexOf("/") + 1), state: 2 }));
    };
  }

  async start(): Promise<string> {
    this.server.addService(ExperimentRunServiceService, {
      getRun: this.unary("getRun"),
      createRun: this.unary("createRun"),
      streamTimeSeries: (call: grpc.ServerDuplexStream<StreamTimeSeriesRequest, StreamTimeSeriesResponse>) =>
        this.stream(call),
      readTimeSeries: (call: grpc.ServerWritableStream<ReadTimeSeriesRequest, ReadTimeSeriesResponse>) => {
        const steps = this.largestStep > 0 ? [BigInt(this.largestStep)] : [];
        call.write({ series: steps.length ? [{ metric: "m", steps, values: [0], wallTimeMicros: [0n] }] : [] });
        call.end();
      },
    } as unknown as grpc.UntypedServiceImplementation);
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    return `127.0.0.1:${this.port}`;
  }

  releaseAcks(): void {
    this.holdAcks = false;
    for (const send of this.heldAcks.splice(0)) send();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private stream(call: grpc.ServerDuplexStream<StreamTimeSeriesRequest, StreamTimeSeriesResponse>): void {
    const number = ++this.streams;
    const plan = this.plans.shift() ?? {};
    let writer = "";
    let batches = 0;
    let acked = 0;
    let ended = false;
    let halfClosed = false;
    let unackedWrites = 0;
    const end = (error?: grpc.ServiceError) => {
      if (ended) return;
      ended = true;
      if (error) call.emit("error", error);
      else call.end();
    };
    call.on("data", (request: StreamTimeSeriesRequest) => {
      if (ended) return;
      const kind = request.kind;
      if (kind?.$case === "open") {
        writer = kind.value.writerId;
        if (plan.rejectOpen) {
          end(richError(grpc.status.INVALID_ARGUMENT, "bad open", "INVALID_ARGUMENT", [[plan.rejectOpen.field, plan.rejectOpen.description]]));
          return;
        }
        const committed = plan.openedWith ?? this.committed.get(writer) ?? 0;
        acked = committed;
        call.write({ kind: { $case: "opened", value: { committedSequence: BigInt(committed) } } });
        return;
      }
      if (kind?.$case !== "batch") return;
      const sequence = Number(kind.value.sequence);
      let count = 0;
      for (const series of kind.value.batch?.series ?? []) count += series.values.length;
      this.received.push([number, sequence, count]);
      this.maxInFlight = Math.max(this.maxInFlight, sequence - acked);
      batches++;
      if (plan.swallow) return;
      if (this.refuse !== null) {
        this.refusalsOf.set(writer, (this.refusalsOf.get(writer) ?? 0) + 1);
        end(refusal(this.refuse));
        return;
      }
      if (plan.failAfterBatches && batches >= plan.failAfterBatches.count) {
        const { code, details } = plan.failAfterBatches;
        end(Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() }));
        return;
      }
      const committed = this.committed.get(writer) ?? 0;
      if (sequence > committed) {
        for (const series of kind.value.batch?.series ?? []) {
          let stored = this.points.get(series.metric);
          if (!stored) this.points.set(series.metric, (stored = new Map()));
          series.steps.forEach((step, i) => stored!.set(Number(step), series.values[i]!));
        }
        this.written += count;
        this.committed.set(writer, sequence);
      }
      unackedWrites++;
      const ack = () => {
        if (ended) return;
        // Cumulative: the ack names everything committed so far, maybe beyond this batch.
        acked = this.committed.get(writer) ?? 0;
        call.write({ kind: { $case: "ack", value: { committedSequence: BigInt(acked) } } });
        // Like the real server: a half-closed stream ends once every batch is acknowledged.
        if (--unackedWrites === 0 && halfClosed) end();
      };
      if (this.holdAcks) this.heldAcks.push(ack);
      else setTimeout(ack, 1);
    });
    call.on("end", () => {
      halfClosed = true;
      if (unackedWrites === 0 || plan.swallow) end();
    });
    call.on("error", () => undefined);
  }
}
