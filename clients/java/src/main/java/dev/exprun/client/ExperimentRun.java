package dev.exprun.client;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
import com.google.protobuf.ByteString;
import dev.exprun.v1.Artifact;
import dev.exprun.v1.AssignBackingTensorboardRequest;
import dev.exprun.v1.AssociateExecutionRequest;
import dev.exprun.v1.ClassificationMetrics;
import dev.exprun.v1.CustomJobLink;
import dev.exprun.v1.DeleteRunRequest;
import dev.exprun.v1.EndRunRequest;
import dev.exprun.v1.Execution;
import dev.exprun.v1.ExperimentModel;
import dev.exprun.v1.GetMetricsRequest;
import dev.exprun.v1.GetParamsRequest;
import dev.exprun.v1.GetRunRequest;
import dev.exprun.v1.HeartbeatRequest;
import dev.exprun.v1.ListArtifactsRequest;
import dev.exprun.v1.ListArtifactsResponse;
import dev.exprun.v1.ListClassificationMetricsRequest;
import dev.exprun.v1.ListClassificationMetricsResponse;
import dev.exprun.v1.ListCustomJobsRequest;
import dev.exprun.v1.ListCustomJobsResponse;
import dev.exprun.v1.ListExecutionsRequest;
import dev.exprun.v1.ListExecutionsResponse;
import dev.exprun.v1.ListExperimentModelsRequest;
import dev.exprun.v1.ListExperimentModelsResponse;
import dev.exprun.v1.ListPipelineJobsRequest;
import dev.exprun.v1.ListPipelineJobsResponse;
import dev.exprun.v1.LogClassificationMetricsRequest;
import dev.exprun.v1.LogCustomJobRequest;
import dev.exprun.v1.LogMetricsRequest;
import dev.exprun.v1.LogModelHeader;
import dev.exprun.v1.LogModelRequest;
import dev.exprun.v1.LogParamsRequest;
import dev.exprun.v1.LogPipelineJobRequest;
import dev.exprun.v1.MatrixRow;
import dev.exprun.v1.ModelChunk;
import dev.exprun.v1.ModelFile;
import dev.exprun.v1.PipelineJobLink;
import dev.exprun.v1.ReadTimeSeriesRequest;
import dev.exprun.v1.ReadTimeSeriesResponse;
import dev.exprun.v1.Run;
import dev.exprun.v1.RunState;
import dev.exprun.v1.TimeSeries;
import dev.exprun.v1.TimeSeriesBatch;
import dev.exprun.v1.UpdateRunStateRequest;
import dev.exprun.v1.WriteTimeSeriesRequest;
import dev.exprun.v1.WriteTimeSeriesResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * One run of an experiment: the Vertex SDK's {@code aiplatform.ExperimentRun}. Get one from
 * {@link ExprunClient#createRun} or {@link ExprunClient#getRun}. Every method is one RPC (the
 * writer is one stream, lists one call per page) with the client's deadline and retries;
 * failures are {@link ExprunException}s. {@code ...Async} methods return {@link
 * ListenableFuture}s instead of waiting.
 */
public final class ExperimentRun {
  /** Model files travel in chunks of this size (the server's limit). */
  static final int MODEL_CHUNK_BYTES = 1024 * 1024;

  private final ExprunClient client;
  private volatile Run proto;

  ExperimentRun(ExprunClient client, Run proto) {
    this.client = client;
    this.proto = proto;
  }

  /** This run with {@code timeout} as the deadline of its unary calls (null: none). */
  public ExperimentRun withTimeout(Duration timeout) {
    return new ExperimentRun(client.withTimeout(timeout), proto);
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
    proto = client.getRunCallable().call(GetRunRequest.newBuilder().setName(name()).build());
    return this;
  }

  private ListenableFuture<ExperimentRun> updating(ListenableFuture<Run> call) {
    return Futures.transform(
        call,
        run -> {
          proto = run;
          return this;
        },
        MoreExecutors.directExecutor());
  }

  // -- lifecycle ----------------------------------------------------------------------------------

  /** Ends the run as {@code RUN_STATE_COMPLETE} (the SDK's {@code end_run()}). */
  public ExperimentRun end() {
    return end(RunState.RUN_STATE_COMPLETE);
  }

