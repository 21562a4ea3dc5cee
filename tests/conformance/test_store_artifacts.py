"""What a run's context holds: artifacts, associated executions and job links."""

from __future__ import annotations

import re
from datetime import UTC

import pytest
from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import Artifact, Execution, Experiment, Link, LinkKind, ListQuery, Run, RunState
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")

ALL = ListQuery(page_size=100)
PIPELINE_JOB = "projects/test-project/locations/us-central1/pipelineJobs/job-1"
CUSTOM_JOB = "projects/test-project/locations/us-central1/customJobs/123"


def artifact(artifact_id: str = "", schema_title: str = "google.ClassificationMetrics") -> Artifact:
    return Artifact(
        artifact_id=artifact_id,
        schema_title=schema_title,
        display_name="cm",
        uri="gs://bucket/x",
        metadata={"confusionMatrix": {"rows": [[9.0, 1.0], [1.0, 9.0]]}, "flag": True, "n": 3, "s": "x"},
    )


async def test_added_artifact_reads_back_with_every_field(store: RunStore, run: Run) -> None:
    added = await store.add_artifact(run.name, artifact("art-1"))
    assert added.create_time is not None
    assert added.create_time.tzinfo == UTC
    assert added == Artifact(
        artifact_id="art-1",
        schema_title="google.ClassificationMetrics",
        display_name="cm",
        uri="gs://bucket/x",
        metadata={"confusionMatrix": {"rows": [[9.0, 1.0], [1.0, 9.0]]}, "flag": True, "n": 3, "s": "x"},
        create_time=added.create_time,
    )
    assert (await store.list_artifacts(run.name, ALL)).items == [added]


async def test_artifact_without_an_id_gets_a_generated_hex_id(store: RunStore, run: Run) -> None:
    first = await store.add_artifact(run.name, artifact())
    second = await store.add_artifact(run.name, artifact())
    assert re.fullmatch(r"[0-9a-f]{32}", first.artifact_id)
    assert first.artifact_id != second.artifact_id


async def test_artifact_id_taken_in_the_location_is_already_exists(
    store: RunStore, experiment: Experiment
) -> None:
    first = await store.create_run(Run(experiment.name.run("r1")))
    second = await store.create_run(Run(experiment.name.run("r2")))
    await store.add_artifact(first.name, artifact("art-1"))
    with pytest.raises(AlreadyExists) as caught:
        await store.add_artifact(second.name, artifact("art-1"))
    assert caught.value.reason == "ARTIFACT_ALREADY_EXISTS"
    assert (await store.list_artifacts(second.name, ALL)).items == []


async def test_artifacts_list_oldest_first_and_page(store: RunStore, run: Run) -> None:
    ids = [f"art-{i}" for i in range(5)]
    for artifact_id in ids:
        await store.add_artifact(run.name, artifact(artifact_id))
    first = await store.list_artifacts(run.name, ListQuery(page_size=2))
    rest = await store.list_artifacts(run.name, ListQuery(page_size=3, cursor=first.next_cursor))
    assert [a.artifact_id for a in first.items] == ids[:2]
    assert first.has_more
    assert [a.artifact_id for a in rest.items] == ids[2:]
    assert not rest.has_more


async def test_artifacts_filter_by_schema_title(store: RunStore, run: Run) -> None:
    await store.add_artifact(run.name, artifact("cm-1"))
    await store.add_artifact(run.name, artifact("model-1", "google.ExperimentModel"))
    await store.add_artifact(run.name, artifact("cm-2"))
    models = await store.list_artifacts(run.name, ALL, schema_title="google.ExperimentModel")
    metrics = await store.list_artifacts(run.name, ALL, schema_title="google.ClassificationMetrics")
    assert [a.artifact_id for a in models.items] == ["model-1"]
    assert [a.artifact_id for a in metrics.items] == ["cm-1", "cm-2"]


async def test_artifacts_belong_to_their_run_only(store: RunStore, experiment: Experiment) -> None:
    first = await store.create_run(Run(experiment.name.run("r1")))
    second = await store.create_run(Run(experiment.name.run("r2")))
    await store.add_artifact(first.name, artifact("art-1"))
    assert (await store.list_artifacts(second.name, ALL)).items == []


async def test_artifacts_of_a_missing_run_are_not_found(store: RunStore, experiment: Experiment) -> None:
    missing = experiment.name.run("nope")
    with pytest.raises(NotFound):
        await store.add_artifact(missing, artifact())
    with pytest.raises(NotFound):
        await store.list_artifacts(missing, ALL)


def execution(execution_id: str, display_name: str = "train") -> Execution:
    return Execution(
        execution_id=execution_id,
        display_name=display_name,
        schema_title="system.ContainerExecution",
        state=RunState.COMPLETE,
        metadata={"k": [1, "two"]},
        description="d",
    )


