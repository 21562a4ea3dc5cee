package dev.exprun.client;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Streams points into a fresh run on {@code $EXPRUN_TARGET} and prints the writer's acked
 * points/s, for the columnar ({@code logColumns}) and the per-step ({@code log}) APIs.
 *
 * <p>{@code java -cp ... dev.exprun.client.WriterThroughput [points] [metrics]} (defaults 2,000,000
 * and 10). Writes to experiment {@code bench-java} in project {@code bench-java}. The first
 * figure includes the JIT's warm-up.
 */
public final class WriterThroughput {
  private WriterThroughput() {}

  public static void main(String[] args) {
    long points = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    int width = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    try (ExprunClient client =
        ExprunClient.builder().project("bench-java").experiment("bench-java").build()) {
      client.getOrCreateExperiment("bench-java");
      for (String api : new String[] {"columns", "rows"}) {
        String runId = "throughput-" + api;
        client.findRun(null, runId).ifPresent(ExperimentRun::delete);
        ExperimentRun run = client.createRun(runId);
        double rate = api.equals("columns") ? columns(run, points, width) : rows(run, points, width);
        System.out.printf(
            Locale.ROOT, "writer %-7s %d metrics: %,.0f points/s acked%n", api, width, rate);
      }
    }
  }

  private static double columns(ExperimentRun run, long points, int width) {
    int chunk = 10_000;
    long[] steps = new long[chunk];
    Map<String, double[]> columns = new LinkedHashMap<>();
    for (int m = 0; m < width; m++) {
      columns.put("m" + m, new double[chunk]);
    }
    long rows = points / width;
    long started = System.nanoTime();
    try (TimeSeriesWriter writer = run.timeSeriesWriter()) {
      for (long row = 0; row < rows; row += chunk) {
        for (int i = 0; i < chunk; i++) {
          steps[i] = row + i + 1;
        }
        for (double[] values : columns.values()) {
          for (int i = 0; i < chunk; i++) {
            values[i] = 1.0 / (row + i + 1);
          }
        }
        writer.logColumns(steps, columns);
      }
    }
    return rows * width / ((System.nanoTime() - started) / 1e9);
  }

  private static double rows(ExperimentRun run, long points, int width) {
    long rows = points / width;
    Map<String, Double> row = new LinkedHashMap<>();
    long started = System.nanoTime();
    try (TimeSeriesWriter writer = run.timeSeriesWriter()) {
      for (long step = 1; step <= rows; step++) {
        for (int m = 0; m < width; m++) {
          row.put("m" + m, 1.0 / step);
        }
        writer.log(row, step);
      }
    }
    return rows * width / ((System.nanoTime() - started) / 1e9);
  }
}