  /** Ends the run with {@code state}. */
  public ExperimentRun end(RunState state) {
    proto = client.endRunCallable().call(endRequest(state));
    return this;
  }

  public ListenableFuture<ExperimentRun> endAsync(RunState state) {
    return updating(client.endRunCallable().futureCall(endRequest(state)));
  }

  private EndRunRequest endRequest(RunState state) {
    return EndRunRequest.newBuilder().setName(name()).setState(state).build();
  }

  /** Sets the run's state (the SDK's {@code update_state}); not {@code RUN_STATE_UNSPECIFIED}. */
  public ExperimentRun updateState(RunState state) {
    if (state == RunState.RUN_STATE_UNSPECIFIED || state == RunState.UNRECOGNIZED) {
      throw ExprunException.invalid("state", "state must be set, not " + state);
    }
    UpdateRunStateRequest request = UpdateRunStateRequest.newBuilder().setName(name()).setState(state).build();
    proto = client.updateRunStateCallable().call(request);
    return this;
  }

  /** Deletes the run with its time series, artifacts and links. */
  public void delete() {
    client.deleteRunCallable().call(DeleteRunRequest.newBuilder().setName(name()).build());
  }

  /** Tells the server this RUNNING run's producer is alive; returns the run's state. */
  public RunState heartbeat() {
    return client.heartbeatCallable().call(HeartbeatRequest.newBuilder().setRun(name()).build()).getState();
  }

  /** Assigns the Vertex TensorBoard (ID or name) that backs the run's time series. */
  public ExperimentRun assignBackingTensorboard(String tensorboard) {
    String name = client.jobName(tensorboard, "tensorboards");
    AssignBackingTensorboardRequest request =
        AssignBackingTensorboardRequest.newBuilder().setRun(name()).setTensorboard(name).build();
    proto = client.assignBackingTensorboardCallable().call(request);
    return this;
  }

  // -- params and summary metrics -----------------------------------------------------------------

  /**
   * Merges params into the run, key by key. Values are {@code Double}/{@code Float} (double),
   * {@code Long}/{@code Integer} (int64), {@code String} or {@code Boolean}; see {@link Values}.
   */
  public ExperimentRun logParams(Map<String, ?> params) {
    proto = client.logParamsCallable().call(paramsRequest(params));
    return this;
  }

  public ListenableFuture<ExperimentRun> logParamsAsync(Map<String, ?> params) {
    return updating(client.logParamsCallable().futureCall(paramsRequest(params)));
  }

  private LogParamsRequest paramsRequest(Map<String, ?> params) {
    return LogParamsRequest.newBuilder().setRun(name()).putAllParams(Values.toProto(params, "params")).build();
  }

  /** The params, sorted by key: {@code Double}, {@code Long}, {@code String} or {@code Boolean}. */
  public Map<String, Object> getParams() {
    GetParamsRequest request = GetParamsRequest.newBuilder().setRun(name()).build();
    return Values.fromProto(client.getParamsCallable().call(request).getParamsMap());
  }

  /** Merges summary metrics into the run, key by key; the same value types as params. */
  public ExperimentRun logMetrics(Map<String, ?> metrics) {
    proto = client.logMetricsCallable().call(metricsRequest(metrics));
    return this;
  }

  public ListenableFuture<ExperimentRun> logMetricsAsync(Map<String, ?> metrics) {
    return updating(client.logMetricsCallable().futureCall(metricsRequest(metrics)));
  }

  private LogMetricsRequest metricsRequest(Map<String, ?> metrics) {
    return LogMetricsRequest.newBuilder().setRun(name()).putAllMetrics(Values.toProto(metrics, "metrics")).build();
  }

  /** The summary metrics, sorted by key. */
  public Map<String, Object> getMetrics() {
    GetMetricsRequest request = GetMetricsRequest.newBuilder().setRun(name()).build();
    return Values.fromProto(client.getMetricsCallable().call(request).getMetricsMap());
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
        LogClassificationMetricsRequest.newBuilder().setParent(name()).setClassificationMetrics(metrics).build();
    return client.logClassificationMetricsCallable().call(request);
  }

