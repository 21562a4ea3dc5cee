package dev.exprun.client;

import java.util.Arrays;

/** A growable {@code double[]}: a column of values, without boxing. */
final class DoubleColumn {
  private double[] data;
  private int size;

  DoubleColumn(int capacity) {
    data = new double[Math.max(capacity, 16)];
  }

  void add(double value) {
    if (size == data.length) {
      data = Arrays.copyOf(data, data.length * 2);
    }
    data[size++] = value;
  }

  void addAll(double[] values, int from, int to) {
    if (size + (to - from) > data.length) {
      data = Arrays.copyOf(data, Math.max(size + (to - from), data.length * 2));
    }
    System.arraycopy(values, from, data, size, to - from);
    size += to - from;
  }

  /** Appends {@code count} values of {@code values}, {@code stride} apart from {@code from}. */
  void addStrided(double[] values, int from, int stride, int count) {
    if (size + count > data.length) {
      data = Arrays.copyOf(data, Math.max(size + count, data.length * 2));
    }
    for (int i = 0; i < count; i++) {
      data[size + i] = values[from + i * stride];
    }
    size += count;
  }

  void removeLast() {
    size--;
  }

  double get(int index) {
    return data[index];
  }

  int size() {
    return size;
  }

  double[] array() {
    return data;
  }

  double[] toArray() {
    return Arrays.copyOf(data, size);
  }
}
