/**
 * `TimeSeriesWriter`: streamed time series that never hold up the training loop for long.
 *
 * `log` and `logColumns` only append to per-metric column buffers (Float64Arrays, no protobuf
 * objects). The writer owns one `StreamTimeSeries` call: it cuts the buffers into batches by
 * size (`maxBatchPoints`) and by age (`maxBatchDelayMs`), numbers them, sends at most
 * `maxUnackedBatches` ahead of the server's cumulative ack, and keeps every batch until it is
 * acknowledged. When the stream fails with a transient status (UNAVAILABLE, a torn connection,
 * a server draining for shutdown; RESOURCE_EXHAUSTED with a `RetryInfo`, as the server's
 * `STORAGE_FULL` when its disk is full) it reopens it with exponential backoff and jitter, never
 * sooner than the `RetryInfo` delay, and keeps doing so until the server accepts again or the
 * writer is closed; it learns the committed sequence from `opened`, drops what the server already has and resends the rest in
 * order; `(run, metric, step)` overwrites, so even a resend the server did not recognise is
 * harmless. A permanent status (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION,
 * PERMISSION_DENIED, UNAUTHENTICATED, ...) stops the writer; the typed error rejects the
 * pending and every later `log`, `flush` and `close`.
 *
 * Node runs all of this on the caller's event loop: sending, acks and timers happen whenever
 * the caller awaits. `log` resolves at once while there is room, and yields one event-loop turn
 * each time the buffer fills a batch, so a tight `await writer.log(...)` loop still lets the
 * stream send.
 *
 * Memory: buffered plus unacknowledged points never exceed `maxBufferedPoints`. When full,
 * `log` waits until acks free room (`onFull: "block"`, the default) or rejects with
 * `BufferFullError` (`onFull: "error"`). Nothing is ever dropped silently: points are only
 * released when acknowledged.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type * as grpc from "@grpc/grpc-js";
import type { Api } from "./api.js";
import { type Batch, type StreamPosition, WriterState } from "./batching.js";
import { encodeBatchRequest } from "./encoding.js";
import {
  Code,
  DeadlineExceededError,
  ExprunError,
  FailedPreconditionError,
  fromGrpcError,
  InternalError,
  invalidArgument,
  ResourceExhaustedError,
} from "./errors.js";
import { StreamTimeSeriesRequest, StreamTimeSeriesResponse } from "./gen/exprun/v1/experiment_run_service.js";
import { segment } from "./names.js";
import { nowMicros, toMicros, type WallTime } from "./values.js";

const STREAM_METHOD = "/exprun.v1.ExperimentRunService/StreamTimeSeries";

/** Statuses after which the stream is reopened: a refused or torn connection, a draining server. */
const RETRY_ALWAYS = new Set<number>([Code.UNAVAILABLE, Code.ABORTED, Code.DEADLINE_EXCEEDED]);
/**
 * Usually transient (a proxy resetting a stream shows as INTERNAL or UNKNOWN) but possibly a
 * server bug that repeats forever: retried, but only `LIMITED_RETRIES` times in a row.
 */
const RETRY_LIMITED = new Set<number>([Code.INTERNAL, Code.UNKNOWN, Code.RESOURCE_EXHAUSTED, Code.CANCELLED]);
const LIMITED_RETRIES = 5;
/** The longest a `RetryInfo` delay is honoured: a server's absurd delay must not park the writer. */
const MAX_RETRY_INFO_DELAY_MS = 60_000;

/** `log` found `maxBufferedPoints` points buffered or unacknowledged with `onFull: "error"`. */
export class BufferFullError extends ResourceExhaustedError {}

export interface WriterOptions {
  /**
   * Names this writer to the server, which remembers the highest batch it committed for it.
   * The default (run, host, pid, random) is stable across this writer's reconnects but new for
   * every writer. Pass your own stable ID to make a restarted process continue the same writer.
   * Two live writers must never share an ID.
   */
  writerId?: string;
  /** Points per batch (default 50,000; at most 100,000). */
  maxBatchPoints?: number;
  /** How long the oldest buffered point waits before a partial batch is sent (default 50 ms). */
  maxBatchDelayMs?: number;
  /** Batches in flight ahead of the server's ack (default 16). */
  maxUnackedBatches?: number;
  /** Bound on buffered plus unacknowledged points (default 2,000,000). */
  maxBufferedPoints?: number;
  /** What `log` does when that bound is reached: wait for acks, or reject with `BufferFullError`. */
  onFull?: "block" | "error";
  /** Reconnect backoff `[min, max]` in ms (default `[50, 5000]`), with jitter. */
  reconnectBackoffMs?: [number, number];
}

