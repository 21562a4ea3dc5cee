package dev.exprun.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.v1.Run;
import dev.exprun.v1.RunState;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExprunClientTest {
  private static final String RUN = "projects/proj-1/locations/europe-west4/experiments/exp/runs/r1";

  private FakeStreamServer fake;
  private ExprunClient client;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeStreamServer();
    client =
        ExprunClient.builder()
            .channel(fake.channel)
            .project("proj-1")
            .location("europe-west4")
            .experiment("exp")
            .bearerToken("s3cret")
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    fake.close();
  }

  @Test
  void namesAreBuiltFromTheDefaults() {
    assertEquals("projects/proj-1/locations/europe-west4", client.parent());
    assertEquals("projects/proj-1/locations/europe-west4/experiments/other", client.experimentName("other"));
    assertEquals(RUN, client.runName(null, "r1"));
    assertEquals(RUN, client.runName("ignored", RUN), "a full name is kept");
  }

  @Test
  void theBearerTokenGoesOnEveryCallAndStream() {
    fake.runs.put(RUN, Run.newBuilder().setName(RUN).setRunId("r1").setState(RunState.RUN_STATE_RUNNING).build());
    ExperimentRun run = client.getRun(null, "r1");
    assertEquals("r1", run.runId());
    assertEquals("exp", run.experimentId());
    try (TimeSeriesWriter writer = run.timeSeriesWriter()) {
      writer.log(Map.of("x", 1.0), 1);
    }
    assertEquals(List.of("GetRun Bearer s3cret", "StreamTimeSeries Bearer s3cret"), fake.headers);
  }

  @Test
  void aMissingRunIsNotFoundOrEmpty() {
    ExprunException.NotFound missing =
        assertThrows(ExprunException.NotFound.class, () -> client.getRun(null, "nope"));
    assertEquals(Status.Code.NOT_FOUND, missing.code());
    assertTrue(client.findRun(null, "nope").isEmpty());
  }

  @Test
  void anUnwrappedFailureKeepsItsCode() {
    ExprunException error = assertThrows(ExprunException.Unimplemented.class, () -> client.getExperiment("exp"));
    assertEquals(Status.Code.UNIMPLEMENTED, error.code());
  }

  @Test
  void closeFlushesTheWritersItOpened() {
    fake.runs.put(RUN, Run.newBuilder().setName(RUN).build());
    TimeSeriesWriter writer = client.getRun(null, "r1").timeSeriesWriter();
    writer.log(Map.of("x", 1.0), 1);
    client.close();
    assertEquals(1, writer.pointsAcked());
    assertEquals(Map.of(new FakeStreamServer.Point("x", 1), 1.0), fake.storedPoints());
  }
}
