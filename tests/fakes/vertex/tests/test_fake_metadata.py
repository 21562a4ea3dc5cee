"""MetadataService of the fake through the v1 GAPIC clients: names, IDs, etags, updates, limits, paging."""

from __future__ import annotations

import grpc
import pytest
from google.api_core import exceptions
from google.cloud.aiplatform_v1 import (
    Artifact,
    Context,
    Event,
    Execution,
    MetadataServiceAsyncClient,
    MetadataServiceClient,
)
from google.cloud.aiplatform_v1.services.metadata_service.transports.grpc_asyncio import (
    MetadataServiceGrpcAsyncIOTransport,
)
from google.cloud.aiplatform_v1.types import (
    AddContextArtifactsAndExecutionsRequest,
    AddContextChildrenRequest,
    AddExecutionEventsRequest,
    ListArtifactsRequest,
    ListContextsRequest,
    RemoveContextChildrenRequest,
    UpdateContextRequest,
)
from google.longrunning import operations_pb2  # type: ignore[import-untyped]
from google.protobuf import field_mask_pb2

from tests.fakes.vertex import VertexFake
from tests.fakes.vertex.tests.conftest import (
    LOCATION,
    NUMBER,
    PROJECT,
    STORE,
    STORE_BY_NUMBER,
    finish,
    finish_async,
    metadata_of,
    moment,
)


def make_context(client: MetadataServiceClient, context_id: str, **fields: object) -> Context:
    return client.create_context(
        parent=STORE, context_id=context_id, context=Context(schema_title="system.Experiment", **fields)
    )


def list_contexts(client: MetadataServiceClient, **request: object) -> list[str]:
    found = client.list_contexts(request=ListContextsRequest(parent=STORE, **request))
    return [context.name.rsplit("/", 1)[1] for context in found]


def test_returned_names_use_the_project_number_whichever_form_the_request_used(
    metadata: MetadataServiceClient,
) -> None:
    created = make_context(metadata, "exp1")
    assert created.name == f"{STORE_BY_NUMBER}/contexts/exp1"
    assert metadata.get_context(name=f"{STORE}/contexts/exp1").name == created.name
    assert metadata.get_context(name=created.name).name == created.name
    assert metadata.get_metadata_store(name=STORE).name == STORE_BY_NUMBER


def test_unknown_project_ids_get_their_own_numbers(fake: VertexFake, metadata: MetadataServiceClient) -> None:
    store = fake.create_metadata_store("other-project", LOCATION)
    assert (
        store
        == f"projects/{fake.project_number('other-project')}/locations/{LOCATION}/metadataStores/default"
    )
    assert fake.project_number("other-project") not in (NUMBER, "other-project")
    assert fake.project_number("other-project").isdigit()


def test_create_sets_server_fields_and_generates_ids(metadata: MetadataServiceClient) -> None:
    context = make_context(metadata, "", display_name="x", parent_contexts=["ignored"])
    assert len(context.name.rsplit("/", 1)[1]) == 32
    assert context.etag == "1"
    assert context.create_time == context.update_time
    assert moment(context.create_time).year >= 2024
    assert list(context.parent_contexts) == []
    artifact = metadata.create_artifact(parent=STORE, artifact=Artifact(uri="gs://b/a"))
    execution = metadata.create_execution(parent=STORE, execution=Execution(state=Execution.State.RUNNING))
    assert len(artifact.name.rsplit("/", 1)[1]) == len(execution.name.rsplit("/", 1)[1]) == 32


@pytest.mark.parametrize("bad_id", ["abc", "Exp1", "run.1", "under_score", "x" * 129])
def test_ids_outside_the_documented_rule_are_invalid(metadata: MetadataServiceClient, bad_id: str) -> None:
    with pytest.raises(exceptions.InvalidArgument):
        make_context(metadata, bad_id)
    with pytest.raises(exceptions.InvalidArgument):
        metadata.create_artifact(parent=STORE, artifact=Artifact(), artifact_id=bad_id)
    with pytest.raises(exceptions.InvalidArgument):
        metadata.create_execution(parent=STORE, execution=Execution(), execution_id=bad_id)


