"""Experiments: create, get, list (paging, filters, order) and delete, namespaced by location."""

from __future__ import annotations

from datetime import UTC

import pytest
from exprun.server.core.errors import AlreadyExists, InvalidArgument, NotFound
from exprun.server.core.model import Experiment, FilterTerm, ListQuery, Run
from exprun.server.core.names import ExperimentName, LocationName
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")

LOCATION = LocationName("test-project", "us-central1")
TENSORBOARD = f"{LOCATION.path}/tensorboards/tb1"


def name(experiment_id: str, location: LocationName = LOCATION) -> ExperimentName:
    return ExperimentName(location.project, location.location, experiment_id)


async def make(store: RunStore, *ids: str) -> list[Experiment]:
    return [await store.create_experiment(Experiment(name(i))) for i in ids]


async def ids_of(store: RunStore, query: ListQuery, location: LocationName = LOCATION) -> list[str]:
    return [e.name.experiment for e in (await store.list_experiments(location, query)).items]


async def test_created_experiment_reads_back_with_utc_times(store: RunStore) -> None:
    created = await store.create_experiment(
        Experiment(name("exp-a"), description="my desc", backing_tensorboard=TENSORBOARD)
    )
    got = await store.get_experiment(name("exp-a"))
    assert got == created
    assert (got.name, got.description, got.backing_tensorboard) == (name("exp-a"), "my desc", TENSORBOARD)
    assert got.create_time is not None
    assert got.create_time.tzinfo == UTC
    assert got.update_time is not None
    assert got.update_time >= got.create_time


async def test_creating_an_existing_experiment_is_already_exists(store: RunStore) -> None:
    await make(store, "exp-a")
    with pytest.raises(AlreadyExists) as caught:
        await store.create_experiment(Experiment(name("exp-a"), description="other"))
    assert caught.value.reason == "EXPERIMENT_ALREADY_EXISTS"
    assert (await store.get_experiment(name("exp-a"))).description == ""


async def test_missing_experiment_is_not_found(store: RunStore) -> None:
    with pytest.raises(NotFound) as caught:
        await store.get_experiment(name("nope"))
    assert caught.value.reason == "EXPERIMENT_NOT_FOUND"
    assert caught.value.resource_name == name("nope").path


async def test_same_experiment_id_is_separate_per_project_and_location(store: RunStore) -> None:
    elsewhere = [LocationName("test-project", "europe-west4"), LocationName("other-project", "us-central1")]
    await store.create_experiment(Experiment(name("exp-a"), description="here"))
    for location in elsewhere:
        await store.create_experiment(Experiment(name("exp-a", location), description=location.path))
    assert (await store.get_experiment(name("exp-a"))).description == "here"
    for location in elsewhere:
        assert (await store.get_experiment(name("exp-a", location))).description == location.path
        assert await ids_of(store, ListQuery(page_size=10), location) == ["exp-a"]


async def test_experiment_id_used_as_a_run_context_id_is_already_exists(store: RunStore) -> None:
    """Vertex keys experiment and run contexts in one ID space: run `b` of `exp-a` is `exp-a-b`."""
    (experiment,) = await make(store, "exp-a")
    await store.create_run(Run(experiment.name.run("b")))
    with pytest.raises(AlreadyExists):
        await store.create_experiment(Experiment(name("exp-a-b")))


async def test_list_pages_in_creation_order_without_gaps_or_repeats(store: RunStore) -> None:
    ids = [f"exp-{i:02d}" for i in range(7)]
    await make(store, *ids)
    seen: list[str] = []
    cursor, more = "", True
    while more:
        page = await store.list_experiments(LOCATION, ListQuery(page_size=3, cursor=cursor))
        assert len(page.items) <= 3
        seen += [e.name.experiment for e in page.items]
        cursor, more = page.next_cursor, page.has_more
    assert seen == ids


async def test_last_full_page_reports_no_more(store: RunStore) -> None:
    await make(store, "exp-a", "exp-b")
    page = await store.list_experiments(LOCATION, ListQuery(page_size=2))
    assert len(page.items) == 2
    assert not page.has_more


async def test_list_orders_by_experiment_id_both_ways(store: RunStore) -> None:
    await make(store, "exp-b", "exp-c", "exp-a")
    ascending = ListQuery(page_size=10, order_by="experiment_id")
    descending = ListQuery(page_size=10, order_by="experiment_id", descending=True)
    assert await ids_of(store, ascending) == ["exp-a", "exp-b", "exp-c"]
    assert await ids_of(store, descending) == ["exp-c", "exp-b", "exp-a"]


