package dev.exprun.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Cuts buffered columns into batches and writes each as the wire bytes of {@code
 * StreamTimeSeriesRequest{batch: SequencedBatch{sequence, batch: TimeSeriesBatch{series...}}}}.
 *
 * <p>Written field by field from the primitive columns or row blocks — no {@code TimeSeries}
 * message, no boxing, no {@code CodedOutputStream} — into one array (the writer reuses the
 * arrays of acknowledged batches), and kept as bytes, so a resend after a reconnect costs
 * nothing. {@code TimeSeries} is {1: metric, 2: steps (packed varint), 3: values (packed
 * double), 4: wall_time_micros (packed varint)}; the unit tests compare the bytes with
 * protobuf's own serialization.
 */
final class BatchEncoder {
  private BatchEncoder() {}

  /** Rows {@code [start, end)} of one column. */
  record Part(MetricColumn column, int start, int end) {
    int points() {
      return end - start;
    }
  }

  /** Slices of {@code columns}: at most {@code maxPoints} per batch, each metric at most once. */
  static List<List<Part>> plan(Collection<MetricColumn> columns, int maxPoints) {
    List<List<Part>> batches = new ArrayList<>();
    List<Part> current = new ArrayList<>();
    int room = maxPoints;
    for (MetricColumn column : columns) {
      int length = column.size();
      int start = 0;
      while (start < length) {
        int take = Math.min(room, length - start);
        current.add(new Part(column, start, start + take));
        start += take;
        room -= take;
        if (room == 0) {
          batches.add(current);
          current = new ArrayList<>();
          room = maxPoints;
        }
      }
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** Request bytes: {@code bytes[0, length)}; the array may be longer. */
  record Payload(byte[] bytes, int length) {
    static Payload of(byte[] bytes) {
      return new Payload(bytes, bytes.length);
    }
  }

  /** What one batch holds: slices of columns, or rows of a row block. */
  sealed interface Content permits Columns, Rows {
    int points();

    /** The request bytes of batch {@code sequence}, in an array of {@code buffers} (given a size). */
    Payload encode(long sequence, IntFunction<byte[]> buffers);
  }

  /** Column slices, each metric at most once (a {@link #plan} entry). */
  record Columns(List<Part> parts) implements Content {
    @Override
    public int points() {
      int points = 0;
      for (Part part : parts) {
        points += part.points();
      }
      return points;
    }

    @Override
    public Payload encode(long sequence, IntFunction<byte[]> buffers) {
      return BatchEncoder.encode(sequence, parts, buffers);
    }
  }

  /** Rows {@code [start, end)} of a row block that is no longer appended to. */
  record Rows(RowBlock block, int start, int end) implements Content {
    @Override
    public int points() {
      return (end - start) * block.width;
    }

    @Override
    public Payload encode(long sequence, IntFunction<byte[]> buffers) {
      return encodeRows(sequence, block, start, end, buffers);
    }
  }

  /**
   * Slices of a row block's {@code rows}: at most {@code maxPoints} points per batch. The block
   * counts them down as they are encoded ({@link RowBlock#slicesLeft}).
   */
  static List<Content> planRows(RowBlock block, int maxPoints) {
    int perBatch = rowsPerBatch(block.width, maxPoints);
    List<Content> batches = new ArrayList<>();
    for (int start = 0; start < block.rows; start += perBatch) {
      batches.add(new Rows(block, start, Math.min(block.rows, start + perBatch)));
    }
    block.slicesLeft = batches.size();
    return batches;
  }

  static int rowsPerBatch(int width, int maxPoints) {
    return Math.max(1, maxPoints / width);
  }

  private static final int LEN = 2; // wire type of length-delimited fields
  private static final int VARINT = 0;
  // The fields on the way down to the points, each a length-delimited tag byte.
  private static final int REQUEST_BATCH = tag(2, LEN); // StreamTimeSeriesRequest.batch
  private static final int SEQUENCE = tag(1, VARINT); // SequencedBatch.sequence
  private static final int SEQUENCED_BATCH = tag(2, LEN); // SequencedBatch.batch
  private static final int SERIES = tag(1, LEN); // TimeSeriesBatch.series
  private static final int METRIC = tag(1, LEN); // TimeSeries.metric
  private static final int STEPS = tag(2, LEN); // TimeSeries.steps, packed varints
  private static final int VALUES = tag(3, LEN); // TimeSeries.values, packed fixed64
  private static final int WALLS = tag(4, LEN); // TimeSeries.wall_time_micros, packed varints

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  /** The request bytes of batch {@code sequence} made of {@code parts}, in an exact array. */
  static byte[] encode(long sequence, List<Part> parts) {
    return encode(sequence, parts, byte[]::new).bytes();
  }

  /** The request bytes of rows {@code [start, end)} of {@code block}, in an exact array. */
  static byte[] encodeRows(long sequence, RowBlock block, int start, int end) {
    return encodeRows(sequence, block, start, end, byte[]::new).bytes();
  }

  /** The request bytes of batch {@code sequence} made of {@code parts}. */
  static Payload encode(long sequence, List<Part> parts, IntFunction<byte[]> buffers) {
    int n = parts.size();
    int[] stepBytes = new int[n];
    int[] wallBytes = new int[n];
    int[] seriesBytes = new int[n];
    int batchBody = 0;
    for (int i = 0; i < n; i++) {
      Part part = parts.get(i);
      stepBytes[i] = varintsSize(part.column().steps.array(), part.start(), part.end());
      wallBytes[i] = varintsSize(part.column().walls.array(), part.start(), part.end());
      seriesBytes[i] =
          seriesSize(part.column().metricUtf8.length, stepBytes[i], 8 * part.points(), wallBytes[i]);
      batchBody += lengthDelimitedSize(seriesBytes[i]);
    }
    int size = requestSize(sequence, batchBody);
    byte[] out = buffers.apply(size);
    int at = putHeader(out, sequence, batchBody);
    for (int i = 0; i < n; i++) {
      Part part = parts.get(i);
      MetricColumn column = part.column();
      at = putSeriesStart(out, at, seriesBytes[i], column.metricUtf8);
      at = putField(out, at, STEPS, stepBytes[i]);
      at = putVarints(out, at, column.steps.array(), part.start(), part.end());
      at = putField(out, at, VALUES, 8 * part.points());
      at = putDoubles(out, at, column.values.array(), part.start(), 1, part.points());
      at = putField(out, at, WALLS, wallBytes[i]);
      at = putVarints(out, at, column.walls.array(), part.start(), part.end());
    }
    return payload(out, at, size);
  }

  /**
   * The request bytes of batch {@code sequence} made of rows {@code [start, end)} of {@code
   * block}: one series per metric. The rows' steps and wall times are the same for every metric,
   * so they are encoded once and copied.
   */
  static Payload encodeRows(
      long sequence, RowBlock block, int start, int end, IntFunction<byte[]> buffers) {
    int rows = end - start;
    int width = block.width;
    int stepBytes = varintsSize(block.steps, start, end);
    int wallBytes = varintsSize(block.walls, start, end);
    int[] seriesBytes = new int[width];
    int batchBody = 0;
    for (int m = 0; m < width; m++) {
      seriesBytes[m] = seriesSize(block.metricUtf8[m].length, stepBytes, 8 * rows, wallBytes);
      batchBody += lengthDelimitedSize(seriesBytes[m]);
    }
    int size = requestSize(sequence, batchBody);
    byte[] out = buffers.apply(size);
    int at = putHeader(out, sequence, batchBody);
    int firstSteps = 0;
    int firstWalls = 0;
    for (int m = 0; m < width; m++) {
      at = putSeriesStart(out, at, seriesBytes[m], block.metricUtf8[m]);
      at = putField(out, at, STEPS, stepBytes);
      if (m == 0) {
        firstSteps = at;
        at = putVarints(out, at, block.steps, start, end);
      } else {
        System.arraycopy(out, firstSteps, out, at, stepBytes);
        at += stepBytes;
      }
      at = putField(out, at, VALUES, 8 * rows);
      at = putDoubles(out, at, block.values, start * width + m, width, rows);
      at = putField(out, at, WALLS, wallBytes);
      if (m == 0) {
        firstWalls = at;
        at = putVarints(out, at, block.walls, start, end);
      } else {
        System.arraycopy(out, firstWalls, out, at, wallBytes);
        at += wallBytes;
      }
    }
    return payload(out, at, size);
  }

  private static int seriesSize(int metricBytes, int stepBytes, int valueBytes, int wallBytes) {
    return lengthDelimitedSize(metricBytes)
        + lengthDelimitedSize(stepBytes)
        + lengthDelimitedSize(valueBytes)
        + lengthDelimitedSize(wallBytes);
  }

  private static int requestSize(long sequence, int batchBody) {
    return lengthDelimitedSize(sequencedSize(sequence, batchBody));
  }

  private static int sequencedSize(long sequence, int batchBody) {
    return 1 + varintSize(sequence) + lengthDelimitedSize(batchBody);
  }

  /** StreamTimeSeriesRequest{batch: SequencedBatch{sequence, batch: (batchBody bytes follow)}}. */
  private static int putHeader(byte[] out, long sequence, int batchBody) {
    int at = putField(out, 0, REQUEST_BATCH, sequencedSize(sequence, batchBody));
    at = putVarint(out, at, SEQUENCE);
    at = putVarint(out, at, sequence);
    return putField(out, at, SEQUENCED_BATCH, batchBody);
  }

  private static int putSeriesStart(byte[] out, int at, int seriesBytes, byte[] metricUtf8) {
    at = putField(out, at, SERIES, seriesBytes);
    at = putField(out, at, METRIC, metricUtf8.length);
    System.arraycopy(metricUtf8, 0, out, at, metricUtf8.length);
    return at + metricUtf8.length;
  }

  private static Payload payload(byte[] out, int at, int size) {
    if (at != size) {
      throw new IllegalStateException("encoded " + at + " bytes of a " + size + "-byte batch");
    }
    return new Payload(out, size);
  }

  /** Tag + length + body of a length-delimited field with a {@code body}-byte payload. */
  private static int lengthDelimitedSize(int body) {
    return 1 + varintSize(body) + body;
  }

  /** The tag and length of a length-delimited field whose {@code length} bytes follow. */
  private static int putField(byte[] out, int at, int tag, int length) {
    out[at] = (byte) tag;
    return putVarint(out, at + 1, length);
  }

  /** Bytes of {@code value} as a varint: negative int64s take 10, as protobuf writes them. */
  static int varintSize(long value) {
    return value < 0 ? 10 : (63 - Long.numberOfLeadingZeros(value | 1)) / 7 + 1;
  }

  static int putVarint(byte[] out, int at, long value) {
    while ((value & ~0x7FL) != 0) {
      out[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[at] = (byte) value;
    return at + 1;
  }

  private static int varintsSize(long[] values, int start, int end) {
    int size = 0;
    for (int i = start; i < end; i++) {
      size += varintSize(values[i]);
    }
    return size;
  }

  private static int putVarints(byte[] out, int at, long[] values, int start, int end) {
    for (int i = start; i < end; i++) {
      at = putVarint(out, at, values[i]);
    }
    return at;
  }

  /** {@code count} doubles of {@code values}, {@code stride} apart from {@code from}, little-endian. */
  private static int putDoubles(byte[] out, int at, double[] values, int from, int stride, int count) {
    for (int i = 0; i < count; i++) {
      long bits = Double.doubleToRawLongBits(values[from + i * stride]);
      out[at] = (byte) bits;
      out[at + 1] = (byte) (bits >>> 8);
      out[at + 2] = (byte) (bits >>> 16);
      out[at + 3] = (byte) (bits >>> 24);
      out[at + 4] = (byte) (bits >>> 32);
      out[at + 5] = (byte) (bits >>> 40);
      out[at + 6] = (byte) (bits >>> 48);
      out[at + 7] = (byte) (bits >>> 56);
      at += 8;
    }
    return at;
  }
}