def test_duplicate_ids_and_missing_resources(metadata: MetadataServiceClient) -> None:
    make_context(metadata, "exp1")
    with pytest.raises(exceptions.AlreadyExists):
        make_context(metadata, "exp1")
    with pytest.raises(exceptions.NotFound):
        metadata.get_context(name=f"{STORE}/contexts/nope")
    with pytest.raises(exceptions.NotFound):
        metadata.get_artifact(name=f"{STORE}/artifacts/nope")
    with pytest.raises(exceptions.NotFound):
        metadata.get_execution(name=f"{STORE}/executions/nope")
    with pytest.raises(exceptions.NotFound):
        metadata.get_metadata_store(name=f"projects/{PROJECT}/locations/europe-west4/metadataStores/default")
    with pytest.raises(exceptions.InvalidArgument):
        metadata.get_context(name="contexts/exp1")


def test_stale_etag_is_aborted_with_the_message_the_sdk_parses(metadata: MetadataServiceClient) -> None:
    context = make_context(metadata, "exp1", metadata={"a": 1})
    updated = metadata.update_context(
        context=Context(name=context.name, etag=context.etag, metadata={"a": 2})
    )
    assert updated.etag == "2"

    with pytest.raises(exceptions.Aborted) as aborted:
        metadata.update_context(context=context)  # still carries etag "1"

    assert aborted.value.message == "Specified Context `etag`: `1` does not match server `etag`: `2`"
    artifact = metadata.create_artifact(parent=STORE, artifact=Artifact(uri="u"), artifact_id="art1")
    metadata.update_artifact(artifact=artifact)
    with pytest.raises(
        exceptions.Aborted, match="Specified Artifact `etag`: `1` does not match server `etag`: `2`"
    ):
        metadata.update_artifact(artifact=artifact)


def test_update_without_etag_overwrites_blindly_and_bumps_it(metadata: MetadataServiceClient) -> None:
    make_context(metadata, "exp1")
    for expected in ("2", "3"):
        blind = Context(name=f"{STORE}/contexts/exp1", schema_title="system.Experiment")
        assert metadata.update_context(context=blind).etag == expected


def test_update_without_mask_replaces_every_field_and_metadata_wholesale(
    metadata: MetadataServiceClient,
) -> None:
    created = make_context(
        metadata, "exp1", display_name="d", description="old", metadata={"a": 1, "b": {"c": 2}}
    )
    replacement = Context(name=created.name, metadata={"b": {"d": 3}})

    updated = metadata.update_context(context=replacement)

    assert metadata_of(updated) == {"b": {"d": 3.0}}
    assert (updated.display_name, updated.description, updated.schema_title) == ("", "", "")
    assert updated.create_time == created.create_time
    assert moment(updated.update_time) > moment(created.update_time)


def test_update_with_a_mask_touches_only_those_fields(metadata: MetadataServiceClient) -> None:
    created = make_context(metadata, "exp1", display_name="d", description="old", metadata={"a": 1})
    change = Context(name=created.name, description="new", metadata={"z": 0})

    updated = metadata.update_context(
        request=UpdateContextRequest(
            context=change, update_mask=field_mask_pb2.FieldMask(paths=["description"])
        )
    )

    assert (updated.description, updated.display_name, metadata_of(updated)) == ("new", "d", {"a": 1.0})
    with pytest.raises(exceptions.InvalidArgument):
        metadata.update_context(
            request=UpdateContextRequest(context=change, update_mask=field_mask_pb2.FieldMask(paths=["name"]))
        )


def test_update_with_allow_missing_creates(metadata: MetadataServiceClient) -> None:
    missing = Context(name=f"{STORE}/contexts/new-one", display_name="n")
    with pytest.raises(exceptions.NotFound):
        metadata.update_context(context=missing)
    created = metadata.update_context(request=UpdateContextRequest(context=missing, allow_missing=True))
    assert (created.name, created.etag) == (f"{STORE_BY_NUMBER}/contexts/new-one", "1")


def test_metadata_over_200_kb_is_invalid_and_changes_nothing(metadata: MetadataServiceClient) -> None:
    context = make_context(metadata, "exp1", metadata={"small": "x"})
    with pytest.raises(exceptions.InvalidArgument, match="200KB"):
        make_context(metadata, "exp2", metadata={"big": "x" * (200 * 1024)})
    with pytest.raises(exceptions.InvalidArgument):
        metadata.update_context(context=Context(name=context.name, metadata={"big": "x" * (200 * 1024)}))
    assert metadata_of(metadata.get_context(name=context.name)) == {"small": "x"}
    just_under = "x" * (200 * 1024 - 20)
    assert metadata_of(make_context(metadata, "exp3", metadata={"k": just_under})) == {"k": just_under}


