"""Runs: create (with Vertex context-ID uniqueness), get, list, state and delete."""

from __future__ import annotations

from datetime import UTC

import pytest
from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import Experiment, FilterTerm, ListQuery, Run, RunState, Series
from exprun.server.core.names import ExperimentName, LocationName
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")

LOCATION = LocationName("test-project", "us-central1")


async def make_experiment(store: RunStore, experiment_id: str) -> ExperimentName:
    name = ExperimentName(LOCATION.project, LOCATION.location, experiment_id)
    await store.create_experiment(Experiment(name))
    return name


async def run_ids(store: RunStore, parent: ExperimentName, query: ListQuery) -> list[str]:
    return [r.name.run for r in (await store.list_runs(parent, query)).items]


async def test_created_run_reads_back_running_and_empty(store: RunStore, experiment: Experiment) -> None:
    created = await store.create_run(Run(experiment.name.run("run-a")))
    got = await store.get_run(experiment.name.run("run-a"))
    assert got == created
    assert got.state == RunState.RUNNING
    assert (got.params, got.metrics, got.backing_tensorboard_run, got.time_series_metrics) == ({}, {}, "", ())
    assert got.create_time is not None
    assert got.create_time.tzinfo == UTC
    assert got.update_time == got.create_time


async def test_run_is_created_in_the_requested_state(store: RunStore, experiment: Experiment) -> None:
    created = await store.create_run(Run(experiment.name.run("run-a"), state=RunState.NEW))
    assert created.state == RunState.NEW


async def test_run_in_a_missing_experiment_is_experiment_not_found(store: RunStore) -> None:
    missing = ExperimentName(LOCATION.project, LOCATION.location, "nope")
    with pytest.raises(NotFound) as caught:
        await store.create_run(Run(missing.run("r1")))
    assert caught.value.reason == "EXPERIMENT_NOT_FOUND"
    assert caught.value.resource_name == missing.path


async def test_creating_an_existing_run_is_already_exists(store: RunStore, run: Run) -> None:
    with pytest.raises(AlreadyExists) as caught:
        await store.create_run(Run(run.name))
    assert caught.value.reason == "RUN_ALREADY_EXISTS"


async def test_runs_with_the_same_context_id_collide_across_experiments(store: RunStore) -> None:
    """Run `b-c` of `aaaa` and run `c` of `aaaa-b` are both context `aaaa-b-c` in Vertex."""
    first = await make_experiment(store, "aaaa")
    second = await make_experiment(store, "aaaa-b")
    await store.create_run(Run(first.run("b-c")))
    with pytest.raises(AlreadyExists):
        await store.create_run(Run(second.run("c")))
    with pytest.raises(NotFound):
        await store.get_run(second.run("c"))
    assert await run_ids(store, second, ListQuery(page_size=10)) == []


async def test_run_context_id_equal_to_an_experiment_id_is_already_exists(store: RunStore) -> None:
    parent = await make_experiment(store, "aaaa")
    await make_experiment(store, "aaaa-b")
    with pytest.raises(AlreadyExists):
        await store.create_run(Run(parent.run("b")))


async def test_same_run_id_in_two_experiments_is_two_runs(store: RunStore) -> None:
    first = await make_experiment(store, "exp-a")
    second = await make_experiment(store, "exp-b")
    await store.create_run(Run(first.run("r1")))
    await store.create_run(Run(second.run("r1"), state=RunState.NEW))
    assert (await store.get_run(first.run("r1"))).state == RunState.RUNNING
    assert (await store.get_run(second.run("r1"))).state == RunState.NEW


async def test_same_run_name_in_another_location_is_another_run(store: RunStore, run: Run) -> None:
    other = ExperimentName("test-project", "europe-west4", run.name.experiment)
    await store.create_experiment(Experiment(other))
    await store.create_run(Run(other.run(run.name.run), state=RunState.FAILED))
    assert (await store.get_run(run.name)).state == RunState.RUNNING
    assert (await store.get_run(other.run(run.name.run))).state == RunState.FAILED


async def test_missing_run_is_not_found(store: RunStore, experiment: Experiment) -> None:
    with pytest.raises(NotFound) as caught:
        await store.get_run(experiment.name.run("nope"))
    assert caught.value.reason == "RUN_NOT_FOUND"
    assert caught.value.resource_name == experiment.name.run("nope").path


async def test_state_update_is_stored_and_moves_update_time(store: RunStore, run: Run) -> None:
    updated = await store.update_run_state(run.name, RunState.COMPLETE)
    assert updated.state == RunState.COMPLETE
    assert (await store.get_run(run.name)).state == RunState.COMPLETE
    assert updated.update_time is not None
    assert run.update_time is not None
    assert updated.update_time > run.update_time
    assert updated.create_time == run.create_time


async def test_every_state_change_moves_update_time_forward(store: RunStore, run: Run) -> None:
    times = [run.update_time]
    for state in (RunState.FAILED, RunState.RUNNING, RunState.CANCELLED, RunState.RUNNING):
        times.append((await store.update_run_state(run.name, state)).update_time)
    stamps = [t for t in times if t is not None]
    assert len(stamps) == len(times)
    assert stamps == sorted(set(stamps))


async def test_state_update_of_a_missing_run_is_not_found(store: RunStore, experiment: Experiment) -> None:
    with pytest.raises(NotFound):
        await store.update_run_state(experiment.name.run("nope"), RunState.COMPLETE)


