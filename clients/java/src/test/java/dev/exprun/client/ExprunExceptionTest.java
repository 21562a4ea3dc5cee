package dev.exprun.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Decoding of the rich status the server puts in the grpc-status-details-bin trailer. */
class ExprunExceptionTest {
  private static StatusRuntimeException invalidMetric() {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage("metrics['bad']: value must be finite")
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason("INVALID_ARGUMENT")
                        .setDomain("exprun.dev")
                        .putMetadata("field", "metrics['bad']")
                        .build()))
            .addDetails(
                Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField("metrics['bad']")
                                .setDescription("value must be finite (not NaN or infinity)"))
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder().setField("metrics['worse']"))
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  @Test
  void theRetryInfoDelayIsReadFromTheTrailer() {
    com.google.rpc.Status full =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
            .setMessage("disk full")
            .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("STORAGE_FULL").setDomain("exprun.dev").build()))
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(500_000_000))
                        .build()))
            .build();
    StatusRuntimeException refused = StatusProto.toStatusRuntimeException(full);
    assertEquals(
        Optional.of(Duration.ofMillis(1500)), ExprunException.retryDelay(refused.getStatus(), refused.getTrailers()));
    StatusRuntimeException invalid = invalidMetric();
    assertEquals(Optional.empty(), ExprunException.retryDelay(invalid.getStatus(), invalid.getTrailers()));
  }

  @Test
  void richDetailsAreLiftedOntoTheTypedException() {
    ExprunException error = ExprunException.from(invalidMetric());
    ExprunException.InvalidArgument invalid = assertInstanceOf(ExprunException.InvalidArgument.class, error);
    assertEquals(Status.Code.INVALID_ARGUMENT, invalid.code());
    assertEquals("INVALID_ARGUMENT", invalid.reason());
    assertEquals("exprun.dev", invalid.domain());
    assertEquals(Map.of("field", "metrics['bad']"), invalid.metadata());
    assertEquals(List.of("metrics['bad']", "metrics['worse']"), invalid.violatedFields());
    assertEquals(
        "value must be finite (not NaN or infinity)", invalid.fieldViolations().get(0).description());
    assertEquals("INVALID_ARGUMENT: metrics['bad']: value must be finite", invalid.getMessage());
    assertEquals("metrics['bad']: value must be finite", invalid.statusMessage());
  }

  @Test
  void theDetailsTravelThroughTheTrailerBytes() {
    // Serialize the trailers as they go on the wire and parse them back, as a client sees them.
    StatusRuntimeException sent = invalidMetric();
    byte[][] wire = io.grpc.InternalMetadata.serialize(sent.getTrailers());
    Metadata received = io.grpc.InternalMetadata.newMetadata(wire);
    assertTrue(received.containsKey(Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER)));
    ExprunException error = ExprunException.from(sent.getStatus(), received, sent);
    assertEquals(List.of("metrics['bad']", "metrics['worse']"), error.violatedFields());
  }

  @Test
  void eachCodeHasItsClass() {
    Map<Status, Class<? extends ExprunException>> classes =
        Map.of(
            Status.NOT_FOUND, ExprunException.NotFound.class,
            Status.ALREADY_EXISTS, ExprunException.AlreadyExists.class,
            Status.FAILED_PRECONDITION, ExprunException.FailedPrecondition.class,
            Status.PERMISSION_DENIED, ExprunException.PermissionDenied.class,
            Status.UNAUTHENTICATED, ExprunException.Unauthenticated.class,
            Status.UNAVAILABLE, ExprunException.Unavailable.class,
            Status.RESOURCE_EXHAUSTED, ExprunException.ResourceExhausted.class,
            Status.ABORTED, ExprunException.Aborted.class,
            Status.DEADLINE_EXCEEDED, ExprunException.DeadlineExceeded.class,
            Status.INTERNAL, ExprunException.Internal.class);
    classes.forEach(
        (status, type) -> assertSame(type, ExprunException.from(status.asRuntimeException()).getClass()));
    ExprunException other = ExprunException.from(Status.DATA_LOSS.asRuntimeException());
    assertSame(ExprunException.DataLoss.class, other.getClass());
    assertEquals(Status.Code.DATA_LOSS, other.code());
  }

  @Test
  void aStatusWithoutDetailsHasEmptyRichFields() {
    ExprunException error = ExprunException.from(Status.NOT_FOUND.withDescription("no run").asRuntimeException());
    assertEquals("", error.reason());
    assertEquals(List.of(), error.fieldViolations());
    assertEquals("NOT_FOUND: no run", error.getMessage());
  }

  @Test
  void detailsWhoseCodeDisagreesWithTheCallAreIgnored() {
    StatusRuntimeException rich = invalidMetric();
    ExprunException error = ExprunException.from(Status.INTERNAL, rich.getTrailers(), rich);
    assertInstanceOf(ExprunException.Internal.class, error);
    assertEquals(List.of(), error.fieldViolations());
  }

  @Test
  void aNoteKeepsTypeAndDetails() {
    ExprunException noted = ExprunException.from(invalidMetric()).withNote("3 points not written");
    assertInstanceOf(ExprunException.InvalidArgument.class, noted);
    assertEquals(List.of("metrics['bad']", "metrics['worse']"), noted.violatedFields());
    assertTrue(noted.getMessage().endsWith("[3 points not written]"), noted.getMessage());
  }
}