interface Connection {
  call: grpc.ClientDuplexStream<Buffer, StreamTimeSeriesResponse>;
  position: StreamPosition;
  done: boolean;
  /** Dropped by `reconnect()`: reopened at once, without backoff. */
  forced: boolean;
  draining: boolean;
  halfClosed: boolean;
  /** The server acknowledged something new on this stream. */
  progressed: boolean;
}

interface RoomWaiter {
  count: number;
  admit: () => void;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface FlushWaiter {
  targetLogged: number;
  targetSequence: number | null;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Deferred {
  resolve: () => void;
  reject: (error: Error) => void;
}

const identity = (payload: Buffer): Buffer => payload;
const decodeResponse = (bytes: Buffer): StreamTimeSeriesResponse => StreamTimeSeriesResponse.decode(bytes);

/** `{run}-{host}-{pid}-{random}`: unique per writer, readable in the server's writer table. */
export function defaultWriterId(run: string): string {
  const runId = segment(run, "runs") || "run";
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 40) || "host";
  return `${runId.slice(0, 60)}-${host}-${process.pid}-${randomBytes(4).toString("hex")}`.slice(0, 128);
}

/** The delay before reconnect attempt `failures`: exponential, capped, with jitter in [0.5, 1]. */
export function backoffDelay(failures: number, [low, high]: readonly [number, number], random = Math.random): number {
  return Math.min(high, low * 2 ** Math.min(failures, 30)) * (0.5 + random() / 2);
}

/**
 * The delay before reconnect attempt `failures` after the server said "not before
 * `retryInfoMs`" (null: it did not): the longer of the backoff and that delay (capped at a
 * minute) plus up to a quarter more, so writers refused together do not all return at once.
 */
export function retryDelay(
  failures: number,
  backoff: readonly [number, number],
  retryInfoMs: number | null,
  random = Math.random,
): number {
  const floor = retryInfoMs === null ? 0 : Math.min(retryInfoMs, MAX_RETRY_INFO_DELAY_MS) * (1 + random() / 4);
  return Math.max(backoffDelay(failures, backoff, random), floor);
}

/** Streams a run's time series in acknowledged batches; see the module comment. */
export class TimeSeriesWriter {
  /** The run's resource name. */
  readonly run: string;
  readonly writerId: string;
  private readonly api: Api;
  private readonly state: WriterState;
  private readonly onFull: "block" | "error";
  private readonly backoff: [number, number];
  private readonly openPayload: Buffer;

  private connection: Connection | null = null;
  private error: ExprunError | null = null;
  private accepting = true;
  private closing = false;
  private closed = false;
  private failures = 0;
  private roomWaiters: RoomWaiter[] = [];
  private flushWaiters: FlushWaiter[] = [];
  private openWaiters: Deferred[] = [];
  private closeWaiter: Deferred | null = null;
  private closePromise: Promise<void> | null = null;
  private nextStep: number | null = null;
  private stepGate: Promise<void> | null = null;
  private pumpScheduled = false;
  private batchTimer: NodeJS.Timeout | null = null;
  private batchTimerDue = Infinity;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(api: Api, run: string, options: WriterOptions = {}) {
    const [low, high] = options.reconnectBackoffMs ?? [50, 5000];
    if (!(low > 0 && low <= high)) throw new RangeError("reconnectBackoffMs must be [min, max] with 0 < min <= max");
    const onFull = options.onFull ?? "block";
    if (onFull !== "block" && onFull !== "error") throw new RangeError('onFull must be "block" or "error"');
    this.state = new WriterState({
      maxBatchPoints: options.maxBatchPoints ?? 50_000,
      maxBatchDelayMs: options.maxBatchDelayMs ?? 50,
      maxUnackedBatches: options.maxUnackedBatches ?? 16,
      maxBufferedPoints: options.maxBufferedPoints ?? 2_000_000,
    });
    this.api = api;
    this.run = run;
    this.writerId = options.writerId ?? defaultWriterId(run);
    this.onFull = onFull;
    this.backoff = [low, high];
    this.openPayload = Buffer.from(
      StreamTimeSeriesRequest.encode({
        kind: { $case: "open", value: { run: this.run, writerId: this.writerId } },
      }).finish(),
    );
    this.connect();
  }

