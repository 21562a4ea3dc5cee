"""Runs on Vertex beyond the conformance suite: names that are not what they seem, values as
Vertex keeps them, and liveness failures with their reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from exprun.server.core.errors import AlreadyExists, FailedPrecondition, NotFound
from exprun.server.core.model import Experiment, ListQuery, Run, RunState
from exprun.server.core.names import ExperimentName
from exprun.server.stores.vertex.store import VertexRunStore
from google.protobuf import json_format

from tests.fakes.vertex import VertexFake
from tests.vertex_store.vertex_support import EXPERIMENT, PROJECT, requests

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def test_a_run_context_is_not_an_experiment(store: VertexRunStore, run: Run) -> None:
    """`exp-1-run-1` is run-1's context: as an experiment it is refused, naming what it is."""
    with pytest.raises(FailedPrecondition) as caught:
        await store.get_experiment(ExperimentName(PROJECT, "us-central1", "exp-1-run-1"))
    assert caught.value.reason == "NOT_AN_EXPERIMENT"
    assert "system.ExperimentRun" in caught.value.message


async def test_a_run_of_another_experiment_under_the_same_context_id_is_not_found(
    store: VertexRunStore,
) -> None:
    first = ExperimentName(PROJECT, "us-central1", "aaaa")
    second = ExperimentName(PROJECT, "us-central1", "aaaa-b")
    for experiment in (first, second):
        await store.create_experiment(Experiment(experiment))
    await store.create_run(Run(first.run("b-c")))
    with pytest.raises(NotFound):
        await store.get_run(second.run("c"))
    with pytest.raises(AlreadyExists) as caught:
        await store.create_run(Run(second.run("c")))
    assert "aaaa-b-c" in caught.value.message


async def test_ints_are_kept_exactly_beside_the_doubles_vertex_stores(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    await store.merge_summary(run.name, params={"big": 2**63 - 1, "neg": -(2**63), "f": 3.0, "s": "3"})
    (update,) = requests(fake, "UpdateContext")
    stored = json_format.MessageToDict(type(update.context).pb(update.context).metadata)
    assert stored["_params"] == {"big": 2.0**63, "neg": -(2.0**63), "f": 3.0, "s": "3"}
    assert stored["_exprun"] == {"int_params": {"big": str(2**63 - 1), "neg": str(-(2**63))}}
    got = await store.get_run(run.name)
    assert got.params == {"big": 2**63 - 1, "neg": -(2**63), "f": 3.0, "s": "3"}
    assert [type(got.params[k]) for k in ("big", "f")] == [int, float]
    # A float logged over an int takes its place, side entry and all.
    again = await store.merge_summary(run.name, params={"big": 0.5})
    assert again.params["big"] == 0.5
    (_, second) = requests(fake, "UpdateContext")
    assert json_format.MessageToDict(type(second.context).pb(second.context).metadata)["_exprun"] == {
        "int_params": {"neg": str(-(2**63))}
    }


async def test_overdue_running_runs_fail_with_a_reason_and_others_are_left(
    store: VertexRunStore, run: Run
) -> None:
    done = await store.create_run(Run(EXPERIMENT.run("done"), state=RunState.COMPLETE))
    now = datetime.now(UTC)
    # The store's leases are off (timeout 0): a lease kept a second ago ended then.
    kept = await store.keep_alive([run.name, done.name], now - timedelta(seconds=1))
    assert list(kept) == [run.name]
    failed = await store.fail_overdue_runs(now, "no heartbeat for 600 s")
    assert failed == [run.name]
    got = await store.get_run(run.name)
    assert (got.state, got.state_reason) == (RunState.FAILED, "no heartbeat for 600 s")
    assert (await store.get_run(done.name)).state == RunState.COMPLETE
    listed = {r.name.run: r for r in (await store.list_runs(EXPERIMENT, ListQuery(page_size=10))).items}
    assert listed["run-1"].state_reason == "no heartbeat for 600 s"
    restarted = await store.update_run_state(run.name, RunState.RUNNING)
    assert (restarted.state, restarted.state_reason) == (RunState.RUNNING, "")
    assert restarted.liveness_deadline is None
