"""Run liveness: a watched RUNNING run whose producer goes silent is failed with a reason, and
runs that never opted in are left alone."""

from __future__ import annotations

import pathlib
import threading
import time
from collections.abc import Iterator

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb

from tests.support.server_process import ServerProcess

PARENT = "projects/liveness-project/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/alive"
TIMEOUT_SECONDS = 1.0
# Bounds on how long a test waits for the sweeper; never an assertion on how fast it is.
WAIT_SECONDS = 30.0


@pytest.fixture
def watched_server(tmp_path: pathlib.Path) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path / "data", tmp_path / "server.log", "--run-liveness-timeout", str(TIMEOUT_SECONDS)
    )
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.kill()


def stub_of(server: ServerProcess) -> api_grpc.ExperimentRunServiceStub:
    return api_grpc.ExperimentRunServiceStub(grpc.insecure_channel(server.target))


def new_run(stub: api_grpc.ExperimentRunServiceStub, run_id: str) -> str:
    try:
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="alive"))
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.ALREADY_EXISTS:
            raise
    created: pb.Run = stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id=run_id))
    return created.name


def wait_for_state(stub: api_grpc.ExperimentRunServiceStub, run: str, state: int) -> pb.Run:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        current: pb.Run = stub.GetRun(api.GetRunRequest(name=run))
        if current.state == state:
            return current
        time.sleep(0.1)
    raise AssertionError(f"{run} is still {pb.RunState.Name(current.state)}")


def test_a_run_that_sent_a_heartbeat_and_went_silent_is_failed_with_a_reason(
    watched_server: ServerProcess,
) -> None:
    stub = stub_of(watched_server)
    run = new_run(stub, "silent")
    reply = stub.Heartbeat(api.HeartbeatRequest(run=run))
    assert reply.state == pb.RUN_STATE_RUNNING
    assert reply.HasField("liveness_deadline")
    failed = wait_for_state(stub, run, pb.RUN_STATE_FAILED)
    assert "liveness" in failed.state_reason
    assert not failed.HasField("liveness_deadline")
    # The producer learns it on its next heartbeat, and heartbeats no longer revive the run.
    late = stub.Heartbeat(api.HeartbeatRequest(run=run))
    assert late.state == pb.RUN_STATE_FAILED
    assert not late.HasField("liveness_deadline")


def test_runs_that_never_opted_in_are_not_watched(watched_server: ServerProcess) -> None:
    stub = stub_of(watched_server)
    run = new_run(stub, "unary-only")
    stub.LogParams(api.LogParamsRequest(run=run, params={"lr": pb.Value(double_value=0.1)}))
    assert not stub.GetRun(api.GetRunRequest(name=run)).HasField("liveness_deadline")


def test_an_open_stream_keeps_its_run_alive_and_its_end_starts_the_silence(
    watched_server: ServerProcess,
) -> None:
    stub = stub_of(watched_server)
    run = new_run(stub, "streaming")
    release = threading.Event()

    def requests() -> Iterator[api.StreamTimeSeriesRequest]:
        yield api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id="w"))
        release.wait(WAIT_SECONDS)

    call = stub.StreamTimeSeries(requests())
    next(call)  # opened
    first = wait_until_watched(stub, run)
    # While the stream stays open the deadline keeps moving past its first value.
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        current: pb.Run = stub.GetRun(api.GetRunRequest(name=run))
        assert current.state == pb.RUN_STATE_RUNNING
        if current.liveness_deadline.ToMicroseconds() > first.liveness_deadline.ToMicroseconds() + 1_500_000:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the open stream did not keep the run's deadline moving")
    release.set()
    list(call)
    assert "liveness" in wait_for_state(stub, run, pb.RUN_STATE_FAILED).state_reason


def wait_until_watched(stub: api_grpc.ExperimentRunServiceStub, run: str) -> pb.Run:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        current: pb.Run = stub.GetRun(api.GetRunRequest(name=run))
        if current.HasField("liveness_deadline"):
            return current
        time.sleep(0.05)
    raise AssertionError("the run never got a liveness deadline")


def test_ending_a_run_ends_its_watch(watched_server: ServerProcess) -> None:
    stub = stub_of(watched_server)
    run = new_run(stub, "ended")
    stub.Heartbeat(api.HeartbeatRequest(run=run))
    ended = stub.EndRun(api.EndRunRequest(name=run))
    assert ended.state == pb.RUN_STATE_COMPLETE
    assert not ended.HasField("liveness_deadline")
    assert ended.state_reason == ""
    assert stub.Heartbeat(api.HeartbeatRequest(run=run)).state == pb.RUN_STATE_COMPLETE


def test_a_restarted_server_fails_a_run_whose_producer_died_with_it(watched_server: ServerProcess) -> None:
    stub = stub_of(watched_server)
    run = new_run(stub, "orphaned")
    deadline = stub.Heartbeat(api.HeartbeatRequest(run=run)).liveness_deadline.ToMicroseconds()
    watched_server.kill()
    while time.time() * 1e6 <= deadline:  # let the deadline pass while no server runs
        time.sleep(0.05)
    watched_server.start()
    failed = wait_for_state(stub_of(watched_server), run, pb.RUN_STATE_FAILED)
    assert "liveness" in failed.state_reason


def test_liveness_can_be_turned_off(tmp_path: pathlib.Path) -> None:
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--run-liveness-timeout", "0")
    process.start()
    try:
        stub = stub_of(process)
        run = new_run(stub, "unwatched")
        reply = stub.Heartbeat(api.HeartbeatRequest(run=run))
        assert reply.state == pb.RUN_STATE_RUNNING
        assert not reply.HasField("liveness_deadline")
    finally:
        process.kill()
