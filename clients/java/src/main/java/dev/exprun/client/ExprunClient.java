package dev.exprun.client;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Empty;
import com.google.protobuf.FieldMask;
import dev.exprun.v1.AddExecutionEventsRequest;
import dev.exprun.v1.AddExecutionEventsResponse;
import dev.exprun.v1.AssignBackingTensorboardRequest;
import dev.exprun.v1.AssociateExecutionRequest;
import dev.exprun.v1.ClassificationMetrics;
import dev.exprun.v1.CreateExecutionRequest;
import dev.exprun.v1.CreateExperimentRequest;
import dev.exprun.v1.CreateRunRequest;
import dev.exprun.v1.CustomJobLink;
import dev.exprun.v1.DeleteExperimentRequest;
import dev.exprun.v1.DeleteRunRequest;
import dev.exprun.v1.DownloadModelRequest;
import dev.exprun.v1.EndRunRequest;
import dev.exprun.v1.Execution;
import dev.exprun.v1.ExecutionInputsAndOutputs;
import dev.exprun.v1.Experiment;
import dev.exprun.v1.ExperimentModel;
import dev.exprun.v1.ExperimentRunServiceGrpc;
import dev.exprun.v1.ExperimentRunServiceGrpc.ExperimentRunServiceBlockingStub;
import dev.exprun.v1.ExperimentRunServiceGrpc.ExperimentRunServiceFutureStub;
import dev.exprun.v1.ExperimentRunServiceGrpc.ExperimentRunServiceStub;
import dev.exprun.v1.GetExecutionRequest;
import dev.exprun.v1.GetExperimentModelRequest;
import dev.exprun.v1.GetExperimentRequest;
import dev.exprun.v1.GetMetricsRequest;
import dev.exprun.v1.GetMetricsResponse;
import dev.exprun.v1.GetParamsRequest;
import dev.exprun.v1.GetParamsResponse;
import dev.exprun.v1.GetRunRequest;
import dev.exprun.v1.HeartbeatRequest;
import dev.exprun.v1.HeartbeatResponse;
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
import dev.exprun.v1.ListExperimentsRequest;
import dev.exprun.v1.ListExperimentsResponse;
import dev.exprun.v1.ListPipelineJobsRequest;
import dev.exprun.v1.ListPipelineJobsResponse;
import dev.exprun.v1.ListRunsRequest;
import dev.exprun.v1.ListRunsResponse;
import dev.exprun.v1.LogClassificationMetricsRequest;
import dev.exprun.v1.LogCustomJobRequest;
import dev.exprun.v1.LogMetricsRequest;
import dev.exprun.v1.LogParamsRequest;
import dev.exprun.v1.LogPipelineJobRequest;
import dev.exprun.v1.ModelChunk;
import dev.exprun.v1.PipelineJobLink;
import dev.exprun.v1.QueryExecutionInputsAndOutputsRequest;
import dev.exprun.v1.Run;
import dev.exprun.v1.RunState;
import dev.exprun.v1.UpdateExecutionRequest;
import dev.exprun.v1.UpdateRunStateRequest;
import dev.exprun.v1.WriteTimeSeriesRequest;
import dev.exprun.v1.WriteTimeSeriesResponse;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A connection to an exprun server with the defaults every call uses: project, location and
 * experiment (like the Vertex SDK's {@code aiplatform.init}), the bearer token and TLS, the call
 * deadline and the retry settings.
 *
 * <pre>{@code
 * try (ExprunClient client = ExprunClient.builder().project("my-project").experiment("churn").build()) {
 *   ExperimentRun run = client.createRun("baseline-1");
 *   run.logParams(Map.of("lr", 0.01, "layers", 3, "optimizer", "adam"));
 * }
 * }</pre>
 *
 * <p>Every RPC of {@code exprun.v1.ExperimentRunService} has a method here or on {@link
 * ExperimentRun}; each unary RPC also has a {@link UnaryCallable} ({@code getRunCallable()}, ...)
 * with a blocking {@code call} and a {@code futureCall} returning a {@link ListenableFuture}, and
 * the generated stubs stay reachable ({@link #stub()}, {@link #futureStub()}, {@link
 * #asyncStub()}). Lists are {@link PagedResponse}s; {@code iterateAll()} fetches pages as needed.
 *
 * <p>Anything not set on the builder falls back to the environment: {@code EXPRUN_TARGET},
 * {@code EXPRUN_PROJECT}, {@code EXPRUN_LOCATION}, {@code EXPRUN_EXPERIMENT}, {@code
 * EXPRUN_TOKEN}, then to {@code 127.0.0.1:50051} and {@code us-central1}. A client is thread-safe;
 * share one per process (a gRPC channel multiplexes every call and reconnects by itself). {@link
 * #withTimeout} and {@link #withRetrySettings} return views on the same connection.
 */
public final class ExprunClient implements AutoCloseable {
  public static final String DEFAULT_TARGET = "127.0.0.1:50051";
  public static final String DEFAULT_LOCATION = "us-central1";
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
  /** ReadTimeSeries chunks can exceed gRPC's 4 MiB default. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** What every view of one client shares: the connection, the defaults, the open writers. */
  private static final class Shared {
    ManagedChannel ownedChannel;
    Channel channel;
    String project;
    String location;
    String experiment;
    final java.util.Set<TimeSeriesWriter> writers =
        java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());
  }

  private final Shared shared;
  private final Duration callTimeout;
  private final RetrySettings retry;

  private ExprunClient(Shared shared, Duration callTimeout, RetrySettings retry) {
    this.shared = shared;
    this.callTimeout = callTimeout;
    this.retry = retry;
  }

  private static ExprunClient open(Builder builder) {
    Shared shared = new Shared();
    shared.project = builder.project != null ? builder.project : System.getenv("EXPRUN_PROJECT");
    shared.location = firstNonEmpty(builder.location, System.getenv("EXPRUN_LOCATION"), DEFAULT_LOCATION);
    shared.experiment = firstNonEmpty(builder.experiment, System.getenv("EXPRUN_EXPERIMENT"), null);
    Channel base;
    if (builder.channel != null) {
      base = builder.channel;
    } else {
      String target = firstNonEmpty(builder.target, System.getenv("EXPRUN_TARGET"), DEFAULT_TARGET);
      ChannelCredentials credentials = builder.credentials;
      if (credentials == null) {
        credentials = builder.tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
      }
      shared.ownedChannel =
          Grpc.newChannelBuilder(target, credentials).maxInboundMessageSize(MAX_MESSAGE_BYTES).build();
      base = shared.ownedChannel;
    }
    Metadata headers = new Metadata();
    builder.headers.forEach(
        (key, value) -> headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value));
    String token = firstNonEmpty(builder.bearerToken, System.getenv("EXPRUN_TOKEN"), null);
    if (token != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    shared.channel = ClientInterceptors.intercept(base, MetadataUtils.newAttachHeadersInterceptor(headers));
    return new ExprunClient(shared, builder.callTimeout, builder.retrySettings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults for a client; every setter is optional. */
  public static final class Builder {
    private String target;
    private String project;
    private String location;
    private String experiment;
    private String bearerToken;
    private boolean tls;
    private ChannelCredentials credentials;
    private Channel channel;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private RetrySettings retrySettings = RetrySettings.defaults();
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder() {}

    /** {@code host:port} (or any gRPC target URI). */
    public Builder target(String target) {
      this.target = target;
      return this;
    }

    public Builder project(String project) {
      this.project = project;
      return this;
    }

    public Builder location(String location) {
      this.location = location;
      return this;
    }

    /** The experiment that run IDs belong to when a call names none. */
    public Builder experiment(String experiment) {
      this.experiment = experiment;
      return this;
    }

    /** Sent as {@code authorization: Bearer <token>} on every call. */
    public Builder bearerToken(String token) {
      this.bearerToken = token;
      return this;
    }

    /** TLS with the JDK's trust store (plaintext when off, the default). */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Custom credentials (mTLS, a private CA); overrides {@link #tls(boolean)}. */
    public Builder credentials(ChannelCredentials credentials) {
      this.credentials = credentials;
      return this;
    }

    /** Use this channel (not closed by the client) instead of opening one to the target. */
    public Builder channel(Channel channel) {
      this.channel = channel;
      return this;
    }

    /**
     * The deadline of each unary call, retries included (default 60 s); null for none. Streams
     * have none. {@link ExprunClient#withTimeout} changes it for some calls.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = timeout;
      return this;
    }

    /** How idempotent unary calls are retried (default {@link RetrySettings#defaults()}). */
    public Builder retrySettings(RetrySettings retrySettings) {
      this.retrySettings = Objects.requireNonNull(retrySettings, "retrySettings");
      return this;
    }

    /** An extra header sent on every call. */
    public Builder header(String key, String value) {
      headers.put(key, value);
      return this;
    }

    public ExprunClient build() {
      return open(this);
    }
  }

  // -- views --------------------------------------------------------------------------------------

  /**
   * This client with {@code timeout} as the deadline of each unary call (null: none), for a call
   * or a few: {@code client.withTimeout(Duration.ofSeconds(5)).getRun(null, "r1")}. Shares the
   * connection; closing either closes both.
   */
  public ExprunClient withTimeout(Duration timeout) {
    return new ExprunClient(shared, timeout, retry);
  }

  /** This client with other retry settings ({@link RetrySettings#none()}: no retries). */
  public ExprunClient withRetrySettings(RetrySettings retrySettings) {
    return new ExprunClient(shared, callTimeout, Objects.requireNonNull(retrySettings, "retrySettings"));
  }

  /** The deadline of each unary call; null for none. */
  public Duration callTimeout() {
    return callTimeout;
  }

  public RetrySettings retrySettings() {
    return retry;
  }

  // -- defaults and names -------------------------------------------------------------------------

  public String project() {
    if (shared.project == null || shared.project.isEmpty()) {
      throw ExprunException.invalid(
          "project", "No project is set: call ExprunClient.builder().project(...) or set EXPRUN_PROJECT");
    }
    return shared.project;
  }

  public String location() {
    return shared.location;
  }

  /** The default experiment, or null. */
  public String experiment() {
    return shared.experiment;
  }

  /** {@code projects/{project}/locations/{location}}. */
  public String parent() {
    return "projects/" + project() + "/locations/" + shared.location;
  }

  /** The full name of an experiment given by ID (a full name is returned as is). */
  public String experimentName(String experiment) {
    Objects.requireNonNull(experiment, "experiment");
    return experiment.startsWith("projects/") ? experiment : parent() + "/experiments/" + experiment;
  }

  /** The full name of a run given by ID in {@code experiment} (a full name is returned as is). */
  public String runName(String experiment, String run) {
    Objects.requireNonNull(run, "run");
    if (run.startsWith("projects/")) {
      return run;
    }
    return experimentName(defaultExperiment(experiment)) + "/runs/" + run;
  }

  /** The full name of an execution given by ID in this client's location (a full name as is). */
  public String executionName(String execution) {
    return metadataName(execution, "executions");
  }

  /** The full name of an artifact (a model's, for example) given by ID (a full name as is). */
  public String artifactName(String artifact) {
    return metadataName(artifact, "artifacts");
  }

  private String metadataName(String id, String collection) {
    Objects.requireNonNull(id, collection);
    return id.startsWith("projects/") ? id : parent() + "/metadataStores/default/" + collection + "/" + id;
  }

  /** The full name of a pipeline or custom job given by ID ({@code pipelineJobs}, {@code customJobs}). */
  String jobName(String job, String collection) {
    Objects.requireNonNull(job, collection);
    return job.startsWith("projects/") ? job : parent() + "/" + collection + "/" + job;
  }

  private String defaultExperiment(String given) {
    String chosen = given != null ? given : shared.experiment;
    if (chosen == null) {
      throw ExprunException.invalid(
          "experiment", "No experiment is given: pass one or set ExprunClient.builder().experiment(...)");
    }
    return chosen;
  }

  // -- experiments --------------------------------------------------------------------------------

  /** Creates an experiment; {@link ExprunException.AlreadyExists} if it exists. */
  public Experiment createExperiment(String experimentId) {
    return createExperiment(experimentId, "");
  }

  public Experiment createExperiment(String experimentId, String description) {
    return createExperimentCallable().call(createExperimentRequest(experimentId, description));
  }

  public ListenableFuture<Experiment> createExperimentAsync(String experimentId) {
    return createExperimentCallable().futureCall(createExperimentRequest(experimentId, ""));
  }

  private CreateExperimentRequest createExperimentRequest(String experimentId, String description) {
    return CreateExperimentRequest.newBuilder()
        .setParent(parent())
        .setExperimentId(experimentId)
        .setExperiment(Experiment.newBuilder().setDescription(description))
        .build();
  }

  /** Gets an experiment; {@link ExprunException.NotFound} if it does not exist. */
  public Experiment getExperiment(String experiment) {
    return getExperimentCallable().call(getExperimentRequest(experiment));
  }

  public ListenableFuture<Experiment> getExperimentAsync(String experiment) {
    return getExperimentCallable().futureCall(getExperimentRequest(experiment));
  }

  private GetExperimentRequest getExperimentRequest(String experiment) {
    return GetExperimentRequest.newBuilder().setName(experimentName(experiment)).build();
  }

  /** The experiment, created if missing. */
  public Experiment getOrCreateExperiment(String experimentId) {
    try {
      return createExperiment(experimentId);
    } catch (ExprunException.AlreadyExists exists) {
      return getExperiment(experimentId);
    }
  }

  /** The experiments of the project and location, oldest first. */
  public PagedResponse<Experiment> listExperiments() {
    return listExperiments(ListExperimentsRequest.newBuilder().build());
  }

  /** With the request's filter, order and page size; its parent defaults to the client's. */
  public PagedResponse<Experiment> listExperiments(ListExperimentsRequest request) {
    ListExperimentsRequest base =
        request.getParent().isEmpty() ? request.toBuilder().setParent(parent()).build() : request;
    return PagedResponse.fetch(
        listExperimentsCallable(),
        token -> base.toBuilder().setPageToken(token).build(),
        (ListExperimentsResponse r) -> new PagedResponse.Page<>(r.getExperimentsList(), r.getNextPageToken()));
  }

  public ListenableFuture<PagedResponse<Experiment>> listExperimentsAsync() {
    String parent = parent();
    return PagedResponse.fetchAsync(
        listExperimentsCallable(),
        token -> ListExperimentsRequest.newBuilder().setParent(parent).setPageToken(token).build(),
        (ListExperimentsResponse r) -> new PagedResponse.Page<>(r.getExperimentsList(), r.getNextPageToken()));
  }

  /** Deletes an experiment and all its runs. */
  public void deleteExperiment(String experiment) {
    DeleteExperimentRequest request =
        DeleteExperimentRequest.newBuilder().setName(experimentName(experiment)).build();
    deleteExperimentCallable().call(request);
  }

  // -- runs ---------------------------------------------------------------------------------------

  /** Creates a RUNNING run in the default experiment. */
  public ExperimentRun createRun(String runId) {
    return createRun(null, runId, RunState.RUN_STATE_RUNNING);
  }

  /** Creates a RUNNING run; {@link ExprunException.AlreadyExists} if it exists. */
  public ExperimentRun createRun(String experiment, String runId) {
    return createRun(experiment, runId, RunState.RUN_STATE_RUNNING);
  }

  public ExperimentRun createRun(String experiment, String runId, RunState state) {
    return new ExperimentRun(this, createRunCallable().call(createRunRequest(experiment, runId, state)));
  }

  public ListenableFuture<ExperimentRun> createRunAsync(String experiment, String runId) {
    return Futures.transform(
        createRunCallable().futureCall(createRunRequest(experiment, runId, RunState.RUN_STATE_RUNNING)),
        run -> new ExperimentRun(this, run),
        MoreExecutors.directExecutor());
  }

  private CreateRunRequest createRunRequest(String experiment, String runId, RunState state) {
    return CreateRunRequest.newBuilder()
        .setParent(experimentName(defaultExperiment(experiment)))
        .setRunId(runId)
        .setRun(Run.newBuilder().setState(state))
        .build();
  }

  /** Gets a run; {@link ExprunException.NotFound} if it does not exist. */
  public ExperimentRun getRun(String experiment, String runId) {
    GetRunRequest request = GetRunRequest.newBuilder().setName(runName(experiment, runId)).build();
    return new ExperimentRun(this, getRunCallable().call(request));
  }

  public ListenableFuture<ExperimentRun> getRunAsync(String experiment, String runId) {
    GetRunRequest request = GetRunRequest.newBuilder().setName(runName(experiment, runId)).build();
    return Futures.transform(
        getRunCallable().futureCall(request), run -> new ExperimentRun(this, run), MoreExecutors.directExecutor());
  }

  /** The run, or empty if it does not exist. */
  public Optional<ExperimentRun> findRun(String experiment, String runId) {
    try {
      return Optional.of(getRun(experiment, runId));
    } catch (ExprunException.NotFound missing) {
      return Optional.empty();
    }
  }

  /** The runs of an experiment (null: the default one), oldest first. */
  public PagedResponse<ExperimentRun> listRuns(String experiment) {
    return listRuns(ListRunsRequest.newBuilder().setParent(experimentName(defaultExperiment(experiment))).build());
  }

  /** With the request's filter ({@code state = RUNNING}, ...), order and page size. */
  public PagedResponse<ExperimentRun> listRuns(ListRunsRequest request) {
    return PagedResponse.fetch(
        listRunsCallable(), token -> request.toBuilder().setPageToken(token).build(), this::runsPage);
  }

  public ListenableFuture<PagedResponse<ExperimentRun>> listRunsAsync(String experiment) {
    ListRunsRequest request =
        ListRunsRequest.newBuilder().setParent(experimentName(defaultExperiment(experiment))).build();
    return PagedResponse.fetchAsync(
        listRunsCallable(), token -> request.toBuilder().setPageToken(token).build(), this::runsPage);
  }

  private PagedResponse.Page<ExperimentRun> runsPage(ListRunsResponse response) {
    List<ExperimentRun> runs = new ArrayList<>(response.getRunsCount());
    response.getRunsList().forEach(run -> runs.add(new ExperimentRun(this, run)));
    return new PagedResponse.Page<>(runs, response.getNextPageToken());
  }

  // -- executions ---------------------------------------------------------------------------------

  /**
   * Creates an execution in the location's metadata store (the SDK's {@code Execution.create});
   * {@code executionId} null or "" for a server-generated one. Its state defaults to RUNNING and
   * its schema title to {@code system.ContainerExecution}.
   */
  public Execution createExecution(String executionId, Execution execution) {
    CreateExecutionRequest request =
        CreateExecutionRequest.newBuilder()
            .setParent(parent())
            .setExecutionId(executionId == null ? "" : executionId)
            .setExecution(execution)
            .build();
    return createExecutionCallable().call(request);
  }

  /** Gets an execution by ID or name; {@link ExprunException.NotFound} if it does not exist. */
  public Execution getExecution(String execution) {
    return getExecutionCallable()
        .call(GetExecutionRequest.newBuilder().setName(executionName(execution)).build());
  }

  /**
   * Updates the fields of {@code execution} (found by its {@code name}) that {@code fields} names:
   * {@code state}, {@code display_name}, {@code description}, {@code metadata} (merged key by key).
   */
  public Execution updateExecution(Execution execution, String... fields) {
    Execution named = execution.toBuilder().setName(executionName(execution.getName())).build();
    UpdateExecutionRequest request =
        UpdateExecutionRequest.newBuilder()
            .setExecution(named)
            .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(fields)))
            .build();
    return updateExecutionCallable().call(request);
  }

  /** Sets an execution's state (the SDK's {@code Execution.update(state=...)}). */
  public Execution updateExecutionState(String execution, RunState state) {
    return updateExecution(Execution.newBuilder().setName(execution).setState(state).build(), "state");
  }

  /**
   * Records artifacts (IDs or names) as inputs and outputs of an execution (the SDK's {@code
   * assign_input_artifacts} / {@code assign_output_artifacts}); recording one again is a no-op.
   */
  public void addExecutionEvents(String execution, List<String> inputArtifacts, List<String> outputArtifacts) {
    AddExecutionEventsRequest.Builder request =
        AddExecutionEventsRequest.newBuilder().setExecution(executionName(execution));
    inputArtifacts.forEach(a -> request.addInputArtifacts(artifactName(a)));
    outputArtifacts.forEach(a -> request.addOutputArtifacts(artifactName(a)));
    addExecutionEventsCallable().call(request.build());
  }

  /** The artifacts an execution read and produced (the SDK's {@code get_input_artifacts} / ...). */
  public ExecutionInputsAndOutputs queryExecutionInputsAndOutputs(String execution) {
    return queryExecutionInputsAndOutputsCallable()
        .call(QueryExecutionInputsAndOutputsRequest.newBuilder().setExecution(executionName(execution)).build());
  }

  // -- models -------------------------------------------------------------------------------------

  /**
   * Gets a model by its artifact ID or name, also after the run that logged it was deleted: models
   * stay unless a delete asks for artifacts too, as in the SDK's {@code get_experiment_model}.
   */
  public ExperimentModel getExperimentModel(String model) {
    return getExperimentModelCallable()
        .call(GetExperimentModelRequest.newBuilder().setName(artifactName(model)).build());
  }

  /**
   * Downloads an uploaded model's files (by artifact ID or name) into {@code directory}, keeping
   * their relative paths; returns the files written. FAILED_PRECONDITION for a model logged by
   * reference. The stream has no deadline.
   */
  public List<Path> downloadModel(String model, Path directory) {
    DownloadModelRequest request = DownloadModelRequest.newBuilder().setModel(artifactName(model)).build();
    List<Path> written = new ArrayList<>();
    Path root = directory.toAbsolutePath().normalize();
    String current = null;
    OutputStream out = null;
    try {
      Iterator<ModelChunk> chunks = streamStub().downloadModel(request);
      while (chunks.hasNext()) {
        ModelChunk chunk = chunks.next();
        if (!chunk.getPath().equals(current)) {
          if (out != null) {
            out.close();
          }
          current = chunk.getPath();
          Path target = root.resolve(current).normalize();
          if (!target.startsWith(root)) {
            throw ExprunException.invalid("path", "model file path escapes the directory: " + current);
          }
          Files.createDirectories(target.getParent());
          out = Files.newOutputStream(target);
          written.add(target);
        }
        chunk.getData().writeTo(out);
      }
      if (out != null) {
        out.close();
        out = null;
      }
    } catch (StatusRuntimeException error) {
      throw ExprunException.fromStub(error);
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    } finally {
      if (out != null) {
        try {
          out.close();
        } catch (IOException ignored) {
          // the first error is the one thrown
        }
      }
    }
    return written;
  }

  // -- the unary RPCs: one callable each, with the deadline, retries and typed errors ------------

  private <Q, A> UnaryCallable<Q, A> callable(MethodDescriptor<Q, A> method, boolean idempotent) {
    return new UnaryCallable<>(shared.channel, method, idempotent, callTimeout, retry);
  }

  public UnaryCallable<CreateExperimentRequest, Experiment> createExperimentCallable() {
    return callable(ExperimentRunServiceGrpc.getCreateExperimentMethod(), false);
  }

  public UnaryCallable<GetExperimentRequest, Experiment> getExperimentCallable() {
    return callable(ExperimentRunServiceGrpc.getGetExperimentMethod(), true);
  }

  public UnaryCallable<ListExperimentsRequest, ListExperimentsResponse> listExperimentsCallable() {
    return callable(ExperimentRunServiceGrpc.getListExperimentsMethod(), true);
  }

  public UnaryCallable<DeleteExperimentRequest, Empty> deleteExperimentCallable() {
    return callable(ExperimentRunServiceGrpc.getDeleteExperimentMethod(), false);
  }

  public UnaryCallable<CreateRunRequest, Run> createRunCallable() {
    return callable(ExperimentRunServiceGrpc.getCreateRunMethod(), false);
  }

  public UnaryCallable<GetRunRequest, Run> getRunCallable() {
    return callable(ExperimentRunServiceGrpc.getGetRunMethod(), true);
  }

  public UnaryCallable<ListRunsRequest, ListRunsResponse> listRunsCallable() {
    return callable(ExperimentRunServiceGrpc.getListRunsMethod(), true);
  }

  public UnaryCallable<DeleteRunRequest, Empty> deleteRunCallable() {
    return callable(ExperimentRunServiceGrpc.getDeleteRunMethod(), false);
  }

  public UnaryCallable<UpdateRunStateRequest, Run> updateRunStateCallable() {
    return callable(ExperimentRunServiceGrpc.getUpdateRunStateMethod(), true);
  }

  public UnaryCallable<EndRunRequest, Run> endRunCallable() {
    return callable(ExperimentRunServiceGrpc.getEndRunMethod(), true);
  }

  /** Params merge key by key: logging the same ones again changes nothing, so it is retried. */
  public UnaryCallable<LogParamsRequest, Run> logParamsCallable() {
    return callable(ExperimentRunServiceGrpc.getLogParamsMethod(), true);
  }

  public UnaryCallable<GetParamsRequest, GetParamsResponse> getParamsCallable() {
    return callable(ExperimentRunServiceGrpc.getGetParamsMethod(), true);
  }

  public UnaryCallable<LogMetricsRequest, Run> logMetricsCallable() {
    return callable(ExperimentRunServiceGrpc.getLogMetricsMethod(), true);
  }

  public UnaryCallable<GetMetricsRequest, GetMetricsResponse> getMetricsCallable() {
    return callable(ExperimentRunServiceGrpc.getGetMetricsMethod(), true);
  }

  /** Not retried: each call stores a new artifact. */
  public UnaryCallable<LogClassificationMetricsRequest, ClassificationMetrics> logClassificationMetricsCallable() {
    return callable(ExperimentRunServiceGrpc.getLogClassificationMetricsMethod(), false);
  }

  public UnaryCallable<ListClassificationMetricsRequest, ListClassificationMetricsResponse>
      listClassificationMetricsCallable() {
    return callable(ExperimentRunServiceGrpc.getListClassificationMetricsMethod(), true);
  }

  /**
   * Not retried as such: a batch without {@code writer_id} and {@code sequence} may use "next
   * steps". {@link ExperimentRun#writeTimeSeries} retries batches that carry both.
   */
  public UnaryCallable<WriteTimeSeriesRequest, WriteTimeSeriesResponse> writeTimeSeriesCallable() {
    return callable(ExperimentRunServiceGrpc.getWriteTimeSeriesMethod(), false);
  }

  /** A write with a writer ID and sequence: the server commits it once, so it is retried. */
  UnaryCallable<WriteTimeSeriesRequest, WriteTimeSeriesResponse> sequencedWriteCallable() {
    return callable(ExperimentRunServiceGrpc.getWriteTimeSeriesMethod(), true);
  }

  public UnaryCallable<HeartbeatRequest, HeartbeatResponse> heartbeatCallable() {
    return callable(ExperimentRunServiceGrpc.getHeartbeatMethod(), true);
  }

  public UnaryCallable<AssignBackingTensorboardRequest, Run> assignBackingTensorboardCallable() {
    return callable(ExperimentRunServiceGrpc.getAssignBackingTensorboardMethod(), true);
  }

  /** Not retried: without an execution name each call creates one. */
  public UnaryCallable<AssociateExecutionRequest, Execution> associateExecutionCallable() {
    return callable(ExperimentRunServiceGrpc.getAssociateExecutionMethod(), false);
  }

  public UnaryCallable<ListExecutionsRequest, ListExecutionsResponse> listExecutionsCallable() {
    return callable(ExperimentRunServiceGrpc.getListExecutionsMethod(), true);
  }

  public UnaryCallable<ListArtifactsRequest, ListArtifactsResponse> listArtifactsCallable() {
    return callable(ExperimentRunServiceGrpc.getListArtifactsMethod(), true);
  }

  public UnaryCallable<CreateExecutionRequest, Execution> createExecutionCallable() {
    return callable(ExperimentRunServiceGrpc.getCreateExecutionMethod(), false);
  }

  public UnaryCallable<GetExecutionRequest, Execution> getExecutionCallable() {
    return callable(ExperimentRunServiceGrpc.getGetExecutionMethod(), true);
  }

  public UnaryCallable<GetExperimentModelRequest, ExperimentModel> getExperimentModelCallable() {
    return callable(ExperimentRunServiceGrpc.getGetExperimentModelMethod(), true);
  }

  public UnaryCallable<UpdateExecutionRequest, Execution> updateExecutionCallable() {
    return callable(ExperimentRunServiceGrpc.getUpdateExecutionMethod(), true);
  }

  public UnaryCallable<AddExecutionEventsRequest, AddExecutionEventsResponse> addExecutionEventsCallable() {
    return callable(ExperimentRunServiceGrpc.getAddExecutionEventsMethod(), true);
  }

  public UnaryCallable<QueryExecutionInputsAndOutputsRequest, ExecutionInputsAndOutputs>
      queryExecutionInputsAndOutputsCallable() {
    return callable(ExperimentRunServiceGrpc.getQueryExecutionInputsAndOutputsMethod(), true);
  }

  public UnaryCallable<ListExperimentModelsRequest, ListExperimentModelsResponse> listExperimentModelsCallable() {
    return callable(ExperimentRunServiceGrpc.getListExperimentModelsMethod(), true);
  }

  /** Linking a job twice keeps the first link: retried. */
  public UnaryCallable<LogPipelineJobRequest, PipelineJobLink> logPipelineJobCallable() {
    return callable(ExperimentRunServiceGrpc.getLogPipelineJobMethod(), true);
  }

  public UnaryCallable<ListPipelineJobsRequest, ListPipelineJobsResponse> listPipelineJobsCallable() {
    return callable(ExperimentRunServiceGrpc.getListPipelineJobsMethod(), true);
  }

  public UnaryCallable<LogCustomJobRequest, CustomJobLink> logCustomJobCallable() {
    return callable(ExperimentRunServiceGrpc.getLogCustomJobMethod(), true);
  }

  public UnaryCallable<ListCustomJobsRequest, ListCustomJobsResponse> listCustomJobsCallable() {
    return callable(ExperimentRunServiceGrpc.getListCustomJobsMethod(), true);
  }

  // -- the generated stubs ------------------------------------------------------------------------

  /**
   * Runs one call on the blocking stub (with the call deadline, without retries) and turns a
   * failed status into its {@link ExprunException}: {@code client.call(stub -> stub.getRun(req))}.
   */
  public <T> T call(Function<ExperimentRunServiceBlockingStub, T> rpc) {
    try {
      return rpc.apply(stub());
    } catch (StatusRuntimeException error) {
      throw ExprunException.fromStub(error);
    }
  }

  /** The generated blocking stub, with the call deadline from now. */
  public ExperimentRunServiceBlockingStub stub() {
    return withDeadline(ExperimentRunServiceGrpc.newBlockingStub(shared.channel));
  }

  /** The generated future stub ({@link ListenableFuture}s), with the call deadline from now. */
  public ExperimentRunServiceFutureStub futureStub() {
    return withDeadline(ExperimentRunServiceGrpc.newFutureStub(shared.channel));
  }

  /** The generated async stub (stream observers: every streaming RPC), without a deadline. */
  public ExperimentRunServiceStub asyncStub() {
    return ExperimentRunServiceGrpc.newStub(shared.channel).withMaxInboundMessageSize(MAX_MESSAGE_BYTES);
  }

  /** The blocking stub for server streams, which have no deadline. */
  ExperimentRunServiceBlockingStub streamStub() {
    return ExperimentRunServiceGrpc.newBlockingStub(shared.channel).withMaxInboundMessageSize(MAX_MESSAGE_BYTES);
  }

  private <S extends AbstractStub<S>> S withDeadline(S stub) {
    S sized = stub.withMaxInboundMessageSize(MAX_MESSAGE_BYTES);
    return callTimeout == null ? sized : sized.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The channel with the client's headers attached: for streams and your own stubs. */
  public Channel channel() {
    return shared.channel;
  }

  /** Remembers a writer on this client's channel, to close it before the channel. */
  TimeSeriesWriter track(TimeSeriesWriter writer) {
    synchronized (shared.writers) {
      shared.writers.add(writer);
    }
    return writer;
  }

  /**
   * Closes (flushing, 30 s at most each) the time-series writers opened through this client
   * that are still open, then the channel the client opened (not one passed to {@link
   * Builder#channel}). A writer's failure is logged, not thrown: close writers yourself to see it.
   */
  @Override
  public void close() {
    List<TimeSeriesWriter> open;
    synchronized (shared.writers) {
      open = List.copyOf(shared.writers);
      shared.writers.clear();
    }
    for (TimeSeriesWriter writer : open) {
      try {
        writer.close(Duration.ofSeconds(30));
      } catch (RuntimeException failure) {
        System.getLogger(ExprunClient.class.getName())
            .log(System.Logger.Level.WARNING, "closing writer " + writer.writerId() + ": " + failure);
      }
    }
    ManagedChannel owned = shared.ownedChannel;
    if (owned != null) {
      owned.shutdown();
      try {
        if (!owned.awaitTermination(5, TimeUnit.SECONDS)) {
          owned.shutdownNow();
        }
      } catch (InterruptedException interrupted) {
        owned.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String firstNonEmpty(String a, String b, String fallback) {
    if (a != null && !a.isEmpty()) {
      return a;
    }
    if (b != null && !b.isEmpty()) {
      return b;
    }
    return fallback;
  }
}
