package dev.exprun.client;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.exprun.v1.Artifact;
import dev.exprun.v1.ClassificationMetrics;
import dev.exprun.v1.CustomJobLink;
import dev.exprun.v1.Execution;
import dev.exprun.v1.ExperimentModel;
import dev.exprun.v1.PipelineJobLink;
import dev.exprun.v1.MatrixRow;
import dev.exprun.v1.RunState;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The interop scenario (clients/scenario/SCENARIO.md) through the Java client. Exits non-zero
 * on any mismatch; prints {@code scenario java: ok} at the end.
 */
public final class Scenario {
  static final String LANG = "java";
  static final int STEPS = 50_000;

  private Scenario() {}

  public static void main(String[] args) {
    List<String> problems = new ArrayList<>();
    try (ExprunClient client =
        ExprunClient.builder()
            .target(System.getenv().getOrDefault("EXPRUN_TARGET", "127.0.0.1:50051"))
            .project("polyglot-ci")
            .location("us-central1")
            .build()) {
      run(client, problems);
    }
    if (!problems.isEmpty()) {
      problems.forEach(problem -> System.err.println("scenario " + LANG + ": MISMATCH " + problem));
      System.exit(1);
    }
    System.out.println("scenario " + LANG + ": ok");
  }

  private static void run(ExprunClient client, List<String> problems) {
    String experiment = "polyglot-" + LANG;
    String runId = "scenario-" + LANG;
    try {
      client.createExperiment(experiment);
    } catch (ExprunException.AlreadyExists fine) {
      // Left by an earlier run of the scenario.
    }
    client.findRun(experiment, runId).ifPresent(ExperimentRun::delete);
    ExperimentRun run = client.createRun(experiment, runId);

    Map<String, Object> params = new LinkedHashMap<>();
    params.put("lr", 0.01);
    params.put("layers", 4L);
    params.put("optimizer", "adam");
    run.logParams(params);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", 0.91);
    metrics.put("epochs", 3L);
    run.logMetrics(metrics);
    run.logClassificationMetrics(
        "eval",
        List.of("cat", "dog"),
        new double[][] {{9, 1}, {2, 8}},
        new double[] {0.0, 0.1, 1.0},
        new double[] {0.0, 0.8, 1.0},
        new double[] {1.0, 0.5, 0.0});

    streamPoints(run);

    try {
      run.logMetrics(Map.of("bad", Double.NaN));
      problems.add("a NaN metric was accepted");
    } catch (ExprunException.InvalidArgument error) {
      System.out.println(
          "scenario " + LANG + ": error " + error.code() + " on " + error.violatedFields());
      expect(problems, "error code", Status.Code.INVALID_ARGUMENT, error.code());
      expect(problems, "violated fields", List.of("metrics['bad']"), error.violatedFields());
    }

    extended(client, run, problems);
    uploadAndDownload(client, experiment, problems);

    run.end();
    check(client.getRun(experiment, runId), problems);
  }

