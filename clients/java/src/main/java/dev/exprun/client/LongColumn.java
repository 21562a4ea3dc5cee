package dev.exprun.client;

import java.util.Arrays;

/** A growable {@code long[]}: a column of steps or wall times, without boxing. */
final class LongColumn {
  private long[] data;
  private int size;

  LongColumn(int capacity) {
    data = new long[Math.max(capacity, 16)];
  }

  void add(long value) {
    if (size == data.length) {
      data = Arrays.copyOf(data, data.length * 2);
    }
    data[size++] = value;
  }

  void addAll(long[] values, int from, int to) {
    reserve(to - from);
    System.arraycopy(values, from, data, size, to - from);
    size += to - from;
  }

  /** Appends {@code value} {@code count} times. */
  void fill(long value, int count) {
    reserve(count);
    Arrays.fill(data, size, size + count, value);
    size += count;
  }

  void removeLast() {
    size--;
  }

  long get(int index) {
    return data[index];
  }

  int size() {
    return size;
  }

  long[] array() {
    return data;
  }

  long[] toArray() {
    return Arrays.copyOf(data, size);
  }

  private void reserve(int more) {
    if (size + more > data.length) {
      data = Arrays.copyOf(data, Math.max(size + more, data.length * 2));
    }
  }
}