async def test_list_runs_pages_in_creation_order(store: RunStore, experiment: Experiment) -> None:
    ids = [f"run-{i}" for i in range(5)]
    for run_id in ids:
        await store.create_run(Run(experiment.name.run(run_id)))
    first = await store.list_runs(experiment.name, ListQuery(page_size=3))
    second = await store.list_runs(experiment.name, ListQuery(page_size=3, cursor=first.next_cursor))
    assert [r.name.run for r in first.items] == ids[:3]
    assert first.has_more
    assert [r.name.run for r in second.items] == ids[3:]
    assert not second.has_more


async def test_list_runs_holds_only_the_experiments_runs(store: RunStore) -> None:
    first = await make_experiment(store, "exp-a")
    second = await make_experiment(store, "exp-b")
    await store.create_run(Run(first.run("r1")))
    await store.create_run(Run(second.run("r2")))
    assert await run_ids(store, first, ListQuery(page_size=10)) == ["r1"]
    assert await run_ids(store, second, ListQuery(page_size=10)) == ["r2"]


async def test_list_runs_filters_by_state(store: RunStore, experiment: Experiment) -> None:
    for run_id, state in (("r1", RunState.RUNNING), ("r2", RunState.COMPLETE), ("r3", RunState.RUNNING)):
        await store.create_run(Run(experiment.name.run(run_id), state=state))
    running = ListQuery(page_size=10, filters=(FilterTerm("state", "RUNNING"),))
    not_running = ListQuery(page_size=10, filters=(FilterTerm("state", "RUNNING", negate=True),))
    assert await run_ids(store, experiment.name, running) == ["r1", "r3"]
    assert await run_ids(store, experiment.name, not_running) == ["r2"]


async def test_list_runs_filters_by_run_id(store: RunStore, experiment: Experiment) -> None:
    for run_id in ("r1", "r2"):
        await store.create_run(Run(experiment.name.run(run_id)))
    query = ListQuery(page_size=10, filters=(FilterTerm("run_id", "r2"),))
    assert await run_ids(store, experiment.name, query) == ["r2"]


async def test_list_runs_orders_by_run_id_descending(store: RunStore, experiment: Experiment) -> None:
    for run_id in ("r2", "r3", "r1"):
        await store.create_run(Run(experiment.name.run(run_id)))
    query = ListQuery(page_size=10, order_by="run_id", descending=True)
    assert await run_ids(store, experiment.name, query) == ["r3", "r2", "r1"]


async def test_list_runs_by_update_time_puts_the_last_changed_last(
    store: RunStore, experiment: Experiment
) -> None:
    for run_id in ("r1", "r2", "r3"):
        await store.create_run(Run(experiment.name.run(run_id)))
    await store.update_run_state(experiment.name.run("r1"), RunState.COMPLETE)
    query = ListQuery(page_size=10, order_by="update_time")
    assert await run_ids(store, experiment.name, query) == ["r2", "r3", "r1"]


async def test_list_runs_in_a_missing_experiment_is_not_found(store: RunStore) -> None:
    missing = ExperimentName(LOCATION.project, LOCATION.location, "nope")
    with pytest.raises(NotFound) as caught:
        await store.list_runs(missing, ListQuery(page_size=10))
    assert caught.value.reason == "EXPERIMENT_NOT_FOUND"


async def test_listed_runs_carry_their_summaries_and_time_series_names(
    store: RunStore, experiment: Experiment
) -> None:
    for run_id in ("r1", "r2"):
        await store.create_run(Run(experiment.name.run(run_id)))
    await store.merge_summary(experiment.name.run("r1"), params={"lr": 0.1}, metrics={"acc": 1})
    await store.write_time_series(
        experiment.name.run("r1"),
        [Series("loss", [1], [0.5], [10]), Series("acc", [1], [0.7], [10])],
        None,
    )
    listed = {r.name.run: r for r in (await store.list_runs(experiment.name, ListQuery(page_size=10))).items}
    assert listed["r1"] == await store.get_run(experiment.name.run("r1"))
    assert listed["r1"].time_series_metrics == ("acc", "loss")
    assert (listed["r1"].params, listed["r1"].metrics) == ({"lr": 0.1}, {"acc": 1})
    assert listed["r2"].time_series_metrics == ()


async def test_deleted_run_is_not_found(store: RunStore, run: Run) -> None:
    await store.delete_run(run.name, delete_backing_tensorboard_run=False)
    with pytest.raises(NotFound):
        await store.get_run(run.name)
    assert (await store.list_runs(run.name.parent, ListQuery(page_size=10))).items == []


async def test_deleting_a_missing_run_is_not_found(store: RunStore, experiment: Experiment) -> None:
    with pytest.raises(NotFound):
        await store.delete_run(experiment.name.run("nope"), delete_backing_tensorboard_run=True)


async def test_deleted_run_frees_its_context_id(store: RunStore) -> None:
    first = await make_experiment(store, "aaaa")
    second = await make_experiment(store, "aaaa-b")
    await store.create_run(Run(first.run("b-c")))
    await store.delete_run(first.run("b-c"), delete_backing_tensorboard_run=False)
    created = await store.create_run(Run(second.run("c")))
    assert created.name == second.run("c")