  /** Step 5a of SCENARIO.md: executions, artifacts, a model by URI, job links. */
  private static void extended(ExprunClient client, ExperimentRun run, List<String> problems) {
    String loc = client.parent();
    String executionName = loc + "/metadataStores/default/executions/scenario-" + LANG + "-train";
    Execution associated =
        run.associateExecution(
            Execution.newBuilder()
                .setName("scenario-" + LANG + "-train")
                .setDisplayName("train")
                .setSchemaTitle("system.ContainerExecution")
                .setState(RunState.RUN_STATE_RUNNING)
                .setMetadata(struct(Map.of("lang", LANG)))
                .build());
    expect(problems, "associated execution", executionName, associated.getName());
    Execution updated =
        client.updateExecution(
            Execution.newBuilder()
                .setName(associated.getName())
                .setState(RunState.RUN_STATE_COMPLETE)
                .setMetadata(struct(Map.of("epochs", 3.0)))
                .build(),
            "state",
            "metadata");
    expect(problems, "updated execution state", RunState.RUN_STATE_COMPLETE, updated.getState());

    ExperimentModel model =
        run.logModel(
            ExperimentModel.newBuilder()
                .setDisplayName("model-" + LANG)
                .setFrameworkName("sklearn")
                .setFrameworkVersion("1.5.2")
                .setModelFile("model.pkl")
                .setUri("gs://polyglot-ci/models/" + LANG)
                .build());
    client.addExecutionEvents(executionName, List.of(), List.of(model.getName()));
    List<String> outputs =
        client.queryExecutionInputsAndOutputs(executionName).getOutputsList().stream().map(Artifact::getName).toList();
    expect(problems, "execution outputs hold the model", true, outputs.contains(model.getName()));

    run.logPipelineJob("pipeline-" + LANG);
    run.logCustomJob(loc + "/customJobs/custom-" + LANG);

    // Read back.
    List<Execution> executions = run.listExecutions().streamAll().toList();
    expect(problems, "executions", List.of(executionName), executions.stream().map(Execution::getName).toList());
    Execution fetched = client.getExecution("scenario-" + LANG + "-train");
    expect(problems, "execution state", RunState.RUN_STATE_COMPLETE, fetched.getState());
    expect(problems, "execution display name", "train", fetched.getDisplayName());
    expect(problems, "execution metadata", struct(Map.of("lang", LANG, "epochs", 3.0)), fetched.getMetadata());
    List<ExperimentModel> models = run.listExperimentModels().streamAll().toList();
    expect(problems, "model by name", model.getUri(), client.getExperimentModel(model.getName()).getUri());
    expect(problems, "models", List.of(model.getName()), models.stream().map(ExperimentModel::getName).toList());
    if (models.size() == 1) {
      expect(problems, "model uri", "gs://polyglot-ci/models/" + LANG, models.get(0).getUri());
      expect(problems, "model framework", "sklearn 1.5.2",
          models.get(0).getFrameworkName() + " " + models.get(0).getFrameworkVersion());
    }
    java.util.Set<String> schemas = new java.util.HashSet<>();
    run.listArtifacts().iterateAll().forEach(artifact -> schemas.add(artifact.getSchemaTitle()));
    expect(problems, "artifact schemas hold the model and the classification metrics", true,
        schemas.containsAll(List.of("google.ExperimentModel", "google.ClassificationMetrics")));
    expect(problems, "pipeline jobs", List.of(loc + "/pipelineJobs/pipeline-" + LANG),
        run.listPipelineJobs().streamAll().map(PipelineJobLink::getPipelineJob).toList());
    expect(problems, "custom jobs", List.of(loc + "/customJobs/custom-" + LANG),
        run.listCustomJobs().streamAll().map(CustomJobLink::getCustomJob).toList());
    System.out.println(
        "scenario " + LANG + ": step 5a: execution " + fetched.getState() + ", " + models.size()
            + " model, " + schemas.size() + " artifact kinds, job links logged");
  }

