package dev.exprun.client;

import dev.exprun.v1.ExperimentRunServiceGrpc;
import dev.exprun.v1.ReadTimeSeriesRequest;
import dev.exprun.v1.ReadTimeSeriesResponse;
import dev.exprun.v1.StreamOpen;
import dev.exprun.v1.StreamTimeSeriesRequest;
import dev.exprun.v1.StreamTimeSeriesResponse;
import dev.exprun.v1.TimeSeries;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Streams a run's time series over {@code StreamTimeSeries} in acknowledged batches, without
 * blocking the training loop for long.
 *
 * <p>{@link #log} and {@link #logColumns} only append to primitive arrays: per-metric columns,
 * and for per-step rows of the same metrics as the row before, a row-major {@link RowBlock}. A
 * background thread owns the stream: it cuts the buffer into batches by size ({@code
 * maxBatchPoints}) and by age ({@code maxBatchDelay}), numbers them, sends at most {@code
 * maxUnackedBatches} ahead of the server's cumulative ack, and keeps every batch until it is
 * acknowledged. When the stream fails with a transient status (UNAVAILABLE, a torn connection, a
 * draining server; RESOURCE_EXHAUSTED with a {@code google.rpc.RetryInfo}, as the server's {@code
 * STORAGE_FULL} when its disk is full) it reopens it with exponential backoff and jitter, never
 * sooner than the RetryInfo delay, and keeps doing so until the server accepts again or the
 * writer is closed; it learns the committed sequence from {@code opened}, drops what the server already has and resends the rest in order.
 * A permanent status (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, ...) stops the writer; it
 * is thrown, typed, from the next {@code log}, {@code flush} or {@code close}.
 *
 * <p>Memory: buffered plus unacknowledged points never exceed {@code maxBufferedPoints}. When
 * full, {@code log} blocks until acks free room ({@link OnFull#BLOCK}) or throws {@link
 * ExprunException.BufferFull} ({@link OnFull#ERROR}). Points are released only when acknowledged:
 * nothing is dropped silently.
 *
 * <p>{@code log} may be called from any thread. The writer ID names this writer to the server,
 * which remembers the highest batch it committed for it; two live writers must never share one.
 */
public final class TimeSeriesWriter implements AutoCloseable {
  /** The server refuses streamed batches of more points than this. */
  public static final int MAX_STREAM_BATCH_POINTS = 100_000;

  private static final System.Logger LOG = System.getLogger(TimeSeriesWriter.class.getName());

  /** Statuses after which the stream is always reopened: transient by definition. */
  private static final Set<Status.Code> RETRY_ALWAYS =
      EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.ABORTED, Status.Code.DEADLINE_EXCEEDED);
  /**
   * Usually transient (a proxy resetting a stream shows as INTERNAL or UNKNOWN) but possibly a
   * bug that repeats forever: retried only {@link #LIMITED_RETRIES} times in a row.
   */
  private static final Set<Status.Code> RETRY_LIMITED =
      EnumSet.of(
          Status.Code.INTERNAL,
          Status.Code.UNKNOWN,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.CANCELLED);
  private static final int LIMITED_RETRIES = 5;
  /** The longest a RetryInfo delay is honoured: a server's absurd delay must not park the writer. */
  private static final Duration MAX_RETRY_INFO_DELAY = Duration.ofMinutes(1);
  /** Arrays of acknowledged batches kept for the next batches to be encoded into. */
  private static final int SPARE_BUFFERS = 4;
  /** Row blocks whose batches are all encoded, kept for the next cuts. */
  private static final int SPARE_BLOCKS = 2;

  /** Batches travel as pre-encoded bytes: the stub's method with a pass-through marshaller. */
  static final MethodDescriptor<BatchEncoder.Payload, StreamTimeSeriesResponse> STREAM_METHOD =
      ExperimentRunServiceGrpc.getStreamTimeSeriesMethod()
          .toBuilder(
              new PayloadMarshaller(),
              ExperimentRunServiceGrpc.getStreamTimeSeriesMethod().getResponseMarshaller())
          .build();

  /** What {@code log} does when the buffer is full. */
  public enum OnFull {
    /** Wait until acknowledgements free room. */
    BLOCK,
    /** Throw {@link ExprunException.BufferFull} at once, taking nothing of the call. */
    ERROR
  }

  /** The writer's settings; {@link #defaults()} are those of the Python client. */
  public record Options(
      String writerId,
      int maxBatchPoints,
      Duration maxBatchDelay,
      int maxUnackedBatches,
      long maxBufferedPoints,
      OnFull onFull,
      Duration minBackoff,
      Duration maxBackoff) {

    public Options {
      if (maxBatchPoints < 1 || maxBatchPoints > MAX_STREAM_BATCH_POINTS) {
        throw new IllegalArgumentException(
            "maxBatchPoints must be between 1 and " + MAX_STREAM_BATCH_POINTS);
      }
      if (maxBatchDelay.isNegative()) {
        throw new IllegalArgumentException("maxBatchDelay must be >= 0");
      }
      if (maxUnackedBatches < 1) {
        throw new IllegalArgumentException("maxUnackedBatches must be >= 1");
      }
      if (maxBufferedPoints < maxBatchPoints) {
        throw new IllegalArgumentException("maxBufferedPoints must be >= maxBatchPoints");
      }
      Objects.requireNonNull(onFull, "onFull");
      if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
        throw new IllegalArgumentException("backoff must be 0 < min <= max");
      }
      if (writerId != null && (writerId.isEmpty() || writerId.length() > 128)) {
        throw new IllegalArgumentException("writerId must be 1-128 characters");
      }
    }

    /** 50,000-point batches or 50 ms, 16 unacked batches, 2,000,000 points, block, 50 ms-5 s. */
    public static Options defaults() {
      return builder().build();
    }

    public static Builder builder() {
      return new Builder();
    }

    public Builder toBuilder() {
      Builder builder = new Builder();
      builder.writerId = writerId;
      builder.maxBatchPoints = maxBatchPoints;
      builder.maxBatchDelay = maxBatchDelay;
      builder.maxUnackedBatches = maxUnackedBatches;
      builder.maxBufferedPoints = maxBufferedPoints;
      builder.onFull = onFull;
      builder.minBackoff = minBackoff;
      builder.maxBackoff = maxBackoff;
      return builder;
    }

    /** Builds {@link Options}; every setter is optional. */
    public static final class Builder {
      private String writerId;
      private int maxBatchPoints = 50_000;
      private Duration maxBatchDelay = Duration.ofMillis(50);
      private int maxUnackedBatches = 16;
      private long maxBufferedPoints = 2_000_000;
      private OnFull onFull = OnFull.BLOCK;
      private Duration minBackoff = Duration.ofMillis(50);
      private Duration maxBackoff = Duration.ofSeconds(5);

      private Builder() {}

      /**
       * A stable ID (for example the training job's) makes a restarted process continue the
       * same writer; the default is new for every writer: {@code {run}-{host}-{pid}-{random}}.
       */
      public Builder writerId(String writerId) {
        this.writerId = writerId;
        return this;
      }

      /** A batch is cut when this many points are buffered (at most 100,000). */
      public Builder maxBatchPoints(int points) {
        this.maxBatchPoints = points;
        return this;
      }

      /** ... or when the oldest buffered point is this old. */
      public Builder maxBatchDelay(Duration delay) {
        this.maxBatchDelay = delay;
        return this;
      }

      /** Batches sent ahead of the server's acknowledgement. */
      public Builder maxUnackedBatches(int batches) {
        this.maxUnackedBatches = batches;
        return this;
      }

      /** Buffered plus unacknowledged points never exceed this. */
      public Builder maxBufferedPoints(long points) {
        this.maxBufferedPoints = points;
        return this;
      }

      public Builder onFull(OnFull onFull) {
        this.onFull = onFull;
        return this;
      }

      /** Reconnect backoff: doubling from {@code min} up to {@code max}, with jitter. */
      public Builder reconnectBackoff(Duration min, Duration max) {
        this.minBackoff = min;
        this.maxBackoff = max;
        return this;
      }

      public Options build() {
        return new Options(
            writerId,
            maxBatchPoints,
            maxBatchDelay,
            maxUnackedBatches,
            maxBufferedPoints,
            onFull,
            minBackoff,
            maxBackoff);
      }
    }
  }

  /** A numbered batch, kept until acknowledged; encoded on first send, then resent as is. */
  static final class Batch {
    final long sequence;
    final int points;
    BatchEncoder.Content content;
    BatchEncoder.Payload payload;

    Batch(long sequence, BatchEncoder.Content content) {
      this.sequence = sequence;
      this.points = content.points();
      this.content = content;
    }
  }

  /** One attempt at the stream. Fields are guarded by the writer's lock. */
  private static final class Connection {
    ClientCallStreamObserver<BatchEncoder.Payload> requests;
    boolean opened;
    boolean halfClosed;
    boolean terminated;
    boolean forced; // ended by reconnect(): reopen at once
    boolean progressed;
    Status status;
    Metadata trailers;
    long lastSent;
    long resendUpTo; // batches up to here were sent on an earlier connection
  }

  private final Channel channel;
  private final String run;
  private final String writerId;
  private final Options options;
  private final long maxBatchDelayNanos;
  private final BatchEncoder.Payload openPayload;

  // One lock for all state; `changed` is signalled on every change anyone may wait for.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Producer side.
  private LinkedHashMap<String, MetricColumn> columns = new LinkedHashMap<>();
  /** Per-step rows of one set of metrics, later than the columns' points; null when none. */
  private RowBlock rows;
  /** The metrics of the last row that took the general path (see appendRow). */
  private String[] lastShape;
  private boolean accepting = true; // false once closing or failed
  private long free; // maxBufferedPoints - buffered - unacknowledged
  private long buffered;
  private long firstBufferedAt;
  private long logged;
  private volatile long nextStep = -1; // -1 until the first default step is asked of the server
  private final Object stepLock = new Object();

  // Pipeline side.
  private final ArrayDeque<Batch> unacked = new ArrayDeque<>();
  private long unackedPoints;
  private long swapped; // points moved from the buffer into batches
  private long nextSequence; // 0 until the first `opened` tells where to start
  private long lastAssigned;
  private volatile long committed;
  private volatile long ackedPoints;
  private volatile long reconnects;
  private volatile long batchesResent;
  private boolean cutNow;
  private boolean reconnectRequested;
  private Connection connection;
  // Memory to reuse, so that a steady stream allocates (and the GC copies) next to nothing.
  private final ArrayDeque<byte[]> spareBuffers = new ArrayDeque<>();
  private final ArrayDeque<RowBlock> spareBlocks = new ArrayDeque<>();

  // Lifecycle.
  private boolean closing;
  private boolean closed;
  private boolean aborted;
  private ExprunException error;
  private boolean errorThrownByClose;

  private final Thread sender;

  /** A writer on {@code channel} (with any call headers attached) for the run named {@code run}. */
  TimeSeriesWriter(Channel channel, String run, Options options) {
    this.channel = channel;
    this.run = run;
    this.options = options;
    this.writerId = options.writerId() != null ? options.writerId() : defaultWriterId(run);
    this.maxBatchDelayNanos = options.maxBatchDelay().toNanos();
    this.free = options.maxBufferedPoints();
    this.openPayload =
        BatchEncoder.Payload.of(
            StreamTimeSeriesRequest.newBuilder()
                .setOpen(StreamOpen.newBuilder().setRun(run).setWriterId(writerId))
                .build()
                .toByteArray());
    this.sender = new Thread(this::runStream, "exprun-writer-" + writerId);
    this.sender.setDaemon(true);
    Live.register(this);
    this.sender.start();
  }

  // -- counters -----------------------------------------------------------------------------------

  public String writerId() {
    return writerId;
  }

  /** The run's full name. */
  public String run() {
    return run;
  }

  /** The highest batch sequence the server has acknowledged for this writer. */
  public long committedSequence() {
    return committed;
  }

  /** Points acknowledged as durable so far. */
  public long pointsAcked() {
    return ackedPoints;
  }

  /** Points handed to {@code log}/{@code logColumns} so far. */
  public long pointsLogged() {
    lock.lock();
    try {
      return logged;
    } finally {
      lock.unlock();
    }
  }

  /** Points buffered or sent but not yet acknowledged. */
  public long pointsPending() {
    lock.lock();
    try {
      return buffered + unackedPoints;
    } finally {
      lock.unlock();
    }
  }

  /** How many times the stream was reopened. */
  public long reconnects() {
    return reconnects;
  }

  /** Batches sent again on a reopened stream because they were not acknowledged. */
  public long batchesResent() {
    return batchesResent;
  }

  // -- producer API -------------------------------------------------------------------------------

  /** Buffers one point per metric at {@code step}, now. */
  public void log(Map<String, ? extends Number> metrics, long step) {
    log(metrics, step, nowMicros());
  }

  /**
   * Buffers one point per metric at the writer's last step + 1 (before anything was logged, the
   * run's largest step + 1, asked of the server once; 1 for an empty run).
   */
  public void log(Map<String, ? extends Number> metrics) {
    long micros = nowMicros();
    if (nextStep < 0) {
      startDefaultSteps();
    }
    appendRow(metrics, -1, micros);
  }

  /** Buffers one point of one metric. */
  public void log(String metric, double value, long step) {
    log(Map.of(metric, value), step);
  }

  /**
   * Buffers one point per metric at {@code step} and {@code wallTimeMicros} (microseconds since
   * the Unix epoch). Returns at once unless the buffer is full with {@link OnFull#BLOCK}.
   */
  public void log(Map<String, ? extends Number> metrics, long step, long wallTimeMicros) {
    if (step < 0) {
      throw ExprunException.invalid("step", "step must be >= 0, not " + step);
    }
    appendRow(metrics, step, wallTimeMicros);
  }

  /**
   * Appends one row (step -1: the next default step). The hot path of per-step logging: a row of
   * the same metrics as the row block's is one pass over the map into primitive arrays, with no
   * lookup and no object per point. Anything else takes {@link #appendRowToColumns}.
   */
  private void appendRow(Map<String, ? extends Number> metrics, long step, long micros) {
    int count = metrics.size();
    if (count == 0) {
      return;
    }
    checkFits(count);
    lock.lock();
    try {
      if (!accepting || count > free) {
        // A refused row must be refused before waiting for room (or failing for want of it).
        validateRow(metrics, step);
        makeRoom(count);
      }
      long at = step < 0 ? nextStep : step;
      RowBlock block = rows;
      if (block == null || block.width != count || !block.append(metrics, at, micros)) {
        appendRowToColumns(metrics, at, micros);
      }
      nextStep = at + 1;
      admitted(count);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The general path (lock held): validates the whole row, then appends it to the columns, after
   * the row block's rows. A second row in a row of the same metrics starts a new row block, so
   * a training loop takes this path twice, and rows alternating between metric sets never churn
   * blocks.
   */
  private void appendRowToColumns(Map<String, ? extends Number> metrics, long step, long micros) {
    // Validated before anything is appended: a row is all or nothing, and a refused row sends
    // nothing (the server would refuse the whole batch, and the writer would stop).
    validateRow(metrics, step);
    moveRowsToColumns();
    String[] shape = new String[metrics.size()];
    int i = 0;
    for (Map.Entry<String, ? extends Number> entry : metrics.entrySet()) {
      MetricColumn column = column(entry.getKey(), 16);
      column.values.add(entry.getValue().doubleValue());
      column.steps.add(step);
      column.walls.add(micros);
      shape[i++] = entry.getKey();
    }
    if (Arrays.equals(shape, lastShape) && shape.length <= options.maxBatchPoints()) {
      rows = new RowBlock(shape, 16);
    } else {
      rows = null;
      lastShape = shape;
    }
  }

  /** Throws if a metric name or value is null or a value is not finite. */
  private static void validateRow(Map<String, ? extends Number> metrics, long step) {
    for (Map.Entry<String, ? extends Number> entry : metrics.entrySet()) {
      String metric = entry.getKey();
      Number value = entry.getValue();
      if (metric == null || value == null) {
        throw ExprunException.invalid(
            metric == null ? "metrics" : "metrics['" + metric + "']",
            "metric names and values must not be null: " + metrics);
      }
      double number = value.doubleValue();
      if (!Double.isFinite(number)) {
        throw nonFinite(metric, number, step);
      }
    }
  }

  /**
   * Moves the row block's rows into the columns (lock held), before anything else is appended
   * there: a metric's points stay in the order they were logged. The block stays, emptied (no
   * batch refers to it: it was not cut).
   */
  private void moveRowsToColumns() {
    RowBlock block = rows;
    if (block == null || block.rows == 0) {
      return;
    }
    for (int m = 0; m < block.width; m++) {
      MetricColumn column = column(block.metrics[m], block.rows);
      column.values.addStrided(block.values, m, block.width, block.rows);
      column.steps.addAll(block.steps, 0, block.rows);
      column.walls.addAll(block.walls, 0, block.rows);
    }
    block.rows = 0;
  }

  /** {@link #logColumns(long[], Map, long[])} with every row logged now. */
  public void logColumns(long[] steps, Map<String, double[]> columns) {
    logColumns(steps, columns, null);
  }

  /**
   * Buffers aligned columns: row {@code i} is {@code {metric: columns.get(metric)[i]}} at {@code
   * steps[i]} and {@code wallTimeMicros[i]} (null: now). The fast path; the arrays are copied. A
   * call larger than the free room is admitted in slices as acks free room (or refused whole
   * with {@link OnFull#ERROR}).
   */
  public void logColumns(long[] steps, Map<String, double[]> columns, long[] wallTimeMicros) {
    if (steps == null) {
      throw ExprunException.invalid("steps", "steps must not be null");
    }
    if (columns.isEmpty()) {
      throw ExprunException.invalid("columns", "columns must hold at least one metric");
    }
    int rows = steps.length;
    for (Map.Entry<String, double[]> entry : columns.entrySet()) {
      String metric = entry.getKey();
      if (metric == null || entry.getValue() == null) {
        throw ExprunException.invalid("columns", "metric names and columns must not be null");
      }
      double[] values = entry.getValue();
      if (values.length != rows) {
        throw ExprunException.invalid(
            "metrics['" + metric + "']",
            "column of metric '" + metric + "' has " + values.length + " values but steps has " + rows);
      }
      for (int i = 0; i < rows; i++) {
        if (!Double.isFinite(values[i])) {
          throw nonFinite(metric, values[i], steps[i]);
        }
      }
    }
    if (wallTimeMicros != null && wallTimeMicros.length != rows) {
      throw ExprunException.invalid(
          "wallTimeMicros", "wallTimeMicros has " + wallTimeMicros.length + " values but steps has " + rows);
    }
    for (long step : steps) {
      if (step < 0) {
        throw ExprunException.invalid("steps", "steps must be >= 0, not " + step);
      }
    }
    if (rows == 0) {
      return;
    }
    int width = columns.size();
    checkFits(width);
    long now = wallTimeMicros == null ? nowMicros() : 0;
    long total = (long) rows * width;
    lock.lock();
    try {
      if (!accepting) {
        throwUnusable();
      }
      if (total <= free) {
        appendRows(steps, columns, wallTimeMicros, now, 0, rows);
        return;
      }
      if (options.onFull() == OnFull.ERROR) {
        throw bufferFull(total);
      }
    } finally {
      lock.unlock();
    }
    // Too big for the free room: admit slices of at most one batch as acks free room.
    int chunk = Math.max(1, options.maxBatchPoints() / width);
    for (int start = 0; start < rows; start += chunk) {
      int end = Math.min(rows, start + chunk);
      lock.lock();
      try {
        makeRoom((long) (end - start) * width);
        appendRows(steps, columns, wallTimeMicros, now, start, end);
      } finally {
        lock.unlock();
      }
    }
  }

  private void appendRows(
      long[] steps, Map<String, double[]> values, long[] walls, long now, int start, int end) {
    moveRowsToColumns();
    for (Map.Entry<String, double[]> entry : values.entrySet()) {
      MetricColumn column = column(entry.getKey(), end - start);
      column.values.addAll(entry.getValue(), start, end);
      column.steps.addAll(steps, start, end);
      if (walls == null) {
        column.walls.fill(now, end - start);
      } else {
        column.walls.addAll(walls, start, end);
      }
    }
    nextStep = steps[end - 1] + 1;
    admitted((long) (end - start) * values.size());
  }

  private MetricColumn column(String metric, int capacity) {
    MetricColumn column = columns.get(metric);
    if (column == null) {
      column = new MetricColumn(metric, capacity);
      columns.put(metric, column);
    }
    return column;
  }

  /** Counts {@code count} appended points (lock held); wakes the sender when a batch starts or fills. */
  private void admitted(long count) {
    logged += count;
    free -= count;
    long before = buffered;
    buffered = before + count;
    if (before == 0) {
      firstBufferedAt = System.nanoTime();
      changed.signalAll();
    } else if (before < options.maxBatchPoints() && options.maxBatchPoints() <= buffered) {
      changed.signalAll();
    }
  }

  /**
   * The error for a NaN or infinite value: refused here, before it is buffered, because the
   * server refuses a batch holding one, which would stop the writer with every later point.
   */
  static ExprunException.InvalidArgument nonFinite(String metric, double value, long step) {
    return ExprunException.invalid(
        "metrics['" + metric + "']",
        "value " + value + " of metric '" + metric + "'" + (step >= 0 ? " at step " + step : "")
            + " is not finite; nothing of this call was logged");
  }

  private void checkFits(long count) {
    if (count > options.maxBufferedPoints()) {
      throw new IllegalArgumentException(
          "one row of " + count + " metrics exceeds maxBufferedPoints=" + options.maxBufferedPoints());
    }
  }

  /** Waits (lock held) until {@code count} more points fit; throws if unusable or full with ERROR. */
  private void makeRoom(long count) {
    if (!accepting) {
      throwUnusable();
    }
    while (count > free) {
      if (!accepting) {
        throwUnusable();
      }
      if (options.onFull() == OnFull.ERROR) {
        throw bufferFull(count);
      }
      // A full buffer is ripe: have the sender cut it even if it is below one batch.
      cutNow = true;
      changed.signalAll();
      awaitInterruptibly(0);
    }
  }

  private ExprunException.BufferFull bufferFull(long count) {
    long pending = options.maxBufferedPoints() - free;
    return new ExprunException.BufferFull(
        pending + " points are buffered or unacknowledged; " + count + " more would exceed "
            + "maxBufferedPoints=" + options.maxBufferedPoints(),
        Map.of(
            "pending_points", Long.toString(pending),
            "max_buffered_points", Long.toString(options.maxBufferedPoints())));
  }

  /** Fetches the run's largest step once, before this writer's first default step. */
  private void startDefaultSteps() {
    synchronized (stepLock) {
      lock.lock();
      try {
        if (nextStep >= 0) {
          return;
        }
      } finally {
        lock.unlock();
      }
      ReadTimeSeriesRequest request =
          ReadTimeSeriesRequest.newBuilder().setRun(run).setMaxPoints(1).build();
      long largest = 0;
      try {
        Iterator<ReadTimeSeriesResponse> chunks =
            ExperimentRunServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .readTimeSeries(request);
        while (chunks.hasNext()) {
          for (TimeSeries series : chunks.next().getSeriesList()) {
            for (long step : series.getStepsList()) {
              largest = Math.max(largest, step);
            }
          }
        }
      } catch (StatusRuntimeException failure) {
        throw ExprunException.fromStub(failure);
      }
      lock.lock();
      try {
        if (nextStep < 0) {
          nextStep = largest + 1;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  // -- flush, reconnect, close --------------------------------------------------------------------

  /** Waits until every point logged before the call is acknowledged as durable. */
  public void flush() {
    flush(null);
  }

  /**
   * Waits until every point logged before the call is acknowledged as durable. Throws the
   * writer's error if it stopped, and {@link ExprunException.DeadlineExceeded} if {@code timeout}
   * passes first (the points stay pending and are still sent).
   */
  public void flush(Duration timeout) {
    long deadline = deadline(timeout);
    lock.lock();
    try {
      if (error != null) {
        throw error;
      }
      long targetPoints = logged;
      if (swapped < targetPoints) {
        cutNow = true;
        changed.signalAll();
      }
      waitUntil(() -> swapped >= targetPoints, deadline, "flush");
      long targetSequence = lastAssigned;
      waitUntil(() -> committed >= targetSequence, deadline, "flush");
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drops the current stream so the writer reopens it at once: it learns the committed sequence
   * from {@code opened} and resends every batch the server has not committed. Returns at once.
   * For tests and for moving to another server replica behind the same target.
   */
  public void reconnect() {
    lock.lock();
    try {
      if (connection != null && !connection.terminated) {
        reconnectRequested = true;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Flushes, half-closes the stream and stops the background thread. Idempotent. */
  @Override
  public void close() {
    close(null);
  }

  /**
   * Flushes and stops. Throws the writer's error if it stopped (once). If {@code timeout} passes
   * first, the stream is cancelled and {@link ExprunException.DeadlineExceeded} tells how many
   * points were not acknowledged: those were not written by this writer.
   */
  public void close(Duration timeout) {
    long deadline = deadline(timeout);
    if (beginClose()) {
      finishClose(deadline);
    }
  }

  private boolean beginClose() {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      closing = true;
      accepting = false;
      cutNow = true;
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void finishClose(long deadline) {
    boolean interrupted = false;
    try {
      if (deadline == Long.MAX_VALUE) {
        sender.join();
      } else {
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) {
          TimeUnit.NANOSECONDS.timedJoin(sender, remaining);
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (sender.isAlive()) {
      long pending;
      lock.lock();
      try {
        aborted = true;
        closed = true;
        pending = buffered + unackedPoints;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        sender.join(5000);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      Live.unregister(this);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw ExprunException.client(
          Status.Code.DEADLINE_EXCEEDED,
          "TimeSeriesWriter " + writerId + " closed with " + pending
              + " points not acknowledged in time; they were not written",
          "WRITER_CLOSE_TIMEOUT",
          Map.of("pending_points", Long.toString(pending)));
    }
    Live.unregister(this);
    lock.lock();
    try {
      closed = true;
      if (error != null && !errorThrownByClose) {
        errorThrownByClose = true;
        // A copy: in try-with-resources the body may have thrown `error` itself, and Java cannot
        // add an exception to its own suppressed list.
        throw error.withNote("close() found the writer stopped");
      }
    } finally {
      lock.unlock();
    }
  }

  private void throwUnusable() {
    if (error != null) {
      throw error;
    }
    throw new IllegalStateException("TimeSeriesWriter " + writerId + " is closed");
  }

  /** Stops the writer (lock held). Pending points are counted in the error, not dropped silently. */
  private void fail(ExprunException failure) {
    if (error == null) {
      long pending = buffered + unackedPoints;
      error =
          failure.withNote(
              "TimeSeriesWriter " + writerId + " stopped; " + pending + " points logged to it were "
                  + "not acknowledged and are not written (" + ackedPoints + " were)");
      LOG.log(Level.WARNING, error.getMessage());
    }
    accepting = false;
    changed.signalAll();
  }

  // -- the sending thread -------------------------------------------------------------------------

  private void runStream() {
    int failures = 0;
    while (true) {
      Connection conn = new Connection();
      lock.lock();
      try {
        if (error != null || aborted || (closing && buffered == 0 && unacked.isEmpty())) {
          return;
        }
        reconnectRequested = false;
        connection = conn;
      } finally {
        lock.unlock();
      }
      try {
        open(conn);
        pump(conn);
      } catch (RuntimeException | Error bug) {
        // A bug here must not vanish inside the writer's thread: it stops the writer, typed.
        lock.lock();
        try {
          fail(ExprunException.client(Status.Code.INTERNAL, "time-series stream failed: " + bug, "WRITER_FAILED", Map.of()));
        } finally {
          lock.unlock();
        }
        if (conn.requests != null) {
          conn.requests.cancel("writer failed", bug);
        }
        return;
      }
      Status status;
      Metadata trailers;
      boolean progressed;
      boolean forced;
      lock.lock();
      try {
        if (error != null || aborted) {
          return;
        }
        status = conn.status;
        if (status.isOk() && closing && buffered == 0 && unacked.isEmpty()) {
          return;
        }
        trailers = conn.trailers;
        progressed = conn.progressed;
        forced = conn.forced;
      } finally {
        lock.unlock();
      }
      if (forced) {
        failures = 0;
        reconnects++;
        continue;
      }
      failures = progressed ? 0 : failures + 1;
      Duration notBefore = Duration.ZERO;
      if (!status.isOk()) {
        Status.Code code = status.getCode();
        // RESOURCE_EXHAUSTED with a RetryInfo is "not now" (a full disk, an overloaded server):
        // retried until it clears. Without one it is a request that cannot succeed (too large).
        Optional<Duration> retryInfo =
            code == Status.Code.RESOURCE_EXHAUSTED
                ? ExprunException.retryDelay(status, trailers)
                : Optional.empty();
        boolean retry =
            RETRY_ALWAYS.contains(code)
                || retryInfo.isPresent()
                || (RETRY_LIMITED.contains(code) && failures <= LIMITED_RETRIES);
        if (!retry) {
          lock.lock();
          try {
            fail(ExprunException.from(status, trailers, status.asRuntimeException()));
          } finally {
            lock.unlock();
          }
          return;
        }
        LOG.log(Level.DEBUG, "stream of writer {0} ended with {1}; reconnecting", writerId, code);
        notBefore = retryInfo.orElse(Duration.ZERO);
      }
      reconnects++;
      sleepBackoff(failures, notBefore);
    }
  }

  private void open(Connection conn) {
    ClientCall<BatchEncoder.Payload, StreamTimeSeriesResponse> call =
        channel.newCall(STREAM_METHOD, CallOptions.DEFAULT);
    ClientCalls.asyncBidiStreamingCall(call, new Responses(conn));
    // beforeStart() has set conn.requests; the open message goes first, before any batch.
    conn.requests.onNext(openPayload);
  }

  /**
   * Sends on {@code conn} until it ends: batches in sequence order as the window, gRPC's flow
   * control and {@code opened} allow, cutting the buffer when it is ripe; half-closes once
   * closing and everything is sent. Only this thread touches the call.
   */
  private void pump(Connection conn) {
    boolean cancelled = false;
    lock.lock();
    try {
      while (!conn.terminated) {
        if (!cancelled && (aborted || error != null || reconnectRequested)) {
          if (reconnectRequested && !aborted && error == null) {
            conn.forced = true;
            reconnectRequested = false;
          }
          cancelled = true;
          conn.requests.cancel(conn.forced ? "reconnect requested" : "writer stopped", null);
          continue;
        }
        if (!cancelled && conn.opened && !conn.halfClosed) {
          long inFlight = conn.lastSent - committed;
          if (inFlight < options.maxUnackedBatches() && conn.requests.isReady()) {
            Batch next = nextUnsent(conn.lastSent);
            if (next != null) {
              conn.lastSent = next.sequence;
              if (next.sequence <= conn.resendUpTo) {
                batchesResent++;
              }
              BatchEncoder.Payload payload = next.payload;
              lock.unlock();
              try {
                if (payload == null) {
                  // Only read: its columns or row block left the producer's hands at the cut.
                  payload = next.content.encode(next.sequence, this::buffer);
                }
                // gRPC copies the bytes before onNext returns.
                conn.requests.onNext(payload);
              } finally {
                lock.lock();
              }
              if (next.payload == null) {
                next.payload = payload;
                if (next.content instanceof BatchEncoder.Rows slice && --slice.block().slicesLeft == 0
                    && spareBlocks.size() < SPARE_BLOCKS) {
                  spareBlocks.add(slice.block());
                }
                next.content = null;
              }
              continue;
            }
            if (buffered > 0 && ripe()) {
              cut();
              continue;
            }
          }
          if (closing && buffered == 0 && (unacked.isEmpty() || unacked.peekLast().sequence <= conn.lastSent)) {
            conn.halfClosed = true;
            conn.requests.onCompleted();
            continue;
          }
        }
        long wait = TimeUnit.SECONDS.toNanos(1);
        if (buffered > 0 && conn.opened) {
          long due = firstBufferedAt + maxBatchDelayNanos - System.nanoTime();
          wait = Math.min(wait, Math.max(due, TimeUnit.MILLISECONDS.toNanos(1)));
        }
        changed.awaitNanos(wait);
      }
    } catch (InterruptedException interrupted) {
      // awaitNanos re-acquired the lock before throwing.
      aborted = true;
      fail(ExprunException.client(Status.Code.CANCELLED, "writer thread interrupted", "WRITER_INTERRUPTED", Map.of()));
      conn.requests.cancel("writer thread interrupted", interrupted);
    } finally {
      lock.unlock();
    }
  }

  /** The first unacknowledged batch after {@code lastSent} (lock held), or null. */
  private Batch nextUnsent(long lastSent) {
    for (Batch batch : unacked) {
      if (batch.sequence > lastSent) {
        return batch;
      }
    }
    return null;
  }

  private boolean ripe() {
    return cutNow
        || closing
        || buffered >= options.maxBatchPoints()
        || System.nanoTime() - firstBufferedAt >= maxBatchDelayNanos;
  }

  /**
   * Moves the whole buffer into numbered batches (lock held); encoding happens when sent. The
   * columns' batches go first: the row block's points are the later ones.
   */
  private void cut() {
    List<BatchEncoder.Content> plans = new ArrayList<>();
    RowBlock block = rows;
    long rowPoints = block == null ? 0 : (long) block.rows * block.width;
    if (buffered > rowPoints) {
      List<MetricColumn> swappedColumns = new ArrayList<>(columns.values());
      // The next buffer starts with the metrics of this one, sized as they were: no regrowing
      // from 16 points. A metric not logged since the last cut is dropped here.
      LinkedHashMap<String, MetricColumn> next = new LinkedHashMap<>();
      for (MetricColumn column : swappedColumns) {
        if (column.size() > 0) {
          int capacity = Math.min(column.size(), options.maxBatchPoints());
          next.put(column.metric, new MetricColumn(column.metric, capacity));
        }
      }
      columns = next;
      for (List<BatchEncoder.Part> plan : BatchEncoder.plan(swappedColumns, options.maxBatchPoints())) {
        plans.add(new BatchEncoder.Columns(plan));
      }
    }
    if (rowPoints > 0) {
      plans.addAll(BatchEncoder.planRows(block, options.maxBatchPoints()));
      rows = nextBlock(block);
    }
    long points = buffered;
    buffered = 0;
    cutNow = false;
    for (BatchEncoder.Content plan : plans) {
      lastAssigned = nextSequence;
      unacked.addLast(new Batch(nextSequence, plan));
      nextSequence++;
    }
    unackedPoints += points;
    swapped += points;
  }

  /**
   * The row block after {@code cut} (lock held): a spare of the same metrics, or a new one sized
   * for what was cut, at most one batch (it grows if need be, as after a backlog).
   */
  private RowBlock nextBlock(RowBlock cut) {
    RowBlock spare;
    while ((spare = spareBlocks.poll()) != null) {
      if (spare.sameMetrics(cut)) {
        spare.rows = 0;
        return spare;
      }
    }
    return cut.next(Math.min(cut.rows, BatchEncoder.rowsPerBatch(cut.width, options.maxBatchPoints())));
  }

  /**
   * An array of at least {@code size} bytes to encode a batch into: an acknowledged batch's, or
   * a new one. Only the sending thread encodes, and a batch's array is reused only once the
   * server acknowledged it, after gRPC copied it out.
   */
  private byte[] buffer(int size) {
    lock.lock();
    try {
      byte[] spare;
      while ((spare = spareBuffers.poll()) != null) {
        if (spare.length >= size) {
          return spare;
        }
      }
    } finally {
      lock.unlock();
    }
    return new byte[size];
  }

  /**
   * Waits before reopening: min(max, min * 2^failures) times a jitter in [0.5, 1), or {@code
   * notBefore} (the server's RetryInfo delay, capped at a minute) plus up to a quarter more if
   * that is longer, so writers refused together do not all return at once.
   */
  private void sleepBackoff(int failures, Duration notBefore) {
    long low = options.minBackoff().toNanos();
    long high = options.maxBackoff().toNanos();
    double factor = Math.pow(2, Math.min(failures, 30));
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long delay = (long) (Math.min(high, low * factor) * random.nextDouble(0.5, 1.0));
    long floor = notBefore.compareTo(MAX_RETRY_INFO_DELAY) < 0 ? notBefore.toNanos() : MAX_RETRY_INFO_DELAY.toNanos();
    delay = Math.max(delay, (long) (floor * random.nextDouble(1.0, 1.25)));
    long deadline = System.nanoTime() + delay;
    lock.lock();
    try {
      while (!aborted && error == null) {
        if (closing && buffered == 0 && unacked.isEmpty()) {
          return;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return;
        }
        changed.awaitNanos(remaining);
      }
    } catch (InterruptedException interrupted) {
      aborted = true;
      fail(ExprunException.client(Status.Code.CANCELLED, "writer thread interrupted", "WRITER_INTERRUPTED", Map.of()));
    } finally {
      lock.unlock();
    }
  }

  // -- the receiving side (gRPC's callback threads) -----------------------------------------------

  private final class Responses
      implements ClientResponseObserver<BatchEncoder.Payload, StreamTimeSeriesResponse> {
    private final Connection conn;

    Responses(Connection conn) {
      this.conn = conn;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<BatchEncoder.Payload> requests) {
      conn.requests = requests;
      requests.setOnReadyHandler(TimeSeriesWriter.this::signal);
    }

    @Override
    public void onNext(StreamTimeSeriesResponse response) {
      lock.lock();
      try {
        switch (response.getKindCase()) {
          case OPENED -> onOpened(conn, response.getOpened().getCommittedSequence());
          case ACK -> {
            long before = committed;
            acknowledge(response.getAck().getCommittedSequence());
            conn.progressed |= committed > before;
          }
          default -> {}
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onError(Throwable t) {
      lock.lock();
      try {
        conn.terminated = true;
        conn.status = Status.fromThrowable(t);
        conn.trailers = Status.trailersFromThrowable(t);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onCompleted() {
      lock.lock();
      try {
        conn.terminated = true;
        conn.status = Status.OK;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Applies {@code opened} (lock held). */
  private void onOpened(Connection conn, long serverCommitted) {
    if (nextSequence == 0) {
      // First open: number batches after whatever this writer ID committed before.
      nextSequence = serverCommitted + 1;
    } else if (serverCommitted >= nextSequence) {
      fail(
          ExprunException.client(
              Status.Code.FAILED_PRECONDITION,
              "writer " + writerId + " has sequence " + serverCommitted + " committed, beyond the "
                  + (nextSequence - 1) + " this writer numbered: another writer uses this ID",
              "WRITER_ID_IN_USE",
              Map.of("writer_id", writerId)));
      return;
    } else if (serverCommitted < committed) {
      LOG.log(
          Level.WARNING,
          "server reports sequence {0} committed for writer {1} after acknowledging {2}",
          serverCommitted,
          writerId,
          committed);
    }
    acknowledge(serverCommitted);
    conn.opened = true;
    conn.lastSent = committed;
    conn.resendUpTo = unacked.isEmpty() ? committed : lastSentBefore();
    conn.progressed |= unacked.isEmpty();
    changed.signalAll();
  }

  /** The highest sequence any earlier connection sent (lock held). */
  private long lastSentBefore() {
    long highest = committed;
    for (Batch batch : unacked) {
      if (batch.payload != null) {
        highest = batch.sequence;
      }
    }
    return highest;
  }

  /** Releases every batch up to {@code serverCommitted} (lock held). */
  void acknowledge(long serverCommitted) {
    boolean released = false;
    while (!unacked.isEmpty() && unacked.peekFirst().sequence <= serverCommitted) {
      Batch batch = unacked.pollFirst();
      if (batch.payload != null && spareBuffers.size() < SPARE_BUFFERS) {
        spareBuffers.add(batch.payload.bytes());
      }
      unackedPoints -= batch.points;
      free += batch.points;
      ackedPoints += batch.points;
      released = true;
    }
    if (serverCommitted > committed) {
      committed = serverCommitted;
    }
    if (released) {
      changed.signalAll();
    }
  }

  // -- waiting ------------------------------------------------------------------------------------

  /** Waits (lock held) until {@code done}; throws the writer's error, or on the deadline. */
  private void waitUntil(BooleanSupplier done, long deadline, String what) {
    while (!done.getAsBoolean()) {
      if (error != null) {
        throw error;
      }
      if (aborted) {
        throw new IllegalStateException("TimeSeriesWriter " + writerId + " was aborted");
      }
      long remaining = deadline == Long.MAX_VALUE ? 0 : deadline - System.nanoTime();
      if (deadline != Long.MAX_VALUE && remaining <= 0) {
        long pending = buffered + unackedPoints;
        throw ExprunException.client(
            Status.Code.DEADLINE_EXCEEDED,
            "TimeSeriesWriter " + what + ": " + pending
                + " points not acknowledged yet (they stay pending)",
            "WRITER_FLUSH_TIMEOUT",
            Map.of("pending_points", Long.toString(pending)));
      }
      awaitInterruptibly(remaining);
    }
  }

  /** Waits on the condition (lock held); 0 means without a timeout. */
  private void awaitInterruptibly(long nanos) {
    try {
      if (nanos <= 0) {
        changed.await();
      } else {
        changed.awaitNanos(nanos);
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw ExprunException.client(
          Status.Code.CANCELLED,
          "interrupted while waiting for TimeSeriesWriter " + writerId,
          "WRITER_WAIT_INTERRUPTED",
          Map.of());
    }
  }

  private static long deadline(Duration timeout) {
    return timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
  }

  static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** {@code {run}-{host}-{pid}-{random}}: unique per writer, readable in the server's writer table. */
  static String defaultWriterId(String run) {
    String runId = run.substring(run.lastIndexOf('/') + 1);
    if (runId.isEmpty()) {
      runId = "run";
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException unknown) {
      host = "host";
    }
    host = host.replaceAll("[^A-Za-z0-9.-]", "-");
    host = host.substring(0, Math.min(40, host.length()));
    String id =
        runId.substring(0, Math.min(60, runId.length())) + "-" + host + "-" + ProcessHandle.current().pid()
            + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    return id.substring(0, Math.min(128, id.length()));
  }

  /** Passes pre-encoded request bytes through; parsing is never needed on the client. */
  private static final class PayloadMarshaller implements MethodDescriptor.Marshaller<BatchEncoder.Payload> {
    @Override
    public InputStream stream(BatchEncoder.Payload value) {
      return new BytesStream(value.bytes(), value.length());
    }

    @Override
    public BatchEncoder.Payload parse(InputStream stream) {
      try {
        return BatchEncoder.Payload.of(stream.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * The batch bytes as gRPC reads a message best: of known length (one frame, no buffer chain)
   * and drained in one write, as protobuf's own message streams are.
   */
  private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
    BytesStream(byte[] bytes, int length) {
      super(bytes, 0, length);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int length = count - pos;
      target.write(buf, pos, length);
      pos = count;
      return length;
    }
  }

  // -- writers still open at JVM exit -------------------------------------------------------------

  /** Closes (flushing) every writer still open when the JVM exits, so nothing is lost silently. */
  private static final class Live {
    static final Set<TimeSeriesWriter> WRITERS = ConcurrentHashMap.newKeySet();
    static final Duration EXIT_FLUSH_TIMEOUT = Duration.ofSeconds(30);

    static {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> closeAll(EXIT_FLUSH_TIMEOUT), "exprun-writers-exit"));
    }

    static void register(TimeSeriesWriter writer) {
      WRITERS.add(writer);
    }

    static void unregister(TimeSeriesWriter writer) {
      WRITERS.remove(writer);
    }
  }

  /**
   * Closes every writer of this JVM that is still open, within {@code timeout} in all; failures
   * are logged with the number of points not acknowledged. Runs at JVM exit too.
   */
  public static void closeAll(Duration timeout) {
    long deadline = deadline(timeout);
    List<TimeSeriesWriter> closing = new ArrayList<>();
    for (TimeSeriesWriter writer : List.copyOf(Live.WRITERS)) {
      if (writer.beginClose()) {
        closing.add(writer);
      }
    }
    for (TimeSeriesWriter writer : closing) {
      try {
        writer.finishClose(deadline);
      } catch (RuntimeException failure) {
        LOG.log(Level.WARNING, "closing time-series writer " + writer.writerId + " failed: " + failure);
      }
    }
  }
}