  // -- counters --------------------------------------------------------------------------------
  /** The highest batch sequence the server has acknowledged for this writer. */
  get committedSequence(): number {
    return this.state.committed;
  }

  /** Points of this writer acknowledged as durable so far. */
  get pointsAcked(): number {
    return this.state.acked;
  }

  /** Points admitted by `log`/`logColumns` so far. */
  get pointsLogged(): number {
    return this.state.logged;
  }

  /** Points buffered or sent but not yet acknowledged. */
  get pointsPending(): number {
    return this.state.pending;
  }

  // -- producer API ----------------------------------------------------------------------------
  /**
   * Buffers one point per metric at `step` and resolves at once while there is room.
   *
   * No `step` means this writer's last logged step + 1; before the writer has logged anything,
   * the run's largest step + 1, asked of the server once (1 for an empty run). No `wallTime`
   * means now. Values must be finite numbers. Waits only when `maxBufferedPoints` are pending
   * and `onFull` is "block".
   */
  async log(metrics: Record<string, number>, step?: number, wallTime?: WallTime): Promise<void> {
    this.checkUsable();
    const micros = wallTime === undefined ? nowMicros() : toMicros(wallTime);
    let count = 0;
    for (const metric in metrics) {
      const value = metrics[metric];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        const reason = typeof value === "number" ? "INVALID_VALUE" : "INVALID_ARGUMENT";
        throw invalidArgument(`metrics['${metric}']`, `value ${String(value)} must be a finite number`, reason, { metric });
      }
      count++;
    }
    if (step !== undefined) checkStep(step, "step");
    if (count === 0) return;
    if (count > this.state.limits.maxBufferedPoints) {
      throw invalidArgument("metrics", `${count} metrics in one row exceed maxBufferedPoints`);
    }
    if (this.stepGate !== null || (step === undefined && this.nextStep === null)) {
      await this.startDefaultSteps();
    }
    const admit = (): void => {
      const at = step ?? this.nextStep!;
      for (const metric in metrics) this.state.column(metric).push(metrics[metric]!, at, micros);
      this.nextStep = at + 1;
      this.admitted(count);
    };
    await this.enqueue(count, admit);
  }

