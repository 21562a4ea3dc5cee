"""Coalesced read-modify-writes of run metadata: concurrent writers through exprun and the SDK
beside it never lose each other's keys, and bursts cost few UpdateContext calls."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.model import Run, RunState
from exprun.server.stores.vertex.store import VertexRunStore
from google.api_core import exceptions
from google.cloud import aiplatform
from google.cloud.aiplatform_v1 import MetadataServiceClient
from google.cloud.aiplatform_v1.services.metadata_service.transports.grpc import MetadataServiceGrpcTransport
from google.cloud.aiplatform_v1.types import Context

from tests.fakes.vertex import Fault, Faults, VertexFake
from tests.fakes.vertex.sdk import sdk_against
from tests.vertex_store.vertex_support import PROJECT, STORE, requests

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def test_a_burst_of_merges_is_few_updates_and_loses_no_key(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    fake.faults = Faults({"UpdateContext": Fault(latency=0.05)})
    fake.clear_calls()
    results = await asyncio.gather(
        *(store.merge_summary(run.name, params={f"p{i}": i}, metrics={f"m{i}": i / 2}) for i in range(50))
    )
    got = await store.get_run(run.name)
    assert got.params == {f"p{i}": i for i in range(50)}
    assert got.metrics == {f"m{i}": i / 2 for i in range(50)}
    assert len(requests(fake, "UpdateContext")) <= 3
    # Each caller sees a run holding at least its own keys.
    for i, result in enumerate(results):
        assert result.params[f"p{i}"] == i


async def test_a_merge_over_the_limit_fails_alone_in_its_burst(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    fake.faults = Faults({"UpdateContext": Fault(latency=0.05)})
    too_big = {f"big{i}": "x" * 60_000 for i in range(4)}
    outcomes = await asyncio.gather(
        store.merge_summary(run.name, params={"a": 1}),
        store.merge_summary(run.name, params={"b": 2}),
        store.merge_summary(run.name, params=too_big),
        store.merge_summary(run.name, metrics={"c": 3.5}),
        return_exceptions=True,
    )
    assert isinstance(outcomes[2], InvalidArgument)
    assert outcomes[2].reason == "METADATA_TOO_LARGE"
    assert outcomes[2].violations[0].field == "params"
    assert not any(isinstance(o, BaseException) for i, o in enumerate(outcomes) if i != 2)
    got = await store.get_run(run.name)
    assert (got.params, got.metrics) == ({"a": 1, "b": 2}, {"c": 3.5})


async def test_state_updates_join_the_same_queue(store: VertexRunStore, fake: VertexFake, run: Run) -> None:
    fake.faults = Faults({"UpdateContext": Fault(latency=0.05)})
    await asyncio.gather(
        store.merge_summary(run.name, params={"a": 1}),
        store.update_run_state(run.name, RunState.COMPLETE),
        store.merge_summary(run.name, metrics={"b": 2}),
    )
    got = await store.get_run(run.name)
    assert (got.state, got.params, got.metrics) == (RunState.COMPLETE, {"a": 1}, {"b": 2})


async def test_a_write_by_the_sdk_since_our_read_is_merged_not_overwritten(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """The cached context's etag is stale after the SDK's write: Vertex answers ABORTED, and the
    change is applied again to a fresh read."""
    assert fake.address is not None
    await store.merge_summary(run.name, params={"ours": 1})
    with sdk_against(fake.address, project=PROJECT, location="us-central1"):
        aiplatform.ExperimentRun("run-1", experiment="exp-1").log_params({"theirs": "sdk"})
    fake.clear_calls()
    merged = await store.merge_summary(run.name, params={"ours-again": 2})
    assert merged.params == {"ours": 1, "theirs": "sdk", "ours-again": 2}
    assert fake.call_names() == ["UpdateContext", "GetContext", "UpdateContext"]


def sdk_style_writer(address: str, context: str, keys: int) -> None:
    """What `log_params` does (vertex-mapping.md §3.1), on the sync GAPIC client: GetContext,
    merge into `_params`, UpdateContext with the etag, again on ABORTED. (The SDK itself gives
    up after 5 conflicts and compares etags as strings, so it is not used for this race.)"""
    with grpc.insecure_channel(address) as channel:
        client = MetadataServiceClient(transport=MetadataServiceGrpcTransport(channel=channel))
        for i in range(keys):
            while True:
                current = Context.pb(client.get_context(name=context))
                current.metadata.fields["_params"].struct_value.update({f"sdk{i}": i})
                try:
                    client.update_context(context=Context.wrap(current))
                    break
                except exceptions.Aborted:
                    continue


async def test_concurrent_sdk_style_and_exprun_writers_keep_every_key(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """An SDK-style writer logs params one by one in a thread while exprun merges metrics; both
    retry on etag conflicts, so every key of both ends up in the run."""
    assert fake.address is not None
    fake.faults = Faults({"UpdateContext": Fault(latency=0.005), "GetContext": Fault(latency=0.005)})
    context = f"{STORE}/contexts/exp-1-run-1"
    writer = asyncio.create_task(asyncio.to_thread(sdk_style_writer, fake.address, context, 30))
    ours = 0
    while not writer.done() or ours < 30:
        await store.merge_summary(run.name, metrics={f"ours{ours}": ours})
        ours += 1
    await writer
    got = await store.get_run(run.name)
    assert got.params == {f"sdk{i}": i for i in range(30)}
    assert got.metrics == {f"ours{i}": i for i in range(ours)}
    # The writers did collide: some updates were refused for a stale etag and made again.
    assert len(requests(fake, "UpdateContext")) > 30 + ours


async def test_rewriting_a_value_another_writer_changed_since_is_not_skipped(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """Our cached copy still shows lr=0.1, so the merge looks like no change; the write's etag
    check finds the SDK's lr=0.5 and the last write, ours, wins."""
    assert fake.address is not None
    await store.merge_summary(run.name, params={"lr": 0.1})
    with sdk_against(fake.address, project=PROJECT, location="us-central1"):
        aiplatform.ExperimentRun("run-1", experiment="exp-1").log_params({"lr": 0.5})
    assert (await store.merge_summary(run.name, params={"lr": 0.1})).params == {"lr": 0.1}
    assert (await store.get_run(run.name)).params == {"lr": 0.1}


async def test_metadata_small_as_json_but_over_the_limit_serialized_is_refused_alone(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """15,000 one-number params are 130 KB of JSON but 280 KB serialized, past what Vertex takes."""
    many: dict[str, float | int | str] = {f"{i:x}": 1 for i in range(15_000)}
    outcomes = await asyncio.gather(
        store.merge_summary(run.name, params={"a": 1}),
        store.merge_summary(run.name, params=many),
        return_exceptions=True,
    )
    assert isinstance(outcomes[1], InvalidArgument)
    assert outcomes[1].reason == "METADATA_TOO_LARGE"
    assert (await store.get_run(run.name)).params == {"a": 1}


async def test_a_read_answered_after_our_own_write_does_not_replace_it_in_the_cache(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """A stream open reads the run while it writes the run's lease; should the read come back
    last, its older etag must not be what the next update sends (Vertex would refuse it, and
    the update would cost a fresh read and a second try)."""
    contexts = store._contexts
    before = await contexts.get(run.name, fresh=True)
    await store.merge_summary(run.name, params={"a": 1})
    contexts.remember(run.name, before)  # the late answer of a read sent before the write
    fake.clear_calls()
    await store.merge_summary(run.name, params={"b": 2})
    assert fake.call_names() == ["UpdateContext"]
    assert (await store.get_run(run.name)).params == {"a": 1, "b": 2}
