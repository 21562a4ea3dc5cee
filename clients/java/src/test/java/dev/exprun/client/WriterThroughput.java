package dev.exprun.client;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Streams points into a fresh run on {@code $EXPRUN_TARGET} and prints, for the columnar ({@code
 * logColumns}) and the per-step ({@code log}) APIs, the writer's acknowledged points/s and the
 * client's CPU per point: this JVM's CPU time (every thread: the caller, the writer's sender,
 * gRPC's, the GC's and the JIT's) from the first log to the final ack of close(), divided by the
 * points. CPU time is what the writer costs the training process; wall time swings with the
 * server and the machine's load.
 *
 * <p>{@code java -cp ... dev.exprun.client.WriterThroughput [points] [metrics] [rounds]}
 * (defaults 2,000,000, 10 and 2: each API runs {@code rounds} times in a row; the first round
 * includes the JIT's warm-up). Writes to experiment {@code bench-java} in project {@code
 * bench-java}.
 */
public final class WriterThroughput {
  private WriterThroughput() {}

  public static void main(String[] args) {
    long points = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    int width = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    try (ExprunClient client =
        ExprunClient.builder().project("bench-java").experiment("bench-java").build()) {
      client.getOrCreateExperiment("bench-java");
      for (int round = 1; round <= rounds; round++) {
        for (String api : new String[] {"rows", "columns"}) {
          String runId = "throughput-" + api;
          client.findRun(null, runId).ifPresent(ExperimentRun::delete);
          ExperimentRun run = client.createRun(runId);
          long cpu0 = cpuNanos();
          long caller0 = callerNanos();
          long wall0 = System.nanoTime();
          long written = api.equals("columns") ? columns(run, points, width) : rows(run, points, width);
          double seconds = (System.nanoTime() - wall0) / 1e9;
          double cpu = (cpuNanos() - cpu0) / 1e9;
          double caller = (callerNanos() - caller0) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "writer %-7s round %d: %,d points, %d metrics: %,.0f points/s acked, client CPU %.2f s"
                  + " = %.3f us/point (the logging thread %.3f us/point)%n",
              api, round, written, width, written / seconds, cpu, cpu * 1e6 / written,
              caller * 1e6 / written);
        }
      }
    }
  }

  /** This JVM's CPU time, all threads. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The writer's defaults, or {@code -Dbuffer=N} points of buffer. */
  static TimeSeriesWriter.Options options() {
    TimeSeriesWriter.Options.Builder options = TimeSeriesWriter.Options.builder();
    String buffer = System.getProperty("buffer");
    if (buffer != null) {
      options.maxBufferedPoints(Long.parseLong(buffer));
    }
    return options.build();
  }

  /** The CPU time of the thread that logs (the training loop's). */
  static long callerNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static long columns(ExperimentRun run, long points, int width) {
    int chunk = 10_000;
    long[] steps = new long[chunk];
    Map<String, double[]> columns = new LinkedHashMap<>();
    for (int m = 0; m < width; m++) {
      columns.put("m" + m, new double[chunk]);
    }
    long rows = points / width;
    try (TimeSeriesWriter writer = run.timeSeriesWriter(options())) {
      for (long row = 0; row < rows; row += chunk) {
        int n = (int) Math.min(chunk, rows - row);
        for (int i = 0; i < n; i++) {
          steps[i] = row + i + 1;
        }
        for (double[] values : columns.values()) {
          for (int i = 0; i < n; i++) {
            values[i] = 1.0 / (row + i + 1);
          }
        }
        writer.logColumns(n == chunk ? steps : java.util.Arrays.copyOf(steps, n), columns);
      }
      writer.close();
      return writer.pointsAcked();
    }
  }

  /** The training-loop shape: one map per step, reused, one boxed value per metric. */
  private static long rows(ExperimentRun run, long points, int width) {
    long rows = points / width;
    String[] names = new String[width];
    for (int m = 0; m < width; m++) {
      names[m] = "m" + m;
    }
    Map<String, Double> row = new LinkedHashMap<>();
    try (TimeSeriesWriter writer = run.timeSeriesWriter(options())) {
      for (long step = 1; step <= rows; step++) {
        for (int m = 0; m < width; m++) {
          row.put(names[m], 1.0 / step);
        }
        writer.log(row, step);
      }
      writer.close();
      return writer.pointsAcked();
    }
  }
}
