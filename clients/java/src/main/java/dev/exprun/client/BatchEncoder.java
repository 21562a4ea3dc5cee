package dev.exprun.client;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Cuts buffered columns into batches and writes each as the wire bytes of {@code
 * StreamTimeSeriesRequest{batch: SequencedBatch{sequence, batch: TimeSeriesBatch{series...}}}}.
 *
 * <p>Written field by field from the primitive columns — no {@code TimeSeries} message, no
 * boxing — and kept as bytes, so a resend after a reconnect costs nothing. {@code TimeSeries} is
 * {1: metric, 2: steps (packed varint), 3: values (packed double), 4: wall_time_micros (packed
 * varint)}; the unit tests compare the bytes with protobuf's own serialization.
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

  private static final int LEN = 2; // wire type of length-delimited fields

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  /** The request bytes of batch {@code sequence} made of {@code parts}. */
  static byte[] encode(long sequence, List<Part> parts) {
    int n = parts.size();
    int[] stepBytes = new int[n];
    int[] wallBytes = new int[n];
    int[] seriesBytes = new int[n];
    int batchBody = 0;
    for (int i = 0; i < n; i++) {
      Part part = parts.get(i);
      stepBytes[i] = varintsSize(part.column().steps.array(), part.start(), part.end());
      wallBytes[i] = varintsSize(part.column().walls.array(), part.start(), part.end());
      int metricLength = part.column().metricUtf8.length;
      seriesBytes[i] =
          1 + CodedOutputStream.computeUInt32SizeNoTag(metricLength) + metricLength
              + lengthDelimitedSize(stepBytes[i])
              + lengthDelimitedSize(8 * part.points())
              + lengthDelimitedSize(wallBytes[i]);
      batchBody += lengthDelimitedSize(seriesBytes[i]);
    }
    int sequenced =
        1 + CodedOutputStream.computeInt64SizeNoTag(sequence) + lengthDelimitedSize(batchBody);
    byte[] out = new byte[lengthDelimitedSize(sequenced)];
    CodedOutputStream writer = CodedOutputStream.newInstance(out);
    try {
      writer.writeUInt32NoTag(tag(2, LEN)); // StreamTimeSeriesRequest.batch
      writer.writeUInt32NoTag(sequenced);
      writer.writeUInt32NoTag(tag(1, 0)); // SequencedBatch.sequence
      writer.writeInt64NoTag(sequence);
      writer.writeUInt32NoTag(tag(2, LEN)); // SequencedBatch.batch
      writer.writeUInt32NoTag(batchBody);
      for (int i = 0; i < n; i++) {
        Part part = parts.get(i);
        MetricColumn column = part.column();
        writer.writeUInt32NoTag(tag(1, LEN)); // TimeSeriesBatch.series
        writer.writeUInt32NoTag(seriesBytes[i]);
        writer.writeUInt32NoTag(tag(1, LEN)); // TimeSeries.metric
        writer.writeUInt32NoTag(column.metricUtf8.length);
        writer.writeRawBytes(column.metricUtf8);
        writer.writeUInt32NoTag(tag(2, LEN)); // TimeSeries.steps
        writer.writeUInt32NoTag(stepBytes[i]);
        long[] steps = column.steps.array();
        for (int row = part.start(); row < part.end(); row++) {
          writer.writeInt64NoTag(steps[row]);
        }
        writer.writeUInt32NoTag(tag(3, LEN)); // TimeSeries.values
        writer.writeUInt32NoTag(8 * part.points());
        double[] values = column.values.array();
        for (int row = part.start(); row < part.end(); row++) {
          writer.writeDoubleNoTag(values[row]);
        }
        writer.writeUInt32NoTag(tag(4, LEN)); // TimeSeries.wall_time_micros
        writer.writeUInt32NoTag(wallBytes[i]);
        long[] walls = column.walls.array();
        for (int row = part.start(); row < part.end(); row++) {
          writer.writeInt64NoTag(walls[row]);
        }
      }
      writer.checkNoSpaceLeft();
    } catch (IOException impossible) {
      throw new UncheckedIOException("encoding a batch into a sized array failed", impossible);
    }
    return out;
  }

  /** Tag + length + body of a length-delimited field with a {@code body}-byte payload. */
  private static int lengthDelimitedSize(int body) {
    return 1 + CodedOutputStream.computeUInt32SizeNoTag(body) + body;
  }

  private static int varintsSize(long[] values, int start, int end) {
    int size = 0;
    for (int i = start; i < end; i++) {
      size += CodedOutputStream.computeInt64SizeNoTag(values[i]);
    }
    return size;
  }
}
