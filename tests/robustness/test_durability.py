"""What the server acknowledged survives SIGKILL: a real process killed mid-write and restarted
on the same data directory, with no repair step."""

from __future__ import annotations

import hashlib
import pathlib
import threading
from collections.abc import Iterator

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb

from tests.support.server_process import ServerProcess

PARENT = "projects/durable-project/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/durable"
RUN = f"{EXPERIMENT}/runs/r1"
POINTS_PER_BATCH = 1000


@pytest.fixture
def own_server(tmp_path: pathlib.Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log")
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.kill()


def stub_for(server: ServerProcess) -> tuple[grpc.Channel, api_grpc.ExperimentRunServiceStub]:
    channel = grpc.insecure_channel(server.target)
    return channel, api_grpc.ExperimentRunServiceStub(channel)


def batch(sequence: int) -> pb.TimeSeriesBatch:
    first = (sequence - 1) * POINTS_PER_BATCH
    steps = list(range(first, first + POINTS_PER_BATCH))
    return pb.TimeSeriesBatch(
        series=[
            pb.TimeSeries(metric="loss", steps=steps, values=[s * 0.5 for s in steps]),
            pb.TimeSeries(metric="acc", steps=steps, values=[s * 0.25 for s in steps]),
        ]
    )


def read_all(stub: api_grpc.ExperimentRunServiceStub) -> dict[str, dict[int, float]]:
    points: dict[str, dict[int, float]] = {}
    for chunk in stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=RUN)):
        for series in chunk.series:
            points.setdefault(series.metric, {}).update(zip(series.steps, series.values, strict=True))
    return points


def test_acknowledged_summary_artifacts_and_links_survive_sigkill(own_server: ServerProcess) -> None:
    channel, stub = stub_for(own_server)
    with channel:
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="durable"))
        stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="r1"))
        stub.LogParams(
            api.LogParamsRequest(
                run=RUN, params={"lr": pb.Value(double_value=0.01), "layers": pb.Value(int_value=3)}
            )
        )
        stub.LogMetrics(api.LogMetricsRequest(run=RUN, metrics={"acc": pb.Value(double_value=0.93)}))
        stub.EndRun(api.EndRunRequest(name=RUN))
        cm = stub.LogClassificationMetrics(
            api.LogClassificationMetricsRequest(
                parent=RUN,
                classification_metrics=pb.ClassificationMetrics(
                    labels=["a", "b"], matrix=[pb.MatrixRow(values=[3, 1]), pb.MatrixRow(values=[0, 4])]
                ),
            )
        )
        content = b"weights" * 1000
        model = stub.LogModel(
            iter(
                [
                    api.LogModelRequest(
                        header=api.LogModelHeader(
                            run=RUN,
                            model=pb.ExperimentModel(framework_name="custom", model_file="w.bin"),
                            files=[
                                pb.ModelFile(
                                    path="w.bin",
                                    size_bytes=len(content),
                                    sha256=hashlib.sha256(content).hexdigest(),
                                )
                            ],
                        )
                    ),
                    api.LogModelRequest(chunk=api.ModelChunk(path="w.bin", data=content)),
                ]
            )
        )
        stub.LogPipelineJob(api.LogPipelineJobRequest(run=RUN, pipeline_job=f"{PARENT}/pipelineJobs/p-1"))
        before = stub.GetRun(api.GetRunRequest(name=RUN))

    own_server.restart_after_kill()

    channel, stub = stub_for(own_server)
    with channel:
        after = stub.GetRun(api.GetRunRequest(name=RUN))
        assert after == before
        assert after.state == pb.RUN_STATE_COMPLETE
        listed = stub.ListClassificationMetrics(api.ListClassificationMetricsRequest(parent=RUN))
        assert [m.name for m in listed.classification_metrics] == [cm.name]
        models = stub.ListExperimentModels(api.ListExperimentModelsRequest(parent=RUN)).models
        assert [m.name for m in models] == [model.name]
        stored = pathlib.Path(models[0].uri.removeprefix("file://")) / "w.bin"
        assert stored.read_bytes() == content
        jobs = stub.ListPipelineJobs(api.ListPipelineJobsRequest(parent=RUN)).pipeline_jobs
        assert [j.pipeline_job for j in jobs] == [f"{PARENT}/pipelineJobs/p-1"]


def test_every_acknowledged_batch_survives_sigkill_mid_write(own_server: ServerProcess) -> None:
    channel, stub = stub_for(own_server)
    with channel:
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="durable"))
        stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="r1"))
    acked: list[int] = []
    enough = threading.Event()

    def writer() -> None:
        """Writes until the server dies under it; records only what was acknowledged."""
        channel, stub = stub_for(own_server)
        with channel:
            for sequence in range(1, 10_000):
                try:
                    reply = stub.WriteTimeSeries(
                        api.WriteTimeSeriesRequest(
                            run=RUN, writer_id="w", sequence=sequence, batch=batch(sequence)
                        ),
                        timeout=10,
                    )
                except grpc.RpcError:
                    return
                acked.append(reply.committed_sequence)
                if len(acked) == 50:
                    enough.set()
        enough.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert enough.wait(timeout=60)
    own_server.kill()
    thread.join(timeout=30)
    assert acked, "the writer got no acknowledgement before the kill"
    own_server.start()

    channel, stub = stub_for(own_server)
    with channel:
        points = read_all(stub)
        last_acked = acked[-1]
        for sequence in range(1, last_acked + 1):
            for series in batch(sequence).series:
                stored = points[series.metric]
                assert all(stored.get(s) == v for s, v in zip(series.steps, series.values, strict=True))
        # The writer's checkpoint committed with its points: it is at least what was acked, and
        # every point up to it is there, so a resuming writer neither loses nor repeats a batch.
        opened = next(
            stub.StreamTimeSeries(
                iter([api.StreamTimeSeriesRequest(open=api.StreamOpen(run=RUN, writer_id="w"))])
            )
        )
        committed = opened.opened.committed_sequence
        assert committed >= last_acked
        assert len(points["loss"]) == committed * POINTS_PER_BATCH


def test_acknowledged_concurrent_writes_survive_sigkill(own_server: ServerProcess) -> None:
    """Concurrent unary writes share commits (group commit): each acknowledgement must still
    mean that its own write is on disk, whichever group it went in."""
    channel, stub = stub_for(own_server)
    with channel:
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="durable"))
        stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="r1"))
    writers = 6
    acked: dict[int, list[int]] = {i: [] for i in range(writers)}
    enough = threading.Barrier(writers + 1)

    def writer(i: int) -> None:
        channel, stub = stub_for(own_server)
        with channel:
            for step in range(10_000):
                series = pb.TimeSeries(metric=f"m{i}", steps=[step], values=[step * 0.5])
                request = api.WriteTimeSeriesRequest(run=RUN, batch=pb.TimeSeriesBatch(series=[series]))
                try:
                    stub.WriteTimeSeries(request, timeout=10)
                except grpc.RpcError:
                    break
                acked[i].append(step)
                if step == 20:
                    enough.wait(timeout=60)
        if len(acked[i]) <= 20:
            enough.abort()  # never got going: let the test fail, not hang

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    enough.wait(timeout=60)
    own_server.kill()
    for thread in threads:
        thread.join(timeout=30)
    own_server.start()

    channel, stub = stub_for(own_server)
    with channel:
        points = read_all(stub)
    for i, steps in acked.items():
        assert len(steps) > 20
        stored = points[f"m{i}"]
        assert all(stored.get(step) == step * 0.5 for step in steps), f"writer {i} lost an acked point"
