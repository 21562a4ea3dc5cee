"""List filters of the fake: the AIP-160 subset the SDK and the store send, and rejection of the rest."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.cloud.aiplatform_v1 import Artifact, Context, Execution, MetadataServiceClient
from google.cloud.aiplatform_v1.types import (
    AddContextArtifactsAndExecutionsRequest,
    AddContextChildrenRequest,
    ListArtifactsRequest,
    ListContextsRequest,
    ListExecutionsRequest,
)

from tests.fakes.vertex import filters
from tests.fakes.vertex.tests.conftest import STORE, STORE_BY_NUMBER, moment


@pytest.fixture
def world(metadata: MetadataServiceClient) -> MetadataServiceClient:
    """exp1 with runs r1 (RUNNING, lr=0.1) and r2 (COMPLETE, lr=0.2, flag); exp2 with r3; artifacts in r1."""

    def context(context_id: str, schema: str, display_name: str, **meta: object) -> str:
        created = metadata.create_context(
            parent=STORE,
            context_id=context_id,
            context=Context(schema_title=schema, display_name=display_name, metadata=meta),
        )
        return created.name

    exp1 = context("exp1", "system.Experiment", "exp1")
    exp2 = context("exp2", "system.Experiment", "exp2")
    runs = {
        "exp1-r1": context("exp1-r1", "system.ExperimentRun", "r1", _state="RUNNING", _params={"lr": 0.1}),
        "exp1-r2": context(
            "exp1-r2", "system.ExperimentRun", "r2", _state="COMPLETE", _params={"lr": 0.2}, flag=True
        ),
        "exp2-r3": context("exp2-r3", "system.ExperimentRun", "r3", _state="COMPLETE", **{"odd:key": 5}),
    }
    # Link with project-ID names on purpose: the fake stores and matches them by project number.
    metadata.add_context_children(
        request=AddContextChildrenRequest(
            context=f"{STORE}/contexts/exp1", child_contexts=[runs["exp1-r1"], f"{STORE}/contexts/exp1-r2"]
        )
    )
    metadata.add_context_children(
        request=AddContextChildrenRequest(context=exp2, child_contexts=[runs["exp2-r3"]])
    )
    assert exp1.startswith(STORE_BY_NUMBER)
    live = metadata.create_artifact(
        parent=STORE,
        artifact_id="a-live",
        artifact=Artifact(schema_title="system.Metrics", uri="gs://b/live", state=Artifact.State.LIVE),
    )
    pending = metadata.create_artifact(
        parent=STORE,
        artifact_id="a-pending",
        artifact=Artifact(schema_title="system.Model", uri="gs://b/pending", state=Artifact.State.PENDING),
    )
    execution = metadata.create_execution(
        parent=STORE,
        execution_id="ex-1",
        execution=Execution(schema_title="system.Run", state=Execution.State.RUNNING),
    )
    metadata.add_context_artifacts_and_executions(
        request=AddContextArtifactsAndExecutionsRequest(
            context=runs["exp1-r1"], artifacts=[live.name, pending.name], executions=[execution.name]
        )
    )
    return metadata


def contexts(client: MetadataServiceClient, text: str) -> list[str]:
    found = client.list_contexts(request=ListContextsRequest(parent=STORE, filter=text))
    return [context.name.rsplit("/", 1)[1] for context in found]


def artifacts(client: MetadataServiceClient, text: str) -> list[str]:
    found = client.list_artifacts(request=ListArtifactsRequest(parent=STORE, filter=text))
    return [artifact.name.rsplit("/", 1)[1] for artifact in found]


def executions(client: MetadataServiceClient, text: str) -> list[str]:
    found = client.list_executions(request=ListExecutionsRequest(parent=STORE, filter=text))
    return [execution.name.rsplit("/", 1)[1] for execution in found]


def test_the_sdk_filter_strings(world: MetadataServiceClient) -> None:
    exp1 = f"{STORE_BY_NUMBER}/contexts/exp1"
    run = f"{STORE_BY_NUMBER}/contexts/exp1-r1"
    assert contexts(world, 'schema_title="system.Experiment"') == ["exp1", "exp2"]
    assert contexts(world, f'schema_title="system.ExperimentRun" AND parent_contexts:"{exp1}"') == [
        "exp1-r1",
        "exp1-r2",
    ]
    runs_or_pipelines = '(schema_title="system.ExperimentRun" OR schema_title="system.PipelineRun")'
    assert contexts(world, f'{runs_or_pipelines} AND parent_contexts:"{exp1}"') == ["exp1-r1", "exp1-r2"]
    assert artifacts(world, f'in_context("{run}")') == ["a-live", "a-pending"]
    assert artifacts(world, f'schema_title="system.Metrics" AND in_context("{run}")') == ["a-live"]
    assert artifacts(world, 'uri = "gs://b/pending"') == ["a-pending"]
    assert executions(world, f'schema_title="system.Run" AND in_context("{run}")') == ["ex-1"]
    assert executions(world, f'(schema_title="system.Run") AND in_context("{exp1}")') == []


def test_names_in_filters_may_use_the_project_id(world: MetadataServiceClient) -> None:
    assert contexts(world, f'parent_contexts:"{STORE}/contexts/exp2"') == ["exp2-r3"]
    assert artifacts(world, f'in_context("{STORE}/contexts/exp1-r1") AND state=LIVE') == ["a-live"]
    assert contexts(world, f'name="{STORE}/contexts/exp2"') == ["exp2"]


def test_parent_contexts_matches_any_of_several_names(world: MetadataServiceClient) -> None:
    both = f'parent_contexts:"{STORE}/contexts/exp1","{STORE_BY_NUMBER}/contexts/exp2"'
    assert contexts(world, both) == ["exp1-r1", "exp1-r2", "exp2-r3"]
    assert contexts(world, f'child_contexts:"{STORE}/contexts/exp2-r3"') == ["exp2"]


def test_metadata_values_of_each_type(world: MetadataServiceClient) -> None:
    assert contexts(world, 'metadata._state.string_value="COMPLETE"') == ["exp1-r2", "exp2-r3"]
    assert contexts(world, 'metadata._state.string_value!="COMPLETE"') == [
        "exp1-r1"
    ]  # missing keys never match
    assert contexts(world, "metadata._params.lr.number_value>=0.15") == ["exp1-r2"]
    assert contexts(world, "metadata._params.lr.number_value=0.1") == ["exp1-r1"]
    assert contexts(world, "metadata.flag.bool_value=true") == ["exp1-r2"]
    assert contexts(world, 'metadata."odd:key".number_value = 5') == ["exp2-r3"]
    assert contexts(world, "metadata._state.number_value=1") == []


def test_and_or_not_and_parentheses(world: MetadataServiceClient) -> None:
    assert contexts(world, 'display_name="r1" OR display_name="r3"') == ["exp1-r1", "exp2-r3"]
    assert contexts(world, 'schema_title="system.ExperimentRun" AND NOT display_name="r2"') == [
        "exp1-r1",
        "exp2-r3",
    ]
    assert contexts(world, 'NOT (schema_title="system.ExperimentRun" OR display_name="exp1")') == ["exp2"]
    assert contexts(world, '((display_name="r1"))') == ["exp1-r1"]
    # AIP-160: OR binds tighter than AND, so this is r1 AND (r2 OR exp1): nothing.
    assert contexts(world, 'display_name="r1" AND display_name="r2" OR display_name="exp1"') == []
    assert contexts(world, '(display_name="r1" AND display_name="r2") OR display_name="exp1"') == ["exp1"]


def test_states_and_times(world: MetadataServiceClient) -> None:
    assert artifacts(world, "state=PENDING") == ["a-pending"]
    assert artifacts(world, 'state!="LIVE"') == ["a-pending"]
    assert executions(world, "state=RUNNING") == ["ex-1"]
    exp2 = world.get_context(name=f"{STORE}/contexts/exp2")
    created = moment(exp2.create_time).isoformat()
    assert contexts(world, f'create_time<="{created}"') == ["exp1", "exp2"]
    assert contexts(world, f'create_time>"{created}" AND schema_title="system.Experiment"') == []
    assert len(contexts(world, 'update_time > "2020-11-19T11:30:00-04:00"')) == 5
    assert contexts(world, "") == ["exp1", "exp2", "exp1-r1", "exp1-r2", "exp2-r3"]


@pytest.mark.parametrize(
    "text",
    [
        'foo="x"',
        'display_name:"x"',
        'display_name="a" display_name="b"',
        "metadata.lr = 1",
        "metadata.lr.int_value = 1",
        'display_name>"x"',
        "display_name=x",
        'in_context("x")',
        'schema_title="a" AND',
        '(schema_title="a"',
        '((((((display_name="a"))))))',
        'create_time>"yesterday"',
        'create_time>"2024-01-01T00:00:00"',
        '-display_name="x"',
        'display_name="x" && schema_title="y"',
        "metadata.flag.bool_value=yes",
        'metadata.n.number_value="1"',
        "state=LIVE",
    ],
)
def test_unsupported_context_filters_are_invalid_not_ignored(world: MetadataServiceClient, text: str) -> None:
    with pytest.raises(exceptions.InvalidArgument):
        contexts(world, text)


@pytest.mark.parametrize("text", ['parent_contexts:"x"', "state=BOGUS", 'state="live"', 'display_name~"x"'])
def test_unsupported_artifact_filters_are_invalid(world: MetadataServiceClient, text: str) -> None:
    with pytest.raises(exceptions.InvalidArgument):
        artifacts(world, text)


def test_parser_builds_the_aip160_tree() -> None:
    tree = filters.parse('a="1" AND b="2" OR NOT c="3"')
    assert isinstance(tree, filters.All)
    first, second = tree.operands
    assert first == filters.Compare(("a",), "=", filters.Value("STRING", "1"))
    assert isinstance(second, filters.Any_)
    assert isinstance(second.operands[1], filters.Not)
    assert filters.parse("   ") is None
    assert filters.parse('metadata."x:y".number_value=-1.5e2') == filters.Compare(
        ("metadata", "x:y", "number_value"), "=", filters.Value("NUMBER", "-1.5e2")
    )