  /**
   * Buffers aligned columns: row `i` is `{metric: columns[metric][i]}` at `steps[i]`.
   *
   * The fast path: arrays and typed arrays are copied once into Float64Arrays. `wallTimeMicros`
   * is one wall time per row, one for every row, or absent for now. A call larger than the
   * free room is admitted in slices of at most one batch as acks free room (or rejected whole
   * with `onFull: "error"`).
   */
  async logColumns(
    steps: ArrayLike<number>,
    columns: Record<string, ArrayLike<number>>,
    wallTimeMicros?: ArrayLike<number> | WallTime,
  ): Promise<void> {
    this.checkUsable();
    const metrics = Object.keys(columns);
    if (metrics.length === 0) throw invalidArgument("columns", "must hold at least one metric");
    const rows = steps.length;
    const stepColumn = Float64Array.from(steps);
    for (let i = 0; i < rows; i++) checkStep(stepColumn[i]!, `steps[${i}]`);
    const values = new Map<string, Float64Array>();
    for (const metric of metrics) {
      const data = columns[metric]!;
      if (data.length !== rows) {
        throw invalidArgument(`columns['${metric}']`, `has ${data.length} values but steps has ${rows}`, "INVALID_ARGUMENT", { metric });
      }
      const column = Float64Array.from(data);
      for (let i = 0; i < rows; i++) {
        if (!Number.isFinite(column[i]!)) {
          throw invalidArgument(`columns['${metric}'][${i}]`, `value ${column[i]} must be a finite number`, "INVALID_VALUE", {
            metric,
          });
        }
      }
      values.set(metric, column);
    }
    let walls: Float64Array | number;
    if (wallTimeMicros === undefined) walls = nowMicros();
    else if (typeof wallTimeMicros === "number" || wallTimeMicros instanceof Date) walls = toMicros(wallTimeMicros);
    else {
      if (wallTimeMicros.length !== rows) {
        throw invalidArgument("wallTimeMicros", `has ${wallTimeMicros.length} entries but steps has ${rows}`);
      }
      walls = Float64Array.from(wallTimeMicros);
      for (let i = 0; i < rows; i++) toMicros(walls[i]!, `wallTimeMicros[${i}]`);
    }
    const width = metrics.length;
    if (width > this.state.limits.maxBufferedPoints) {
      throw invalidArgument("columns", `${width} metrics in one row exceed maxBufferedPoints`);
    }
    if (rows === 0) return;
    if (this.stepGate !== null) await this.stepGate;
    const total = rows * width;
    const slice = (start: number, end: number) => (): void => {
      for (const [metric, column] of values) this.state.column(metric).pushRows(column, stepColumn, walls, start, end);
      this.nextStep = stepColumn[end - 1]! + 1;
      this.admitted((end - start) * width);
    };
    if (this.roomWaiters.length === 0 && total <= this.state.free) {
      await this.enqueue(total, slice(0, rows));
      return;
    }
    if (this.onFull === "error") throw this.bufferFull(total);
    // Too big for the free room: admit slices of at most one batch as acks free room.
    const chunk = Math.max(1, Math.floor(this.state.limits.maxBatchPoints / width));
    const admissions: Promise<void>[] = [];
    for (let start = 0; start < rows; start += chunk) {
      const end = Math.min(rows, start + chunk);
      admissions.push(this.enqueue((end - start) * width, slice(start, end)));
    }
    await Promise.all(admissions);
  }

  /**
   * Admits `count` points through `admit` now if they fit and nobody waits before them;
   * otherwise waits in line (or rejects with `BufferFullError`). After a full batch, yields one
   * event-loop turn so the stream can send while the producer loops.
   */
  private enqueue(count: number, admit: () => void): Promise<void> {
    if (this.error !== null) return Promise.reject(this.error);
    if (this.closed) return Promise.reject(new Error("TimeSeriesWriter is closed"));
    if (this.roomWaiters.length === 0 && count <= this.state.free) {
      const before = this.state.buffered;
      admit();
      const max = this.state.limits.maxBatchPoints;
      if (before < max && this.state.buffered >= max) return new Promise((resolve) => setImmediate(resolve));
      return Promise.resolve();
    }
    if (this.onFull === "error") return Promise.reject(this.bufferFull(count));
    return new Promise<void>((resolve, reject) => {
      this.roomWaiters.push({ count, admit, resolve, reject });
      // A full buffer is ripe: make sure it is cut even if it is below one batch.
      this.state.cutNow = true;
      this.schedulePump();
    });
  }

  /** Books admitted points and wakes the sender when a batch started or filled. */
  private admitted(count: number): void {
    const before = this.state.buffered;
    this.state.admitted(count, performance.now());
    const max = this.state.limits.maxBatchPoints;
    if (before < max && this.state.buffered >= max) this.schedulePump();
    else if (before === 0 && this.connection?.position.opened) this.armBatchTimer();
  }

  private admitWaiting(): void {
    while (this.roomWaiters.length > 0 && this.roomWaiters[0]!.count <= this.state.free) {
      const waiter = this.roomWaiters.shift()!;
      waiter.admit();
      waiter.resolve();
    }
    if (this.roomWaiters.length > 0) this.state.cutNow = true;
  }

  private bufferFull(count: number): BufferFullError {
    const pending = this.state.limits.maxBufferedPoints - this.state.free;
    return new BufferFullError(
      Code.RESOURCE_EXHAUSTED,
      `${pending} points are buffered or unacknowledged; ${count} more would exceed maxBufferedPoints=${this.state.limits.maxBufferedPoints}`,
      {
        reason: "WRITER_BUFFER_FULL",
        domain: "exprun.client",
        metadata: { pending_points: String(pending), max_buffered_points: String(this.state.limits.maxBufferedPoints) },
      },
    );
  }

