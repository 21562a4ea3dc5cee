"""Params and summary metrics (merge, types, the 200 KB limit) and the backing TensorBoard run."""

from __future__ import annotations

import pytest
from exprun.server.core import limits
from exprun.server.core.errors import FailedPrecondition, InvalidArgument, NotFound
from exprun.server.core.model import Experiment, ListQuery, Run
from exprun.server.core.store import RunStore
from exprun.server.core.validation import metadata_size

pytestmark = pytest.mark.asyncio(loop_scope="function")

TENSORBOARD = "projects/test-project/locations/us-central1/tensorboards/tb1"
OTHER_TENSORBOARD = "projects/test-project/locations/us-central1/tensorboards/tb2"


async def test_params_merge_key_by_key(store: RunStore, run: Run) -> None:
    await store.merge_summary(run.name, params={"lr": 0.1, "opt": "adam"})
    merged = await store.merge_summary(run.name, params={"lr": 0.2, "epochs": 3})
    assert merged.params == {"lr": 0.2, "opt": "adam", "epochs": 3}
    assert (await store.get_run(run.name)).params == merged.params


async def test_params_and_metrics_are_separate_namespaces(store: RunStore, run: Run) -> None:
    await store.merge_summary(run.name, params={"x": 1})
    merged = await store.merge_summary(run.name, metrics={"x": "two"})
    assert (merged.params, merged.metrics) == ({"x": 1}, {"x": "two"})


async def test_params_and_metrics_merge_together_in_one_call(store: RunStore, run: Run) -> None:
    merged = await store.merge_summary(run.name, params={"p": 1}, metrics={"m": 2.5})
    assert (merged.params, merged.metrics) == ({"p": 1}, {"m": 2.5})


async def test_a_merge_returns_the_run_as_it_is_then_stored(store: RunStore, run: Run) -> None:
    """LogParams and LogMetrics answer with this run; a client compares it with later reads."""
    await store.merge_summary(run.name, params={"p": 1, "q": "x"})
    merged = await store.merge_summary(run.name, params={"p": 2}, metrics={"m": 2.5, "flag": True})
    assert merged == await store.get_run(run.name)
    assert merged.update_time is not None
    assert run.update_time is not None
    assert merged.update_time > run.update_time


@pytest.mark.parametrize(
    "value",
    [1.0, 0.0, -2.0, 3, 0, -(2**63), 2**63 - 1, 2**60, 0.1, 1e300, 5e-324, "", "3", "1.0", "ünïcødé"],
    ids=repr,
)
async def test_summary_values_keep_their_type_and_value(
    store: RunStore, run: Run, value: float | str
) -> None:
    await store.merge_summary(run.name, params={"k": value}, metrics={"k": value})
    got = await store.get_run(run.name)
    for stored in (got.params["k"], got.metrics["k"]):
        assert type(stored) is type(value)
        assert stored == value


async def test_merge_moves_update_time_and_keeps_state(store: RunStore, run: Run) -> None:
    merged = await store.merge_summary(run.name, metrics={"acc": 0.9})
    assert merged.update_time is not None
    assert run.update_time is not None
    assert merged.update_time > run.update_time
    assert merged.state == run.state


async def test_merge_into_a_missing_run_is_not_found(store: RunStore, experiment: Experiment) -> None:
    with pytest.raises(NotFound):
        await store.merge_summary(experiment.name.run("nope"), params={"a": 1})


def _strings(prefix: str, count: int) -> dict[str, float | int | str]:
    """`count` values of 60,000 bytes each: two fit in the 200 KB metadata, four do not."""
    return {f"{prefix}{i}": "x" * 60_000 for i in range(count)}


async def test_params_over_the_metadata_limit_are_rejected_and_change_nothing(
    store: RunStore, run: Run
) -> None:
    before = await store.merge_summary(run.name, params={"kept": 1})
    with pytest.raises(InvalidArgument) as caught:
        await store.merge_summary(run.name, params=_strings("p", 4))
    assert caught.value.violations[0].field == "params"
    assert caught.value.reason == "METADATA_TOO_LARGE"
    assert await store.get_run(run.name) == before


async def test_metrics_pushing_merged_metadata_over_the_limit_are_rejected(store: RunStore, run: Run) -> None:
    """Each call alone fits; the merged run would not."""
    before = await store.merge_summary(run.name, params=_strings("p", 2))
    with pytest.raises(InvalidArgument) as caught:
        await store.merge_summary(run.name, metrics=_strings("m", 2))
    assert caught.value.violations[0].field == "metrics"
    assert await store.get_run(run.name) == before


async def test_metadata_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not(
    store: RunStore, run: Run
) -> None:
    def params(last: int) -> dict[str, float | int | str]:
        return {**_strings("p", 3), "last": "x" * last}

    def size(last: int) -> int:
        return metadata_size({"_params": params(last), "_metrics": {}, "_state": "RUNNING"})

    exact = limits.METADATA_MAX_BYTES - size(0)
    assert size(exact) == limits.METADATA_MAX_BYTES
    with pytest.raises(InvalidArgument):
        await store.merge_summary(run.name, params=params(exact + 1))
    merged = await store.merge_summary(run.name, params=params(exact))
    assert merged.params == params(exact)


async def test_tensorboard_assignment_records_the_tb_run_and_its_artifact(store: RunStore, run: Run) -> None:
    tb_run = f"{TENSORBOARD}/experiments/{run.name.experiment}/runs/{run.name.run}"
    assigned = await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    assert assigned.backing_tensorboard_run == tb_run
    assert (await store.get_run(run.name)).backing_tensorboard_run == tb_run
    assert assigned.update_time is not None
    assert run.update_time is not None
    assert assigned.update_time > run.update_time
    (artifact,) = (await store.list_artifacts(run.name, ListQuery(page_size=10))).items
    assert artifact.artifact_id == f"{run.name.experiment}-{run.name.run}-tb-run"
    assert artifact.schema_title == "google.VertexTensorboardRun"
    assert artifact.uri == f"https://us-central1-aiplatform.googleapis.com/v1/{tb_run}"
    assert artifact.metadata == {"resourceName": tb_run, "vertex_experiment_tracking": True}


async def test_assigning_the_same_tensorboard_again_changes_nothing(store: RunStore, run: Run) -> None:
    first = await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    again = await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    assert again == first
    assert len((await store.list_artifacts(run.name, ListQuery(page_size=10))).items) == 1


async def test_assigning_another_tensorboard_is_failed_precondition(store: RunStore, run: Run) -> None:
    first = await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    with pytest.raises(FailedPrecondition) as caught:
        await store.set_backing_tensorboard_run(run.name, OTHER_TENSORBOARD)
    assert caught.value.reason == "TENSORBOARD_ALREADY_ASSIGNED"
    assert first.backing_tensorboard_run in caught.value.message
    assert await store.get_run(run.name) == first


async def test_tensorboard_assignment_to_a_missing_run_is_not_found(
    store: RunStore, experiment: Experiment
) -> None:
    with pytest.raises(NotFound):
        await store.set_backing_tensorboard_run(experiment.name.run("nope"), TENSORBOARD)
