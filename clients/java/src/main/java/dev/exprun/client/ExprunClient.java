package dev.exprun.client;

import dev.exprun.v1.CreateExperimentRequest;
import dev.exprun.v1.CreateRunRequest;
import dev.exprun.v1.DeleteExperimentRequest;
import dev.exprun.v1.Experiment;
import dev.exprun.v1.ExperimentRunServiceGrpc;
import dev.exprun.v1.ExperimentRunServiceGrpc.ExperimentRunServiceBlockingStub;
import dev.exprun.v1.GetExperimentRequest;
import dev.exprun.v1.GetRunRequest;
import dev.exprun.v1.ListRunsRequest;
import dev.exprun.v1.ListRunsResponse;
import dev.exprun.v1.Run;
import dev.exprun.v1.RunState;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A connection to an exprun server with the defaults every call uses: project, location and
 * experiment (like the Vertex SDK's {@code aiplatform.init}), the bearer token and TLS.
 *
 * <pre>{@code
 * try (ExprunClient client = ExprunClient.builder().project("my-project").experiment("churn").build()) {
 *   ExperimentRun run = client.createRun("baseline-1");
 *   run.logParams(Map.of("lr", 0.01, "layers", 3, "optimizer", "adam"));
 * }
 * }</pre>
 *
 * <p>Anything not set on the builder falls back to the environment: {@code EXPRUN_TARGET},
 * {@code EXPRUN_PROJECT}, {@code EXPRUN_LOCATION}, {@code EXPRUN_EXPERIMENT}, {@code
 * EXPRUN_TOKEN}, then to {@code 127.0.0.1:50051} and {@code us-central1}. A client is thread-safe;
 * share one per process (a gRPC channel multiplexes every call and reconnects by itself).
 */
public final class ExprunClient implements AutoCloseable {
  public static final String DEFAULT_TARGET = "127.0.0.1:50051";
  public static final String DEFAULT_LOCATION = "us-central1";
  /** ReadTimeSeries chunks can exceed gRPC's 4 MiB default. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final ManagedChannel ownedChannel;
  private final Channel channel;
  private final ExperimentRunServiceBlockingStub blocking;
  private final String project;
  private final String location;
  private final String experiment;
  private final Duration callTimeout;
  private final java.util.Set<TimeSeriesWriter> writers =
      java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

  private ExprunClient(Builder builder) {
    this.project = builder.project != null ? builder.project : System.getenv("EXPRUN_PROJECT");
    this.location = firstNonEmpty(builder.location, System.getenv("EXPRUN_LOCATION"), DEFAULT_LOCATION);
    this.experiment = firstNonEmpty(builder.experiment, System.getenv("EXPRUN_EXPERIMENT"), null);
    this.callTimeout = builder.callTimeout;
    Channel base;
    if (builder.channel != null) {
      base = builder.channel;
      this.ownedChannel = null;
    } else {
      String target = firstNonEmpty(builder.target, System.getenv("EXPRUN_TARGET"), DEFAULT_TARGET);
      ChannelCredentials credentials = builder.credentials;
      if (credentials == null) {
        credentials = builder.tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
      }
      this.ownedChannel =
          Grpc.newChannelBuilder(target, credentials).maxInboundMessageSize(MAX_MESSAGE_BYTES).build();
      base = ownedChannel;
    }
    Metadata headers = new Metadata();
    builder.headers.forEach(
        (key, value) -> headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value));
    String token = firstNonEmpty(builder.bearerToken, System.getenv("EXPRUN_TOKEN"), null);
    if (token != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    this.channel = ClientInterceptors.intercept(base, MetadataUtils.newAttachHeadersInterceptor(headers));
    this.blocking =
        ExperimentRunServiceGrpc.newBlockingStub(channel).withMaxInboundMessageSize(MAX_MESSAGE_BYTES);
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
    private Duration callTimeout = Duration.ofSeconds(60);
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

    /** The deadline of each unary call (default 60 s); null for none. Streams have none. */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = timeout;
      return this;
    }

    /** An extra header sent on every call. */
    public Builder header(String key, String value) {
      headers.put(key, value);
      return this;
    }

    public ExprunClient build() {
      return new ExprunClient(this);
    }
  }

  // -- defaults and names -------------------------------------------------------------------------

  public String project() {
    if (project == null || project.isEmpty()) {
      throw new IllegalStateException(
          "No project is set: call ExprunClient.builder().project(...) or set EXPRUN_PROJECT");
    }
    return project;
  }

  public String location() {
    return location;
  }

  /** The default experiment, or null. */
  public String experiment() {
    return experiment;
  }

  /** {@code projects/{project}/locations/{location}}. */
  public String parent() {
    return "projects/" + project() + "/locations/" + location;
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

  private String defaultExperiment(String given) {
    String chosen = given != null ? given : experiment;
    if (chosen == null) {
      throw new IllegalStateException(
          "No experiment is given: pass one or set ExprunClient.builder().experiment(...)");
    }
    return chosen;
  }

  // -- experiments --------------------------------------------------------------------------------

  /** Creates an experiment; {@link ExprunException.AlreadyExists} if it exists. */
  public Experiment createExperiment(String experimentId) {
    return createExperiment(experimentId, "");
  }

  public Experiment createExperiment(String experimentId, String description) {
    CreateExperimentRequest request =
        CreateExperimentRequest.newBuilder()
            .setParent(parent())
            .setExperimentId(experimentId)
            .setExperiment(Experiment.newBuilder().setDescription(description))
            .build();
    return call(stub -> stub.createExperiment(request));
  }

  /** Gets an experiment; {@link ExprunException.NotFound} if it does not exist. */
  public Experiment getExperiment(String experiment) {
    GetExperimentRequest request =
        GetExperimentRequest.newBuilder().setName(experimentName(experiment)).build();
    return call(stub -> stub.getExperiment(request));
  }

  /** The experiment, created if missing. */
  public Experiment getOrCreateExperiment(String experimentId) {
    try {
      return createExperiment(experimentId);
    } catch (ExprunException.AlreadyExists exists) {
      return getExperiment(experimentId);
    }
  }

  /** Deletes an experiment and all its runs. */
  public void deleteExperiment(String experiment) {
    DeleteExperimentRequest request =
        DeleteExperimentRequest.newBuilder().setName(experimentName(experiment)).build();
    call(stub -> stub.deleteExperiment(request));
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
    CreateRunRequest request =
        CreateRunRequest.newBuilder()
            .setParent(experimentName(defaultExperiment(experiment)))
            .setRunId(runId)
            .setRun(Run.newBuilder().setState(state))
            .build();
    return new ExperimentRun(this, call(stub -> stub.createRun(request)));
  }

  /** Gets a run; {@link ExprunException.NotFound} if it does not exist. */
  public ExperimentRun getRun(String experiment, String runId) {
    GetRunRequest request = GetRunRequest.newBuilder().setName(runName(experiment, runId)).build();
    return new ExperimentRun(this, call(stub -> stub.getRun(request)));
  }

  /** The run, or empty if it does not exist. */
  public Optional<ExperimentRun> findRun(String experiment, String runId) {
    try {
      return Optional.of(getRun(experiment, runId));
    } catch (ExprunException.NotFound missing) {
      return Optional.empty();
    }
  }

  /** Every run of an experiment (all pages), oldest first. */
  public List<ExperimentRun> listRuns(String experiment) {
    List<ExperimentRun> runs = new ArrayList<>();
    String token = "";
    do {
      ListRunsRequest request =
          ListRunsRequest.newBuilder()
              .setParent(experimentName(defaultExperiment(experiment)))
              .setPageSize(1000)
              .setPageToken(token)
              .build();
      ListRunsResponse page = call(stub -> stub.listRuns(request));
      page.getRunsList().forEach(run -> runs.add(new ExperimentRun(this, run)));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return runs;
  }

  // -- plumbing -----------------------------------------------------------------------------------

  /**
   * Runs one call on the blocking stub (with the call deadline) and turns a failed status into
   * its {@link ExprunException}. Also the way to reach RPCs this layer does not wrap.
   */
  public <T> T call(Function<ExperimentRunServiceBlockingStub, T> rpc) {
    try {
      return rpc.apply(stub());
    } catch (StatusRuntimeException error) {
      throw ExprunException.fromStub(error);
    }
  }

  /** The blocking stub with the call deadline from now; prefer {@link #call(Function)}. */
  public ExperimentRunServiceBlockingStub stub() {
    return callTimeout == null
        ? blocking
        : blocking.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The channel with the client's headers attached: for streams and the async stubs. */
  public Channel channel() {
    return channel;
  }

  /** Remembers a writer on this client's channel, to close it before the channel. */
  TimeSeriesWriter track(TimeSeriesWriter writer) {
    writers.add(writer);
    return writer;
  }

  /**
   * Closes (flushing, 30 s at most each) the time-series writers opened through this client
   * that are still open, then the channel the client opened (not one passed to {@link
   * Builder#channel}). A writer's failure is logged, not thrown: close writers yourself to see it.
   */
  @Override
  public void close() {
    for (TimeSeriesWriter writer : List.copyOf(writers)) {
      try {
        writer.close(Duration.ofSeconds(30));
      } catch (RuntimeException failure) {
        System.getLogger(ExprunClient.class.getName())
            .log(System.Logger.Level.WARNING, "closing writer " + writer.writerId() + ": " + failure);
      }
    }
    writers.clear();
    if (ownedChannel != null) {
      ownedChannel.shutdown();
      try {
        if (!ownedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
          ownedChannel.shutdownNow();
        }
      } catch (InterruptedException interrupted) {
        ownedChannel.shutdownNow();
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
