package dev.exprun.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.exprun.v1.CreateRunRequest;
import dev.exprun.v1.ExperimentRunServiceGrpc;
import dev.exprun.v1.GetRunRequest;
import dev.exprun.v1.HeartbeatRequest;
import dev.exprun.v1.HeartbeatResponse;
import dev.exprun.v1.ListRunsRequest;
import dev.exprun.v1.ListRunsResponse;
import dev.exprun.v1.Run;
import dev.exprun.v1.RunState;
import dev.exprun.v1.UpdateRunStateRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The unary layer against an in-process fake run store: retries (idempotent calls only, on
 * UNAVAILABLE, honouring RetryInfo), per-call deadlines, async futures, paged lists, typed errors.
 */
class ClientCallsTest {
  private static final String EXPERIMENT = "projects/p/locations/l/experiments/e";

  /** Runs by name, and failures to answer the next calls with. */
  static final class FakeRuns extends ExperimentRunServiceGrpc.ExperimentRunServiceImplBase {
    final Map<String, Run> runs = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    /** The next calls fail with these, first to last. */
    final List<com.google.rpc.Status> failNext = new ArrayList<>();

    private synchronized boolean failed(String method, StreamObserver<?> responses) {
      calls.add(method);
      if (failNext.isEmpty()) {
        return false;
      }
      responses.onError(StatusProto.toStatusRuntimeException(failNext.remove(0)));
      return true;
    }

    @Override
    public void createRun(CreateRunRequest request, StreamObserver<Run> responses) {
      if (failed("CreateRun", responses)) {
        return;
      }
      String name = request.getParent() + "/runs/" + request.getRunId();
      synchronized (this) {
        if (runs.containsKey(name)) {
          responses.onError(Status.ALREADY_EXISTS.withDescription(name).asRuntimeException());
          return;
        }
        Run run = Run.newBuilder().setName(name).setRunId(request.getRunId()).setState(request.getRun().getState()).build();
        runs.put(name, run);
        responses.onNext(run);
      }
      responses.onCompleted();
    }

