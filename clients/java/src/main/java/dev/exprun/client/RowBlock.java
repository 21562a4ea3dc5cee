package dev.exprun.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Rows of per-step {@code log} calls with the same metrics in the same order, row-major: a row
 * costs {@code width} stores into {@link #values} plus its step and wall time, which are kept
 * once for all its metrics (and encoded once per batch). A training loop logs the same map every
 * step, so this is where its points go, with no per-point lookup or object.
 *
 * <p>The writer keeps the invariant that a block's points are later than the same metrics'
 * points in its columns: anything appended to the columns first moves the block's rows there.
 */
final class RowBlock {
  final String[] metrics;
  final byte[][] metricUtf8;
  final int width;
  long[] steps;
  long[] walls;
  /** Row {@code r}, metric {@code m} at {@code r * width + m}. */
  double[] values;
  int rows;
  /** Batches cut from this block and not yet encoded; at 0 the writer may reuse the block. */
  int slicesLeft;

  RowBlock(String[] metrics, int capacity) {
    this(metrics, utf8(metrics), capacity);
  }

  private RowBlock(String[] metrics, byte[][] metricUtf8, int capacity) {
    this.metrics = metrics;
    this.metricUtf8 = metricUtf8;
    this.width = metrics.length;
    int rows = Math.max(capacity, 16);
    this.steps = new long[rows];
    this.walls = new long[rows];
    this.values = new double[rows * width];
  }

  /** An empty block of the same metrics, for {@code capacity} rows. */
  RowBlock next(int capacity) {
    return new RowBlock(metrics, metricUtf8, capacity);
  }

  /** Whether this block takes the rows of {@code other}: the same metrics in the same order. */
  boolean sameMetrics(RowBlock other) {
    return metrics == other.metrics || Arrays.equals(metrics, other.metrics);
  }

  /**
   * Appends one row if {@code row} holds exactly this block's metrics, in order, each a finite
   * number. Otherwise appends nothing and returns false: the writer's general path then takes
   * the row, or names what is wrong with it. Validation and copying are one pass; a row only
   * counts once {@link #rows} moves past it.
   */
  boolean append(Map<String, ? extends Number> row, long step, long micros) {
    int at = rows;
    if (at == steps.length) {
      grow();
    }
    String[] names = metrics;
    double[] out = values;
    int base = at * width;
    int i = 0;
    for (Map.Entry<String, ? extends Number> entry : row.entrySet()) {
      if (i == names.length) {
        return false;
      }
      String metric = entry.getKey();
      if (metric != names[i] && !names[i].equals(metric)) {
        return false;
      }
      Number value = entry.getValue();
      if (value == null) {
        return false;
      }
      double number = value.doubleValue();
      if (!Double.isFinite(number)) {
        return false;
      }
      out[base + i] = number;
      i++;
    }
    if (i != names.length) {
      return false;
    }
    steps[at] = step;
    walls[at] = micros;
    rows = at + 1;
    return true;
  }

  private void grow() {
    int capacity = steps.length * 2;
    steps = Arrays.copyOf(steps, capacity);
    walls = Arrays.copyOf(walls, capacity);
    values = Arrays.copyOf(values, capacity * width);
  }

  private static byte[][] utf8(String[] metrics) {
    byte[][] encoded = new byte[metrics.length][];
    for (int m = 0; m < metrics.length; m++) {
      encoded[m] = metrics[m].getBytes(StandardCharsets.UTF_8);
    }
    return encoded;
  }
}
