/**
 * Typed errors for every failed call.
 *
 * A caller reacts to *what* went wrong (`err instanceof NotFoundError`), not to a gRPC detail,
 * and a validation failure says which field was bad without parsing the message: the server
 * puts that in the rich status (`google.rpc.Status` in the `grpc-status-details-bin` trailer,
 * carrying a `google.rpc.ErrorInfo` and a `google.rpc.BadRequest`), and this module lifts it
 * onto the error.
 */
import type { Metadata } from "@grpc/grpc-js";
import { BadRequest, ErrorInfo } from "./gen/google/rpc/error_details.js";
import { Status } from "./gen/google/rpc/status.js";

/** The canonical gRPC status codes (the numbers of `google.rpc.Code`). */
export enum Code {
  OK = 0,
  CANCELLED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
  DATA_LOSS = 15,
  UNAUTHENTICATED = 16,
}

/** One offending field of a rejected request, as `google.rpc.BadRequest` names it. */
export interface FieldViolation {
  /** The field path, for example `metrics['bad']`. */
  field: string;
  description: string;
}

/** What `ExprunError`'s constructor takes besides the code and message. */
export interface ErrorDetails {
  reason?: string;
  domain?: string;
  metadata?: Record<string, string>;
  fieldViolations?: FieldViolation[];
}

/**
 * Base of every error raised for a failed exprun call. `message` is `CODE: message`, short
 * enough for a log line.
 */
export class ExprunError extends Error {
  /** The canonical status code. */
  readonly code: Code;
  /** The server's message, without the code. */
  readonly details: string;
  /** The `ErrorInfo` reason, UPPER_SNAKE_CASE (for example `RUN_NOT_FOUND`); "" when absent. */
  readonly reason: string;
  /** The `ErrorInfo` domain (`exprun.dev` for the server's errors). */
  readonly domain: string;
  /** The `ErrorInfo` metadata: the dynamic values of the error. */
  readonly metadata: Record<string, string>;
  /** The `BadRequest` field violations of an INVALID_ARGUMENT. */
  readonly fieldViolations: FieldViolation[];

  constructor(code: Code, details: string, extra: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(`${codeName(code)}: ${details}`, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    this.reason = extra.reason ?? "";
    this.domain = extra.domain ?? "";
    this.metadata = { ...extra.metadata };
    this.fieldViolations = [...(extra.fieldViolations ?? [])];
  }

  /** The code's name, for example `INVALID_ARGUMENT`. */
  get codeName(): string {
    return codeName(this.code);
  }
}

// Validation failures, missing resources and the rest each get a class, so `instanceof` picks them.
export class InvalidArgumentError extends ExprunError {}
export class NotFoundError extends ExprunError {}
export class AlreadyExistsError extends ExprunError {}
export class FailedPreconditionError extends ExprunError {}
export class PermissionDeniedError extends ExprunError {}
export class UnauthenticatedError extends ExprunError {}
export class UnavailableError extends ExprunError {}
export class ResourceExhaustedError extends ExprunError {}
export class AbortedError extends ExprunError {}
export class InternalError extends ExprunError {}
export class DeadlineExceededError extends ExprunError {}
export class CancelledError extends ExprunError {}

const BY_CODE: Partial<Record<Code, new (code: Code, details: string, extra?: ErrorDetails) => ExprunError>> = {
  [Code.INVALID_ARGUMENT]: InvalidArgumentError,
  [Code.NOT_FOUND]: NotFoundError,
  [Code.ALREADY_EXISTS]: AlreadyExistsError,
  [Code.FAILED_PRECONDITION]: FailedPreconditionError,
  [Code.PERMISSION_DENIED]: PermissionDeniedError,
  [Code.UNAUTHENTICATED]: UnauthenticatedError,
  [Code.UNAVAILABLE]: UnavailableError,
  [Code.RESOURCE_EXHAUSTED]: ResourceExhaustedError,
  [Code.ABORTED]: AbortedError,
  [Code.INTERNAL]: InternalError,
  [Code.DEADLINE_EXCEEDED]: DeadlineExceededError,
  [Code.CANCELLED]: CancelledError,
};

export function codeName(code: number): string {
  return Code[code] ?? `CODE_${code}`;
}

const TYPE_PREFIX = "type.googleapis.com/";
const STATUS_DETAILS_KEY = "grpc-status-details-bin";

/**
 * The details of a serialized `google.rpc.Status`: the first `ErrorInfo` and every
 * `BadRequest`'s field violations. Unknown detail types are skipped; undecodable bytes give
 * no details rather than an error, since the code and message are still right.
 */
export function decodeStatusDetails(bytes: Uint8Array): Required<ErrorDetails> {
  const result: Required<ErrorDetails> = { reason: "", domain: "", metadata: {}, fieldViolations: [] };
  let status: Status;
  try {
    status = Status.decode(bytes);
  } catch {
    return result;
  }
  let sawInfo = false;
  for (const detail of status.details) {
    const type = detail.typeUrl.startsWith(TYPE_PREFIX) ? detail.typeUrl.slice(TYPE_PREFIX.length) : detail.typeUrl;
    try {
      if (type === "google.rpc.ErrorInfo" && !sawInfo) {
        const info = ErrorInfo.decode(detail.value);
        result.reason = info.reason;
        result.domain = info.domain;
        result.metadata = { ...info.metadata };
        sawInfo = true;
      } else if (type === "google.rpc.BadRequest") {
        const badRequest = BadRequest.decode(detail.value);
        for (const violation of badRequest.fieldViolations) {
          result.fieldViolations.push({ field: violation.field, description: violation.description });
        }
      }
    } catch {
      // A malformed detail is skipped; the others still count.
    }
  }
  return result;
}

/** The shape of a grpc-js `ServiceError` or `StatusObject`. */
export interface GrpcStatusLike {
  code?: number;
  details?: string;
  message?: string;
  metadata?: Metadata;
}

/** Turns a grpc-js `ServiceError` (or final `StatusObject`) into its typed error. */
export function fromGrpcError(error: GrpcStatusLike | ExprunError): ExprunError {
  if (error instanceof ExprunError) return error;
  const code = typeof error.code === "number" ? (error.code as Code) : Code.UNKNOWN;
  const details = error.details ?? error.message ?? "";
  let extra: ErrorDetails = {};
  const raw = error.metadata?.get(STATUS_DETAILS_KEY)?.[0];
  if (raw !== undefined && typeof raw !== "string") {
    extra = decodeStatusDetails(raw);
  }
  const cls = BY_CODE[code] ?? ExprunError;
  return new cls(code, details, extra);
}

/** The class of a code, for errors made on the client (a full buffer, a closed writer). */
export function errorClass(code: Code): new (code: Code, details: string, extra?: ErrorDetails) => ExprunError {
  return BY_CODE[code] ?? ExprunError;
}
