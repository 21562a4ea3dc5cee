"""`get_experiment_df` / `Experiment.get_data_frame`: the SDK's run comparison frame."""

from __future__ import annotations

from collections.abc import Callable

import exprun.client as aip
import pandas as pd
import pytest
from exprun.client import Experiment, ExperimentRun, NotFound
from google.api_core import exceptions as api_exceptions


@pytest.fixture
def session_experiment(unique_name: Callable[[str], str]) -> str:
    name = unique_name("e")
    aip.init(experiment=name)
    return name


def test_an_experiment_without_runs_is_an_empty_frame(session_experiment: str) -> None:
    df = aip.get_experiment_df()

    assert isinstance(df, pd.DataFrame)
    assert df.empty


def test_columns_follow_the_sdk_order_and_the_last_time_series_value_is_shown(
    session_experiment: str,
) -> None:
    run = ExperimentRun.create("run-1", experiment=session_experiment)
    run.log_params({"lr": 0.1})
    run.log_metrics({"acc": 0.9})
    run.log_time_series({"loss": [0.9, 0.5, 0.2, 0.4, 0.1]}, steps=[1, 2, 3, 4, 5])
    ExperimentRun.create("run-2", experiment=session_experiment).log_params({"batch": 32})

    df = aip.get_experiment_df(session_experiment)

    assert list(df.columns) == [
        "experiment_name",
        "run_name",
        "run_type",
        "state",
        "param.lr",
        "param.batch",
        "metric.acc",
        "time_series_metric.loss",
    ]
    first, second = df.to_dict("records")
    assert first["time_series_metric.loss"] == 0.1
    assert (first["run_name"], first["state"], first["run_type"]) == (
        "run-1",
        "RUNNING",
        "system.ExperimentRun",
    )
    assert pd.isna(second["param.lr"])
    assert second["param.batch"] == 32


def test_without_time_series_there_is_no_time_series_column(session_experiment: str) -> None:
    run = ExperimentRun.create("run-1", experiment=session_experiment)
    run.log_time_series_metrics({"loss": 0.5}, step=1)

    df = Experiment(session_experiment).get_data_frame(include_time_series=False)

    assert list(df.columns) == ["experiment_name", "run_name", "run_type", "state"]


def test_a_missing_experiment_is_not_found_for_sdk_handlers(unique_name: Callable[[str], str]) -> None:
    with pytest.raises(api_exceptions.NotFound) as caught:
        aip.get_experiment_df(unique_name("missing"))

    assert isinstance(caught.value, NotFound)


def test_without_an_experiment_it_says_how_to_set_one() -> None:
    with pytest.raises(ValueError, match="No experiment set"):
        aip.get_experiment_df()
