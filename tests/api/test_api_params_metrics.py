"""LogParams, GetParams, LogMetrics, GetMetrics through the client."""

from __future__ import annotations

import math

import pytest
from exprun.client import ExperimentRun, InvalidArgument


def test_params_merge_key_by_key_and_keep_their_types(experiment_run: ExperimentRun) -> None:
    experiment_run.log_params({"lr": 0.1, "epochs": 3, "opt": "adam"})
    experiment_run.log_params({"lr": 0.2, "batch": 2**60})

    params = experiment_run.get_params()

    assert params == {"lr": 0.2, "epochs": 3, "opt": "adam", "batch": 2**60}
    assert {k: type(v) for k, v in params.items()} == {"lr": float, "epochs": int, "opt": str, "batch": int}


def test_metrics_merge_separately_from_params(experiment_run: ExperimentRun) -> None:
    experiment_run.log_params({"acc": "param"})
    experiment_run.log_metrics({"acc": 0.9, "loss": 1})
    experiment_run.log_metrics({"loss": 0.5})

    assert experiment_run.get_metrics() == {"acc": 0.9, "loss": 0.5}
    assert experiment_run.get_params() == {"acc": "param"}


def test_a_fresh_object_reads_what_another_logged(experiment_run: ExperimentRun) -> None:
    experiment_run.log_params({"lr": 0.1})

    assert ExperimentRun(experiment_run.exprun_name).get_params() == {"lr": 0.1}


def test_bools_are_stored_and_read_back_as_bools(experiment_run: ExperimentRun) -> None:
    experiment_run.log_params({"lr": 0.1, "flag": True, "shuffle": False})
    experiment_run.log_metrics({"converged": True})

    params = ExperimentRun(experiment_run.exprun_name).get_params()
    assert params == {"lr": 0.1, "flag": True, "shuffle": False}
    assert type(params["flag"]) is bool
    assert type(experiment_run.get_metrics()["converged"]) is bool


def test_a_value_of_another_type_is_a_type_error_and_nothing_is_sent(experiment_run: ExperimentRun) -> None:
    with pytest.raises(TypeError, match="Value for key layers is of type list"):
        experiment_run.log_params({"lr": 0.1, "layers": [64, 32]})  # type: ignore[dict-item]

    assert experiment_run.get_params() == {}


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_metrics_are_invalid_and_name_the_key(experiment_run: ExperimentRun, bad: float) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log_metrics({"ok": 1.0, "acc": bad})

    assert ("metrics['acc']", "value must be finite (not NaN or infinity)") in caught.value.field_violations
    assert experiment_run.get_metrics() == {}


def test_an_empty_dict_is_invalid(experiment_run: ExperimentRun) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log_params({})

    assert caught.value.field_violations[0][0] == "params"


def test_the_200_kb_metadata_limit_rejects_the_call_and_keeps_what_was_stored(
    experiment_run: ExperimentRun,
) -> None:
    experiment_run.log_params({"kept": "yes"})
    big = {f"key-{i}": "x" * 60_000 for i in range(4)}

    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log_params(big)

    assert caught.value.reason == "METADATA_TOO_LARGE"
    assert caught.value.metadata["limit_bytes"] == "204800"
    assert caught.value.field_violations[0][0] == "params"
    assert experiment_run.get_params() == {"kept": "yes"}


def test_just_under_the_limit_is_accepted(experiment_run: ExperimentRun) -> None:
    experiment_run.log_params({f"key-{i}": "x" * 60_000 for i in range(3)})

    assert len(experiment_run.get_params()) == 3