  /**
   * Beyond SCENARIO.md (Java only, in a run of its own): a model uploaded with its files (one of
   * several 1 MiB chunks, one nested, one empty) and downloaded back byte for byte.
   */
  private static void uploadAndDownload(ExprunClient client, String experiment, List<String> problems) {
    String runId = "scenario-" + LANG + "-upload";
    client.findRun(experiment, runId).ifPresent(ExperimentRun::delete);
    ExperimentRun run = client.createRun(experiment, runId);
    try {
      Path dir = Files.createTempDirectory("exprun-model-");
      byte[] weights = new byte[3 * 1024 * 1024 + 17];
      new java.util.Random(7).nextBytes(weights);
      Files.write(dir.resolve("model.bin"), weights);
      Files.createDirectories(dir.resolve("meta"));
      Files.writeString(dir.resolve("meta/config.json"), "{\"layers\": 4}");
      Files.write(dir.resolve("empty.txt"), new byte[0]);
      ExperimentModel uploaded =
          run.logModel(
              ExperimentModel.newBuilder().setDisplayName("upload-" + LANG).setFrameworkName("custom").build(), dir);
      expect(problems, "uploaded files", List.of("empty.txt", "meta/config.json", "model.bin"),
          uploaded.getFilesList().stream().map(dev.exprun.v1.ModelFile::getPath).sorted().toList());
      expect(problems, "uploaded model has a uri", false, uploaded.getUri().isEmpty());
      Path back = Files.createTempDirectory("exprun-model-back-");
      List<Path> written = client.downloadModel(uploaded.getName(), back);
      expect(problems, "downloaded files", 3, written.size());
      for (String file : List.of("model.bin", "meta/config.json", "empty.txt")) {
        expect(problems, "downloaded " + file, true,
            java.util.Arrays.equals(Files.readAllBytes(dir.resolve(file)), Files.readAllBytes(back.resolve(file))));
      }
      System.out.println(
          "scenario " + LANG + ": model uploaded (" + uploaded.getFilesCount() + " files) and downloaded back");
    } catch (java.io.IOException io) {
      throw new java.io.UncheckedIOException(io);
    }

    // The writer refuses a NaN itself, names the metric, sends nothing and goes on: close() is quiet.
    try (TimeSeriesWriter writer = run.timeSeriesWriter()) {
      writer.log(Map.of("loss", 0.5), 1);
      try {
        writer.log(Map.of("loss", Double.NaN), 2);
        problems.add("the writer took a NaN");
      } catch (ExprunException.InvalidArgument refused) {
        expect(problems, "writer NaN field", List.of("metrics['loss']"), refused.violatedFields());
      }
      writer.log(Map.of("loss", 0.25), 3);
    }
    // One unary write, sequenced (so retried if need be): a resend of the same sequence is a no-op.
    long[] steps = {4, 5};
    Map<String, double[]> columns = Map.of("loss", new double[] {0.125, 0.0625});
    expect(problems, "unary write", 2L, run.writeTimeSeries("unary-" + LANG, 1, steps, columns).getPointsWritten());
    expect(problems, "unary resend", 0L, run.writeTimeSeries("unary-" + LANG, 1, steps, columns).getPointsWritten());
    SeriesData loss = run.readTimeSeries(List.of("loss")).get("loss");
    expect(problems, "loss steps", List.of(1L, 3L, 4L, 5L), java.util.Arrays.stream(loss.steps()).boxed().toList());

    expect(problems, "heartbeat", RunState.RUN_STATE_RUNNING, run.heartbeat());
    expect(problems, "update state", RunState.RUN_STATE_CANCELLED, run.updateState(RunState.RUN_STATE_CANCELLED).state());
    expect(problems, "experiment listed", true,
        client.listExperiments().streamAll().anyMatch(e -> e.getName().equals(client.experimentName(experiment))));
    expect(problems, "runs listed", true,
        client.listRuns(experiment).streamAll().anyMatch(r -> r.runId().equals(runId)));
    expect(problems, "models by schema", 1L, run.listArtifacts("google.ExperimentModel").streamAll().count());
    String tensorboard = client.parent() + "/tensorboards/tb-" + LANG;
    expect(problems, "backing tensorboard run", true,
        run.assignBackingTensorboard("tb-" + LANG).proto().getBackingTensorboardRun().startsWith(tensorboard + "/"));
    String suffix = Long.toString(System.nanoTime(), 36);
    Execution created =
        client.createExecution("extra-" + LANG + "-" + suffix, Execution.newBuilder().setDisplayName("extra").build());
    expect(problems, "created execution", "extra", client.getExecution(created.getName()).getDisplayName());
    expect(problems, "created execution state", RunState.RUN_STATE_RUNNING,
        client.updateExecutionState(created.getName(), RunState.RUN_STATE_RUNNING).getState());
    String scratch = "scratch-" + LANG + "-" + suffix;
    client.createExperiment(scratch);
    client.deleteExperiment(scratch);
    try {
      client.getExperiment(scratch);
      problems.add("a deleted experiment is still there");
    } catch (ExprunException.NotFound gone) {
      // deleted
    }
    run.end();
  }

  private static Struct struct(Map<String, ?> fields) {
    Struct.Builder struct = Struct.newBuilder();
    new java.util.TreeMap<String, Object>(fields)
        .forEach(
            (k, v) ->
                struct.putFields(
                    k,
                    v instanceof String text
                        ? Value.newBuilder().setStringValue(text).build()
                        : Value.newBuilder().setNumberValue(((Number) v).doubleValue()).build()));
    return struct.build();
  }

