"""Time-series requests and the data frame, checked against the SDK's own construction."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest
from exprun.client import timeseries
from exprun.client.timeseries import SeriesData
from exprun.client.values import from_micros, to_micros
from exprun.v1 import experiment_run_service_pb2 as service_pb2

UTC = datetime.UTC


def _micros(second: int) -> int:
    return to_micros(datetime.datetime(2026, 1, 1, 0, 0, second, tzinfo=UTC))


def test_a_step_less_point_leaves_the_step_to_the_server() -> None:
    series = timeseries.step_series({"loss": 0.5, "acc": 1}, None, None)

    assert [(s.metric, list(s.steps), list(s.values), list(s.wall_time_micros)) for s in series] == [
        ("loss", [], [0.5], []),
        ("acc", [], [1.0], []),
    ]


def test_step_zero_is_sent_as_a_step() -> None:
    (series,) = timeseries.step_series({"loss": 0.5}, 0, datetime.datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC))

    assert list(series.steps) == [0]
    assert list(series.wall_time_micros) == [_micros(1)]


@pytest.mark.parametrize("value", [True, "0.5", None])
def test_non_numbers_are_refused_before_sending(value: object) -> None:
    with pytest.raises(TypeError, match="must be a number"):
        timeseries.step_series({"loss": value}, None, None)


def test_columns_are_split_into_whole_rows_of_at_most_5000_points() -> None:
    rows = 4000
    columns = {"a": [float(i) for i in range(rows)], "b": [2.0 * i for i in range(rows)], "c": [0.0] * rows}
    steps = list(range(10, 10 + rows))

    requests = list(timeseries.columnar_requests("run", columns, steps, None))

    assert all(sum(len(s.values) for s in r.batch.series) <= 5000 for r in requests)
    for request in requests:
        lengths = {len(s.values) for s in request.batch.series}
        assert len(lengths) == 1
        assert len({tuple(s.steps) for s in request.batch.series}) == 1
    assert [step for r in requests for step in r.batch.series[0].steps] == steps
    assert [v for r in requests for v in r.batch.series[1].values] == columns["b"]


def test_columns_without_steps_send_no_steps() -> None:
    (request,) = timeseries.columnar_requests("run", {"a": [1.0, 2.0]}, None, None)

    assert list(request.batch.series[0].steps) == []


def test_columns_of_unequal_length_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        list(timeseries.columnar_requests("run", {"a": [1.0], "b": [1.0, 2.0]}, None, None))


def test_steps_must_match_the_columns() -> None:
    with pytest.raises(ValueError, match="steps has 1 entries"):
        list(timeseries.columnar_requests("run", {"a": [1.0, 2.0]}, [1], None))


def test_chunks_of_one_metric_are_joined_in_first_seen_order() -> None:
    chunks = [
        service_pb2.ReadTimeSeriesResponse(
            series=[{"metric": "b", "steps": [1], "values": [1.0], "wall_time_micros": [5]}]
        ),
        service_pb2.ReadTimeSeriesResponse(
            series=[
                {"metric": "b", "steps": [2], "values": [2.0], "wall_time_micros": [6]},
                {"metric": "a", "steps": [1], "values": [3.0], "wall_time_micros": [7]},
            ]
        ),
    ]

    result = timeseries.collect(iter(chunks))

    assert list(result) == ["b", "a"]
    assert result["b"] == SeriesData("b", [1, 2], [1.0, 2.0], [5, 6])


def _sdk_frame(series: dict[str, SeriesData]) -> pd.DataFrame:
    """`ExperimentRun.get_time_series_data_frame` of google-cloud-aiplatform 2.7, verbatim in shape."""
    return (
        pd.DataFrame(
            {name: value, "step": step, "wall_time": from_micros(micros)}
            for name, data in series.items()
            for step, value, micros in zip(data.steps, data.values, data.wall_time_micros, strict=True)
        )
        .groupby(["step", "wall_time"])
        .first()
        .reset_index()
    )


def test_data_frame_matches_the_sdk_construction() -> None:
    series = {
        "loss": SeriesData("loss", [1, 2, 10], [0.5, 0.4, 0.3], [_micros(1), _micros(2), _micros(3)]),
        # Step 2 at another wall time stays on its own row, as in the SDK.
        "acc": SeriesData("acc", [1, 2], [0.7, 0.8], [_micros(1), _micros(5)]),
    }

    frame = timeseries.data_frame(series)

    pd.testing.assert_frame_equal(frame, _sdk_frame(series))
    assert list(frame.columns) == ["step", "wall_time", "loss", "acc"]
    assert str(frame["wall_time"].dt.tz) == "UTC"


def test_no_points_give_the_sdk_empty_frame() -> None:
    frame = timeseries.data_frame({})

    assert frame.empty
    assert list(frame.columns) == []