  /** Fetches the run's largest step once, before this writer's first default step. */
  private startDefaultSteps(): Promise<void> {
    if (this.stepGate === null) {
      this.stepGate = (async () => {
        if (this.nextStep !== null) return;
        let largest = 0;
        for await (const chunk of this.api.serverStream((metadata) =>
          this.api.stub.readTimeSeries({ run: this.run, metrics: [], startStep: 0n, endStep: 0n, maxPoints: 1 }, metadata),
        )) {
          for (const series of chunk.series) {
            for (const step of series.steps) if (Number(step) > largest) largest = Number(step);
          }
        }
        if (this.nextStep === null) this.nextStep = largest + 1;
      })();
      // Later calls wait for the same answer; a failed fetch is retried by the next call.
      this.stepGate.then(
        () => (this.stepGate = null),
        () => (this.stepGate = null),
      );
    }
    return this.stepGate;
  }

  // -- flush, reconnect, close -----------------------------------------------------------------
  /**
   * Resolves when every point logged before the call (including calls still waiting for room)
   * is acknowledged as durable. Rejects with the writer's error if it stopped, and with
   * `DeadlineExceededError` if `timeoutMs` passes first (the points stay pending).
   */
  async flush(timeoutMs?: number): Promise<void> {
    if (this.error !== null) throw this.error;
    if (this.stepGate !== null) await this.stepGate.catch(() => undefined);
    let queued = 0;
    for (const waiter of this.roomWaiters) queued += waiter.count;
    const waiter: FlushWaiter = {
      targetLogged: this.state.logged + queued,
      targetSequence: null,
      resolve: () => undefined,
      reject: () => undefined,
    };
    const done = new Promise<void>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.flushWaiters.push(waiter);
    if (this.state.swapped < waiter.targetLogged) {
      this.state.cutNow = true;
      this.schedulePump();
    }
    this.checkFlushed();
    await this.withTimeout(done, timeoutMs, () => {
      this.flushWaiters = this.flushWaiters.filter((w) => w !== waiter);
      return new DeadlineExceededError(
        Code.DEADLINE_EXCEEDED,
        `TimeSeriesWriter: ${this.state.pending} points not acknowledged yet (they stay pending)`,
      );
    });
  }