  /** The run's classification metrics, oldest first. */
  public PagedResponse<ClassificationMetrics> listClassificationMetrics() {
    return PagedResponse.fetch(
        client.listClassificationMetricsCallable(),
        token -> ListClassificationMetricsRequest.newBuilder().setParent(name()).setPageToken(token).build(),
        (ListClassificationMetricsResponse r) ->
            new PagedResponse.Page<>(r.getClassificationMetricsList(), r.getNextPageToken()));
  }

  /** Every classification metrics of the run, oldest first (the SDK's {@code get_classification_metrics}). */
  public List<ClassificationMetrics> getClassificationMetrics() {
    return listClassificationMetrics().streamAll().toList();
  }

  // -- executions and artifacts -------------------------------------------------------------------

  /**
   * Associates an execution with the run (the SDK's {@code associate_execution}): with a {@code
   * name} (an ID or a full name) of an existing one, that one; otherwise one is created from
   * these fields, with the ID from {@code name} or a generated one.
   */
  public Execution associateExecution(Execution execution) {
    Execution body =
        execution.getName().isEmpty()
            ? execution
            : execution.toBuilder().setName(client.executionName(execution.getName())).build();
    AssociateExecutionRequest request =
        AssociateExecutionRequest.newBuilder().setRun(name()).setExecution(body).build();
    return client.associateExecutionCallable().call(request);
  }

  /** Associates the execution with this ID or name, creating it if it does not exist. */
  public Execution associateExecution(String execution) {
    return associateExecution(Execution.newBuilder().setName(execution).build());
  }

  /** The executions of the run (the SDK's {@code get_executions}). */
  public PagedResponse<Execution> listExecutions() {
    return PagedResponse.fetch(
        client.listExecutionsCallable(),
        token -> ListExecutionsRequest.newBuilder().setParent(name()).setPageToken(token).build(),
        (ListExecutionsResponse r) -> new PagedResponse.Page<>(r.getExecutionsList(), r.getNextPageToken()));
  }

  /** The artifacts of the run: its TensorBoard run link, classification metrics, models, ... */
  public PagedResponse<Artifact> listArtifacts() {
    return listArtifacts("");
  }

  /** Only the artifacts with this schema title ({@code google.ExperimentModel}, ...); "" for all. */
  public PagedResponse<Artifact> listArtifacts(String schemaTitle) {
    String filter = schemaTitle.isEmpty() ? "" : "schema_title = \"" + schemaTitle + "\"";
    return PagedResponse.fetch(
        client.listArtifactsCallable(),
        token -> ListArtifactsRequest.newBuilder().setParent(name()).setFilter(filter).setPageToken(token).build(),
        (ListArtifactsResponse r) -> new PagedResponse.Page<>(r.getArtifactsList(), r.getNextPageToken()));
  }

  // -- models -------------------------------------------------------------------------------------

  /**
   * Logs a model by reference (the SDK's {@code log_model(uri=...)}): {@code model.uri} names its
   * directory and nothing is uploaded. {@code framework_name} is required by the server.
   */
  public ExperimentModel logModel(ExperimentModel model) {
    return await(logModelAsync(model));
  }

  public ListenableFuture<ExperimentModel> logModelAsync(ExperimentModel model) {
    if (model.getUri().isEmpty()) {
      throw ExprunException.invalid("header.model.uri", "a model logged without files needs a uri");
    }
    return upload(model, null, List.of());
  }

