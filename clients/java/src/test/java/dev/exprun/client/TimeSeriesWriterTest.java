package dev.exprun.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.exprun.v1.SequencedBatch;
import dev.exprun.v1.TimeSeries;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The writer against an in-process fake of the streaming contract: no sockets, no server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimeSeriesWriterTest {
  private static final String RUN = "projects/p/locations/l/experiments/e/runs/r";

  private FakeStreamServer fake;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeStreamServer();
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
  }

  private TimeSeriesWriter writer(TimeSeriesWriter.Options.Builder options) {
    return new TimeSeriesWriter(
        fake.channel,
        RUN,
        options.writerId("w").reconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(10)).build());
  }

  private static TimeSeriesWriter.Options.Builder options() {
    return TimeSeriesWriter.Options.builder();
  }

  /** Rows 1..rows of metrics a and b, with value = step * 10 (+1 for b). */
  private static void logRows(TimeSeriesWriter writer, int from, int to) {
    long[] steps = new long[to - from];
    double[] a = new double[to - from];
    double[] b = new double[to - from];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = from + i;
      a[i] = steps[i] * 10.0;
      b[i] = steps[i] * 10.0 + 1;
    }
    Map<String, double[]> columns = new LinkedHashMap<>();
    columns.put("a", a);
    columns.put("b", b);
    writer.logColumns(steps, columns);
  }

  private void assertStoredRows(int from, int to) {
    Map<FakeStreamServer.Point, Double> stored = fake.storedPoints();
    assertEquals(2 * (to - from), stored.size(), "stored points");
    for (long step = from; step < to; step++) {
      assertEquals(step * 10.0, stored.get(new FakeStreamServer.Point("a", step)), "a@" + step);
      assertEquals(step * 10.0 + 1, stored.get(new FakeStreamServer.Point("b", step)), "b@" + step);
    }
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(2);
    }
  }

  private static int points(SequencedBatch batch) {
    return batch.getBatch().getSeriesList().stream().mapToInt(TimeSeries::getValuesCount).sum();
  }

  @Test
  void batchesAreCutBySizeAndNumberedFromOne() {
    try (TimeSeriesWriter writer = writer(options().maxBatchPoints(100))) {
      logRows(writer, 1, 501); // 1000 points
      writer.flush();
      assertEquals(1000, writer.pointsAcked());
      assertEquals(writer.committedSequence(), fake.receivedCount());
    }
    List<Long> sequences = fake.receivedSequences();
    assertEquals(10, sequences.size());
    for (int i = 0; i < sequences.size(); i++) {
      assertEquals(i + 1, sequences.get(i));
      assertEquals(100, points(fake.received.get(i)));
    }
    assertStoredRows(1, 501);
  }

  @Test
  void aBatchHoldsEachMetricAtMostOnce() {
    try (TimeSeriesWriter writer = writer(options().maxBatchPoints(30))) {
      logRows(writer, 1, 21); // a: 20 points, b: 20 points -> [a20 b10] [b10]
      writer.flush();
    }
    for (SequencedBatch batch : fake.received) {
      List<String> metrics = batch.getBatch().getSeriesList().stream().map(TimeSeries::getMetric).toList();
      assertEquals(metrics.stream().distinct().count(), metrics.size(), metrics.toString());
    }
    assertEquals(List.of(30, 10), fake.received.stream().map(TimeSeriesWriterTest::points).toList());
    assertStoredRows(1, 21);
  }

  @Test
  void aSmallBufferIsSentAfterTheBatchDelayWithoutFlush() throws Exception {
    try (TimeSeriesWriter writer =
        writer(options().maxBatchPoints(1000).maxBatchDelay(Duration.ofMillis(20)))) {
      writer.log(Map.of("loss", 0.5), 7);
      eventually(() -> writer.pointsAcked() == 1, "the lone point to be acknowledged");
      assertEquals(1, fake.receivedCount());
    }
    assertEquals(Map.of(new FakeStreamServer.Point("loss", 7), 0.5), fake.storedPoints());
  }

  @Test
  void noMoreThanTheWindowIsSentAheadOfTheAck() throws Exception {
    fake.setAutoAck(false);
    try (TimeSeriesWriter writer =
        writer(options().maxBatchPoints(10).maxUnackedBatches(3).maxBufferedPoints(1000))) {
      logRows(writer, 1, 51); // 100 points: 10 batches
      eventually(() -> fake.receivedCount() == 3, "a full window");
      Thread.sleep(100);
      assertEquals(3, fake.receivedCount(), "sent beyond the window");
      assertEquals(100, writer.pointsPending());
      fake.ackHeld();
      eventually(() -> fake.receivedCount() == 6, "the next window");
      assertEquals(30, writer.pointsAcked());
      fake.setAutoAck(true);
      fake.ackHeld();
      writer.flush();
      assertEquals(0, writer.pointsPending());
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), fake.receivedSequences());
    assertStoredRows(1, 51);
  }

  @Test
  void aFullBufferWithErrorPolicyRefusesTheWholeCallAndKeepsEverything() {
    fake.setAutoAck(false);
    try (TimeSeriesWriter writer =
        writer(
            options()
                .maxBatchPoints(10)
                .maxUnackedBatches(2)
                .maxBufferedPoints(40)
                .onFull(TimeSeriesWriter.OnFull.ERROR))) {
      logRows(writer, 1, 21); // 40 points: the buffer is full
      ExprunException.BufferFull full =
          assertThrows(ExprunException.BufferFull.class, () -> writer.log(Map.of("a", 1.0, "b", 2.0), 21));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.code());
      assertEquals("WRITER_BUFFER_FULL", full.reason());
      assertEquals("40", full.metadata().get("pending_points"));
      assertThrows(ExprunException.BufferFull.class, () -> logRows(writer, 21, 22));
      assertEquals(40, writer.pointsLogged(), "a refused call took nothing");
      assertEquals(40, writer.pointsPending());
      fake.setAutoAck(true);
      fake.ackHeld();
      writer.flush();
      logRows(writer, 21, 31);
      writer.flush();
    }
    assertStoredRows(1, 31);
  }

  @Test
  void aFullBufferWithBlockPolicyWaitsForAcks() throws Exception {
    fake.setAutoAck(false);
    try (TimeSeriesWriter writer =
        writer(options().maxBatchPoints(10).maxUnackedBatches(2).maxBufferedPoints(40))) {
      logRows(writer, 1, 21); // 40 points: full
      CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> logRows(writer, 21, 41));
      Thread.sleep(150);
      assertFalse(blocked.isDone(), "log returned with the buffer full");
      assertTrue(writer.pointsPending() <= 40, "pending points exceeded the bound");
      fake.setAutoAck(true);
      fake.ackHeld();
      blocked.get(10, TimeUnit.SECONDS);
      writer.flush();
    }
    assertStoredRows(1, 41);
  }

  @Test
  void aTornStreamIsReopenedAndTheUnacknowledgedBatchesResent() {
    // The first stream dies on batch 3 before committing it: the writer must reopen, learn
    // committed = 2 from `opened`, and resend 3 and whatever followed it.
    fake.failure =
        (stream, batch) ->
            fake.opens() == 1 && batch.getSequence() == 3 ? Status.UNAVAILABLE.withDescription("torn") : null;
    try (TimeSeriesWriter writer = writer(options().maxBatchPoints(10))) {
      logRows(writer, 1, 51); // 10 batches
      writer.flush();
      assertEquals(1, writer.reconnects());
      assertTrue(writer.batchesResent() >= 1, "resent " + writer.batchesResent());
      assertEquals(10, writer.committedSequence());
    }
    assertEquals(2, fake.opens());
    List<Long> sequences = fake.receivedSequences();
    assertEquals(2, sequences.stream().filter(s -> s == 3L).count(), sequences.toString());
    assertStoredRows(1, 51);
  }

  @Test
  void aForcedReconnectResendsWhatIsInFlight() throws Exception {
    fake.setAutoAck(false);
    try (TimeSeriesWriter writer = writer(options().maxBatchPoints(10).maxUnackedBatches(8))) {
      logRows(writer, 1, 16); // 30 points: 3 batches, none acknowledged
      eventually(() -> fake.receivedCount() == 3, "three batches in flight");
      writer.reconnect();
      eventually(() -> fake.opens() == 2 && fake.receivedCount() == 6, "the resend on a new stream");
      fake.setAutoAck(true);
      fake.ackHeld();
      writer.flush();
      assertEquals(1, writer.reconnects());
      assertEquals(3, writer.batchesResent());
    }
    assertEquals(List.of(1L, 2L, 3L, 1L, 2L, 3L), fake.receivedSequences());
    assertStoredRows(1, 16);
  }

  @Test
  void aReopenedStreamResendsOnlyWhatTheServerHasNotCommitted() {
    // Batches 1-2 are committed but their ack is lost with the stream: the reopened stream's
    // `opened` says 2, so only 3 is sent again.
    fake.setAutoAck(false);
    fake.failure =
        (stream, batch) -> {
          if (fake.opens() == 1 && batch.getSequence() == 3) {
            stream.commitHeld(false);
            return Status.UNAVAILABLE;
          }
          return null;
        };
    try (TimeSeriesWriter writer = writer(options().maxBatchPoints(10).maxUnackedBatches(8))) {
      logRows(writer, 1, 16); // 3 batches
      fake.setAutoAck(true);
      writer.flush();
      assertEquals(1, writer.batchesResent(), "only batch 3 is resent");
    }
    assertEquals(List.of(1L, 2L, 3L, 3L), fake.receivedSequences());
    assertStoredRows(1, 16);
  }

  /** Refusals in a row well past the limit on "usually transient" statuses (5). */
  private static final int PAST_THE_LIMIT = 15;

  /** The server's refusal while its disk is full: RESOURCE_EXHAUSTED, STORAGE_FULL, RetryInfo. */
  private static com.google.rpc.Status storageFull(Duration delay) {
    return com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage("the store's disk is full")
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("STORAGE_FULL").setDomain("exprun.dev").build()))
        .addDetails(
            Any.pack(
                RetryInfo.newBuilder()
                    .setRetryDelay(com.google.protobuf.Duration.newBuilder().setNanos(delay.toNanosPart()))
                    .build()))
        .build();
  }

  @Test
  void storageFullIsRetriedPastTheLimitWhileTheErrorPolicyRefusesAndNothingIsLost() throws Exception {
    try (TimeSeriesWriter writer =
        writer(
            options()
                .maxBatchPoints(10)
                .maxBufferedPoints(20)
                .maxBatchDelay(Duration.ofMillis(1))
                .onFull(TimeSeriesWriter.OnFull.ERROR))) {
      logRows(writer, 1, 6); // 10 points
      writer.flush();
      fake.setRefuse(storageFull(Duration.ofMillis(10)));
      logRows(writer, 6, 16); // 20 points pending: full
      eventually(() -> fake.refusals() > PAST_THE_LIMIT, "refusals past the retry limit");
      assertThrows(ExprunException.BufferFull.class, () -> writer.log(Map.of("a", 1.0), 16));
      assertEquals(20, writer.pointsPending());
      assertEquals(10, writer.pointsAcked());
      fake.setRefuse(null);
      writer.flush();
      assertEquals(30, writer.pointsAcked());
      assertTrue(writer.reconnects() > PAST_THE_LIMIT, "reconnects " + writer.reconnects());
    }
    assertStoredRows(1, 16);
    List<Long> committedOnce = fake.receivedSequences().stream().distinct().toList();
    assertEquals(List.of(1L, 2L, 3L), committedOnce, "sequences sent");
  }

  @Test
  void storageFullKeepsABlockedLogWaitingThenAdmitsEverything() throws Exception {
    fake.setRefuse(storageFull(Duration.ofMillis(20)));
    try (TimeSeriesWriter writer =
        writer(options().maxBatchPoints(10).maxBufferedPoints(20).maxBatchDelay(Duration.ofMillis(1)))) {
      CompletableFuture<Void> logged = CompletableFuture.runAsync(() -> logRows(writer, 1, 26)); // 50 points
      eventually(() -> fake.refusals() > PAST_THE_LIMIT, "refusals past the retry limit");
      assertFalse(logged.isDone(), "log returned with the buffer full and the server refusing");
      assertTrue(writer.pointsPending() <= 20, "pending " + writer.pointsPending());
      fake.setRefuse(null);
      logged.get(10, TimeUnit.SECONDS);
      writer.flush();
      assertEquals(50, writer.pointsAcked());
    }
    assertStoredRows(1, 26);
  }

  @Test
  void closeWithATimeoutReturnsWhileTheServerRefuses() throws Exception {
    fake.setRefuse(storageFull(Duration.ofMillis(10)));
    TimeSeriesWriter writer = writer(options());
    writer.log(Map.of("x", 1.0), 1);
    eventually(() -> fake.refusals() > 0, "a refusal");
    ExprunException.DeadlineExceeded timeout =
        assertThrows(ExprunException.DeadlineExceeded.class, () -> writer.close(Duration.ofMillis(100)));
    assertEquals("1", timeout.metadata().get("pending_points"));
  }

  @Test
  void resourceExhaustedWithoutRetryInfoStillStopsTheWriter() {
    fake.setRefuse(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
            .setMessage("message larger than max")
            .build());
    TimeSeriesWriter writer = writer(options());
    writer.log(Map.of("x", 1.0), 1);
    assertThrows(ExprunException.ResourceExhausted.class, writer::flush);
    assertThrows(ExprunException.ResourceExhausted.class, writer::close);
    int refusals = fake.refusals();
    // The first stream may count as progress (opened before the batch was cut): one more.
    assertTrue(refusals == 6 || refusals == 7, refusals + " refusals");
  }

  @Test
  void theFirstOpenNumbersBatchesAfterTheWritersCommittedSequence() {
    fake.committed.put("w", 7L);
    try (TimeSeriesWriter writer = writer(options())) {
      writer.log(Map.of("x", 1.0), 1);
      writer.flush();
      assertEquals(8, writer.committedSequence());
    }
    assertEquals(List.of(8L), fake.receivedSequences());
  }

  @Test
  void tryWithResourcesSurfacesTheWritersErrorWhenCloseThrowsItToo() {
    fake.failure =
        (stream, batch) -> {
          stream.fail(Status.INVALID_ARGUMENT.withDescription("bad points").asRuntimeException());
          return null;
        };
    // close() throws the stopped writer's error as well: as its own exception, so that Java can
    // attach it to flush()'s (an exception cannot suppress itself).
    ExprunException.InvalidArgument error =
        assertThrows(
            ExprunException.InvalidArgument.class,
            () -> {
              try (TimeSeriesWriter writer = writer(options())) {
                writer.log(Map.of("x", 1.0), 1);
                writer.flush();
              }
            });
    assertEquals(1, error.getSuppressed().length);
    assertTrue(error.getSuppressed()[0] instanceof ExprunException.InvalidArgument);
  }

  @Test
  void aPermanentErrorStopsTheWriterAndSurfacesTyped() {
    com.google.rpc.Status rich =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage("bad points")
            .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("INVALID_TIME_SERIES").setDomain("exprun.dev").build()))
            .addDetails(
                Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField("batch.series[0].values[0]")
                                .setDescription("must be finite"))
                        .build()))
            .build();
    fake.failure =
        (stream, batch) -> {
          stream.fail(StatusProto.toStatusRuntimeException(rich));
          return null;
        };
    TimeSeriesWriter writer = writer(options());
    writer.log(Map.of("x", 1.0), 1); // the fake refuses any batch, as the server a bad one
    ExprunException.InvalidArgument error =
        assertThrows(ExprunException.InvalidArgument.class, writer::flush);
    assertEquals("INVALID_TIME_SERIES", error.reason());
    assertEquals(List.of("batch.series[0].values[0]"), error.violatedFields());
    assertTrue(error.getMessage().contains("1 points logged to it were not acknowledged"), error.getMessage());
    assertThrows(ExprunException.InvalidArgument.class, () -> writer.log(Map.of("x", 1.0), 2));
    assertThrows(ExprunException.InvalidArgument.class, writer::close);
    writer.close(); // thrown once by close; a second close is quiet
    assertEquals(1, fake.opens(), "a permanent error is not retried");
  }

  @Test
  void anotherWriterWithTheSameIdIsDetectedOnReopen() throws Exception {
    try (TimeSeriesWriter writer = writer(options())) {
      writer.log(Map.of("x", 1.0), 1);
      writer.flush();
      synchronized (fake) {
        fake.committed.put("w", 100L); // someone else advanced this writer ID
      }
      writer.reconnect();
      eventually(() -> fake.opens() == 2, "the reopen");
      ExprunException.FailedPrecondition error =
          assertThrows(
              ExprunException.FailedPrecondition.class,
              () -> {
                while (true) { // flush throws the writer's error once it has stopped
                  writer.flush();
                  Thread.sleep(5);
                }
              });
      assertEquals("WRITER_ID_IN_USE", error.reason());
      assertThrows(ExprunException.FailedPrecondition.class, writer::close);
    }
  }

  @Test
  void closeTimesOutNamingThePointsNotAcknowledged() {
    fake.setAutoAck(false);
    fake.ackOnHalfClose = false;
    TimeSeriesWriter writer = writer(options());
    writer.log(Map.of("x", 1.0, "y", 2.0), 1);
    ExprunException.DeadlineExceeded timeout =
        assertThrows(ExprunException.DeadlineExceeded.class, () -> writer.close(Duration.ofMillis(200)));
    assertEquals("WRITER_CLOSE_TIMEOUT", timeout.reason());
    assertEquals("2", timeout.metadata().get("pending_points"));
  }

  @Test
  void flushTimesOutButKeepsThePointsPending() throws Exception {
    fake.setAutoAck(false);
    try (TimeSeriesWriter writer = writer(options())) {
      writer.log(Map.of("x", 1.0), 1);
      ExprunException.DeadlineExceeded timeout =
          assertThrows(ExprunException.DeadlineExceeded.class, () -> writer.flush(Duration.ofMillis(100)));
      assertEquals("WRITER_FLUSH_TIMEOUT", timeout.reason());
      assertEquals(1, writer.pointsPending());
      fake.setAutoAck(true);
      fake.ackHeld();
      writer.flush();
      assertEquals(1, writer.pointsAcked());
    }
  }

  @Test
  void aWriterIsUnusableAfterClose() {
    TimeSeriesWriter writer = writer(options());
    writer.log(Map.of("x", 1.0), 1);
    writer.close();
    writer.close();
    assertThrows(IllegalStateException.class, () -> writer.log(Map.of("x", 2.0), 2));
    assertEquals(Map.of(new FakeStreamServer.Point("x", 1), 1.0), fake.storedPoints());
  }

  @Test
  void defaultStepsContinueAfterTheRunsLargestStep() {
    fake.series = List.of(TimeSeries.newBuilder().setMetric("x").addSteps(41).addValues(0.0).build());
    try (TimeSeriesWriter writer = writer(options())) {
      writer.log(Map.of("x", 1.0));
      writer.log(Map.of("x", 2.0));
      writer.flush();
    }
    assertEquals(
        Map.of(new FakeStreamServer.Point("x", 42), 1.0, new FakeStreamServer.Point("x", 43), 2.0),
        fake.storedPoints());
  }

  @Test
  void optionsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> options().maxBatchPoints(100_001).build());
    assertThrows(IllegalArgumentException.class, () -> options().maxBatchPoints(0).build());
    assertThrows(IllegalArgumentException.class, () -> options().maxUnackedBatches(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> options().maxBatchPoints(100).maxBufferedPoints(99).build());
    assertThrows(IllegalArgumentException.class, () -> options().writerId("").build());
    assertThrows(
        IllegalArgumentException.class,
        () -> options().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
  }

  @Test
  void badRowsAreRefusedBeforeAnythingIsBuffered() {
    try (TimeSeriesWriter writer = writer(options())) {
      assertThrows(ExprunException.InvalidArgument.class, () -> writer.log(Map.of("x", 1.0), -1));
      Map<String, Double> withNull = new LinkedHashMap<>();
      withNull.put("x", 1.0);
      withNull.put("y", null);
      assertThrows(ExprunException.InvalidArgument.class, () -> writer.log(withNull, 1));
      assertThrows(
          ExprunException.InvalidArgument.class,
          () -> writer.logColumns(new long[] {1, 2}, Map.of("x", new double[] {1.0})));
      assertEquals(0, writer.pointsLogged());
    }
  }

  @Test
  void aNonFiniteValueIsRefusedLocallyNamingTheMetricAndNothingIsSent() {
    TimeSeriesWriter writer = writer(options());
    writer.log(Map.of("loss", 0.5), 1);
    writer.flush();
    Map<String, Double> row = new LinkedHashMap<>();
    row.put("acc", 0.9);
    row.put("loss", Double.NaN);
    ExprunException.InvalidArgument perStep =
        assertThrows(ExprunException.InvalidArgument.class, () -> writer.log(row, 2));
    assertEquals(Status.Code.INVALID_ARGUMENT, perStep.code());
    assertEquals(List.of("metrics['loss']"), perStep.violatedFields());
    assertEquals(ExprunException.REASON_INVALID_VALUE, perStep.reason());
    assertTrue(perStep.getMessage().contains("'loss'"), perStep.getMessage());
    ExprunException.InvalidArgument columnar =
        assertThrows(
            ExprunException.InvalidArgument.class,
            () ->
                writer.logColumns(
                    new long[] {3, 4},
                    Map.of("acc", new double[] {0.1, Double.POSITIVE_INFINITY})));
    assertEquals(List.of("metrics['acc']"), columnar.violatedFields());
    assertThrows(
        ExprunException.InvalidArgument.class, () -> writer.log("acc", Double.NEGATIVE_INFINITY, 5));
    // The writer goes on: later points are written and close() does not throw.
    writer.log(Map.of("loss", 0.25), 6);
    writer.close();
    assertEquals(2, writer.pointsLogged());
    assertEquals(2, writer.pointsAcked());
    assertEquals(
        Set.of(new FakeStreamServer.Point("loss", 1), new FakeStreamServer.Point("loss", 6)),
        fake.storedPoints().keySet());
  }

  @Test
  void perStepRowsMixedWithOtherMetricsAndColumnsKeepTheOrderTheyWereLoggedIn() {
    try (TimeSeriesWriter writer = writer(options().maxBatchPoints(30))) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (long step = 1; step <= 100; step++) {
        row.put("a", step * 10.0);
        row.put("b", step * 10.0 + 1);
        writer.log(row, step);
      }
      // Another set of metrics, a rewrite of a@50: after the rows before it.
      writer.log(Map.of("a", -1.0), 50);
      for (long step = 101; step <= 200; step++) {
        Map<String, Double> fresh = new LinkedHashMap<>(); // equal keys, other objects
        fresh.put(new String("a"), step * 10.0);
        fresh.put(new String("b"), step * 10.0 + 1);
        writer.log(fresh, step);
      }
      writer.logColumns(
          new long[] {150, 151}, Map.of("a", new double[] {-2, -4}, "b", new double[] {-3, -5}));
      row.put("a", 7.0);
      row.put("b", 8.0);
      writer.log(row, 150);
      writer.log(row, 150);
      writer.close();
      assertEquals(409, writer.pointsLogged());
      assertEquals(409, writer.pointsAcked());
    }
    Map<FakeStreamServer.Point, Double> stored = fake.storedPoints();
    assertEquals(400, stored.size());
    for (long step = 1; step <= 200; step++) {
      double a = step == 50 ? -1 : step == 150 ? 7 : step == 151 ? -4 : step * 10.0;
      double b = step == 150 ? 8 : step == 151 ? -5 : step * 10.0 + 1;
      assertEquals(a, stored.get(new FakeStreamServer.Point("a", step)), "a@" + step);
      assertEquals(b, stored.get(new FakeStreamServer.Point("b", step)), "b@" + step);
    }
    for (SequencedBatch batch : fake.received) {
      assertTrue(points(batch) <= 30, "batch of " + points(batch));
      List<String> metrics = batch.getBatch().getSeriesList().stream().map(TimeSeries::getMetric).toList();
      assertEquals(metrics.stream().distinct().count(), metrics.size(), metrics.toString());
      for (TimeSeries series : batch.getBatch().getSeriesList()) {
        assertEquals(series.getValuesCount(), series.getStepsCount());
        assertEquals(series.getValuesCount(), series.getWallTimeMicrosCount());
      }
    }
  }

  @Test
  void aNonFiniteValueInARunOfSameMetricRowsIsRefusedAndTheRowsGoOn() {
    try (TimeSeriesWriter writer = writer(options())) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (long step = 1; step <= 5; step++) {
        row.put("acc", 0.5);
        row.put("loss", step == 4 ? Double.POSITIVE_INFINITY : 1.0 / step);
        if (step == 4) {
          ExprunException.InvalidArgument refused =
              assertThrows(ExprunException.InvalidArgument.class, () -> writer.log(row, 4));
          assertEquals(List.of("metrics['loss']"), refused.violatedFields());
          assertEquals(ExprunException.REASON_INVALID_VALUE, refused.reason());
          assertEquals(6, writer.pointsLogged());
        } else {
          writer.log(row, step);
        }
      }
      writer.close();
      assertEquals(8, writer.pointsAcked());
    }
    Map<FakeStreamServer.Point, Double> stored = fake.storedPoints();
    assertEquals(8, stored.size());
    assertFalse(stored.containsKey(new FakeStreamServer.Point("acc", 4)));
    assertEquals(0.2, stored.get(new FakeStreamServer.Point("loss", 5)));
  }

  @Test
  void theDefaultWriterIdNamesTheRunAndIsUnique() {
    String first = TimeSeriesWriter.defaultWriterId(RUN);
    String second = TimeSeriesWriter.defaultWriterId(RUN);
    assertTrue(first.startsWith("r-"), first);
    assertTrue(first.length() <= 128);
    assertFalse(first.equals(second));
  }
}
