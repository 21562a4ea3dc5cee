/**
 * The one place that calls the generated grpc-js stub.
 *
 * Every call goes through `Api.unary`, `Api.serverStream` or `Api.clientStream`, so call
 * metadata (the bearer token), the deadline, the caller's `AbortSignal` and retries are handled
 * once, and every grpc-js `ServiceError` becomes a typed `ExprunError` before user code sees it.
 */
import * as grpc from "@grpc/grpc-js";
import { CancelledError, Code, DeadlineExceededError, type ExprunError, fromGrpcError } from "./errors.js";
import type { ExperimentRunServiceClient } from "./gen/exprun/v1/experiment_run_service.js";

/** What every call takes, last: `{ signal, timeoutMs }`. */
export interface CallOptions {
  /** Cancels the call (and its retries); the call rejects with `CancelledError`. */
  signal?: AbortSignal;
  /**
   * A deadline for the whole call in ms, retries included; `DeadlineExceededError` after it.
   * Default: the client's `timeoutMs` (none unless set). For a streamed read it bounds the read.
   */
  timeoutMs?: number;
  /** `false` turns retries off for this call (idempotent calls retry on UNAVAILABLE by default). */
  retry?: boolean;
}

/** How idempotent unary calls are retried on UNAVAILABLE: exponential backoff with jitter. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5; 1 turns retries off). */
  maxAttempts?: number;
  /** The first backoff in ms (default 100). */
  initialBackoffMs?: number;
  /** The longest backoff in ms (default 5,000). */
  maxBackoffMs?: number;
  /** The backoff's growth per attempt (default 2). */
  multiplier?: number;
}

const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 5000, multiplier: 2 };
/** The longest `RetryInfo` delay honoured: an absurd server delay must not park a call. */
const MAX_RETRY_INFO_DELAY_MS = 60_000;

export type UnaryInvoker<Res> = (
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: Res) => void,
) => grpc.ClientUnaryCall;

/**
 * The delay before retry `attempt` (1 for the first retry): exponential, capped, with full
 * jitter in [0.5, 1] of it; never sooner than the server's `RetryInfo` delay (capped at a minute).
 */
export function retryBackoff(
  attempt: number,
  policy: Required<RetryOptions>,
  retryInfoMs: number | null,
  random = Math.random,
): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** Math.max(0, attempt - 1));
  const jittered = base * (0.5 + random() / 2);
  const floor = retryInfoMs === null ? 0 : Math.min(retryInfoMs, MAX_RETRY_INFO_DELAY_MS) * (1 + random() / 4);
  return Math.max(jittered, floor);
}

/**
 * UNAVAILABLE (the server could not be reached, or is draining), or RESOURCE_EXHAUSTED with a
 * `RetryInfo` (the server refused the call before running it: `SERVER_OVERLOADED`,
 * `STORAGE_FULL`) and says when to come back. Without a `RetryInfo` RESOURCE_EXHAUSTED is final
 * (a message too large, a quota).
 */
function retryable(error: ExprunError): boolean {
  return error.code === Code.UNAVAILABLE || (error.code === Code.RESOURCE_EXHAUSTED && error.retryDelayMs !== null);
}

/** The error a call rejects with when its signal aborts. */
function abortError(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  const text = reason instanceof Error ? reason.message : reason === undefined ? "aborted" : String(reason);
  return new CancelledError(Code.CANCELLED, `the call was cancelled by its AbortSignal: ${text}`, {
    reason: "CALL_ABORTED",
    domain: "exprun.client",
  });
}

