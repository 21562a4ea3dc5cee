"""Executions as `aiplatform.Execution` has them: create, get, update, input and output
artifacts, and `start_execution` as a context manager inside a run."""

from __future__ import annotations

from collections.abc import Callable

import exprun.client as aip
import grpc
import pytest
from exprun.client import AlreadyExists, Execution, ExperimentRun, InvalidArgument, NotFound, RunState
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.protobuf import field_mask_pb2

from tests.api.conftest import LOCATION, PROJECT
from tests.support.server_process import ServerProcess


@pytest.fixture
def session_experiment(unique_name: Callable[[str], str]) -> str:
    name = unique_name("e")
    aip.init(experiment=name)
    return name


def test_an_execution_is_created_read_and_updated_with_metadata_merged(artifact_id: str) -> None:
    created = Execution.create(
        "system.ContainerExecution",
        resource_id=artifact_id,
        display_name="train",
        metadata={"epochs": 3, "image": "trainer:1"},
    )
    created.update(state=RunState.COMPLETE, metadata={"epochs": 5, "loss": 0.2})

    got = Execution.get(artifact_id)
    assert got is not None
    assert (got.name, got.display_name, got.schema_title, got.state) == (
        artifact_id,
        "train",
        "system.ContainerExecution",
        RunState.COMPLETE,
    )
    assert got.metadata == {"epochs": 5, "image": "trainer:1", "loss": 0.2}
    assert created.state == RunState.COMPLETE
    assert (
        got.resource_name
        == f"projects/{PROJECT}/locations/{LOCATION}/metadataStores/default/executions/{artifact_id}"
    )


def test_a_missing_execution_is_none_and_a_taken_id_already_exists(artifact_id: str) -> None:
    assert Execution.get(artifact_id) is None
    Execution.create("system.ContainerExecution", resource_id=artifact_id)

    with pytest.raises(AlreadyExists):
        Execution.create("system.ContainerExecution", resource_id=artifact_id)


@pytest.mark.usefixtures("session_experiment")
def test_start_execution_in_a_run_ends_complete_and_records_its_artifacts(artifact_id: str) -> None:
    with aip.start_run("run-1") as run:
        dataset = run.log_model(
            uri="gs://bucket/data/pets-v2", framework_name="custom", artifact_id=artifact_id
        )
        with aip.start_execution(schema_title="system.ContainerExecution", display_name="train") as execution:
            execution.assign_input_artifacts([dataset])
            model = aip.log_model(uri="gs://bucket/models/1", framework_name="sklearn")
            execution.assign_output_artifacts([model])
            execution.assign_output_artifacts([model.resource_name])  # again: a no-op

    assert execution.state == RunState.COMPLETE
    (associated,) = ExperimentRun("run-1").get_executions()
    assert (associated.name, associated.state) == (execution.name, RunState.COMPLETE)
    assert [a.name for a in associated.get_input_artifacts()] == [artifact_id]
    assert [a.name for a in associated.get_output_artifacts()] == [model.name]
    assert associated.get_output_artifacts()[0].schema_title == "google.ExperimentModel"


@pytest.mark.usefixtures("session_experiment")
def test_an_execution_whose_block_raises_ends_failed_and_can_be_resumed() -> None:
    with (
        pytest.raises(RuntimeError, match="out of memory"),
        aip.start_execution(schema_title="system.ContainerExecution", display_name="train") as execution,
    ):
        raise RuntimeError("out of memory")
    assert Execution.get(execution.name).state == RunState.FAILED  # type: ignore[union-attr]

    with aip.start_execution(resource_id=execution.name, resume=True) as resumed:
        assert Execution.get(execution.name).state == RunState.RUNNING  # type: ignore[union-attr]
    assert resumed.state == RunState.COMPLETE


def test_a_missing_artifact_is_not_found_and_records_no_event(
    experiment_run: ExperimentRun, artifact_id: str
) -> None:
    kept = experiment_run.log_model(uri="gs://bucket/a", framework_name="custom")
    execution = Execution.create("system.ContainerExecution")

    with pytest.raises(NotFound):
        execution.assign_input_artifacts([kept, f"a-missing-{artifact_id}"])

    assert execution.get_input_artifacts() == []