async def test_list_descending_by_create_time_is_newest_first(store: RunStore) -> None:
    await make(store, "exp-a", "exp-b", "exp-c")
    query = ListQuery(page_size=10, order_by="create_time", descending=True)
    assert await ids_of(store, query) == ["exp-c", "exp-b", "exp-a"]


async def test_list_orders_by_update_time_with_stable_ties(store: RunStore) -> None:
    ids = [f"exp-{i}" for i in range(5)]
    await make(store, *ids)
    seen: list[str] = []
    cursor = None
    while cursor != "":
        page = await store.list_experiments(
            LOCATION, ListQuery(page_size=2, cursor=cursor or "", order_by="update_time")
        )
        seen += [e.name.experiment for e in page.items]
        cursor = page.next_cursor
    assert seen == ids


async def test_list_filters_by_experiment_id_and_its_negation(store: RunStore) -> None:
    await make(store, "exp-a", "exp-b", "exp-c")
    equal = ListQuery(page_size=10, filters=(FilterTerm("experiment_id", "exp-b"),))
    not_equal = ListQuery(page_size=10, filters=(FilterTerm("experiment_id", "exp-b", negate=True),))
    assert await ids_of(store, equal) == ["exp-b"]
    assert await ids_of(store, not_equal) == ["exp-a", "exp-c"]


async def test_list_filters_by_backing_tensorboard(store: RunStore) -> None:
    other = f"{LOCATION.path}/tensorboards/tb2"
    await store.create_experiment(Experiment(name("exp-a"), backing_tensorboard=other))
    # The Vertex store backs an experiment made without one by its default TensorBoard (tb1).
    plain = await store.create_experiment(Experiment(name("exp-b")))
    with_tb = ListQuery(page_size=10, filters=(FilterTerm("backing_tensorboard", other),))
    without_tb = ListQuery(page_size=10, filters=(FilterTerm("backing_tensorboard", ""),))
    assert await ids_of(store, with_tb) == ["exp-a"]
    assert await ids_of(store, without_tb) == ([] if plain.backing_tensorboard else ["exp-b"])


async def test_list_filter_terms_combine_with_and(store: RunStore) -> None:
    await make(store, "exp-a", "exp-b", "exp-c")
    query = ListQuery(
        page_size=10,
        filters=(
            FilterTerm("experiment_id", "exp-a", negate=True),
            FilterTerm("experiment_id", "exp-c", True),
        ),
    )
    assert await ids_of(store, query) == ["exp-b"]


async def test_list_rejects_an_unknown_filter_field(store: RunStore) -> None:
    with pytest.raises(InvalidArgument):
        await store.list_experiments(LOCATION, ListQuery(page_size=10, filters=(FilterTerm("x", "y"),)))


async def test_list_of_an_empty_location_is_empty(store: RunStore) -> None:
    page = await store.list_experiments(LocationName("empty-project", "us-east1"), ListQuery(page_size=10))
    assert page.items == []
    assert not page.has_more


async def test_deleted_experiment_is_gone_with_its_runs(store: RunStore) -> None:
    (experiment,) = await make(store, "exp-a")
    await store.create_run(Run(experiment.name.run("r1")))
    await store.delete_experiment(experiment.name, delete_backing_tensorboard_runs=False)
    with pytest.raises(NotFound):
        await store.get_experiment(experiment.name)
    with pytest.raises(NotFound):
        await store.get_run(experiment.name.run("r1"))
    assert await ids_of(store, ListQuery(page_size=10)) == []


async def test_deleted_experiment_can_be_created_again_empty(store: RunStore) -> None:
    (experiment,) = await make(store, "exp-a")
    await store.create_run(Run(experiment.name.run("r1")))
    await store.delete_experiment(experiment.name, delete_backing_tensorboard_runs=True)
    await make(store, "exp-a")
    assert (await store.list_runs(experiment.name, ListQuery(page_size=10))).items == []
    assert (await store.create_run(Run(experiment.name.run("r1")))).params == {}


async def test_deleting_a_missing_experiment_is_not_found(store: RunStore) -> None:
    with pytest.raises(NotFound):
        await store.delete_experiment(name("nope"), delete_backing_tensorboard_runs=False)


async def test_deleting_an_experiment_leaves_other_experiments(store: RunStore) -> None:
    a, b = await make(store, "exp-a", "exp-b")
    await store.create_run(Run(b.name.run("r1")))
    await store.delete_experiment(a.name, delete_backing_tensorboard_runs=False)
    assert (await store.get_experiment(b.name)).name == b.name
    assert (await store.get_run(b.name.run("r1"))).name == b.name.run("r1")