    @Override
    public void getRun(GetRunRequest request, StreamObserver<Run> responses) {
      if (failed("GetRun", responses)) {
        return;
      }
      Run run;
      synchronized (this) {
        run = runs.get(request.getName());
      }
      if (run == null) {
        responses.onError(
            StatusProto.toStatusRuntimeException(
                com.google.rpc.Status.newBuilder()
                    .setCode(Code.NOT_FOUND_VALUE)
                    .setMessage("no run " + request.getName())
                    .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("RUN_NOT_FOUND").setDomain("exprun.dev").build()))
                    .build()));
        return;
      }
      responses.onNext(run);
      responses.onCompleted();
    }

    @Override
    public void updateRunState(UpdateRunStateRequest request, StreamObserver<Run> responses) {
      if (failed("UpdateRunState", responses)) {
        return;
      }
      Run run;
      synchronized (this) {
        run = runs.get(request.getName()).toBuilder().setState(request.getState()).build();
        runs.put(run.getName(), run);
      }
      responses.onNext(run);
      responses.onCompleted();
    }

    /** Pages of two runs; the token is the index of the next run. */
    @Override
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> responses) {
      if (failed("ListRuns", responses)) {
        return;
      }
      List<Run> all;
      synchronized (this) {
        all = new ArrayList<>(runs.values());
      }
      int from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
      int to = Math.min(all.size(), from + 2);
      responses.onNext(
          ListRunsResponse.newBuilder()
              .addAllRuns(all.subList(from, to))
              .setNextPageToken(to < all.size() ? Integer.toString(to) : "")
              .build());
      responses.onCompleted();
    }

    /** Never answers: the caller's deadline must end it. */
    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> responses) {
      synchronized (this) {
        calls.add("Heartbeat");
      }
    }
  }

  private Server server;
  private ManagedChannel channel;
  private FakeRuns fake;
  private ExprunClient client;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeRuns();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(fake).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    client =
        ExprunClient.builder()
            .channel(channel)
            .project("p")
            .location("l")
            .experiment("e")
            .retrySettings(
                RetrySettings.builder()
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(5))
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static com.google.rpc.Status unavailable(Duration retryDelay) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setCode(Code.UNAVAILABLE_VALUE).setMessage("draining");
    if (retryDelay != null) {
      status.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(com.google.protobuf.Duration.newBuilder().setNanos((int) retryDelay.toNanos()))
                  .build()));
    }
    return status.build();
  }

  @Test
  void anIdempotentCallIsRetriedOnUnavailableUntilItSucceeds() {
    client.createRun("r1");
    synchronized (fake) {
      fake.calls.clear();
      fake.failNext.add(unavailable(null));
      fake.failNext.add(unavailable(Duration.ofMillis(2)));
    }
    ExperimentRun run = client.getRun(null, "r1");
    assertEquals("r1", run.runId());
    assertEquals(List.of("GetRun", "GetRun", "GetRun"), fake.calls);
  }

  @Test
  void retriesStopAtMaxAttemptsWithTheTypedError() {
    client.createRun("r1");
    synchronized (fake) {
      for (int i = 0; i < 10; i++) {
        fake.failNext.add(unavailable(null));
      }
      fake.calls.clear();
    }
    ExprunException.Unavailable error =
        assertThrows(
            ExprunException.Unavailable.class,
            () -> client.withRetrySettings(client.retrySettings().toBuilder().maxAttempts(3).build()).getRun(null, "r1"));
    assertEquals(3, fake.calls.size());
    assertTrue(error.getMessage().contains("after 3 attempts"), error.getMessage());
  }

  @Test
  void aCallThatCreatesIsNotRetried() {
    synchronized (fake) {
      fake.failNext.add(unavailable(null));
    }
    assertThrows(ExprunException.Unavailable.class, () -> client.createRun("r1"));
    assertEquals(List.of("CreateRun"), fake.calls);
    assertTrue(fake.runs.isEmpty());
  }

  @Test
  void otherCodesAreNotRetried() {
    ExprunException.NotFound missing =
        assertThrows(ExprunException.NotFound.class, () -> client.getRun(null, "nope"));
    assertEquals("RUN_NOT_FOUND", missing.reason());
    assertEquals(List.of("GetRun"), fake.calls);
  }

  @Test
  void theRetryWaitHonoursRetryInfoAndIsJittered() {
    RetrySettings settings =
        RetrySettings.builder().initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1)).jitter(0.5).build();
    assertEquals(100_000_000L, settings.delayNanos(1, Optional.empty(), 0.0));
    assertEquals(50_000_000L, settings.delayNanos(1, Optional.empty(), 1.0));
    assertEquals(400_000_000L, settings.delayNanos(3, Optional.empty(), 0.0));
    assertEquals(1_000_000_000L, settings.delayNanos(30, Optional.empty(), 0.0), "capped at maxBackoff");
    assertEquals(
        3_000_000_000L, settings.delayNanos(1, Optional.of(Duration.ofSeconds(3)), 0.0), "never below RetryInfo");
    assertEquals(
        60_000_000_000L, settings.delayNanos(1, Optional.of(Duration.ofHours(1)), 0.0), "RetryInfo capped");
    assertTrue(settings.retryable(Status.Code.UNAVAILABLE, Optional.empty()));
    assertTrue(settings.retryable(Status.Code.RESOURCE_EXHAUSTED, Optional.of(Duration.ofSeconds(1))));
    assertTrue(!settings.retryable(Status.Code.RESOURCE_EXHAUSTED, Optional.empty()));
    assertTrue(!settings.retryable(Status.Code.INVALID_ARGUMENT, Optional.empty()));
  }

  @Test
  void aPerCallDeadlineEndsTheCallTyped() {
    client.createRun("r1");
    ExperimentRun run = client.getRun(null, "r1");
    ExprunException.DeadlineExceeded late =
        assertThrows(
            ExprunException.DeadlineExceeded.class, () -> run.withTimeout(Duration.ofMillis(50)).heartbeat());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, late.code());
  }

  @Test
  void asyncCallsReturnFuturesThatFailTyped() throws Exception {
    ListenableFuture<ExperimentRun> created = client.createRunAsync(null, "r1");
    assertEquals(RunState.RUN_STATE_RUNNING, created.get().state());
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> client.getRunAsync(null, "nope").get());
    assertInstanceOf(ExprunException.NotFound.class, failed.getCause());
    Run raw = client.getRunCallable().futureCall(GetRunRequest.newBuilder().setName(EXPERIMENT + "/runs/r1").build()).get();
    assertEquals("r1", raw.getRunId());
  }

  @Test
  void listsArePagedAndIterateAllFetchesEveryPage() {
    for (int i = 1; i <= 5; i++) {
      client.createRun("r" + i);
    }
    fake.calls.clear();
    PagedResponse<ExperimentRun> runs = client.listRuns((String) null);
    assertEquals(2, runs.getPage().getValues().size());
    assertEquals(List.of("ListRuns"), fake.calls, "only the first page is fetched up front");
    List<String> ids = runs.streamAll().map(ExperimentRun::runId).toList();
    assertEquals(List.of("r1", "r2", "r3", "r4", "r5"), ids);
    int pages = 0;
    for (PagedResponse.Page<ExperimentRun> page : runs.iteratePages()) {
      pages++;
      assertTrue(page.getValues().size() <= 2);
    }
    assertEquals(3, pages);
  }

  @Test
  void anAsyncListFetchesItsFirstPageThenIteratesAll() throws Exception {
    for (int i = 1; i <= 3; i++) {
      client.createRun("r" + i);
    }
    PagedResponse<ExperimentRun> runs = client.listRunsAsync(null).get();
    assertEquals("2", runs.getNextPageToken());
    List<String> ids = new ArrayList<>();
    runs.iterateAll().forEach(run -> ids.add(run.runId()));
    assertEquals(List.of("r1", "r2", "r3"), ids);
  }

  @Test
  void everyNonOkCodeHasItsType() {
    for (Status.Code code : Status.Code.values()) {
      if (code == Status.Code.OK) {
        continue;
      }
      ExprunException error = ExprunException.from(Status.fromCode(code).asRuntimeException());
      assertEquals(code, error.code());
      assertTrue(error.getClass() != ExprunException.class, code + " has no type of its own");
    }
  }

  @Test
  void updateStateUsesTheOneRunStateAndRefusesUnspecifiedLocally() {
    ExperimentRun run = client.createRun("r1");
    assertEquals(RunState.RUN_STATE_CANCELLED, run.updateState(RunState.RUN_STATE_CANCELLED).state());
    fake.calls.clear();
    ExprunException.InvalidArgument refused =
        assertThrows(ExprunException.InvalidArgument.class, () -> run.updateState(RunState.RUN_STATE_UNSPECIFIED));
    assertEquals(List.of("state"), refused.violatedFields());
    assertEquals(List.of(), fake.calls, "nothing was sent");
  }

  @Test
  void theRawStubsAreReachable() {
    client.createRun("r1");
    Run viaStub = client.stub().getRun(GetRunRequest.newBuilder().setName(EXPERIMENT + "/runs/r1").build());
    assertEquals("r1", viaStub.getRunId());
    Run viaCall = client.call(stub -> stub.getRun(GetRunRequest.newBuilder().setName(EXPERIMENT + "/runs/r1").build()));
    assertEquals(viaStub, viaCall);
  }
}
