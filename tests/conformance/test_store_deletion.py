"""Deleting a run or an experiment takes everything the run holds with it, except its artifacts
and model files: those stay, readable by name, unless the delete asks for them too (as the SDK,
which never deletes them)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from exprun.server.core import layouts
from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import (
    Artifact,
    Execution,
    Experiment,
    Link,
    LinkKind,
    ListQuery,
    Run,
    Series,
    SeriesQuery,
    WriterPosition,
)
from exprun.server.core.names import RunName
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")

ALL = ListQuery(page_size=100)
TENSORBOARD = "projects/test-project/locations/us-central1/tensorboards/tb1"
CUSTOM_JOB = "projects/test-project/locations/us-central1/customJobs/123"


async def fill(store: RunStore, name: RunName) -> str:
    """Gives the run one of everything; returns its model URI."""
    await store.merge_summary(name, params={"lr": 0.1}, metrics={"acc": 0.9})
    await store.set_backing_tensorboard_run(name, TENSORBOARD)
    await store.write_time_series(name, [Series("loss", [1, 2], [0.5, 0.4], [1, 2])], WriterPosition("w", 3))
    await store.add_artifact(
        name, Artifact(artifact_id=f"{name.run}-cm", schema_title="google.ClassificationMetrics")
    )
    await store.associate_execution(name, Execution(execution_id=f"{name.run}-ex", display_name="train"))
    await store.add_link(name, Link(LinkKind.CUSTOM_JOB, CUSTOM_JOB))
    upload = await store.begin_model_upload(name, f"{name.run}-model")
    await upload.write("model.pkl", b"weights")
    uri = await upload.commit()
    await store.add_artifact(
        name, Artifact(artifact_id=f"{name.run}-model", schema_title="google.ExperimentModel", uri=uri)
    )
    return uri


async def assert_empty(store: RunStore, name: RunName) -> None:
    """The run, created again under the same name, starts from nothing."""
    run = await store.get_run(name)
    assert (run.params, run.metrics, run.backing_tensorboard_run, run.time_series_metrics) == ({}, {}, "", ())
    assert [s async for s in store.read_time_series(name, SeriesQuery())] == []
    assert await store.committed_sequence(name, "w") == 0
    assert (await store.list_artifacts(name, ALL)).items == []
    assert (await store.list_executions(name, ALL)).items == []
    assert (await store.list_links(name, LinkKind.CUSTOM_JOB, ALL)).items == []


async def test_deleted_run_recreated_under_its_name_starts_empty(
    store: RunStore, run: Run, model_uri_exists: Callable[[str], bool]
) -> None:
    uri = await fill(store, run.name)
    await store.delete_run(run.name, delete_backing_tensorboard_run=False, delete_artifacts=True)
    assert not model_uri_exists(uri)
    await store.create_run(Run(run.name))
    await assert_empty(store, run.name)


async def test_deleted_run_frees_its_artifact_ids(store: RunStore, run: Run) -> None:
    await fill(store, run.name)
    await store.delete_run(run.name, delete_backing_tensorboard_run=True, delete_artifacts=True)
    await store.create_run(Run(run.name))
    again = await store.add_artifact(
        run.name, Artifact(artifact_id=f"{run.name.run}-cm", schema_title="google.ClassificationMetrics")
    )
    assert again.artifact_id == f"{run.name.run}-cm"
    assert (await store.set_backing_tensorboard_run(run.name, TENSORBOARD)).backing_tensorboard_run


async def test_deleted_run_leaves_shared_executions_to_other_runs(
    store: RunStore, experiment: Experiment
) -> None:
    first = await store.create_run(Run(experiment.name.run("r1")))
    second = await store.create_run(Run(experiment.name.run("r2")))
    shared = await store.associate_execution(
        first.name, Execution(execution_id="ex-shared", display_name="a")
    )
    await store.associate_execution(second.name, Execution(execution_id="ex-shared"))
    await store.delete_run(first.name, delete_backing_tensorboard_run=False)
    assert (await store.list_executions(second.name, ALL)).items == [shared]


async def test_deleting_a_run_leaves_its_sibling_untouched(
    store: RunStore, experiment: Experiment, read_model_file: Callable[[str, str], bytes | None]
) -> None:
    doomed = await store.create_run(Run(experiment.name.run("r1")))
    kept = await store.create_run(Run(experiment.name.run("r2")))
    await fill(store, doomed.name)
    uri = await fill(store, kept.name)
    before = await store.get_run(kept.name)
    await store.delete_run(doomed.name, delete_backing_tensorboard_run=True)
    assert await store.get_run(kept.name) == before
    assert len((await store.list_artifacts(kept.name, ALL)).items) == 3
    assert await store.committed_sequence(kept.name, "w") == 3
    assert read_model_file(uri, "model.pkl") == b"weights"


async def test_deleted_experiment_takes_its_runs_contents(
    store: RunStore, experiment: Experiment, model_uri_exists: Callable[[str], bool]
) -> None:
    names = [experiment.name.run(r) for r in ("r1", "r2")]
    uris = []
    for name in names:
        await store.create_run(Run(name))
        uris.append(await fill(store, name))
    await store.delete_experiment(
        experiment.name, delete_backing_tensorboard_runs=False, delete_artifacts=True
    )
    assert not any(model_uri_exists(uri) for uri in uris)
    await store.create_experiment(Experiment(experiment.name))
    for name in names:
        await store.create_run(Run(name))
        await assert_empty(store, name)


async def assert_kept(
    store: RunStore, name: RunName, uri: str, read_model_file: Callable[[str, str], bytes | None]
) -> None:
    """What a user of the deleted run can still reach: the model by its artifact name and its
    bytes; the artifact IDs stay taken."""
    location = name.parent.parent
    model = await store.get_artifact(location, f"{name.run}-model")
    assert (model.schema_title, model.uri) == ("google.ExperimentModel", uri)
    assert read_model_file(uri, "model.pkl") == b"weights"
    stored = layouts.model_from(model)
    assert await store.read_model_bytes(stored, "model.pkl", 0, 7) == b"weights"
    metrics = await store.get_artifact(location, f"{name.run}-cm")
    assert metrics.schema_title == "google.ClassificationMetrics"


async def test_deleted_run_keeps_its_artifacts_and_model_files_by_default(
    store: RunStore, run: Run, read_model_file: Callable[[str, str], bytes | None]
) -> None:
    uri = await fill(store, run.name)
    await store.delete_run(run.name, delete_backing_tensorboard_run=False)
    with pytest.raises(NotFound):
        await store.get_run(run.name)
    await assert_kept(store, run.name, uri, read_model_file)
    # Created again, the run starts empty: the kept artifacts belong to no run.
    await store.create_run(Run(run.name))
    await assert_empty(store, run.name)
    with pytest.raises(AlreadyExists):
        await store.begin_model_upload(run.name, f"{run.name.run}-model")
    # The TensorBoard reference is the run's own bookkeeping, not a user's artifact: it goes.
    assert (await store.set_backing_tensorboard_run(run.name, TENSORBOARD)).backing_tensorboard_run


async def test_deleted_experiment_keeps_its_runs_artifacts_by_default(
    store: RunStore, experiment: Experiment, read_model_file: Callable[[str, str], bytes | None]
) -> None:
    names = [experiment.name.run(r) for r in ("r1", "r2")]
    uris = []
    for name in names:
        await store.create_run(Run(name))
        uris.append(await fill(store, name))
    await store.delete_experiment(experiment.name, delete_backing_tensorboard_runs=False)
    with pytest.raises(NotFound):
        await store.get_experiment(experiment.name)
    for name, uri in zip(names, uris, strict=True):
        await assert_kept(store, name, uri, read_model_file)


async def test_experiment_deleted_with_its_artifacts_takes_those_its_deleted_runs_left(
    store: RunStore, experiment: Experiment, model_uri_exists: Callable[[str], bool]
) -> None:
    gone = await store.create_run(Run(experiment.name.run("r1")))
    uri = await fill(store, gone.name)
    await store.delete_run(gone.name, delete_backing_tensorboard_run=False)
    await store.delete_experiment(
        experiment.name, delete_backing_tensorboard_runs=False, delete_artifacts=True
    )
    assert not model_uri_exists(uri)
    with pytest.raises(NotFound):
        await store.get_artifact(gone.name.parent.parent, f"{gone.name.run}-model")
