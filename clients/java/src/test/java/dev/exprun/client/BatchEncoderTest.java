package dev.exprun.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.exprun.v1.SequencedBatch;
import dev.exprun.v1.StreamTimeSeriesRequest;
import dev.exprun.v1.TimeSeries;
import dev.exprun.v1.TimeSeriesBatch;
import java.util.List;
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
