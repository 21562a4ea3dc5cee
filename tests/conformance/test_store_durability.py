"""What a store acknowledged is there after a restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from exprun.server.core.model import (
    Artifact,
    Execution,
    Link,
    LinkKind,
    ListQuery,
    Run,
    RunState,
    Series,
    SeriesQuery,
    WriterPosition,
)
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")

ALL = ListQuery(page_size=100)
TENSORBOARD = "projects/test-project/locations/us-central1/tensorboards/tb1"


async def snapshot(store: RunStore, run: Run) -> dict[str, object]:
    name = run.name
    return {
        "experiment": await store.get_experiment(name.parent),
        "experiments": (await store.list_experiments(name.parent.parent, ALL)).items,
        "run": await store.get_run(name),
        "runs": (await store.list_runs(name.parent, ALL)).items,
        "series": [s async for s in store.read_time_series(name, SeriesQuery())],
        "sequence": await store.committed_sequence(name, "w"),
        "artifacts": (await store.list_artifacts(name, ALL)).items,
        "executions": (await store.list_executions(name, ALL)).items,
        "links": (await store.list_links(name, LinkKind.PIPELINE_JOB, ALL)).items,
    }


async def test_everything_written_survives_close_and_reopen(
    store: RunStore,
    run: Run,
    reopen: Callable[[], Awaitable[RunStore]],
    read_model_file: Callable[[str, str], bytes | None],
) -> None:
    await store.update_run_state(run.name, RunState.COMPLETE)
    await store.merge_summary(run.name, params={"i": 3, "f": 1.0, "s": "x"}, metrics={"m": 2.5})
    await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    steps = list(range(30_000))
    await store.write_time_series(
        run.name, [Series("loss", steps, [s / 7 for s in steps], steps)], WriterPosition("w", 4)
    )
    await store.write_time_series(run.name, [Series("loss", [5], [-1.0], [0])], None)
    await store.add_artifact(
        run.name, Artifact(artifact_id="cm-1", schema_title="google.ClassificationMetrics")
    )
    await store.associate_execution(run.name, Execution(execution_id="ex-1", metadata={"a": [1, 2]}))
    await store.add_link(
        run.name, Link(LinkKind.PIPELINE_JOB, "projects/test-project/locations/us-central1/pipelineJobs/p1")
    )
    upload = await store.begin_model_upload(run.name, "model-1")
    await upload.write("model.pkl", b"weights")
    uri = await upload.commit()
    await store.add_artifact(
        run.name, Artifact(artifact_id="model-1", schema_title="google.ExperimentModel", uri=uri)
    )
    before = await snapshot(store, run)

    await store.close()
    reopened = await reopen()

    assert await snapshot(reopened, run) == before
    assert read_model_file(uri, "model.pkl") == b"weights"
    resent = await reopened.write_time_series(
        run.name, [Series("loss", [1], [9.0], [1])], WriterPosition("w", 4)
    )
    assert resent.points_written == 0


async def test_reopened_store_continues_default_steps_and_accepts_new_resources(
    store: RunStore, run: Run, reopen: Callable[[], Awaitable[RunStore]]
) -> None:
    await store.write_time_series(run.name, [Series("loss", None, [0.5], [1])], None)
    await store.close()
    reopened = await reopen()
    await reopened.write_time_series(run.name, [Series("loss", None, [0.4], [2])], None)
    (series,) = [s async for s in reopened.read_time_series(run.name, SeriesQuery())]
    assert list(series.steps or []) == [1, 2]
    created = await reopened.create_run(Run(run.name.parent.run("run-2")))
    assert (await reopened.get_run(created.name)).name == created.name