  /**
   * Uploads a model's files: {@code path} is one file (it becomes the model file) or a directory
   * (every regular file below it, with its relative path). The server stages them and sets the
   * model's {@code uri}. Files stream in 1 MiB chunks, as gRPC's flow control lets them.
   */
  public ExperimentModel logModel(ExperimentModel model, Path path) {
    List<Path> files;
    Path root;
    ExperimentModel body = model;
    try {
      if (Files.isDirectory(path)) {
        root = path;
        try (Stream<Path> walk = Files.walk(path)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
      } else if (Files.isRegularFile(path)) {
        root = path.toAbsolutePath().getParent();
        files = List.of(path.toAbsolutePath());
        if (model.getModelFile().isEmpty()) {
          body = model.toBuilder().setModelFile(path.getFileName().toString()).build();
        }
      } else {
        throw ExprunException.invalid("path", "no such file or directory: " + path);
      }
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    }
    return await(upload(body.toBuilder().clearUri().build(), root, files));
  }

  private ListenableFuture<ExperimentModel> upload(ExperimentModel model, Path root, List<Path> files) {
    LogModelHeader.Builder header = LogModelHeader.newBuilder().setRun(name()).setModel(model);
    List<String> paths = new ArrayList<>();
    for (Path file : files) {
      String relative = root.toAbsolutePath().relativize(file.toAbsolutePath()).toString().replace('\\', '/');
      paths.add(relative);
      header.addFiles(
          ModelFile.newBuilder().setPath(relative).setSizeBytes(size(file)).setSha256(sha256(file)));
    }
    SettableFuture<ExperimentModel> result = SettableFuture.create();
    Object ready = new Object();
    ClientCallStreamObserver<LogModelRequest>[] requests = newObserverArray();
    client
        .asyncStub()
        .logModel(
            new ClientResponseObserver<LogModelRequest, ExperimentModel>() {
              private ExperimentModel logged;

              @Override
              public void beforeStart(ClientCallStreamObserver<LogModelRequest> stream) {
                requests[0] = stream;
                stream.setOnReadyHandler(
                    () -> {
                      synchronized (ready) {
                        ready.notifyAll();
                      }
                    });
              }

              @Override
              public void onNext(ExperimentModel value) {
                logged = value;
              }

              @Override
              public void onError(Throwable error) {
                result.setException(ExprunException.from(error));
                synchronized (ready) {
                  ready.notifyAll();
                }
              }

              @Override
              public void onCompleted() {
                result.set(logged);
              }
            });
    ClientCallStreamObserver<LogModelRequest> stream = requests[0];
    stream.onNext(LogModelRequest.newBuilder().setHeader(header).build());
    try {
      byte[] buffer = new byte[MODEL_CHUNK_BYTES];
      for (int i = 0; i < files.size() && !result.isDone(); i++) {
        try (InputStream in = Files.newInputStream(files.get(i))) {
          int read;
          while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0 && !result.isDone()) {
            awaitReady(stream, ready, result);
            stream.onNext(
                LogModelRequest.newBuilder()
                    .setChunk(ModelChunk.newBuilder().setPath(paths.get(i)).setData(ByteString.copyFrom(buffer, 0, read)))
                    .build());
          }
        }
      }
      stream.onCompleted();
    } catch (IOException io) {
      stream.cancel("reading the model files failed", io);
      throw new UncheckedIOException(io);
    } catch (RuntimeException failure) {
      stream.cancel("model upload failed", failure);
      throw failure;
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private static ClientCallStreamObserver<LogModelRequest>[] newObserverArray() {
    return (ClientCallStreamObserver<LogModelRequest>[]) new ClientCallStreamObserver<?>[1];
  }

  private static void awaitReady(
      ClientCallStreamObserver<LogModelRequest> stream, Object ready, SettableFuture<?> result) {
    synchronized (ready) {
      while (!stream.isReady() && !result.isDone()) {
        try {
          ready.wait(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          stream.cancel("interrupted", interrupted);
          throw ExprunException.client(
              io.grpc.Status.Code.CANCELLED, "model upload interrupted", "CALL_INTERRUPTED", Map.of());
        }
      }
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    }
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = in.read(buffer)) > 0) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    } catch (NoSuchAlgorithmException missing) {
      throw new IllegalStateException(missing);
    }
  }

