"""Runs through the client: CreateRun, GetRun, ListRuns, DeleteRun, UpdateRunState, EndRun."""

from __future__ import annotations

import grpc
import pytest
from exprun.client import (
    AlreadyExists,
    Experiment,
    ExperimentRun,
    InvalidArgument,
    NotFound,
    RunState,
)

from tests.api.conftest import LOCATION, PROJECT


def test_created_run_has_the_sdk_names_and_properties(experiment: Experiment) -> None:
    run = ExperimentRun.create("run-1", experiment=experiment)

    e = experiment.name
    assert run.name == "run-1"
    assert run.resource_id == f"{e}-run-1"
    assert (
        run.resource_name
        == f"projects/{PROJECT}/locations/{LOCATION}/metadataStores/default/contexts/{e}-run-1"
    )
    assert run.exprun_name == f"projects/{PROJECT}/locations/{LOCATION}/experiments/{e}/runs/run-1"
    assert (run.project, run.location, run.experiment) == (PROJECT, LOCATION, e)
    assert run.state == RunState.RUNNING
    assert run.backing_tensorboard_run is None
    assert run.create_time is not None


def test_get_by_id_by_full_name_and_by_experiment_object_find_the_same_run(
    experiment_run: ExperimentRun, experiment: Experiment
) -> None:
    assert ExperimentRun("run-1", experiment=experiment.name) == experiment_run
    assert ExperimentRun(experiment_run.exprun_name) == experiment_run
    assert ExperimentRun.get("run-1", experiment=experiment) == experiment_run


def test_a_missing_run_is_none_from_get_and_not_found_from_the_constructor(experiment: Experiment) -> None:
    assert ExperimentRun.get("nope", experiment=experiment) is None
    with pytest.raises(NotFound) as caught:
        ExperimentRun("nope", experiment=experiment)
    assert caught.value.code == grpc.StatusCode.NOT_FOUND
    assert caught.value.reason == "RUN_NOT_FOUND"


def test_creating_a_run_twice_is_already_exists(
    experiment_run: ExperimentRun, experiment: Experiment
) -> None:
    with pytest.raises(AlreadyExists) as caught:
        ExperimentRun.create("run-1", experiment=experiment)

    assert caught.value.reason == "RUN_ALREADY_EXISTS"


def test_a_run_in_a_missing_experiment_is_not_found() -> None:
    with pytest.raises(NotFound):
        ExperimentRun.create("run-1", experiment="no-such-experiment")


def test_the_initial_state_can_be_chosen(experiment: Experiment) -> None:
    run = ExperimentRun.create("queued", experiment=experiment, state=RunState.NEW)

    assert ExperimentRun("queued", experiment=experiment).state == RunState.NEW
    assert run.state == RunState.NEW


def test_end_run_defaults_to_complete(experiment_run: ExperimentRun) -> None:
    experiment_run.end_run()

    assert experiment_run.state == RunState.COMPLETE
    assert experiment_run.get_state() == "COMPLETE"


def test_update_state_accepts_enums_numbers_and_names(experiment_run: ExperimentRun) -> None:
    experiment_run.update_state(RunState.FAILED)
    assert experiment_run.get_state() == "FAILED"
    experiment_run.update_state(6)
    assert experiment_run.get_state() == "CANCELLED"
    experiment_run.end_run("cached")
    assert experiment_run.get_state() == "CACHED"


def test_unspecified_is_not_a_state_to_set(experiment_run: ExperimentRun) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.update_state(RunState.STATE_UNSPECIFIED)

    assert caught.value.field_violations[0][0] == "state"


def test_list_reads_every_page(experiment: Experiment) -> None:
    ids = [f"r-{i:03d}" for i in range(103)]
    for run_id in ids:
        ExperimentRun.create(run_id, experiment=experiment)

    listed = ExperimentRun.list(experiment=experiment)

    assert [r.name for r in listed] == ids


def test_list_filters_by_state_and_run_id_and_orders(experiment: Experiment) -> None:
    for run_id in ("alpha", "beta", "gamma"):
        ExperimentRun.create(run_id, experiment=experiment)
    ExperimentRun("beta", experiment=experiment).end_run()

    running = ExperimentRun.list(experiment=experiment, filter="state = RUNNING")
    not_alpha = ExperimentRun.list(experiment=experiment, filter='run_id != "alpha"')
    complete_beta = ExperimentRun.list(experiment=experiment, filter='state = COMPLETE AND run_id = "beta"')
    descending = ExperimentRun.list(experiment=experiment, order_by="run_id desc")

    assert [r.name for r in running] == ["alpha", "gamma"]
    assert [r.name for r in not_alpha] == ["beta", "gamma"]
    assert [r.name for r in complete_beta] == ["beta"]
    assert [r.name for r in descending] == ["gamma", "beta", "alpha"]


def test_a_bad_filter_names_the_filter_field(experiment: Experiment) -> None:
    with pytest.raises(InvalidArgument) as caught:
        ExperimentRun.list(experiment=experiment, filter="colour = red")

    assert caught.value.field_violations[0][0] == "filter"


def test_delete_removes_the_run(experiment_run: ExperimentRun, experiment: Experiment) -> None:
    experiment_run.delete(delete_backing_tensorboard_run=True)

    assert ExperimentRun.get("run-1", experiment=experiment) is None
    assert ExperimentRun.list(experiment=experiment) == []
    with pytest.raises(NotFound):
        experiment_run.delete()
