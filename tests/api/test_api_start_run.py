"""`start_run` and the module-level helpers: the SDK's `aiplatform.start_run` workflow."""

from __future__ import annotations

from collections.abc import Callable

import exprun.client as aip
import pytest
from exprun.client import AlreadyExists, ExperimentRun, RunState


@pytest.fixture
def session_experiment(unique_name: Callable[[str], str]) -> str:
    name = unique_name("e")
    aip.init(experiment=name)
    return name


@pytest.mark.usefixtures("session_experiment")
def test_a_block_that_finishes_completes_the_run() -> None:
    with aip.start_run("run-1") as run:
        aip.log_params({"lr": 0.1})
        aip.log_metrics({"acc": 0.9})
        aip.log_time_series_metrics({"loss": 0.5})
        assert aip.get_active_run() is run

    reread = ExperimentRun("run-1")
    assert reread.state == RunState.COMPLETE
    assert (reread.get_params(), reread.get_metrics()) == ({"lr": 0.1}, {"acc": 0.9})
    assert aip.get_active_run() is None


@pytest.mark.usefixtures("session_experiment")
def test_a_block_that_raises_fails_the_run_and_the_error_propagates() -> None:
    with pytest.raises(RuntimeError, match="diverged"), aip.start_run("run-1"):
        raise RuntimeError("diverged")

    assert ExperimentRun("run-1").state == RunState.FAILED


@pytest.mark.usefixtures("session_experiment")
def test_resume_reopens_an_existing_run_as_running() -> None:
    with aip.start_run("run-1"):
        aip.log_params({"lr": 0.1})

    with aip.start_run("run-1", resume=True) as resumed:
        assert resumed.state == RunState.RUNNING
        assert resumed.get_params() == {"lr": 0.1}

    assert ExperimentRun("run-1").state == RunState.COMPLETE


@pytest.mark.usefixtures("session_experiment")
def test_starting_an_existing_run_without_resume_is_already_exists() -> None:
    with aip.start_run("run-1"):
        pass

    with pytest.raises(AlreadyExists):
        aip.start_run("run-1")


@pytest.mark.usefixtures("session_experiment")
def test_module_end_run_ends_the_active_run_with_the_given_state() -> None:
    aip.start_run("run-1")
    aip.update_state(RunState.NEW)

    aip.end_run(RunState.CANCELLED)

    assert ExperimentRun("run-1").state == RunState.CANCELLED
    assert aip.get_active_run() is None


def test_helpers_without_an_active_run_are_a_clear_error() -> None:
    with pytest.raises(ValueError, match="No run is active"):
        aip.log_params({"lr": 0.1})


def test_an_experiment_run_is_itself_a_context_manager(experiment_run: ExperimentRun) -> None:
    with experiment_run:
        experiment_run.log_metrics({"acc": 1})

    assert experiment_run.get_state() == "COMPLETE"


@pytest.mark.usefixtures("session_experiment")
def test_starting_a_run_ends_the_active_one_complete_as_the_sdk_does() -> None:
    first = aip.start_run("run-1")
    second = aip.start_run("run-2")

    assert ExperimentRun("run-1").state == RunState.COMPLETE
    assert aip.get_active_run() is second
    assert first.refresh().state == RunState.COMPLETE
    assert ExperimentRun("run-2").state == RunState.RUNNING


@pytest.mark.usefixtures("session_experiment")
def test_an_active_run_deleted_meanwhile_is_warned_about_and_the_next_run_starts() -> None:
    aip.start_run("run-1").delete()

    with pytest.warns(UserWarning, match="run-1 was not found"):
        aip.start_run("run-2")

    assert aip.get_active_run() == ExperimentRun("run-2")


@pytest.mark.usefixtures("session_experiment")
# STATE_UNSPECIFIED is left out: the API reads an unset state as "the default", COMPLETE.
@pytest.mark.parametrize("state", list(aip.gapic.Execution.State)[1:])
def test_every_gapic_execution_state_ends_a_run_in_that_state(state: RunState) -> None:
    aip.start_run("run-1")
    aip.end_run(state=state)

    assert ExperimentRun("run-1").get_state() == state.name


@pytest.mark.usefixtures("session_experiment")
def test_a_resumed_run_is_running_again_with_what_it_logged() -> None:
    with aip.start_run("run-1"):
        aip.log_params({"lr": 0.1})

    with aip.start_run("run-1", resume=True) as resumed:
        assert resumed.get_state() == "RUNNING"
        aip.log_metrics({"acc": 0.9})

    reread = ExperimentRun("run-1")
    assert (reread.state, reread.get_params(), reread.get_metrics()) == (
        RunState.COMPLETE,
        {"lr": 0.1},
        {"acc": 0.9},
    )
