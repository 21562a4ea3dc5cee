package dev.exprun.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.v1.SequencedBatch;
import dev.exprun.v1.StreamTimeSeriesRequest;
import dev.exprun.v1.TimeSeries;
import dev.exprun.v1.TimeSeriesBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchEncoderTest {
  private static MetricColumn column(String metric, long[] steps, double[] values, long[] walls) {
    MetricColumn column = new MetricColumn(metric, steps.length);
    column.steps.addAll(steps, 0, steps.length);
    column.values.addAll(values, 0, values.length);
    column.walls.addAll(walls, 0, walls.length);
    return column;
  }

  /** What protobuf itself serializes for the same parts. */
  private static byte[] expected(long sequence, List<BatchEncoder.Part> parts) {
    TimeSeriesBatch.Builder batch = TimeSeriesBatch.newBuilder();
    for (BatchEncoder.Part part : parts) {
      TimeSeries.Builder series = TimeSeries.newBuilder().setMetric(part.column().metric);
      for (int i = part.start(); i < part.end(); i++) {
        series.addSteps(part.column().steps.get(i));
        series.addValues(part.column().values.get(i));
        series.addWallTimeMicros(part.column().walls.get(i));
      }
      batch.addSeries(series);
    }
    return StreamTimeSeriesRequest.newBuilder()
        .setBatch(SequencedBatch.newBuilder().setSequence(sequence).setBatch(batch))
        .build()
        .toByteArray();
  }

  @Test
  void bytesAreProtobufsOwnForEdgeValues() throws Exception {
    MetricColumn loss =
        column(
            "loss",
            new long[] {0, 1, 127, 128, 16_383, 16_384, Long.MAX_VALUE},
            new double[] {0.0, -0.0, 1.5, Double.MIN_VALUE, Double.MAX_VALUE, -1e300, 1.0 / 3},
            new long[] {0, 1_700_000_000_000_000L, -1, Long.MIN_VALUE, 5, 300, Long.MAX_VALUE});
    MetricColumn unicode =
        column("métrique/ü ✓", new long[] {3}, new double[] {2.5}, new long[] {1_700_000_000_000_000L});
    List<BatchEncoder.Part> parts =
        List.of(new BatchEncoder.Part(loss, 0, 7), new BatchEncoder.Part(unicode, 0, 1));
    for (long sequence : new long[] {1, 127, 128, 1L << 40}) {
      byte[] encoded = BatchEncoder.encode(sequence, parts);
      assertArrayEquals(expected(sequence, parts), encoded);
      assertEquals(sequence, StreamTimeSeriesRequest.parseFrom(encoded).getBatch().getSequence());
    }
  }

  @Test
  void slicesEncodeOnlyTheirRows() {
    long[] steps = new long[1000];
    double[] values = new double[1000];
    long[] walls = new long[1000];
    for (int i = 0; i < 1000; i++) {
      steps[i] = i * 1000L;
      values[i] = Math.sin(i);
      walls[i] = 1_700_000_000_000_000L + i;
    }
    MetricColumn column = column("x", steps, values, walls);
    List<BatchEncoder.Part> parts = List.of(new BatchEncoder.Part(column, 250, 750));
    assertArrayEquals(expected(9, parts), BatchEncoder.encode(9, parts));
  }

  /** A row block of {@code rows} rows of {@code metrics}, as per-step log appends them. */
  private static RowBlock block(String[] metrics, long[] steps, long[] walls, double[][] values) {
    RowBlock block = new RowBlock(metrics, 1);
    for (int r = 0; r < steps.length; r++) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (int m = 0; m < metrics.length; m++) {
        row.put(metrics[m], values[r][m]);
      }
      assertTrue(block.append(row, steps[r], walls[r]));
    }
    return block;
  }

  /** The same rows as column parts: what protobuf serializes for them is the expected bytes. */
  private static List<BatchEncoder.Part> asParts(RowBlock block, int start, int end) {
    List<BatchEncoder.Part> parts = new ArrayList<>();
    for (int m = 0; m < block.width; m++) {
      MetricColumn column = new MetricColumn(block.metrics[m], 1);
      for (int r = start; r < end; r++) {
        column.steps.add(block.steps[r]);
        column.values.add(block.values[r * block.width + m]);
        column.walls.add(block.walls[r]);
      }
      parts.add(new BatchEncoder.Part(column, 0, end - start));
    }
    return parts;
  }

  @Test
  void rowBlockBytesAreProtobufsOwnForEdgeValues() {
    String[] metrics = {"loss", "métrique/ü ✓", "a"};
    long[] steps = {0, 1, 127, 128, 16_383, 16_384, Long.MAX_VALUE};
    long[] walls = {0, 1_700_000_000_000_000L, -1, Long.MIN_VALUE, 5, 300, Long.MAX_VALUE};
    double[][] values = new double[steps.length][];
    double[] edge = {0.0, -0.0, 1.5, Double.MIN_VALUE, Double.MAX_VALUE, -1e300, 1.0 / 3};
    for (int r = 0; r < steps.length; r++) {
      values[r] = new double[] {edge[r], -edge[r], r};
    }
    RowBlock block = block(metrics, steps, walls, values);
    assertEquals(steps.length, block.rows);
    for (long sequence : new long[] {1, 128, 1L << 40}) {
      assertArrayEquals(
          expected(sequence, asParts(block, 0, steps.length)),
          BatchEncoder.encodeRows(sequence, block, 0, steps.length));
      assertArrayEquals(
          expected(sequence, asParts(block, 2, 5)), BatchEncoder.encodeRows(sequence, block, 2, 5));
    }
  }

  @Test
  void aLongerArrayIsFilledFromTheStartAndItsLengthGiven() {
    RowBlock block =
        block(new String[] {"x", "y"}, new long[] {1, 2}, new long[] {5, 6}, new double[][] {{1, 2}, {3, 4}});
    byte[] reused = new byte[1000];
    Arrays.fill(reused, (byte) 0x55);
    BatchEncoder.Payload rows = BatchEncoder.encodeRows(3, block, 0, 2, size -> reused);
    byte[] exact = BatchEncoder.encodeRows(3, block, 0, 2);
    assertEquals(exact.length, rows.length());
    assertArrayEquals(exact, Arrays.copyOf(rows.bytes(), rows.length()));
    List<BatchEncoder.Part> parts = asParts(block, 0, 2);
    BatchEncoder.Payload columns = BatchEncoder.encode(4, parts, size -> reused);
    assertArrayEquals(BatchEncoder.encode(4, parts), Arrays.copyOf(columns.bytes(), columns.length()));
  }

  @Test
  void aRowThatDoesNotMatchTheBlockIsNotAppended() {
    RowBlock block = new RowBlock(new String[] {"a", "b"}, 1);
    Map<String, Double> row = new LinkedHashMap<>();
    row.put("a", 1.0);
    row.put("b", 2.0);
    assertTrue(block.append(row, 1, 10));
    // Equal keys that are other String objects still match.
    Map<String, Double> copied = new LinkedHashMap<>();
    copied.put(new String("a"), 3.0);
    copied.put(new String("b"), 4.0);
    assertTrue(block.append(copied, 2, 20));
    Map<String, Double> reordered = new LinkedHashMap<>();
    reordered.put("b", 5.0);
    reordered.put("a", 6.0);
    Map<String, Double> nan = new LinkedHashMap<>();
    nan.put("a", 7.0);
    nan.put("b", Double.NaN);
    Map<String, Double> withNull = new LinkedHashMap<>();
    withNull.put("a", 8.0);
    withNull.put("b", null);
    for (Map<String, Double> refused : List.of(reordered, nan, withNull, Map.of("a", 9.0))) {
      assertFalse(block.append(refused, 3, 30), refused.toString());
    }
    assertEquals(2, block.rows);
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0), Arrays.stream(block.values, 0, 4).boxed().toList());
    // A block holds as many rows as it is given, growing past its first size.
    for (int step = 3; step <= 100; step++) {
      assertTrue(block.append(row, step, step));
    }
    assertEquals(100, block.rows);
    assertEquals(100, block.steps[99]);
    assertEquals(2.0, block.values[2 * 99 + 1]);
    assertEquals(0, block.next(4).rows);
  }

  @Test
  void planRowsCutsWholeRowsAtTheBatchSize() {
    RowBlock block = new RowBlock(new String[] {"a", "b", "c"}, 1);
    Map<String, Double> row = new LinkedHashMap<>();
    row.put("a", 1.0);
    row.put("b", 2.0);
    row.put("c", 3.0);
    for (int step = 0; step < 7; step++) {
      block.append(row, step, 0);
    }
    List<String> shape =
        BatchEncoder.planRows(block, 10).stream()
            .map(content -> (BatchEncoder.Rows) content)
            .map(rows -> rows.start() + "-" + rows.end() + ":" + rows.points())
            .toList();
    assertEquals(List.of("0-3:9", "3-6:9", "6-7:3"), shape);
  }

  @Test
  void planCutsAtTheBatchSizeAcrossMetrics() {
    MetricColumn a = column("a", new long[25], new double[25], new long[25]);
    MetricColumn b = column("b", new long[10], new double[10], new long[10]);
    List<List<BatchEncoder.Part>> plan = BatchEncoder.plan(List.of(a, b), 10);
    List<List<String>> shape =
        plan.stream()
            .map(batch -> batch.stream().map(p -> p.column().metric + p.start() + "-" + p.end()).toList())
            .toList();
    assertEquals(
        List.of(List.of("a0-10"), List.of("a10-20"), List.of("a20-25", "b0-5"), List.of("b5-10")),
        shape);
  }

  @Test
  void planOfAnEmptyBufferIsEmpty() {
    assertEquals(List.of(), BatchEncoder.plan(List.of(), 10));
  }
}