function deadlineError(timeoutMs: number): DeadlineExceededError {
  return new DeadlineExceededError(Code.DEADLINE_EXCEEDED, `the call did not finish within timeoutMs=${timeoutMs}`, {
    reason: "CALL_DEADLINE_EXCEEDED",
    domain: "exprun.client",
  });
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class Api {
  readonly stub: ExperimentRunServiceClient;
  private readonly headers: ReadonlyArray<readonly [string, string]>;
  private readonly timeoutMs: number | undefined;
  readonly retry: Required<RetryOptions>;

  constructor(
    stub: ExperimentRunServiceClient,
    headers: ReadonlyArray<readonly [string, string]>,
    timeoutMs?: number,
    retry: RetryOptions = {},
  ) {
    this.stub = stub;
    this.headers = headers;
    this.timeoutMs = timeoutMs;
    this.retry = { ...DEFAULT_RETRY, ...retry };
    if (!(Number.isInteger(this.retry.maxAttempts) && this.retry.maxAttempts >= 1)) {
      throw new RangeError("retry.maxAttempts must be an integer >= 1");
    }
  }

  /** Fresh metadata for one call (grpc-js may modify what it is given). */
  metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    for (const [key, value] of this.headers) metadata.add(key, value);
    return metadata;
  }

  /** The deadline of a call started now, as epoch ms; undefined without one. */
  private deadline(options: CallOptions): { at: number; timeoutMs: number } | undefined {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    if (timeoutMs === undefined) return undefined;
    if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs must be >= 0, not ${timeoutMs}`);
    return { at: Date.now() + timeoutMs, timeoutMs };
  }

  /**
   * A unary call: `invoke` calls one stub method with the metadata, options and callback.
   * `idempotent` calls are retried on UNAVAILABLE (and on RESOURCE_EXHAUSTED with a `RetryInfo`)
   * with backoff and jitter, never sooner than a `RetryInfo` delay, within the call's deadline
   * and until its signal aborts.
   */
  async unary<Res>(invoke: UnaryInvoker<Res>, options: CallOptions = {}, idempotent = false): Promise<Res> {
    const { signal } = options;
    const deadline = this.deadline(options);
    const attempts = idempotent && options.retry !== false ? this.retry.maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortError(signal);
      try {
        return await this.attempt(invoke, signal, deadline);
      } catch (error) {
        const typed = error as ExprunError;
        if (!retryable(typed) || attempt >= attempts) throw typed;
        const delay = retryBackoff(attempt, this.retry, typed.retryDelayMs);
        if (deadline !== undefined && Date.now() + delay >= deadline.at) throw typed;
        await sleep(delay, signal);
      }
    }
  }

  private attempt<Res>(
    invoke: UnaryInvoker<Res>,
    signal: AbortSignal | undefined,
    deadline: { at: number; timeoutMs: number } | undefined,
  ): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      let aborted = false;
      const onAbort = (): void => {
        aborted = true;
        call.cancel();
      };
      const call = invoke(this.metadata(), deadline === undefined ? {} : { deadline: deadline.at }, (error, response) => {
        signal?.removeEventListener("abort", onAbort);
        if (aborted && signal !== undefined) reject(abortError(signal));
        else if (error) {
          const typed = fromGrpcError(error);
          reject(typed.code === Code.DEADLINE_EXCEEDED && deadline !== undefined && !typed.reason ? deadlineError(deadline.timeoutMs) : typed);
        } else resolve(response as Res);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * A server-streaming call, its messages as an async iterable; errors are typed. The signal
   * and deadline bound the whole read; leaving the loop early cancels the call.
   */
  async *serverStream<Res>(
    open: (metadata: grpc.Metadata, options: grpc.CallOptions) => grpc.ClientReadableStream<Res>,
    options: CallOptions = {},
  ): AsyncGenerator<Res> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const deadline = this.deadline(options);
    const call = open(this.metadata(), deadline === undefined ? {} : { deadline: deadline.at });
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      call.cancel();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const message of call) {
        yield message as Res;
        // Aborted while the caller held a message: stop here even if the rest already arrived.
        if (signal?.aborted) throw abortError(signal);
      }
    } catch (error) {
      if (error instanceof CancelledError && error.reason === "CALL_ABORTED") throw error;
      if (aborted && signal !== undefined) throw abortError(signal);
      const typed = fromGrpcError(error as grpc.ServiceError);
      if (typed.code === Code.DEADLINE_EXCEEDED && deadline !== undefined && !typed.reason) throw deadlineError(deadline.timeoutMs);
      throw typed;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      call.cancel();
    }
  }

  /**
   * A client-streaming call: writes every request of `requests` with backpressure, half-closes,
   * and resolves with the response. A failure of the call stops the writing.
   */
  clientStream<Req, Res>(
    open: (
      metadata: grpc.Metadata,
      options: grpc.CallOptions,
      callback: (error: grpc.ServiceError | null, response?: Res) => void,
    ) => grpc.ClientWritableStream<Req>,
    requests: AsyncIterable<Req> | Iterable<Req>,
    options: CallOptions = {},
  ): Promise<Res> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const deadline = this.deadline(options);
    return new Promise<Res>((resolve, reject) => {
      let aborted = false;
      let settled = false;
      const onAbort = (): void => {
        aborted = true;
        call.cancel();
      };
      const call = open(this.metadata(), deadline === undefined ? {} : { deadline: deadline.at }, (error, response) => {
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        if (aborted && signal !== undefined) reject(abortError(signal));
        else if (error) {
          const typed = fromGrpcError(error);
          reject(typed.code === Code.DEADLINE_EXCEEDED && deadline !== undefined && !typed.reason ? deadlineError(deadline.timeoutMs) : typed);
        } else resolve(response as Res);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      void (async () => {
        try {
          for await (const request of requests) {
            if (settled) return;
            if (!call.write(request)) await new Promise<void>((done) => call.once("drain", done));
          }
          if (!settled) call.end();
        } catch (error) {
          // The requests failed (an unreadable file): cancel the call and report that error.
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          call.cancel();
          reject(error);
        }
      })();
    });
  }
}

/**
 * Every item of a paged List call, as an async iterable that fetches pages as it goes (the
 * `nextPageToken` protocol: an empty token ends the list). Also `toArray()` for all of them.
 */
export class Paged<Item> implements AsyncIterable<Item> {
  private readonly fetch: (pageToken: string) => Promise<{ items: Item[]; nextPageToken: string }>;

  constructor(fetch: (pageToken: string) => Promise<{ items: Item[]; nextPageToken: string }>) {
    this.fetch = fetch;
  }

  /** The pages, one array per server response. */
  async *pages(): AsyncGenerator<Item[]> {
    let token = "";
    for (;;) {
      const page = await this.fetch(token);
      yield page.items;
      token = page.nextPageToken;
      if (!token) return;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.pages()) yield* page;
  }

  /** Every item, fetched page by page. */
  async toArray(): Promise<Item[]> {
    const result: Item[] = [];
    for await (const page of this.pages()) result.push(...page);
    return result;
  }
}
