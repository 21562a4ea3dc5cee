package dev.exprun.client;

import java.nio.charset.StandardCharsets;

/** One metric's buffered points, column-major like the wire format. */
final class MetricColumn {
  final String metric;
  final byte[] metricUtf8;
  final LongColumn steps;
  final DoubleColumn values;
  final LongColumn walls;

  MetricColumn(String metric, int capacity) {
    this.metric = metric;
    this.metricUtf8 = metric.getBytes(StandardCharsets.UTF_8);
    this.steps = new LongColumn(capacity);
    this.values = new DoubleColumn(capacity);
    this.walls = new LongColumn(capacity);
  }

  int size() {
    return values.size();
  }
}
