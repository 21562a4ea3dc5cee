"""WriteTimeSeries and ReadTimeSeries through the client, and the SDK's data frame."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest
from exprun.client import ExperimentRun, InvalidArgument
from google.protobuf import timestamp_pb2

UTC = datetime.UTC


def _steps(run: ExperimentRun, metric: str) -> list[int]:
    return run.read_time_series([metric])[metric].steps


def test_default_steps_continue_after_the_runs_largest_step(experiment_run: ExperimentRun) -> None:
    experiment_run.log_time_series_metrics({"loss": 0.5, "acc": 0.7})
    experiment_run.log_time_series_metrics({"loss": 0.4})
    experiment_run.log_time_series_metrics({"loss": 0.3}, step=10)
    experiment_run.log_time_series_metrics({"acc": 0.9})

    assert _steps(experiment_run, "loss") == [1, 2, 10]
    # The largest step of the whole run, not of this metric, and not cached per object as in the SDK.
    assert _steps(experiment_run, "acc") == [1, 11]


def test_another_object_continues_the_same_step_sequence(experiment_run: ExperimentRun) -> None:
    experiment_run.log_time_series_metrics({"loss": 0.5})

    ExperimentRun(experiment_run.exprun_name).log_time_series_metrics({"loss": 0.4})

    assert _steps(experiment_run, "loss") == [1, 2]


def test_step_zero_is_honoured(experiment_run: ExperimentRun) -> None:
    experiment_run.log_time_series_metrics({"loss": 0.5}, step=0)

    assert _steps(experiment_run, "loss") == [0]


def test_writing_a_step_again_overwrites_it(experiment_run: ExperimentRun) -> None:
    experiment_run.log_time_series_metrics({"loss": 1.0}, step=5)
    experiment_run.log_time_series_metrics({"loss": 2.0}, step=5)

    data = experiment_run.read_time_series()["loss"]
    assert (data.steps, data.values) == ([5], [2.0])


def test_explicit_wall_times_are_kept_as_datetime_or_timestamp(experiment_run: ExperimentRun) -> None:
    moment = datetime.datetime(2026, 3, 4, 5, 6, 7, 123000, tzinfo=UTC)
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment + datetime.timedelta(seconds=1))

    experiment_run.log_time_series_metrics({"loss": 0.5}, step=1, wall_time=moment)
    experiment_run.log_time_series_metrics({"loss": 0.4}, step=2, wall_time=stamp)

    assert experiment_run.read_time_series()["loss"].wall_times == [
        moment,
        moment + datetime.timedelta(seconds=1),
    ]


def test_the_default_wall_time_is_now_in_utc(experiment_run: ExperimentRun) -> None:
    before = datetime.datetime.now(UTC) - datetime.timedelta(seconds=1)

    experiment_run.log_time_series_metrics({"loss": 0.5})

    (written,) = experiment_run.read_time_series()["loss"].wall_times
    assert before <= written <= datetime.datetime.now(UTC)


def test_data_frame_has_the_sdks_shape(experiment_run: ExperimentRun) -> None:
    t1 = datetime.datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)
    t2 = datetime.datetime(2026, 1, 1, 0, 0, 2, tzinfo=UTC)
    experiment_run.log_time_series_metrics({"loss": 0.5, "acc": 0.7}, step=1, wall_time=t1)
    experiment_run.log_time_series_metrics({"loss": 0.4}, step=2, wall_time=t2)

    frame = experiment_run.get_time_series_data_frame()

    assert list(frame.columns[:2]) == ["step", "wall_time"]
    assert set(frame.columns[2:]) == {"loss", "acc"}
    assert str(frame["wall_time"].dt.tz) == "UTC"
    assert frame["step"].tolist() == [1, 2]
    assert frame["wall_time"].tolist() == [pd.Timestamp(t1), pd.Timestamp(t2)]
    assert frame["loss"].tolist() == [0.5, 0.4]
    assert frame["acc"].iloc[0] == 0.7
    assert pd.isna(frame["acc"].iloc[1])


def test_a_run_without_time_series_gives_an_empty_frame(experiment_run: ExperimentRun) -> None:
    frame = experiment_run.get_time_series_data_frame()

    assert frame.empty
    assert list(frame.columns) == []


def test_columnar_writes_split_into_requests_and_keep_rows_aligned(experiment_run: ExperimentRun) -> None:
    experiment_run.log_time_series_metrics({"loss": 9.0}, step=3)
    rows = 6000
    columns = {"loss": [i / rows for i in range(rows)], "acc": [1 - i / rows for i in range(rows)]}

    written = experiment_run.log_time_series(columns)

    assert written == 2 * rows
    data = experiment_run.read_time_series()
    expected_steps = list(range(4, 4 + rows))
    assert data["acc"].steps == expected_steps
    assert data["loss"].steps == [3, *expected_steps]
    assert data["acc"].values == columns["acc"]


def test_columnar_writes_with_explicit_steps_and_wall_times(experiment_run: ExperimentRun) -> None:
    moments = [datetime.datetime(2026, 1, 1, 0, 0, s, tzinfo=UTC) for s in range(3)]

    experiment_run.log_time_series({"loss": [0.3, 0.2, 0.1]}, steps=[10, 20, 30], wall_times=moments)

    data = experiment_run.read_time_series()["loss"]
    assert (data.steps, data.values, data.wall_times) == ([10, 20, 30], [0.3, 0.2, 0.1], moments)


def test_reads_filter_metrics_and_steps_and_downsample(experiment_run: ExperimentRun) -> None:
    experiment_run.log_time_series({"a": [float(i) for i in range(100)], "b": [0.0] * 100}, steps=range(100))

    only_a = experiment_run.read_time_series(["a"], start_step=10, end_step=20)
    sampled = experiment_run.read_time_series(["a"], max_points=10)

    assert list(only_a) == ["a"]
    assert only_a["a"].steps == list(range(10, 20))
    assert 0 < len(sampled["a"]) <= 10


def test_logged_metrics_are_listed_on_the_run_after_refresh(experiment_run: ExperimentRun) -> None:
    experiment_run.log_time_series_metrics({"loss": 0.5, "acc": 0.7})

    assert experiment_run.refresh().time_series_metrics == ["acc", "loss"]


def test_nan_is_invalid_and_names_the_series(experiment_run: ExperimentRun) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log_time_series_metrics({"loss": float("nan")})

    assert caught.value.field_violations == [
        ("batch.series[0].values", "values must be finite (not NaN or infinity)")
    ]
    assert experiment_run.read_time_series() == {}


def test_a_negative_step_is_invalid(experiment_run: ExperimentRun) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log_time_series_metrics({"loss": 0.5}, step=-1)

    assert caught.value.field_violations[0][0] == "batch.series[0].steps"
