/**
 * Typed errors for every failed call.
 *
 * A caller reacts to *what* went wrong (`err instanceof NotFoundError`), not to a gRPC detail,
 * and a validation failure says which field was bad without parsing the message: the server
 * puts that in the rich status (`google.rpc.Status` in the `grpc-status-details-bin` trailer,
 * carrying a `google.rpc.ErrorInfo`, a `google.rpc.BadRequest` and, for "try again later", a
 * `google.rpc.RetryInfo`), and this module lifts it onto the error.
 */
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { Metadata } from "@grpc/grpc-js";

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
  /** The `RetryInfo` retry_delay in milliseconds; null without a `RetryInfo`. */
  retryDelayMs?: number | null;
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
  /**
   * The `RetryInfo` retry_delay in milliseconds: the server refuses for now (RESOURCE_EXHAUSTED
   * `STORAGE_FULL`, `SERVER_OVERLOADED`, ...) and says when to try again. null without one.
   */
  readonly retryDelayMs: number | null;

  constructor(code: Code, details: string, extra: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(`${codeName(code)}: ${details}`, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    this.reason = extra.reason ?? "";
    this.domain = extra.domain ?? "";
    this.metadata = { ...extra.metadata };
    this.fieldViolations = [...(extra.fieldViolations ?? [])];
    this.retryDelayMs = extra.retryDelayMs ?? null;
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

const STATUS_DETAILS_KEY = "grpc-status-details-bin";

/**
 * The fields of one message, as (field number, reader positioned on the value) pairs. The
 * three `google.rpc` messages read here are small and stable, so they are decoded by hand
 * with protobuf's wire reader instead of generating them from the googleapis protos: the
 * generated code then depends on protos/ alone, not on the googleapis-common-protos version.
 */
function* fields(bytes: Uint8Array): Generator<[number, WireType, BinaryReader]> {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    const start = reader.pos;
    yield [field, wireType, reader];
    if (reader.pos === start) reader.skip(wireType);
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const text = (reader: BinaryReader): string => decoder.decode(reader.bytes());

/** `google.rpc.ErrorInfo`: reason (1), domain (2), metadata (3, map<string, string>). */
function decodeErrorInfo(bytes: Uint8Array, into: Required<ErrorDetails>): void {
  let reason = "";
  let domain = "";
  const metadata: Record<string, string> = {};
  for (const [field, wireType, reader] of fields(bytes)) {
    if (wireType !== WireType.LengthDelimited) continue;
    if (field === 1) reason = text(reader);
    else if (field === 2) domain = text(reader);
    else if (field === 3) {
      let key = "";
      let value = "";
      for (const [entryField, entryType, entry] of fields(reader.bytes())) {
        if (entryType !== WireType.LengthDelimited) continue;
        if (entryField === 1) key = text(entry);
        else if (entryField === 2) value = text(entry);
      }
      metadata[key] = value;
    }
  }
  Object.assign(into, { reason, domain, metadata });
}

/** `google.rpc.BadRequest`: field_violations (1), each with field (1) and description (2). */
function decodeBadRequest(bytes: Uint8Array): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const [field, wireType, reader] of fields(bytes)) {
    if (field !== 1 || wireType !== WireType.LengthDelimited) continue;
    const violation: FieldViolation = { field: "", description: "" };
    for (const [inner, innerType, value] of fields(reader.bytes())) {
      if (innerType !== WireType.LengthDelimited) continue;
      if (inner === 1) violation.field = text(value);
      else if (inner === 2) violation.description = text(value);
    }
    violations.push(violation);
  }
  return violations;
}

/**
 * `google.rpc.RetryInfo`: retry_delay (1, a `google.protobuf.Duration` of seconds (1) and
 * nanos (2)), in milliseconds. An absent delay is 0; a delay of the wrong wire type is malformed.
 */
function decodeRetryInfo(bytes: Uint8Array): number {
  let delayMs = 0;
  for (const [field, wireType, reader] of fields(bytes)) {
    if (field !== 1) continue;
    if (wireType !== WireType.LengthDelimited) throw new TypeError("RetryInfo.retry_delay is not a message");
    let seconds = 0;
    let nanos = 0;
    for (const [durationField, durationType, duration] of fields(reader.bytes())) {
      if (durationType !== WireType.Varint) continue;
      if (durationField === 1) seconds = Number(duration.int64());
      else if (durationField === 2) nanos = duration.int32();
    }
    delayMs = seconds * 1000 + nanos / 1e6;
  }
  return Math.max(0, delayMs);
}

/**
 * The details of a serialized `google.rpc.Status` (details are field 3, each a
 * `google.protobuf.Any` of type_url (1) and value (2)): the first `ErrorInfo`, every
 * `BadRequest`'s field violations and the `RetryInfo`'s delay. Unknown detail types are skipped, and so is a malformed
 * detail; undecodable bytes give no details rather than an error, since the code and message
 * are still right.
 */
export function decodeStatusDetails(bytes: Uint8Array): Required<ErrorDetails> {
  const result: Required<ErrorDetails> = { reason: "", domain: "", metadata: {}, fieldViolations: [], retryDelayMs: null };
  const details: [string, Uint8Array][] = [];
  try {
    for (const [field, wireType, reader] of fields(bytes)) {
      if (field !== 3 || wireType !== WireType.LengthDelimited) continue;
      let typeUrl = "";
      let value: Uint8Array = new Uint8Array(0);
      for (const [anyField, anyType, any] of fields(reader.bytes())) {
        if (anyType !== WireType.LengthDelimited) continue;
        if (anyField === 1) typeUrl = text(any);
        else if (anyField === 2) value = any.bytes();
      }
      details.push([typeUrl.slice(typeUrl.lastIndexOf("/") + 1), value]);
    }
  } catch {
    return result;
  }
  let sawInfo = false;
  for (const [type, value] of details) {
    try {
      if (type === "google.rpc.ErrorInfo" && !sawInfo) {
        const info: Required<ErrorDetails> = { reason: "", domain: "", metadata: {}, fieldViolations: [], retryDelayMs: null };
        decodeErrorInfo(value, info);
        Object.assign(result, { reason: info.reason, domain: info.domain, metadata: info.metadata });
        sawInfo = true;
      } else if (type === "google.rpc.BadRequest") {
        result.fieldViolations.push(...decodeBadRequest(value));
      } else if (type === "google.rpc.RetryInfo") {
        result.retryDelayMs = decodeRetryInfo(value);
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

/**
 * The `InvalidArgumentError` of a check made on the client, shaped as the server's: the
 * offending field in `fieldViolations`, a reason, domain `exprun.client`. Nothing was sent.
 */
export function invalidArgument(
  field: string,
  description: string,
  reason = "INVALID_ARGUMENT",
  metadata: Record<string, string> = {},
): InvalidArgumentError {
  return new InvalidArgumentError(Code.INVALID_ARGUMENT, `${field}: ${description}`, {
    reason,
    domain: "exprun.client",
    metadata,
    fieldViolations: [{ field, description }],
  });
}
