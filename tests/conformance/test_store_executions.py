"""Executions on their own (`aiplatform.Execution`): create, get, update, events, on every store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import (
    Artifact,
    Execution,
    ExecutionChange,
    FilterTerm,
    ListQuery,
    Run,
    RunState,
)
from exprun.server.core.names import LocationName
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


async def test_executions_of_a_location_list_in_pages_filtered_and_ordered(store: RunStore, run: Run) -> None:
    location = run.name.parent.parent
    specs = [
        ("ex-a", "system.ContainerExecution", "prep", RunState.COMPLETE),
        ("ex-b", "system.CustomJobExecution", "train", RunState.RUNNING),
        ("ex-c", "system.ContainerExecution", "train", RunState.COMPLETE),
    ]
    for execution_id, schema_title, display_name, state in specs:
        await store.create_execution(
            location,
            Execution(
                execution_id=execution_id, schema_title=schema_title, display_name=display_name, state=state
            ),
        )

    async def ids(query: ListQuery) -> list[str]:
        found: list[str] = []
        while True:
            page = await store.list_location_executions(location, query)
            found += [e.execution_id for e in page.items]
            if not page.next_cursor:
                return found
            query = replace(query, cursor=page.next_cursor)

    assert await ids(ListQuery(page_size=2)) == ["ex-a", "ex-b", "ex-c"]
    assert await ids(ListQuery(page_size=2, descending=True)) == ["ex-c", "ex-b", "ex-a"]
    train = (FilterTerm("display_name", "train"),)
    assert await ids(ListQuery(page_size=10, filters=train)) == ["ex-b", "ex-c"]
    done_containers = (
        FilterTerm("state", "COMPLETE"),
        FilterTerm("schema_title", "system.ContainerExecution"),
    )
    assert await ids(ListQuery(page_size=10, filters=done_containers)) == ["ex-a", "ex-c"]
    not_container = (FilterTerm("schema_title", "system.ContainerExecution", negate=True),)
    assert await ids(ListQuery(page_size=10, filters=not_container)) == ["ex-b"]
    elsewhere = LocationName(location.project, "europe-west4")
    assert (await store.list_location_executions(elsewhere, ListQuery(page_size=10))).items == []
