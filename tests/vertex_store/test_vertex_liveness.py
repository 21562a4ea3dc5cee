"""Liveness leases on Vertex beyond the conformance suite: where the deadline sits in the run's
metadata (what the sweep's filter reads) and the race the etag settles, a lease renewed by
another replica between the sweep's listing and its update."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from exprun.server.core.model import Experiment, Run, RunState
from exprun.server.stores.vertex.store import VertexRunStore
from google.protobuf import json_format

from tests.fakes.vertex import Faults, VertexFake
from tests.fakes.vertex.faults import Decision
from tests.vertex_store.vertex_support import EXPERIMENT, NUMBER, RUN, OpenStore, requests

pytestmark = pytest.mark.asyncio(loop_scope="function")

CONTEXT = f"projects/{NUMBER}/locations/us-central1/metadataStores/default/contexts/exp-1-run-1"


async def store_with_run(open_store: OpenStore) -> VertexRunStore:
    """A store with liveness off (leases of 0 s): `keep_alive` deadlines are its `now`."""
    store = await open_store()
    await store.create_experiment(Experiment(EXPERIMENT))
    await store.create_run(Run(RUN))
    return store


def stored_metadata(fake: VertexFake) -> dict[str, object]:
    ctx = fake.get_context(CONTEXT)
    return json_format.MessageToDict(type(ctx).pb(ctx).metadata)


async def test_the_deadline_is_a_top_level_number_beside_the_sdk_keys(
    open_store: OpenStore, fake: VertexFake
) -> None:
    store = await store_with_run(open_store)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    await store.keep_alive([RUN], now)
    meta = stored_metadata(fake)
    assert meta["_state"] == "RUNNING"
    assert meta["_exprun_deadline"] == now.timestamp()  # leases off: a lease of 0 s
    ended = await store.update_run_state(RUN, RunState.COMPLETE)
    assert ended.liveness_deadline is None
    assert "_exprun_deadline" not in stored_metadata(fake)


class _RenewBeforeFirstUpdate(Faults):
    """Plays another replica: just before the next UpdateContext reaches the fake, it moves the
    run's deadline far ahead (a write of its own, so the etag changes)."""

    def __init__(self, fake: VertexFake, deadline: datetime) -> None:
        super().__init__()
        self._fake = fake
        self._deadline = deadline
        self.renewed = False

    def decide(self, method: str) -> Decision:
        if method == "UpdateContext" and not self.renewed:
            self.renewed = True
            ctx = self._fake.get_context(CONTEXT)
            raw = type(ctx).pb(ctx)
            raw.metadata["_exprun_deadline"] = self._deadline.timestamp()
            self._fake.update_context(type(ctx).wrap(raw))
        return super().decide(method)


async def test_a_lease_renewed_between_the_sweeps_listing_and_its_update_stands(
    open_store: OpenStore, fake: VertexFake
) -> None:
    store = await store_with_run(open_store)
    now = datetime.now(UTC)
    deadline = (await store.keep_alive([RUN], now))[RUN]
    race = _RenewBeforeFirstUpdate(fake, deadline + timedelta(hours=1))
    fake.faults = race
    updates_before = len(requests(fake, "UpdateContext"))
    # The listing sees the run overdue; the update meets the other replica's renewal.
    assert await store.fail_overdue_runs(deadline + timedelta(seconds=1), "silent") == []
    assert race.renewed
    assert len(requests(fake, "UpdateContext")) == updates_before + 1  # the one that met ABORTED
    got = await store.get_run(RUN)
    assert got.state == RunState.RUNNING
    assert got.liveness_deadline is not None
    assert got.liveness_deadline > deadline
