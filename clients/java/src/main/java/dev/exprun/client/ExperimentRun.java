package dev.exprun.client;

import dev.exprun.v1.ClassificationMetrics;
import dev.exprun.v1.DeleteRunRequest;
import dev.exprun.v1.EndRunRequest;
import dev.exprun.v1.GetMetricsRequest;
import dev.exprun.v1.GetParamsRequest;
import dev.exprun.v1.GetRunRequest;
import dev.exprun.v1.HeartbeatRequest;
import dev.exprun.v1.ListClassificationMetricsRequest;
import dev.exprun.v1.ListClassificationMetricsResponse;
import dev.exprun.v1.LogClassificationMetricsRequest;
import dev.exprun.v1.LogMetricsRequest;
import dev.exprun.v1.LogParamsRequest;
import dev.exprun.v1.MatrixRow;
import dev.exprun.v1.ReadTimeSeriesRequest;
import dev.exprun.v1.ReadTimeSeriesResponse;
import dev.exprun.v1.Run;
import dev.exprun.v1.RunState;
import dev.exprun.v1.TimeSeries;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of an experiment: the Vertex SDK's {@code aiplatform.ExperimentRun}. Get one from
 * {@link ExprunClient#createRun} or {@link ExprunClient#getRun}. Every method is one RPC (the
 * writer is one stream); failures are {@link ExprunException}s.
 */
public final class ExperimentRun {
  private final ExprunClient client;
  private volatile Run proto;

  ExperimentRun(ExprunClient client, Run proto) {
    this.client = client;
    this.proto = proto;
  }

  /** The full resource name, {@code projects/P/locations/L/experiments/E/runs/R}. */
  public String name() {
    return proto.getName();
  }

  /** The run ID ({@code R} of the name): the SDK's {@code ExperimentRun.name}. */
  public String runId() {
    return proto.getRunId();
  }

  /** The experiment ID ({@code E} of the name). */
  public String experimentId() {
    String[] parts = proto.getName().split("/");
    return parts.length >= 6 ? parts[5] : "";
  }

  /** The run as last returned by the server (call {@link #refresh()} to re-read it). */
  public Run proto() {
    return proto;
  }

  /** The state as last seen; {@link #refresh()} first for the current one. */
  public RunState state() {
    return proto.getState();
  }

  /** Re-reads the run. */
  public ExperimentRun refresh() {
    GetRunRequest request = GetRunRequest.newBuilder().setName(name()).build();
    proto = client.call(stub -> stub.getRun(request));
    return this;
  }

  // -- lifecycle ----------------------------------------------------------------------------------

  /** Ends the run as {@code RUN_STATE_COMPLETE} (the SDK's {@code end_run()}). */
  public ExperimentRun end() {
    return end(RunState.RUN_STATE_COMPLETE);
  }

  /** Ends the run with {@code state}. */
  public ExperimentRun end(RunState state) {
    EndRunRequest request = EndRunRequest.newBuilder().setName(name()).setState(state).build();
    proto = client.call(stub -> stub.endRun(request));
    return this;
  }

  /** Deletes the run with its time series, artifacts and links. */
  public void delete() {
    DeleteRunRequest request = DeleteRunRequest.newBuilder().setName(name()).build();
    client.call(stub -> stub.deleteRun(request));
  }

  /** Tells the server this RUNNING run's producer is alive; returns the run's state. */
  public RunState heartbeat() {
    HeartbeatRequest request = HeartbeatRequest.newBuilder().setRun(name()).build();
    return client.call(stub -> stub.heartbeat(request)).getState();
  }

  // -- params and summary metrics -----------------------------------------------------------------

  /**
   * Merges params into the run, key by key. Values are {@code Double}/{@code Float} (double),
   * {@code Long}/{@code Integer} (int64) or {@code String}; see {@link Values}.
   */
  public ExperimentRun logParams(Map<String, ?> params) {
    LogParamsRequest request =
        LogParamsRequest.newBuilder().setRun(name()).putAllParams(Values.toProto(params)).build();
    proto = client.call(stub -> stub.logParams(request));
    return this;
  }

  /** The params, sorted by key: {@code Double}, {@code Long} or {@code String} values. */
  public Map<String, Object> getParams() {
    GetParamsRequest request = GetParamsRequest.newBuilder().setRun(name()).build();
    return Values.fromProto(client.call(stub -> stub.getParams(request)).getParamsMap());
  }

  /** Merges summary metrics into the run, key by key; the same value types as params. */
  public ExperimentRun logMetrics(Map<String, ?> metrics) {
    LogMetricsRequest request =
        LogMetricsRequest.newBuilder().setRun(name()).putAllMetrics(Values.toProto(metrics)).build();
    proto = client.call(stub -> stub.logMetrics(request));
    return this;
  }

  /** The summary metrics, sorted by key. */
  public Map<String, Object> getMetrics() {
    GetMetricsRequest request = GetMetricsRequest.newBuilder().setRun(name()).build();
    return Values.fromProto(client.call(stub -> stub.getMetrics(request)).getMetricsMap());
  }