  /**
   * Drops the current stream and opens a new one, as after a lost connection: the writer learns
   * the committed sequence from `opened` and resends every batch above it. Resolves when the
   * new stream is open.
   */
  reconnect(): Promise<void> {
    if (this.error !== null) return Promise.reject(this.error);
    if (this.closed) return Promise.reject(new Error("TimeSeriesWriter is closed"));
    const opened = new Promise<void>((resolve, reject) => this.openWaiters.push({ resolve, reject }));
    const connection = this.connection;
    if (connection !== null && !connection.done) {
      connection.forced = true;
      connection.call.cancel();
    } else if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.connect();
    }
    return opened;
  }

  /**
   * Flushes, half-closes the stream and ends the writer. Idempotent: every call returns the
   * same promise. Rejects with the writer's error if it stopped. If `timeoutMs` passes first,
   * the stream is cancelled and `DeadlineExceededError` says how many points were not
   * acknowledged: those points are not written by this writer.
   */
  close(timeoutMs?: number): Promise<void> {
    if (this.closePromise !== null) return this.closePromise;
    this.accepting = false;
    this.closing = true;
    this.state.cutNow = true;
    const done = new Promise<void>((resolve, reject) => {
      this.closeWaiter = { resolve, reject };
    });
    this.closePromise = this.withTimeout(done, timeoutMs, () => {
      const pending = this.state.pending;
      this.abort();
      return new DeadlineExceededError(
        Code.DEADLINE_EXCEEDED,
        `TimeSeriesWriter ${this.writerId} closed with ${pending} points not acknowledged in time; they were not written`,
      );
    });
    const begin = (): void => {
      if (this.error !== null) this.closeWaiter!.reject(this.error);
      else if (this.nothingPending() && !this.connection?.position.opened) this.finishClose();
      else this.schedulePump();
    };
    // Calls that wait for the run's largest step were made before close: they go in first.
    if (this.stepGate !== null) void this.stepGate.catch(() => undefined).then(begin);
    else begin();
    return this.closePromise;
  }

  /** `await using writer = run.timeSeriesWriter()`: closes (flushes) the writer when the scope ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private withTimeout(done: Promise<void>, timeoutMs: number | undefined, onTimeout: () => Error): Promise<void> {
    if (timeoutMs === undefined) return done;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
      done.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private nothingPending(): boolean {
    return this.state.pending === 0 && this.roomWaiters.length === 0;
  }

  private finishClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    const connection = this.connection;
    this.connection = null;
    if (connection !== null && !connection.done) {
      connection.done = true;
      connection.call.cancel();
    }
    this.checkFlushed();
    this.closeWaiter?.resolve();
  }

  /** Stops everything after a close timeout: the pending points are reported, not written. */
  private abort(): void {
    this.closed = true;
    this.clearTimers();
    const connection = this.connection;
    this.connection = null;
    if (connection !== null && !connection.done) {
      connection.done = true;
      connection.call.cancel();
    }
    const error = new ExprunError(Code.CANCELLED, "TimeSeriesWriter was aborted");
    for (const waiter of this.roomWaiters.splice(0)) waiter.reject(error);
    for (const waiter of this.flushWaiters.splice(0)) waiter.reject(error);
    for (const waiter of this.openWaiters.splice(0)) waiter.reject(error);
  }

  private checkUsable(): void {
    if (this.error !== null) throw this.error;
    if (!this.accepting) throw new Error("TimeSeriesWriter is closed");
  }

  /** Stops the writer. Points still pending are reported in the error, never dropped silently. */
  private fail(error: ExprunError): void {
    if (this.error === null) {
      error.message +=
        ` (TimeSeriesWriter ${this.writerId} stopped; ${this.state.pending} points logged to it were not ` +
        `acknowledged and are not written; ${this.state.acked} were)`;
      this.error = error;
    }
    this.accepting = false;
    this.clearTimers();
    const connection = this.connection;
    this.connection = null;
    if (connection !== null && !connection.done) {
      connection.done = true;
      connection.call.cancel();
    }
    for (const waiter of this.roomWaiters.splice(0)) waiter.reject(error);
    for (const waiter of this.flushWaiters.splice(0)) waiter.reject(error);
    for (const waiter of this.openWaiters.splice(0)) waiter.reject(error);
    this.closeWaiter?.reject(error);
  }

  private clearTimers(): void {
    if (this.batchTimer !== null) clearTimeout(this.batchTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.batchTimer = null;
    this.batchTimerDue = Infinity;
    this.retryTimer = null;
  }

  // -- the stream ------------------------------------------------------------------------------
  private connect(): void {
    this.retryTimer = null;
    if (this.error !== null || this.closed) return;
    if (this.closing && this.nothingPending()) {
      this.finishClose();
      return;
    }
    const call = this.api.stub.makeBidiStreamRequest(STREAM_METHOD, identity, decodeResponse, this.api.metadata());
    const connection: Connection = {
      call,
      position: { opened: false, lastSent: 0 },
      done: false,
      forced: false,
      draining: false,
      halfClosed: false,
      progressed: false,
    };
    this.connection = connection;
    call.on("data", (response: StreamTimeSeriesResponse) => this.onResponse(connection, response));
    call.on("status", (status: grpc.StatusObject) => this.onStatus(connection, status));
    // The status event carries the same outcome; an error event without a listener would throw.
    call.on("error", () => undefined);
    call.write(this.openPayload);
  }

  private onResponse(connection: Connection, response: StreamTimeSeriesResponse): void {
    if (connection.done || connection !== this.connection) return;
    const kind = response.kind;
    if (kind?.$case === "opened") {
      const committed = Number(kind.value.committedSequence);
      const outcome = this.state.opened(connection.position, committed);
      if (!outcome.ok) {
        this.fail(
          new FailedPreconditionError(
            Code.FAILED_PRECONDITION,
            `writer ${this.writerId} has sequence ${outcome.committed} committed, beyond the ${outcome.numbered} ` +
              "this writer numbered: another writer uses this ID",
            { reason: "WRITER_ID_IN_USE", domain: "exprun.client" },
          ),
        );
        return;
      }
      if (this.state.unacked.length === 0) connection.progressed = true;
      for (const waiter of this.openWaiters.splice(0)) waiter.resolve();
      this.released();
    } else if (kind?.$case === "ack") {
      const before = this.state.committed;
      this.state.acknowledge(Number(kind.value.committedSequence));
      if (this.state.committed > before) connection.progressed = true;
      this.released();
    }
  }

  /** After `opened` or an ack: admit waiting producers, resolve flushes, send more. */
  private released(): void {
    this.admitWaiting();
    this.checkFlushed();
    this.pump();
  }

  private checkFlushed(): void {
    if (this.flushWaiters.length === 0) return;
    const remaining: FlushWaiter[] = [];
    for (const waiter of this.flushWaiters) {
      if (waiter.targetSequence === null && this.state.swapped >= waiter.targetLogged) {
        waiter.targetSequence = this.state.lastAssigned;
      }
      if (waiter.targetSequence !== null && this.state.committed >= waiter.targetSequence) waiter.resolve();
      else remaining.push(waiter);
    }
    this.flushWaiters = remaining;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Sends what the window allows, cutting ripe buffers; half-closes when closing and all is sent. */
  private pump(): void {
    const connection = this.connection;
    if (connection === null || connection.done || !connection.position.opened || this.error !== null) return;
    const now = performance.now();
    let cut = false;
    while (!connection.draining) {
      const swapped = this.state.swapped;
      const batch = this.state.nextToSend(connection.position, now, this.closing);
      if (batch === null) break;
      cut ||= this.state.swapped !== swapped;
      let payload: Uint8Array;
      try {
        payload = encoded(batch);
      } catch (error) {
        this.fail(new InternalError(Code.INTERNAL, `encoding a batch failed: ${String(error)}`));
        return;
      }
      const more = connection.call.write(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
      if (!more) {
        connection.draining = true;
        connection.call.once("drain", () => {
          connection.draining = false;
          this.pump();
        });
      }
    }
    if (cut) this.checkFlushed();
    if (this.closing && !connection.halfClosed && this.roomWaiters.length === 0 && this.state.allSent(connection.position)) {
      connection.halfClosed = true;
      connection.call.end();
    }
    this.armBatchTimer();
  }

  /** Wakes the sender when the oldest buffered point is `maxBatchDelayMs` old. */
  private armBatchTimer(): void {
    const due = this.state.dueAt();
    if (due === Infinity || due >= this.batchTimerDue) return;
    if (this.batchTimer !== null) clearTimeout(this.batchTimer);
    this.batchTimerDue = due;
    this.batchTimer = setTimeout(
      () => {
        this.batchTimer = null;
        this.batchTimerDue = Infinity;
        this.pump();
      },
      Math.max(0, due - performance.now()),
    );
  }

  private onStatus(connection: Connection, status: grpc.StatusObject): void {
    if (connection.done) return;
    connection.done = true;
    if (this.connection === connection) this.connection = null;
    if (this.batchTimer !== null) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    this.batchTimerDue = Infinity;
    if (this.error !== null || this.closed) return;
    const code: number = status.code;
    if (code === Code.OK && this.closing && this.nothingPending()) {
      this.finishClose();
      return;
    }
    if (connection.forced && code === Code.CANCELLED) {
      this.connect();
      return;
    }
    this.failures = connection.progressed ? 0 : this.failures + 1;
    const error = code === Code.OK ? null : fromGrpcError(status);
    // RESOURCE_EXHAUSTED with a RetryInfo is "not now" (a full disk, an overloaded server): retried
    // until it clears. Without one it is a request that cannot succeed (a message too large).
    const retryInfoMs = code === Code.RESOURCE_EXHAUSTED ? (error?.retryDelayMs ?? null) : null;
    if (
      error !== null &&
      !RETRY_ALWAYS.has(code) &&
      retryInfoMs === null &&
      (!RETRY_LIMITED.has(code) || this.failures > LIMITED_RETRIES)
    ) {
      this.fail(error);
      return;
    }
    this.retryTimer = setTimeout(() => this.connect(), retryDelay(this.failures, this.backoff, retryInfoMs));
  }
}

function encoded(batch: Batch): Uint8Array {
  if (batch.payload === null) {
    batch.payload = encodeBatchRequest(batch.sequence, batch.parts!);
    batch.parts = null;
  }
  return batch.payload;
}

function checkStep(step: number, field: string): void {
  if (!Number.isSafeInteger(step) || step < 0) throw invalidArgument(field, `must be a non-negative safe integer, not ${step}`);
}