  private static <T> T await(ListenableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException failed) {
      throw ExprunException.from(failed.getCause());
    } catch (InterruptedException interrupted) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw ExprunException.client(io.grpc.Status.Code.CANCELLED, "interrupted", "CALL_INTERRUPTED", Map.of());
    }
  }

  /** The models logged to the run (the SDK's {@code get_experiment_models}). */
  public PagedResponse<ExperimentModel> listExperimentModels() {
    return PagedResponse.fetch(
        client.listExperimentModelsCallable(),
        token -> ListExperimentModelsRequest.newBuilder().setParent(name()).setPageToken(token).build(),
        (ListExperimentModelsResponse r) -> new PagedResponse.Page<>(r.getModelsList(), r.getNextPageToken()));
  }

  // -- pipeline and custom jobs -------------------------------------------------------------------

  /** Links a Vertex pipeline job (ID or name) to the run (the SDK's {@code log(pipeline_job=...)}). */
  public PipelineJobLink logPipelineJob(String pipelineJob) {
    LogPipelineJobRequest request =
        LogPipelineJobRequest.newBuilder()
            .setRun(name())
            .setPipelineJob(client.jobName(pipelineJob, "pipelineJobs"))
            .build();
    return client.logPipelineJobCallable().call(request);
  }

  /** The pipeline jobs linked to the run (the SDK's {@code get_logged_pipeline_jobs}). */
  public PagedResponse<PipelineJobLink> listPipelineJobs() {
    return PagedResponse.fetch(
        client.listPipelineJobsCallable(),
        token -> ListPipelineJobsRequest.newBuilder().setParent(name()).setPageToken(token).build(),
        (ListPipelineJobsResponse r) -> new PagedResponse.Page<>(r.getPipelineJobsList(), r.getNextPageToken()));
  }

  /** Links a Vertex custom job (ID or name) to the run. */
  public CustomJobLink logCustomJob(String customJob) {
    LogCustomJobRequest request =
        LogCustomJobRequest.newBuilder().setRun(name()).setCustomJob(client.jobName(customJob, "customJobs")).build();
    return client.logCustomJobCallable().call(request);
  }

  /** The custom jobs linked to the run (the SDK's {@code get_logged_custom_jobs}). */
  public PagedResponse<CustomJobLink> listCustomJobs() {
    return PagedResponse.fetch(
        client.listCustomJobsCallable(),
        token -> ListCustomJobsRequest.newBuilder().setParent(name()).setPageToken(token).build(),
        (ListCustomJobsResponse r) -> new PagedResponse.Page<>(r.getCustomJobsList(), r.getNextPageToken()));
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

  /**
   * Writes one batch of at most 5,000 points in one unary call (the SDK's {@code
   * log_time_series_metrics}): row {@code i} is {@code {metric: columns.get(metric)[i]}} at {@code
   * steps[i]}, now. Non-finite values are refused here, as the writer refuses them. Not retried:
   * for retried writes use {@link #writeTimeSeries(String, long, long[], Map)} or the writer.
   */
  public WriteTimeSeriesResponse writeTimeSeries(long[] steps, Map<String, double[]> columns) {
    return client.writeTimeSeriesCallable().call(writeRequest(steps, columns).build());
  }

  /**
   * The same with a writer ID and a sequence number (>= 1, increasing per writer): the server
   * commits a batch once, so a lost response is retried safely (and a batch at or below the
   * writer's committed sequence is acknowledged without being written again).
   */
  public WriteTimeSeriesResponse writeTimeSeries(
      String writerId, long sequence, long[] steps, Map<String, double[]> columns) {
    WriteTimeSeriesRequest request = writeRequest(steps, columns).setWriterId(writerId).setSequence(sequence).build();
    return client.sequencedWriteCallable().call(request);
  }

  private WriteTimeSeriesRequest.Builder writeRequest(long[] steps, Map<String, double[]> columns) {
    long micros = TimeSeriesWriter.nowMicros();
    TimeSeriesBatch.Builder batch = TimeSeriesBatch.newBuilder();
    int index = 0;
    for (Map.Entry<String, double[]> entry : columns.entrySet()) {
      double[] values = entry.getValue();
      String where = "batch.series[" + index++ + "]";
      if (values.length != steps.length) {
        throw ExprunException.invalid(
            where + ".values", "metric '" + entry.getKey() + "' has " + values.length + " values but steps has " + steps.length);
      }
      TimeSeries.Builder series = TimeSeries.newBuilder().setMetric(entry.getKey());
      for (int i = 0; i < values.length; i++) {
        if (!Double.isFinite(values[i])) {
          throw TimeSeriesWriter.nonFinite(entry.getKey(), values[i], steps[i]);
        }
        series.addSteps(steps[i]).addValues(values[i]).addWallTimeMicros(micros);
      }
      batch.addSeries(series);
    }
    return WriteTimeSeriesRequest.newBuilder().setRun(name()).setBatch(batch);
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
   * The client's call deadline covers the whole read.
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