  // -- classification metrics ---------------------------------------------------------------------

  /**
   * Logs a confusion matrix and/or an ROC curve (the SDK's {@code log_classification_metrics}):
   * {@code labels} with {@code matrix}, and/or {@code fpr}, {@code tpr} and {@code threshold};
   * pass null for the part you leave out.
   */
  public ClassificationMetrics logClassificationMetrics(
      String displayName,
      List<String> labels,
      double[][] matrix,
      double[] fpr,
      double[] tpr,
      double[] threshold) {
    ClassificationMetrics.Builder metrics = ClassificationMetrics.newBuilder();
    if (displayName != null) {
      metrics.setDisplayName(displayName);
    }
    if (labels != null) {
      metrics.addAllLabels(labels);
    }
    if (matrix != null) {
      for (double[] row : matrix) {
        metrics.addMatrix(MatrixRow.newBuilder().addAllValues(boxed(row)));
      }
    }
    if (fpr != null) {
      metrics.addAllFpr(boxed(fpr));
    }
    if (tpr != null) {
      metrics.addAllTpr(boxed(tpr));
    }
    if (threshold != null) {
      metrics.addAllThreshold(boxed(threshold));
    }
    return logClassificationMetrics(metrics.build());
  }

  /** Logs classification metrics given as the message itself. */
  public ClassificationMetrics logClassificationMetrics(ClassificationMetrics metrics) {
    LogClassificationMetricsRequest request =
        LogClassificationMetricsRequest.newBuilder()
            .setParent(name())
            .setClassificationMetrics(metrics)
            .build();
    return client.call(stub -> stub.logClassificationMetrics(request));
  }

  /** Every classification metrics of the run, oldest first (all pages). */
  public List<ClassificationMetrics> getClassificationMetrics() {
    List<ClassificationMetrics> all = new ArrayList<>();
    String token = "";
    do {
      ListClassificationMetricsRequest request =
          ListClassificationMetricsRequest.newBuilder()
              .setParent(name())
              .setPageSize(1000)
              .setPageToken(token)
              .build();
      ListClassificationMetricsResponse page =
          client.call(stub -> stub.listClassificationMetrics(request));
      all.addAll(page.getClassificationMetricsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  // -- time series --------------------------------------------------------------------------------

  /** A streaming writer with the default options and a generated writer ID. */
  public TimeSeriesWriter timeSeriesWriter() {
    return timeSeriesWriter(TimeSeriesWriter.Options.defaults());
  }

  /** A streaming writer for this run; close it (try-with-resources) to flush. */
  public TimeSeriesWriter timeSeriesWriter(TimeSeriesWriter.Options options) {
    return client.track(new TimeSeriesWriter(client.channel(), name(), options));
  }

  /** Every point of every metric, at full resolution. */
  public Map<String, SeriesData> readTimeSeries() {
    return readTimeSeries(ReadTimeSeriesRequest.newBuilder().build());
  }

  /** Only {@code metrics} (all when empty). */
  public Map<String, SeriesData> readTimeSeries(Collection<String> metrics) {
    return readTimeSeries(ReadTimeSeriesRequest.newBuilder().addAllMetrics(metrics).build());
  }

  /**
   * A read with the request's filters ({@code metrics}, {@code start_step}, {@code end_step},
   * {@code max_points}); its {@code run} is set to this run. Metrics come in the server's order.
   */
  public Map<String, SeriesData> readTimeSeries(ReadTimeSeriesRequest options) {
    ReadTimeSeriesRequest request = options.toBuilder().setRun(name()).build();
    Map<String, Accumulator> byMetric = new LinkedHashMap<>();
    try {
      Iterator<ReadTimeSeriesResponse> chunks = client.stub().readTimeSeries(request);
      while (chunks.hasNext()) {
        for (TimeSeries series : chunks.next().getSeriesList()) {
          byMetric.computeIfAbsent(series.getMetric(), m -> new Accumulator()).add(series);
        }
      }
    } catch (StatusRuntimeException error) {
      throw ExprunException.fromStub(error);
    }
    Map<String, SeriesData> result = new LinkedHashMap<>();
    byMetric.forEach((metric, acc) -> result.put(metric, acc.build(metric)));
    return result;
  }

  /** A metric's chunks joined: a metric may span several response messages. */
  private static final class Accumulator {
    final LongColumn steps = new LongColumn(1024);
    final DoubleColumn values = new DoubleColumn(1024);
    final LongColumn walls = new LongColumn(1024);

    void add(TimeSeries series) {
      int n = series.getValuesCount();
      for (int i = 0; i < n; i++) {
        steps.add(series.getStepsCount() == n ? series.getSteps(i) : 0L);
        values.add(series.getValues(i));
        walls.add(series.getWallTimeMicrosCount() == n ? series.getWallTimeMicros(i) : 0L);
      }
    }

    SeriesData build(String metric) {
      return new SeriesData(metric, steps.toArray(), values.toArray(), walls.toArray());
    }
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  @Override
  public String toString() {
    return "ExperimentRun(" + name() + ", " + state() + ")";
  }
}
