"""Executions on their own (`aiplatform.Execution`): create, get, update, events, on every store."""

from __future__ import annotations

import pytest
from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import Artifact, Execution, ExecutionChange, Run, RunState
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")


def execution(execution_id: str) -> Execution:
    return Execution(
        execution_id=execution_id,
        display_name="train",
        schema_title="system.ContainerExecution",
        state=RunState.RUNNING,
        metadata={"epochs": 3, "image": "trainer:1"},
        description="first try",
    )


async def test_created_execution_reads_back_and_a_taken_id_already_exists(store: RunStore, run: Run) -> None:
    location = run.name.parent.parent
    created = await store.create_execution(location, execution("ex-1"))

    got = await store.get_execution(location, "ex-1")
    assert got == created
    assert (got.display_name, got.state, got.metadata, got.description) == (
        "train",
        RunState.RUNNING,
        {"epochs": 3, "image": "trainer:1"},
        "first try",
    )
    with pytest.raises(AlreadyExists):
        await store.create_execution(location, execution("ex-1"))
    with pytest.raises(NotFound):
        await store.get_execution(location, "ex-missing")


async def test_update_changes_only_what_it_names_and_merges_metadata(store: RunStore, run: Run) -> None:
    location = run.name.parent.parent
    await store.create_execution(location, execution("ex-1"))

    updated = await store.update_execution(
        location, ExecutionChange("ex-1", state=RunState.COMPLETE, metadata={"epochs": 5, "loss": 0.25})
    )

    assert updated.state == RunState.COMPLETE
    assert updated.metadata == {"epochs": 5, "image": "trainer:1", "loss": 0.25}
    assert (updated.display_name, updated.description) == ("train", "first try")
    assert await store.get_execution(location, "ex-1") == updated


async def test_events_list_inputs_and_outputs_once_each_in_order(store: RunStore, run: Run) -> None:
    location = run.name.parent.parent
    for artifact_id in ("data-1", "data-2", "model-1"):
        await store.add_artifact(run.name, Artifact(artifact_id=artifact_id, schema_title="system.Dataset"))
    await store.create_execution(location, execution("ex-1"))

    await store.add_execution_events(location, "ex-1", ["data-2", "data-1"], [])
    await store.add_execution_events(location, "ex-1", ["data-2"], ["model-1"])

    inputs, outputs = await store.execution_artifacts(location, "ex-1")
    assert [a.artifact_id for a in inputs] == ["data-2", "data-1"]
    assert [a.artifact_id for a in outputs] == ["model-1"]


async def test_an_event_for_a_missing_execution_or_artifact_is_not_found(store: RunStore, run: Run) -> None:
    location = run.name.parent.parent
    await store.add_artifact(run.name, Artifact(artifact_id="data-1", schema_title="system.Dataset"))
    await store.create_execution(location, execution("ex-1"))

    with pytest.raises(NotFound):
        await store.add_execution_events(location, "ex-missing", ["data-1"], [])
    with pytest.raises(NotFound):
        await store.add_execution_events(location, "ex-1", ["data-1", "data-missing"], [])

    assert await store.execution_artifacts(location, "ex-1") == ([], [])
