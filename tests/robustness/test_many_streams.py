"""64 concurrent streams into 64 runs and into one run: every point stored once, in its own
run and metric (no cross-talk), with the server's peak memory bounded."""

from __future__ import annotations

import pathlib
import threading
from collections.abc import Iterator

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb

from tests.support.server_process import ServerProcess

PARENT = "projects/streams-project/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/many"
STREAMS = 64
BATCHES = 5
STEPS_PER_BATCH = 2_000  # 2 metrics: 20,000 points a stream, 1.28 M in all
# Generous for Python + gRPC + SQLite cache; the point is that 64 streams' backlog does not pile up.
RSS_BOUND_BYTES = 600 * 1024**2


@pytest.fixture
def own_server(tmp_path: pathlib.Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log")
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.kill()


def value(stream: int, metric: int, step: int) -> float:
    return stream * 1e6 + metric * 1e5 + step


def stream(stub: api_grpc.ExperimentRunServiceStub, run: str, index: int, metric_prefix: str) -> int:
    def requests() -> Iterator[api.StreamTimeSeriesRequest]:
        yield api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id=f"writer-{index}"))
        for sequence in range(1, BATCHES + 1):
            steps = list(range((sequence - 1) * STEPS_PER_BATCH, sequence * STEPS_PER_BATCH))
            series = [
                pb.TimeSeries(
                    metric=f"{metric_prefix}{m}", steps=steps, values=[value(index, m, s) for s in steps]
                )
                for m in range(2)
            ]
            yield api.StreamTimeSeriesRequest(
                batch=api.SequencedBatch(sequence=sequence, batch=pb.TimeSeriesBatch(series=series))
            )

    last = 0
    for reply in stub.StreamTimeSeries(requests(), timeout=120):
        if reply.HasField("ack"):
            last = reply.ack.committed_sequence
    return last


def read(stub: api_grpc.ExperimentRunServiceStub, run: str) -> dict[str, dict[int, float]]:
    points: dict[str, dict[int, float]] = {}
    for chunk in stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=run), timeout=120):
        for series in chunk.series:
            points.setdefault(series.metric, {}).update(zip(series.steps, series.values, strict=True))
    return points


def run_streams(stub: api_grpc.ExperimentRunServiceStub, runs: list[str], prefixes: list[str]) -> list[int]:
    acks = [0] * STREAMS
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            acks[i] = stream(stub, runs[i], i, prefixes[i])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(STREAMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors[:3]
    return acks


def peak_rss(server: ServerProcess) -> int:
    assert server.process is not None
    status = pathlib.Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def expected(index: int, metric: int) -> dict[int, float]:
    return {s: value(index, metric, s) for s in range(BATCHES * STEPS_PER_BATCH)}


def test_64_streams_into_64_runs_store_every_point_in_its_own_run(own_server: ServerProcess) -> None:
    with grpc.insecure_channel(own_server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="many"))
        runs = [
            stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id=f"r{i}")).name
            for i in range(STREAMS)
        ]
        assert run_streams(stub, runs, ["m"] * STREAMS) == [BATCHES] * STREAMS
        for i, run in enumerate(runs):
            assert read(stub, run) == {"m0": expected(i, 0), "m1": expected(i, 1)}
    assert peak_rss(own_server) < RSS_BOUND_BYTES


def test_64_streams_into_one_run_keep_their_metrics_apart(own_server: ServerProcess) -> None:
    with grpc.insecure_channel(own_server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="many"))
        run = stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="shared")).name
        prefixes = [f"s{i}-m" for i in range(STREAMS)]
        assert run_streams(stub, [run] * STREAMS, prefixes) == [BATCHES] * STREAMS
        stored = read(stub, run)
        assert stored == {f"s{i}-m{m}": expected(i, m) for i in range(STREAMS) for m in range(2)}
    assert peak_rss(own_server) < RSS_BOUND_BYTES


FLEET_STREAMS = 256
FLEET_BATCHES = 2
FLEET_STEPS = 5_000  # 2 metrics: 10,000 points (~200 KB) a batch, 5.1 M points in all
# One stream's server sits near 80 MB; these 256 streams measured 137 MB inside a 16 MiB budget.
# Without the budget each stream parsed a batch ahead of it and grpc-core buffered more behind,
# so memory grew with the number of streams.
FLEET_RSS_BOUND_BYTES = 220 * 1024**2


def test_256_streams_store_every_batch_and_the_server_stays_inside_its_memory_budget(
    tmp_path: pathlib.Path,
) -> None:
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--ingest-memory-mb", "16")
    server.start()
    try:
        with grpc.insecure_channel(server.target) as channel:
            stub = api_grpc.ExperimentRunServiceStub(channel)
            stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="fleet"))
            runs = [
                stub.CreateRun(
                    api.CreateRunRequest(parent=f"{PARENT}/experiments/fleet", run_id=f"f{i}")
                ).name
                for i in range(FLEET_STREAMS)
            ]
            batches = [fleet_batch(sequence) for sequence in range(1, FLEET_BATCHES + 1)]
            acks = [0] * FLEET_STREAMS
            errors: list[BaseException] = []

            def work(i: int) -> None:
                try:
                    opening = api.StreamTimeSeriesRequest(open=api.StreamOpen(run=runs[i], writer_id="w"))
                    for reply in stub.StreamTimeSeries(iter([opening, *batches]), timeout=120):
                        if reply.HasField("ack"):
                            acks[i] = reply.ack.committed_sequence
                except BaseException as error:
                    errors.append(error)

            threads = [threading.Thread(target=work, args=(i,)) for i in range(FLEET_STREAMS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=180)
            assert not errors, errors[:3]
            assert acks == [FLEET_BATCHES] * FLEET_STREAMS
            for run in (runs[0], runs[-1]):
                stored = read(stub, run)
                assert {metric: len(points) for metric, points in stored.items()} == {
                    "m0": FLEET_BATCHES * FLEET_STEPS,
                    "m1": FLEET_BATCHES * FLEET_STEPS,
                }
        assert peak_rss(server) < FLEET_RSS_BOUND_BYTES
    finally:
        server.kill()


def fleet_batch(sequence: int) -> api.StreamTimeSeriesRequest:
    steps = list(range((sequence - 1) * FLEET_STEPS, sequence * FLEET_STEPS))
    series = [pb.TimeSeries(metric=f"m{m}", steps=steps, values=[float(s) for s in steps]) for m in range(2)]
    return api.StreamTimeSeriesRequest(
        batch=api.SequencedBatch(sequence=sequence, batch=pb.TimeSeriesBatch(series=series))
    )
