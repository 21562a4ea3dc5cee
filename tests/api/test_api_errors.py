"""Every failure reaches the caller as a typed error with its code, reason and bad fields."""

from __future__ import annotations

import math
from collections.abc import Callable

import grpc
import pytest
from exprun.client import AlreadyExists, Experiment, ExperimentRun, ExprunError, InvalidArgument, NotFound


@pytest.mark.parametrize(
    ("run_id", "reason"),
    [
        ("Run.1", "BAD_RUN_ID"),
        ("UPPER", "BAD_RUN_ID"),
        ("-dash", "BAD_RUN_ID"),
        ("r" * 121, "RUN_ID_TOO_LONG"),
    ],
)
def test_bad_run_names_are_invalid_argument_naming_run_id(
    experiment: Experiment, run_id: str, reason: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        ExperimentRun.create(run_id, experiment=experiment)

    error = caught.value
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.reason == reason
    assert error.domain == "exprun.dev"
    assert [field for field, _ in error.field_violations] == ["run_id"]
    assert ExperimentRun.list(experiment=experiment) == []


def test_a_bad_name_in_a_get_names_the_name_field(experiment: Experiment) -> None:
    with pytest.raises(InvalidArgument) as caught:
        ExperimentRun("Not Valid", experiment=experiment)

    assert caught.value.field_violations[0][0] == "name"


def test_a_bad_project_is_invalid(experiment: Experiment) -> None:
    with pytest.raises(InvalidArgument) as caught:
        Experiment.list(project="local")

    assert caught.value.reason == "BAD_NAME"
    assert caught.value.field_violations[0][0] == "parent"


def test_nan_is_invalid_argument(experiment_run: ExperimentRun) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log_params({"lr": math.nan})

    assert caught.value.field_violations == [("params['lr']", "value must be finite (not NaN or infinity)")]


def test_a_value_the_sdk_refuses_is_the_sdk_type_error_before_any_call(experiment_run: ExperimentRun) -> None:
    with pytest.raises(TypeError, match="is of type NoneType but must be one of float, int, str"):
        experiment_run.log_metrics({"done": None})  # type: ignore[dict-item]

    assert experiment_run.get_metrics() == {}


def test_an_unknown_run_is_not_found_for_every_run_method(experiment_run: ExperimentRun) -> None:
    experiment_run.delete()

    calls: list[Callable[[], object]] = [
        lambda: experiment_run.log_params({"a": 1}),
        experiment_run.get_params,
        experiment_run.end_run,
        lambda: experiment_run.log_time_series_metrics({"loss": 1.0}),
        experiment_run.read_time_series,
        lambda: experiment_run.read_time_series(max_points=10),
        experiment_run.get_artifacts,
        lambda: experiment_run.log_classification_metrics(labels=["a"], matrix=[[1]]),
    ]
    for call in calls:
        with pytest.raises(NotFound) as caught:
            call()
        assert caught.value.metadata == {"resource_name": experiment_run.exprun_name}


def test_a_duplicate_run_is_already_exists_with_its_name(experiment_run: ExperimentRun) -> None:
    with pytest.raises(AlreadyExists) as caught:
        ExperimentRun.create("run-1", experiment=experiment_run.experiment)

    assert caught.value.metadata["resource_name"] == experiment_run.exprun_name
    assert str(caught.value).startswith("ALREADY_EXISTS: ")


def test_every_typed_error_is_an_exprun_error(experiment: Experiment) -> None:
    with pytest.raises(ExprunError):
        ExperimentRun("missing", experiment=experiment)
