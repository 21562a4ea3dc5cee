"""SIGTERM drains: open streams ack what they received, then end with UNAVAILABLE so writers
resume elsewhere; the process exits by itself within the grace period, losing nothing."""

from __future__ import annotations

import pathlib
import signal
import threading
from collections.abc import Iterator

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb

from tests.support import rich_status
from tests.support.server_process import ServerProcess

PARENT = "projects/drain-project/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/drain"
RUN = f"{EXPERIMENT}/runs/r1"
BOUND_SECONDS = 30


@pytest.fixture
def own_server(tmp_path: pathlib.Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--shutdown-grace", "5")
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.kill()


def batch(sequence: int) -> api.StreamTimeSeriesRequest:
    steps = list(range(sequence * 100, sequence * 100 + 100))
    return api.StreamTimeSeriesRequest(
        batch=api.SequencedBatch(
            sequence=sequence,
            batch=pb.TimeSeriesBatch(series=[pb.TimeSeries(metric="loss", steps=steps, values=[1.0] * 100)]),
        )
    )


def test_sigterm_acks_open_streams_then_ends_them_unavailable_and_exits(own_server: ServerProcess) -> None:
    with grpc.insecure_channel(own_server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="drain"))
        stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="r1"))
        idle = threading.Event()

        def requests() -> Iterator[api.StreamTimeSeriesRequest]:
            yield api.StreamTimeSeriesRequest(open=api.StreamOpen(run=RUN, writer_id="w"))
            yield from (batch(n) for n in (1, 2, 3))
            idle.wait(BOUND_SECONDS)  # an open stream with nothing more to say

        call = stub.StreamTimeSeries(requests(), timeout=BOUND_SECONDS)
        acked = 0
        replies = iter(call)
        next(replies)  # opened
        while acked < 3:
            acked = next(replies).ack.committed_sequence
        assert own_server.process is not None
        own_server.process.send_signal(signal.SIGTERM)
        received: list[api.StreamTimeSeriesResponse] = []
        with pytest.raises(grpc.RpcError) as ended:
            received.extend(replies)
        acked = max([acked, *(r.ack.committed_sequence for r in received)])
        idle.set()
        assert ended.value.code() == grpc.StatusCode.UNAVAILABLE
        assert rich_status.reason(ended.value) == "SERVER_DRAINING"
        assert acked == 3
    assert own_server.process.wait(timeout=BOUND_SECONDS) == 0

    own_server.start()
    with grpc.insecure_channel(own_server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        opened = next(
            stub.StreamTimeSeries(
                iter([api.StreamTimeSeriesRequest(open=api.StreamOpen(run=RUN, writer_id="w"))])
            )
        )
        assert opened.opened.committed_sequence == 3
        points = sum(
            len(s.values)
            for chunk in stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=RUN))
            for s in chunk.series
        )
        assert points == 300