  /** 100,000 points through the writer, with one forced reconnect half way (SCENARIO.md). */
  private static void streamPoints(ExperimentRun run) {
    long[] steps = new long[STEPS];
    double[] loss = new double[STEPS];
    double[] acc = new double[STEPS];
    for (int i = 0; i < STEPS; i++) {
      steps[i] = i + 1;
      loss[i] = 1.0 / steps[i];
      acc[i] = steps[i] / (double) STEPS;
    }
    int half = STEPS / 2;
    long started = System.nanoTime();
    // Not try-with-resources: close() is part of what is timed (it waits for the final ack).
    // Should anything throw first, the client's close() closes the writer.
    TimeSeriesWriter writer =
        run.timeSeriesWriter(TimeSeriesWriter.Options.builder().writerId("scenario-" + LANG).build());
    writer.logColumns(slice(steps, 0, half), columns(loss, acc, 0, half));
    writer.flush();
    if (writer.pointsAcked() < STEPS) {
      throw new AssertionError("only " + writer.pointsAcked() + " points acknowledged after flush");
    }
    // The second half goes into the buffer and (likely) onto the stream, then the stream is
    // dropped: the writer reopens, learns the committed sequence and resends what is unacked.
    writer.logColumns(slice(steps, half, STEPS), columns(loss, acc, half, STEPS));
    writer.reconnect();
    writer.close();
    long acked = writer.pointsAcked();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "scenario %s: writer %,.0f points/s (%d points acknowledged, %d reconnect, %d batches resent)%n",
        LANG,
        2 * STEPS / seconds,
        acked,
        writer.reconnects(),
        writer.batchesResent());
    if (acked != 2L * STEPS) {
      throw new AssertionError(acked + " points acknowledged, not " + 2 * STEPS);
    }
  }

  /** Step 9: read everything back and compare. */
  private static void check(ExperimentRun run, List<String> problems) {
    Map<String, Object> params = run.getParams();
    expect(problems, "params", Map.of("lr", 0.01, "layers", 4L, "optimizer", "adam"), params);
    expect(problems, "type of params.layers", Long.class, classOf(params.get("layers")));
    expect(problems, "type of params.lr", Double.class, classOf(params.get("lr")));
    Map<String, Object> metrics = run.getMetrics();
    expect(problems, "metrics", Map.of("accuracy", 0.91, "epochs", 3L), metrics);
    expect(problems, "state", RunState.RUN_STATE_COMPLETE, run.refresh().state());

    List<ClassificationMetrics> all = run.getClassificationMetrics();
    expect(problems, "classification metrics count", 1, all.size());
    if (all.size() == 1) {
      ClassificationMetrics cm = all.get(0);
      expect(problems, "cm display name", "eval", cm.getDisplayName());
      expect(problems, "cm labels", List.of("cat", "dog"), cm.getLabelsList());
      expect(
          problems,
          "cm matrix",
          List.of(List.of(9.0, 1.0), List.of(2.0, 8.0)),
          cm.getMatrixList().stream().map(MatrixRow::getValuesList).toList());
      expect(problems, "cm fpr", List.of(0.0, 0.1, 1.0), cm.getFprList());
      expect(problems, "cm tpr", List.of(0.0, 0.8, 1.0), cm.getTprList());
      expect(problems, "cm threshold", List.of(1.0, 0.5, 0.0), cm.getThresholdList());
    }

    Map<String, SeriesData> series = run.readTimeSeries();
    checkSeries(problems, series.get("loss"), "loss", step -> 1.0 / step);
    checkSeries(problems, series.get("acc"), "acc", step -> step / (double) STEPS);
  }

  private static void checkSeries(
      List<String> problems, SeriesData data, String metric, java.util.function.LongToDoubleFunction value) {
    if (data == null) {
      problems.add("series " + metric + " is missing");
      return;
    }
    expect(problems, metric + " points", STEPS, data.size());
    for (int i = 0; i < data.size(); i++) {
      if (data.steps()[i] != i + 1) {
        problems.add(metric + " step at index " + i + " is " + data.steps()[i]);
        break;
      }
    }
    for (long step : new long[] {1, 2, 777, STEPS / 2, STEPS / 2 + 1, STEPS}) {
      if (step <= data.size()) {
        expect(problems, metric + "[" + step + "]", value.applyAsDouble(step), data.values()[(int) step - 1]);
      }
    }
  }

  private static void expect(List<String> problems, String what, Object expected, Object actual) {
    if (!expected.equals(actual)) {
      problems.add(what + ": expected " + expected + ", got " + actual);
    }
  }

  private static Class<?> classOf(Object value) {
    return value == null ? Void.class : value.getClass();
  }

  private static long[] slice(long[] values, int from, int to) {
    return java.util.Arrays.copyOfRange(values, from, to);
  }

  private static Map<String, double[]> columns(double[] loss, double[] acc, int from, int to) {
    Map<String, double[]> columns = new LinkedHashMap<>();
    columns.put("loss", java.util.Arrays.copyOfRange(loss, from, to));
    columns.put("acc", java.util.Arrays.copyOfRange(acc, from, to));
    return columns;
  }
}
