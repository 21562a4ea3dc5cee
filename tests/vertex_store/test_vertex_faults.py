"""Transient Vertex errors are retried and lose nothing; lost answers of creates are recognised;
a failure in the middle of creating a run leaves no half-made run."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from exprun.server.core import layouts
from exprun.server.core.errors import NotFound, Unavailable
from exprun.server.core.model import (
    ClassificationMetrics,
    Execution,
    Experiment,
    ListQuery,
    Run,
    Series,
    SeriesQuery,
    WriterPosition,
)
from exprun.server.stores.vertex.store import VertexRunStore
from google.cloud.aiplatform_v1 import MetadataServiceClient
from google.cloud.aiplatform_v1.services.metadata_service.transports.grpc import MetadataServiceGrpcTransport
from google.cloud.aiplatform_v1.types import Context
from google.protobuf import struct_pb2

from tests.fakes.vertex import Fault, Faults, VertexFake
from tests.vertex_store.vertex_support import EXPERIMENT, RUN, STORE, TENSORBOARD, OpenStore

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def points(store: VertexRunStore, run: Run | None = None) -> dict[str, dict[int, float]]:
    found: dict[str, dict[int, float]] = {}
    async for chunk in store.read_time_series((run or Run(RUN)).name, SeriesQuery()):
        found.setdefault(chunk.metric, {}).update(zip(chunk.steps or [], chunk.values, strict=True))
    return found


async def test_under_20_percent_unavailable_every_acknowledged_write_is_there(
    store: VertexRunStore, fake: VertexFake
) -> None:
    fake.faults = Faults.uniform(latency=0.002, error_rate=0.2, seed=7)
    await store.create_experiment(Experiment(EXPERIMENT, backing_tensorboard=TENSORBOARD))
    runs = [await store.create_run(Run(EXPERIMENT.run(f"r{i}"))) for i in range(3)]
    for run in runs:
        await store.set_backing_tensorboard_run(run.name, TENSORBOARD)

    async def log(run: Run) -> None:
        await asyncio.gather(
            *(
                store.merge_summary(run.name, params={f"p{i}": i}, metrics={f"m{i}": i * 0.5})
                for i in range(20)
            )
        )
        for sequence in range(1, 11):
            steps = list(range(sequence * 1000, sequence * 1000 + 1000))
            batch = [Series(m, steps, [s / 10 for s in steps], steps) for m in ("loss", "acc")]
            await store.write_time_series(run.name, batch, WriterPosition("w", sequence))
        await store.add_artifact(
            run.name,
            layouts.classification_metrics_artifact(
                ClassificationMetrics("cm", (), (), (0.1,), (0.2,), (0.9,))
            ),
        )
        await store.associate_execution(run.name, Execution(execution_id=f"ex-{run.name.run}"))

    await asyncio.gather(*(log(run) for run in runs))
    assert sum(fake.faults.injected.values()) > 20
    fake.faults = Faults()
    for run in runs:
        got = await store.get_run(run.name)
        assert got.params == {f"p{i}": i for i in range(20)}
        assert got.metrics == {f"m{i}": i * 0.5 for i in range(20)}
        assert got.time_series_metrics == ("acc", "loss")
        expected = {s: s / 10 for s in range(1000, 11000)}
        assert await points(store, run) == {"acc": expected, "loss": expected}
        assert await store.committed_sequence(run.name, "w") == 10
        artifacts = (await store.list_artifacts(run.name, ListQuery(page_size=10))).items
        assert sorted(a.schema_title for a in artifacts) == [
            "google.ClassificationMetrics",
            "google.VertexTensorboardRun",
        ]
        assert len((await store.list_executions(run.name, ListQuery(page_size=10))).items) == 1


async def test_answers_lost_after_the_change_are_recognised_on_retry(
    store: VertexRunStore, fake: VertexFake
) -> None:
    """Each create succeeds and its answer is lost; the retry meets AlreadyExists (or a stale
    etag) and the store sees that its own first attempt made the resource."""
    lost = Fault(error_rate=1.0, after=True)
    fake.faults = Faults({"CreateContext": lost, "CreateArtifact": lost, "CreateMetadataStore": lost})
    await store.create_experiment(Experiment(EXPERIMENT, description="d"))
    run = await store.create_run(Run(RUN))
    artifact = await store.add_artifact(
        run.name,
        layouts.classification_metrics_artifact(ClassificationMetrics("cm", (), (), (0.1,), (0.2,), (0.9,))),
    )
    fake.faults = Faults(
        {"UpdateContext": lost, "WriteTensorboardRunData": Fault(error_rate=0.5, after=True)}
    )
    merged = await store.merge_summary(run.name, params={"lr": 0.1})
    await store.write_time_series(
        run.name, [Series("loss", [1, 2], [0.5, 0.4], [1, 2])], WriterPosition("w", 1)
    )
    fake.faults = Faults()
    assert merged.params == {"lr": 0.1}
    got = await store.get_run(run.name)
    assert got.params == {"lr": 0.1}
    assert (await store.get_experiment(EXPERIMENT)).description == "d"
    listed = (await store.list_artifacts(run.name, ListQuery(page_size=10))).items
    assert [a.artifact_id for a in listed] == [artifact.artifact_id, "exp-1-run-1-tb-run"]
    assert await points(store) == {"loss": {1: 0.5, 2: 0.4}}
    assert await store.committed_sequence(run.name, "w") == 1


async def test_a_write_vertex_keeps_refusing_is_unavailable_and_commits_no_position(
    open_store: OpenStore, fake: VertexFake, run: Run
) -> None:
    impatient = await open_store(retry_deadline_seconds=0.5)
    await impatient.write_time_series(run.name, [Series("loss", [1], [0.5], [1])], WriterPosition("w", 1))
    fake.faults = Faults({"WriteTensorboardRunData": Fault(error_rate=1.0)})
    with pytest.raises(Unavailable) as caught:
        await impatient.write_time_series(run.name, [Series("loss", [2], [0.4], [2])], WriterPosition("w", 2))
    assert caught.value.reason == "VERTEX_UNAVAILABLE"
    fake.faults = Faults()
    assert await impatient.committed_sequence(run.name, "w") == 1


async def test_a_failed_link_to_the_experiment_leaves_no_run(store: VertexRunStore, fake: VertexFake) -> None:
    await store.create_experiment(Experiment(EXPERIMENT))
    fake.faults = Faults({"AddContextChildren": Fault(error_rate=1.0, code=grpc.StatusCode.INTERNAL)})
    with pytest.raises(Unavailable):
        await store.create_run(Run(RUN))
    fake.faults = Faults()
    assert fake.call_names()[-2:] == ["AddContextChildren", "DeleteContext"]
    with pytest.raises(NotFound):
        await store.get_run(RUN)
    assert (await store.list_runs(EXPERIMENT, ListQuery(page_size=10))).items == []
    assert (await store.create_run(Run(RUN))).name == RUN


async def test_a_run_context_a_crash_left_unlinked_is_no_run_until_created_again(
    store: VertexRunStore, fake: VertexFake
) -> None:
    """A process that died between CreateContext and AddContextChildren left the context alone."""
    assert fake.address is not None
    await store.create_experiment(Experiment(EXPERIMENT))
    metadata = struct_pb2.Struct()
    metadata.update({"_params": {}, "_metrics": {}, "_state": "RUNNING"})
    with grpc.insecure_channel(fake.address) as channel:
        MetadataServiceClient(transport=MetadataServiceGrpcTransport(channel=channel)).create_context(
            parent=STORE,
            context_id="exp-1-run-1",
            context=Context(display_name="run-1", schema_title="system.ExperimentRun", metadata=metadata),
        )
    with pytest.raises(NotFound):
        await store.get_run(RUN)
    created = await store.create_run(Run(RUN))
    assert created.name == RUN
    assert [r.name for r in (await store.list_runs(EXPERIMENT, ListQuery(page_size=10))).items] == [RUN]