def test_top_level_metadata_keys_are_trimmed(metadata: MetadataServiceClient) -> None:
    context = make_context(metadata, "exp1", metadata={" padded ": {" inner ": 1}})
    assert metadata_of(context) == {"padded": {" inner ": 1.0}}


def test_context_children_limits_cycles_and_idempotence(metadata: MetadataServiceClient) -> None:
    parents = [make_context(metadata, f"parent-{index}").name for index in range(11)]
    child = make_context(metadata, "child").name
    for parent in parents[:10]:
        metadata.add_context_children(
            request=AddContextChildrenRequest(context=parent, child_contexts=[child])
        )
    metadata.add_context_children(
        request=AddContextChildrenRequest(context=parents[0], child_contexts=[child])
    )
    assert len(metadata.get_context(name=child).parent_contexts) == 10

    with pytest.raises(exceptions.InvalidArgument, match="more than 10 parent"):
        metadata.add_context_children(
            request=AddContextChildrenRequest(context=parents[10], child_contexts=[child])
        )
    with pytest.raises(exceptions.InvalidArgument, match="cycle"):
        metadata.add_context_children(
            request=AddContextChildrenRequest(context=child, child_contexts=[parents[0]])
        )
    with pytest.raises(exceptions.NotFound):
        metadata.add_context_children(
            request=AddContextChildrenRequest(context=parents[10], child_contexts=[f"{STORE}/contexts/nope"])
        )
    metadata.remove_context_children(
        request=RemoveContextChildrenRequest(context=parents[0], child_contexts=[child])
    )
    assert parents[0] not in metadata.get_context(name=child).parent_contexts


def test_delete_context_drops_its_links_but_keeps_artifacts_and_executions(
    metadata: MetadataServiceClient,
) -> None:
    experiment = make_context(metadata, "exp1").name
    run = make_context(metadata, "exp1-run1").name
    metadata.add_context_children(request=AddContextChildrenRequest(context=experiment, child_contexts=[run]))
    artifact = metadata.create_artifact(parent=STORE, artifact=Artifact(uri="u")).name
    execution = metadata.create_execution(parent=STORE, execution=Execution()).name
    metadata.add_context_artifacts_and_executions(
        request=AddContextArtifactsAndExecutionsRequest(
            context=run, artifacts=[artifact], executions=[execution]
        )
    )

    finish(metadata.delete_context(name=experiment))
    assert list(metadata.get_context(name=run).parent_contexts) == []
    finish(metadata.delete_context(name=run))

    assert metadata.get_artifact(name=artifact).name == artifact
    assert metadata.get_execution(name=execution).name == execution
    remade = make_context(metadata, "exp1-run1").name
    assert (
        list(
            metadata.list_artifacts(
                request=ListArtifactsRequest(parent=STORE, filter=f'in_context("{remade}")')
            )
        )
        == []
    )
    with pytest.raises(exceptions.NotFound):
        finish(metadata.delete_context(name=experiment))


def test_finished_operations_can_be_polled(metadata: MetadataServiceClient, channel: grpc.Channel) -> None:
    operation = metadata.delete_context(name=make_context(metadata, "exp1").name)
    name = operation.operation.name
    assert name.startswith(f"projects/{NUMBER}/locations/{LOCATION}/operations/")
    get_operation = channel.unary_unary(
        "/google.longrunning.Operations/GetOperation",
        request_serializer=operations_pb2.GetOperationRequest.SerializeToString,
        response_deserializer=operations_pb2.Operation.FromString,
    )
    assert get_operation(operations_pb2.GetOperationRequest(name=name)).done
    with pytest.raises(grpc.RpcError) as missing:
        get_operation(
            operations_pb2.GetOperationRequest(name=f"projects/{NUMBER}/locations/{LOCATION}/operations/1")
        )
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_delete_with_a_stale_etag_is_a_failed_precondition(metadata: MetadataServiceClient) -> None:
    context = make_context(metadata, "exp1")
    with pytest.raises(exceptions.FailedPrecondition):
        metadata.delete_context(request={"name": context.name, "etag": "7"})
    finish(metadata.delete_context(request={"name": context.name, "etag": "1"}))