async def test_new_execution_is_created_and_associated(store: RunStore, run: Run) -> None:
    stored = await store.associate_execution(run.name, execution("ex-1"))
    assert stored.create_time is not None
    assert stored == Execution(
        execution_id="ex-1",
        display_name="train",
        schema_title="system.ContainerExecution",
        state=RunState.COMPLETE,
        metadata={"k": [1, "two"]},
        description="d",
        create_time=stored.create_time,
    )
    assert (await store.list_executions(run.name, ALL)).items == [stored]


async def test_existing_execution_is_associated_as_stored(store: RunStore, experiment: Experiment) -> None:
    first = await store.create_run(Run(experiment.name.run("r1")))
    second = await store.create_run(Run(experiment.name.run("r2")))
    stored = await store.associate_execution(first.name, execution("ex-1"))
    again = await store.associate_execution(second.name, execution("ex-1", display_name="other"))
    assert again == stored
    assert (await store.list_executions(second.name, ALL)).items == [stored]
    assert (await store.list_executions(first.name, ALL)).items == [stored]


async def test_associating_an_execution_twice_lists_it_once(store: RunStore, run: Run) -> None:
    await store.associate_execution(run.name, execution("ex-1"))
    await store.associate_execution(run.name, execution("ex-1"))
    assert [e.execution_id for e in (await store.list_executions(run.name, ALL)).items] == ["ex-1"]


async def test_executions_list_in_association_order_and_page(store: RunStore, experiment: Experiment) -> None:
    other = await store.create_run(Run(experiment.name.run("other")))
    run = await store.create_run(Run(experiment.name.run("r1")))
    await store.associate_execution(other.name, execution("ex-old"))
    for execution_id in ("ex-a", "ex-b"):
        await store.associate_execution(run.name, execution(execution_id))
    await store.associate_execution(run.name, execution("ex-old"))
    first = await store.list_executions(run.name, ListQuery(page_size=2))
    rest = await store.list_executions(run.name, ListQuery(page_size=2, cursor=first.next_cursor))
    assert [e.execution_id for e in first.items] == ["ex-a", "ex-b"]
    assert first.has_more
    assert [e.execution_id for e in rest.items] == ["ex-old"]
    assert not rest.has_more


async def test_executions_of_a_missing_run_are_not_found(store: RunStore, experiment: Experiment) -> None:
    missing = experiment.name.run("nope")
    with pytest.raises(NotFound):
        await store.associate_execution(missing, execution("ex-1"))
    with pytest.raises(NotFound):
        await store.list_executions(missing, ALL)


async def test_linked_job_reads_back_with_a_create_time(store: RunStore, run: Run) -> None:
    link = await store.add_link(run.name, Link(LinkKind.PIPELINE_JOB, PIPELINE_JOB))
    assert (link.kind, link.target) == (LinkKind.PIPELINE_JOB, PIPELINE_JOB)
    assert link.create_time is not None
    assert (await store.list_links(run.name, LinkKind.PIPELINE_JOB, ALL)).items == [link]


async def test_linking_the_same_job_again_returns_the_first_link(store: RunStore, run: Run) -> None:
    first = await store.add_link(run.name, Link(LinkKind.CUSTOM_JOB, CUSTOM_JOB))
    again = await store.add_link(run.name, Link(LinkKind.CUSTOM_JOB, CUSTOM_JOB))
    assert again == first
    assert (await store.list_links(run.name, LinkKind.CUSTOM_JOB, ALL)).items == [first]


async def test_links_list_by_kind_oldest_first(store: RunStore, run: Run) -> None:
    jobs = [f"{PIPELINE_JOB}-{i}" for i in range(3)]
    for job in jobs:
        await store.add_link(run.name, Link(LinkKind.PIPELINE_JOB, job))
    await store.add_link(run.name, Link(LinkKind.CUSTOM_JOB, CUSTOM_JOB))
    pipelines = await store.list_links(run.name, LinkKind.PIPELINE_JOB, ListQuery(page_size=2))
    rest = await store.list_links(
        run.name, LinkKind.PIPELINE_JOB, ListQuery(page_size=2, cursor=pipelines.next_cursor)
    )
    customs = await store.list_links(run.name, LinkKind.CUSTOM_JOB, ALL)
    assert [link.target for link in pipelines.items] == jobs[:2]
    assert pipelines.has_more
    assert [link.target for link in rest.items] == jobs[2:]
    assert [link.target for link in customs.items] == [CUSTOM_JOB]


async def test_links_of_a_missing_run_are_not_found(store: RunStore, experiment: Experiment) -> None:
    missing = experiment.name.run("nope")
    with pytest.raises(NotFound):
        await store.add_link(missing, Link(LinkKind.CUSTOM_JOB, CUSTOM_JOB))
    with pytest.raises(NotFound):
        await store.list_links(missing, LinkKind.CUSTOM_JOB, ALL)
