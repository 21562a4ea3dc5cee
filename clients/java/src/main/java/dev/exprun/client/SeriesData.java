package dev.exprun.client;

/**
 * One metric's points read back, column-major and in step order: row {@code i} is {@code
 * (steps[i], values[i], wallTimeMicros[i])}. The arrays are the caller's to keep.
 */
public record SeriesData(String metric, long[] steps, double[] values, long[] wallTimeMicros) {
  /** The number of points. */
  public int size() {
    return steps.length;
  }

  /** The value at {@code step}, or NaN when that step has no point. */
  public double valueAt(long step) {
    int index = java.util.Arrays.binarySearch(steps, step);
    return index >= 0 ? values[index] : Double.NaN;
  }
}