def test_events_and_lineage_of_a_context(metadata: MetadataServiceClient) -> None:
    run = make_context(metadata, "exp1-run1").name
    data = metadata.create_artifact(parent=STORE, artifact=Artifact(uri="gs://data"), artifact_id="data").name
    execution = metadata.create_execution(parent=STORE, execution=Execution(display_name="train"))
    metadata.add_execution_events(
        request=AddExecutionEventsRequest(
            execution=execution.name, events=[Event(artifact=data, type_=Event.Type.INPUT)]
        )
    )
    metadata.add_context_artifacts_and_executions(
        request=AddContextArtifactsAndExecutionsRequest(
            context=run, artifacts=[data], executions=[execution.name]
        )
    )

    lineage = metadata.query_context_lineage_subgraph(context=run)

    assert [artifact.uri for artifact in lineage.artifacts] == ["gs://data"]
    assert [found.display_name for found in lineage.executions] == ["train"]
    [event] = lineage.events
    assert (event.artifact, event.execution, event.type_) == (
        f"{STORE_BY_NUMBER}/artifacts/data",
        execution.name,
        Event.Type.INPUT,
    )
    with pytest.raises(exceptions.InvalidArgument):
        metadata.add_execution_events(
            request=AddExecutionEventsRequest(execution=execution.name, events=[Event(artifact=data)])
        )


def test_list_pages_with_opaque_tokens_and_default_sizes(metadata: MetadataServiceClient) -> None:
    for index in range(105):
        make_context(metadata, f"ctx-{index:03d}")

    first = metadata.list_contexts(request=ListContextsRequest(parent=STORE))
    assert len(first.contexts) == 100
    assert first.next_page_token
    pages = list(metadata.list_contexts(request=ListContextsRequest(parent=STORE, page_size=7)).pages)
    assert [len(page.contexts) for page in pages] == [7] * 15
    assert pages[-1].next_page_token == ""
    names = [context.name for page in pages for context in page.contexts]
    assert len(set(names)) == 105

    token = pages[0].next_page_token
    with pytest.raises(exceptions.InvalidArgument):
        metadata.list_contexts(
            request=ListContextsRequest(parent=STORE, page_token=token, filter='display_name="x"')
        )
    with pytest.raises(exceptions.InvalidArgument):
        metadata.list_contexts(request=ListContextsRequest(parent=STORE, page_token="garbage"))
    big = metadata.list_contexts(request=ListContextsRequest(parent=STORE, page_size=5000))
    assert len(big.contexts) == 105


def test_order_by_create_time_update_time_and_display_name(metadata: MetadataServiceClient) -> None:
    for context_id, display_name in (("ctx-a", "b"), ("ctx-b", "c"), ("ctx-c", "a")):
        make_context(metadata, context_id, display_name=display_name)
    touched = metadata.get_context(name=f"{STORE}/contexts/ctx-a")
    metadata.update_context(context=touched)

    assert list_contexts(metadata, order_by="display_name") == ["ctx-c", "ctx-a", "ctx-b"]
    assert list_contexts(metadata, order_by="display_name desc") == ["ctx-b", "ctx-a", "ctx-c"]
    assert list_contexts(metadata, order_by="create_time desc") == ["ctx-c", "ctx-b", "ctx-a"]
    assert list_contexts(metadata, order_by="update_time desc")[0] == "ctx-a"
    with pytest.raises(exceptions.InvalidArgument):
        list_contexts(metadata, order_by="schema_title")


async def test_the_async_gapic_client_works_too(fake: VertexFake, metadata: MetadataServiceClient) -> None:
    assert fake.address is not None
    channel = grpc.aio.insecure_channel(fake.address)
    client = MetadataServiceAsyncClient(transport=MetadataServiceGrpcAsyncIOTransport(channel=channel))
    try:
        created = await client.create_context(
            parent=STORE, context_id="exp1", context=Context(schema_title="system.Experiment")
        )
        pager = await client.list_contexts(request=ListContextsRequest(parent=STORE, page_size=1))
        assert [context.name async for context in pager] == [created.name]
        operation = await client.delete_context(name=created.name)
        await finish_async(operation)
        with pytest.raises(exceptions.NotFound):
            await client.get_context(name=created.name)
    finally:
        await channel.close()
