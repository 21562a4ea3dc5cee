package dev.exprun.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A failed exprun call: the canonical code, and what the server put in the rich status (the
 * {@code grpc-status-details-bin} trailer) — one {@code google.rpc.ErrorInfo} (reason, domain,
 * metadata) and, for bad input, the {@code google.rpc.BadRequest} field violations.
 *
 * <p>Callers react to what went wrong by catching a subclass ({@code catch
 * (ExprunException.NotFound e)}), not by reading gRPC details. {@link #getMessage()} is {@code
 * CODE: message}, short enough for one log line.
 */
public class ExprunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One {@code google.rpc.BadRequest.FieldViolation}: which field was bad, and why. */
  public record FieldViolation(String field, String description) {}

  private final Status.Code code;
  private final String serverMessage;
  private final String reason;
  private final String domain;
  private final Map<String, String> metadata;
  private final List<FieldViolation> fieldViolations;

  public ExprunException(Status.Code code, String message) {
    this(code, message, "", "", Map.of(), List.of(), null);
  }

  public ExprunException(
      Status.Code code,
      String message,
      String reason,
      String domain,
      Map<String, String> metadata,
      List<FieldViolation> fieldViolations,
      Throwable cause) {
    super(code.name() + ": " + message, cause);
    this.code = code;
    this.serverMessage = message;
    this.reason = reason;
    this.domain = domain;
    this.metadata = Map.copyOf(metadata);
    this.fieldViolations = List.copyOf(fieldViolations);
  }

  /** The canonical gRPC code. */
  public Status.Code code() {
    return code;
  }

  /** The status message alone, without the code. */
  public String statusMessage() {
    return serverMessage;
  }

  /** {@code ErrorInfo.reason}, UPPER_SNAKE_CASE (for example {@code RUN_NOT_FOUND}); "" if none. */
  public String reason() {
    return reason;
  }

  /** {@code ErrorInfo.domain}: {@code exprun.dev} for the server, {@code exprun.client} here. */
  public String domain() {
    return domain;
  }

  /** {@code ErrorInfo.metadata}: the dynamic values of the error. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** {@code BadRequest.field_violations}, in the server's order; empty unless input was bad. */
  public List<FieldViolation> fieldViolations() {
    return fieldViolations;
  }

  /** The fields named by {@link #fieldViolations()}, for example {@code metrics['bad']}. */
  public List<String> violatedFields() {
    return fieldViolations.stream().map(FieldViolation::field).toList();
  }

  /** Turns any gRPC failure (status exceptions of stubs and streams) into its typed exception. */
  public static ExprunException from(Throwable error) {
    if (error instanceof ExprunException typed) {
      return typed;
    }
    Status status = Status.fromThrowable(error);
    Metadata trailers = Status.trailersFromThrowable(error);
    return from(status, trailers, error);
  }

  /** The typed exception of a status and its trailers (which may hold the rich details). */
  public static ExprunException from(Status status, Metadata trailers, Throwable cause) {
    String reason = "";
    String domain = "";
    Map<String, String> metadata = Map.of();
    List<FieldViolation> violations = new ArrayList<>();
    com.google.rpc.Status rich = trailers == null ? null : richStatus(status, trailers);
    if (rich != null) {
      for (Any detail : rich.getDetailsList()) {
        try {
          if (detail.is(ErrorInfo.class)) {
            ErrorInfo info = detail.unpack(ErrorInfo.class);
            reason = info.getReason();
            domain = info.getDomain();
            metadata = new TreeMap<>(info.getMetadataMap());
          } else if (detail.is(BadRequest.class)) {
            for (BadRequest.FieldViolation v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
              violations.add(new FieldViolation(v.getField(), v.getDescription()));
            }
          }
        } catch (InvalidProtocolBufferException malformed) {
          // A detail that does not parse is skipped: the code and message still stand.
        }
      }
    }
    String message = status.getDescription() == null ? "" : status.getDescription();
    return BY_CODE
        .getOrDefault(status.getCode(), Factory.PLAIN)
        .make(status.getCode(), message, reason, domain, metadata, violations, cause);
  }

  /**
   * The {@code google.rpc.RetryInfo} retry delay in a status's rich details, if it has one: the
   * server refuses for now (RESOURCE_EXHAUSTED {@code STORAGE_FULL}, {@code SERVER_OVERLOADED},
   * ...) and says when to try again. A malformed RetryInfo counts as none.
   */
  static Optional<Duration> retryDelay(Status status, Metadata trailers) {
    com.google.rpc.Status rich = trailers == null ? null : richStatus(status, trailers);
    if (rich == null) {
      return Optional.empty();
    }
    for (Any detail : rich.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          Duration parsed = Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
          return Optional.of(parsed.isNegative() ? Duration.ZERO : parsed);
        } catch (InvalidProtocolBufferException malformed) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static com.google.rpc.Status richStatus(Status status, Metadata trailers) {
    try {
      return StatusProto.fromStatusAndTrailers(status, trailers);
    } catch (IllegalArgumentException mismatched) {
      // Details whose code disagrees with the call's status are unusable, not fatal.
      return null;
    }
  }

  /** The same error (same type, code and details) with {@code note} added to its message. */
  ExprunException withNote(String note) {
    Throwable cause = getCause() != null ? getCause() : this;
    return BY_CODE
        .getOrDefault(code, Factory.PLAIN)
        .make(code, serverMessage + " [" + note + "]", reason, domain, metadata, fieldViolations, cause);
  }

  /** Unwraps what a stub threw: the typed exception of a {@link StatusRuntimeException}. */
  static ExprunException fromStub(StatusRuntimeException error) {
    return from(error.getStatus(), error.getTrailers(), error);
  }

  static ExprunException fromStub(StatusException error) {
    return from(error.getStatus(), error.getTrailers(), error);
  }

  // -- one subclass per code the API uses --------------------------------------------------------

  /** INVALID_ARGUMENT: the request was bad; {@link #fieldViolations()} names the fields. */
  public static class InvalidArgument extends ExprunException {
    private static final long serialVersionUID = 1L;

    InvalidArgument(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** NOT_FOUND. */
  public static class NotFound extends ExprunException {
    private static final long serialVersionUID = 1L;

    NotFound(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** ALREADY_EXISTS. */
  public static class AlreadyExists extends ExprunException {
    private static final long serialVersionUID = 1L;

    AlreadyExists(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** FAILED_PRECONDITION. */
  public static class FailedPrecondition extends ExprunException {
    private static final long serialVersionUID = 1L;

    FailedPrecondition(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** PERMISSION_DENIED. */
  public static class PermissionDenied extends ExprunException {
    private static final long serialVersionUID = 1L;

    PermissionDenied(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** UNAUTHENTICATED. */
  public static class Unauthenticated extends ExprunException {
    private static final long serialVersionUID = 1L;

    Unauthenticated(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** UNAVAILABLE: the server could not be reached or is draining; retrying may succeed. */
  public static class Unavailable extends ExprunException {
    private static final long serialVersionUID = 1L;

    Unavailable(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** RESOURCE_EXHAUSTED (also a full {@link TimeSeriesWriter} buffer: {@link BufferFull}). */
  public static class ResourceExhausted extends ExprunException {
    private static final long serialVersionUID = 1L;

    ResourceExhausted(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** A {@link TimeSeriesWriter} with {@code OnFull.ERROR} had no room: nothing of the call was taken. */
  public static final class BufferFull extends ResourceExhausted {
    private static final long serialVersionUID = 1L;

    BufferFull(String message, Map<String, String> metadata) {
      super(Status.Code.RESOURCE_EXHAUSTED, message, "WRITER_BUFFER_FULL", CLIENT_DOMAIN, metadata,
          List.of(), null);
    }
  }

  /** ABORTED: a concurrency conflict; retrying may succeed. */
  public static class Aborted extends ExprunException {
    private static final long serialVersionUID = 1L;

    Aborted(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** DEADLINE_EXCEEDED: a call's deadline, or a writer's flush or close timeout, passed. */
  public static class DeadlineExceeded extends ExprunException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** INTERNAL: a server bug; the message names no internals. */
  public static class Internal extends ExprunException {
    private static final long serialVersionUID = 1L;

    Internal(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** CANCELLED: the call was cancelled (by the caller, or an interrupted wait). */
  public static class Cancelled extends ExprunException {
    private static final long serialVersionUID = 1L;

    Cancelled(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** UNKNOWN: an error without a known status (often a proxy's). */
  public static class Unknown extends ExprunException {
    private static final long serialVersionUID = 1L;

    Unknown(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** UNIMPLEMENTED: the server does not serve this RPC (an older server). */
  public static class Unimplemented extends ExprunException {
    private static final long serialVersionUID = 1L;

    Unimplemented(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** OUT_OF_RANGE. */
  public static class OutOfRange extends ExprunException {
    private static final long serialVersionUID = 1L;

    OutOfRange(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** DATA_LOSS. */
  public static class DataLoss extends ExprunException {
    private static final long serialVersionUID = 1L;

    DataLoss(Status.Code c, String m, String r, String d, Map<String, String> md,
        List<FieldViolation> v, Throwable cause) {
      super(c, m, r, d, md, v, cause);
    }
  }

  /** The domain of errors raised by this client itself (not by the server). */
  public static final String CLIENT_DOMAIN = "exprun.client";

  /** The reason of this client's own INVALID_ARGUMENT errors (a value it refuses to send). */
  public static final String REASON_INVALID_VALUE = "INVALID_VALUE";

  /**
   * Client-side validation: the same {@link InvalidArgument} a server would raise, with one field
   * violation naming {@code field}, raised before anything is sent.
   */
  static InvalidArgument invalid(String field, String message) {
    return new InvalidArgument(
        Status.Code.INVALID_ARGUMENT,
        message,
        REASON_INVALID_VALUE,
        CLIENT_DOMAIN,
        Map.of("field", field),
        List.of(new FieldViolation(field, message)),
        null);
  }

  static ExprunException client(Status.Code code, String message, String reason,
      Map<String, String> metadata) {
    return BY_CODE
        .getOrDefault(code, Factory.PLAIN)
        .make(code, message, reason, CLIENT_DOMAIN, metadata, List.of(), null);
  }

  @FunctionalInterface
  private interface Factory {
    Factory PLAIN = ExprunException::new;

    ExprunException make(Status.Code code, String message, String reason, String domain,
        Map<String, String> metadata, List<FieldViolation> violations, Throwable cause);
  }

  private static final Map<Status.Code, Factory> BY_CODE = new EnumMap<>(Status.Code.class);

  static {
    BY_CODE.put(Status.Code.INVALID_ARGUMENT, InvalidArgument::new);
    BY_CODE.put(Status.Code.NOT_FOUND, NotFound::new);
    BY_CODE.put(Status.Code.ALREADY_EXISTS, AlreadyExists::new);
    BY_CODE.put(Status.Code.FAILED_PRECONDITION, FailedPrecondition::new);
    BY_CODE.put(Status.Code.PERMISSION_DENIED, PermissionDenied::new);
    BY_CODE.put(Status.Code.UNAUTHENTICATED, Unauthenticated::new);
    BY_CODE.put(Status.Code.UNAVAILABLE, Unavailable::new);
    BY_CODE.put(Status.Code.RESOURCE_EXHAUSTED, ResourceExhausted::new);
    BY_CODE.put(Status.Code.ABORTED, Aborted::new);
    BY_CODE.put(Status.Code.DEADLINE_EXCEEDED, DeadlineExceeded::new);
    BY_CODE.put(Status.Code.INTERNAL, Internal::new);
    BY_CODE.put(Status.Code.CANCELLED, Cancelled::new);
    BY_CODE.put(Status.Code.UNKNOWN, Unknown::new);
    BY_CODE.put(Status.Code.UNIMPLEMENTED, Unimplemented::new);
    BY_CODE.put(Status.Code.OUT_OF_RANGE, OutOfRange::new);
    BY_CODE.put(Status.Code.DATA_LOSS, DataLoss::new);
  }
}