def test_start_execution_without_a_schema_title_says_so() -> None:
    with pytest.raises(ValueError, match="schema_title must be provided"):
        aip.start_execution(display_name="train")


def test_bad_update_masks_and_foreign_artifacts_are_invalid_and_named(
    server: ServerProcess, artifact_id: str
) -> None:
    execution = Execution.create("system.ContainerExecution", resource_id=artifact_id)
    with grpc.insecure_channel(server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        with pytest.raises(grpc.RpcError) as bad_mask:
            stub.UpdateExecution(
                api.UpdateExecutionRequest(
                    execution=pb.Execution(name=execution.resource_name),
                    update_mask=field_mask_pb2.FieldMask(paths=["schema_title"]),
                )
            )
        foreign = f"projects/{PROJECT}/locations/europe-west4/metadataStores/default/artifacts/a1"
        with pytest.raises(grpc.RpcError) as bad_artifact:
            stub.AddExecutionEvents(
                api.AddExecutionEventsRequest(execution=execution.resource_name, input_artifacts=[foreign])
            )

    assert bad_mask.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "update_mask" in (bad_mask.value.details() or "")
    assert bad_artifact.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "input_artifacts[0]" in (bad_artifact.value.details() or "")
    with pytest.raises(InvalidArgument) as typed:
        execution.assign_output_artifacts([foreign])
    assert typed.value.field_violations[0][0] == "output_artifacts[0]"


def test_the_constructor_fetches_a_stored_execution_like_the_sdk(artifact_id: str) -> None:
    created = Execution.create("system.ContainerExecution", resource_id=artifact_id, display_name="train")
    created.update(state=RunState.COMPLETE)

    by_id = Execution(artifact_id)
    by_name = Execution(created.resource_name, project="ignored-for-a-full-name")

    assert by_id == by_name
    assert (by_id.name, by_id.display_name, by_id.state) == (artifact_id, "train", RunState.COMPLETE)
    by_id.update(metadata={"note": "seen"})
    assert Execution(artifact_id).metadata == {"note": "seen"}
    with pytest.raises(NotFound):
        Execution(f"{artifact_id}-missing")
    with pytest.raises(ValueError, match="no value fields"):
        Execution(artifact_id, display_name="other")


def test_execution_list_filters_and_orders_the_location_like_the_sdk(
    unique_name: Callable[[str], str],
) -> None:
    # Executions of other tests share the location: each of these has a display name of its own.
    names = [unique_name("x") for _ in range(3)]
    first = Execution.create("system.ContainerExecution", display_name=names[0])
    second = Execution.create("system.CustomJobExecution", display_name=names[1], state=RunState.COMPLETE)
    third = Execution.create("system.ContainerExecution", display_name=names[2], state=RunState.COMPLETE)

    listed = [e for e in Execution.list() if e.display_name in names]
    assert [e.name for e in listed] == [first.name, second.name, third.name]
    newest_first = [e for e in Execution.list(order_by="create_time desc") if e.display_name in names]
    assert [e.name for e in newest_first] == [third.name, second.name, first.name]
    assert [e.name for e in Execution.list(filter=f'display_name="{names[1]}"')] == [second.name]
    done = Execution.list(filter='schema_title="system.ContainerExecution" AND state=COMPLETE')
    assert third.name in {e.name for e in done}
    assert {first.name, second.name}.isdisjoint(e.name for e in done)
    # What the SDK's filter language has beyond these terms is refused, the field named.
    with pytest.raises(InvalidArgument) as caught:
        Execution.list(filter='in_context("projects/p/locations/l/metadataStores/default/contexts/c")')
    assert caught.value.field_violations[0][0] == "filter"


def test_a_run_listing_takes_no_filter(server: ServerProcess, experiment_run: ExperimentRun) -> None:
    with grpc.insecure_channel(server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        request = api.ListExecutionsRequest(parent=experiment_run.exprun_name, filter="state = COMPLETE")
        with pytest.raises(grpc.RpcError) as caught:
            stub.ListExecutions(request)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "filter" in (caught.value.details() or "")
