"""The numpy-encoded points are the messages a field-by-field build gives, whatever the values."""

from __future__ import annotations

import numpy as np
from exprun.server.stores.vertex import wire
from google.cloud.aiplatform_v1.types import tensorboard_service
from hypothesis import given, settings
from hypothesis import strategies as st

_Request = tensorboard_service.WriteTensorboardRunDataRequest.pb()
_Experiment = tensorboard_service.WriteTensorboardExperimentDataRequest.pb()

STEPS = [0, 1, -1, 127, 128, 16_383, 16_384, 2**31, 2**63 - 1, -(2**63)]
VALUES = [0.0, -0.0, 1.5, float("nan"), float("inf"), -float("inf"), 5e-324, -1e300, 0.1, 2.0]
# Around the epoch, before it, with and without microseconds, and past year 9999.
WALLS = [
    0,
    1,
    -1,
    999_999,
    1_000_000,
    -1_000_001,
    1_764_000_000_123_456,
    253_402_300_800_000_000,
    7,
    -(2**62),
]


def built(tb_run: str, series_id: str, steps: list[int], values: list[float], walls: list[int]) -> bytes:
    request = _Request(tensorboard_run=tb_run)
    data = request.time_series_data.add(
        tensorboard_time_series_id=series_id, value_type=wire.SCALAR_VALUE_TYPE
    )
    for step, value, wall in zip(steps, values, walls, strict=True):
        point = data.values.add(step=step)
        point.scalar.value = value
        seconds, micros = divmod(wall, 1_000_000)
        point.wall_time.seconds = seconds
        point.wall_time.nanos = micros * 1000
    encoded: bytes = request.SerializeToString()
    return encoded


def encoded(steps: list[int], values: list[float], walls: list[int]) -> wire.Points:
    return wire.encode_points(
        np.array(steps, dtype=np.int64), np.array(values, dtype=np.float64), np.array(walls, dtype=np.int64)
    )


def test_edge_values_parse_to_the_points_built_field_by_field() -> None:
    points = encoded(STEPS, VALUES, WALLS)
    mine = wire.run_request_of("projects/p/runs/r", {"42": [points.span(0, len(points))]})
    # NaN != NaN as a float, so the messages are compared in their canonical encoding.
    expected = built("projects/p/runs/r", "42", STEPS, VALUES, WALLS)
    assert _Request.FromString(mine).SerializeToString(deterministic=True) == expected


def test_spans_cut_the_column_at_point_boundaries() -> None:
    rng = np.random.default_rng(3)
    steps = sorted(set(rng.integers(0, 2**40, 300).tolist()))
    values = rng.random(len(steps)).tolist()
    walls = rng.integers(0, 2**52, len(steps)).tolist()
    points = encoded(steps, values, walls)
    first, second = points.span(0, 100), points.span(100, len(steps))
    request = _Request.FromString(wire.run_request_of("r", {"1": [first], "2": [second]}))
    assert [p.step for p in request.time_series_data[0].values] == steps[:100]
    assert [p.scalar.value for p in request.time_series_data[1].values] == values[100:]
    assert bytes(points.span(5, 5)) == b""


def test_a_training_runs_columns_parse_to_the_points_built_field_by_field() -> None:
    """Steps, seconds and nanos that fit 32 bits, as a run's nearly always do, take the narrow
    path; a long column, as coalesced batches make it."""
    rng = np.random.default_rng(5)
    steps = list(range(1, 30_001))
    values = rng.random(len(steps)).tolist()
    walls = (1_764_000_000_000_000 + np.cumsum(rng.integers(0, 5_000, len(steps)))).tolist()
    points = encoded(steps, values, walls)
    mine = wire.run_request_of("r", {"3": [points.span(0, 12_345), points.span(12_345, len(steps))]})
    expected = built("r", "3", steps, values, walls)
    assert _Request.FromString(mine).SerializeToString(deterministic=True) == expected


def test_a_column_of_one_value_parses_to_the_points_built_field_by_field() -> None:
    """One wall time for a whole call (`log_columns` without wall times) goes into the row
    template instead of row by row; so does a lone point's every column."""
    steps = list(range(1, 1001))
    values = [s / 7 for s in steps]
    for wall in WALLS:
        mine = wire.run_request_of("r", {"3": [encoded(steps, values, [wall] * len(steps)).span(0, 1000)]})
        expected = built("r", "3", steps, values, [wall] * len(steps))
        assert _Request.FromString(mine).SerializeToString(deterministic=True) == expected
    for step, value, wall in zip(STEPS, VALUES, WALLS, strict=True):
        lone = wire.run_request_of("r", {"3": [encoded([step], [value], [wall]).span(0, 1)]})
        assert _Request.FromString(lone).SerializeToString(deterministic=True) == built(
            "r", "3", [step], [value], [wall]
        )


def test_an_experiment_request_carries_each_runs_request() -> None:
    points = encoded([1, 2], [0.5, 0.25], [10, 20])
    runs = [wire.run_request_of(f"e/runs/{r}", {"7": [points.span(0, 2)]}) for r in ("a", "b")]
    request = _Experiment.FromString(wire.experiment_request("e", runs))
    assert request.tensorboard_experiment == "e"
    assert [r.tensorboard_run for r in request.write_run_data_requests] == ["e/runs/a", "e/runs/b"]
    assert [p.step for p in request.write_run_data_requests[1].time_series_data[0].values] == [1, 2]


_INT64 = st.integers(-(2**63), 2**63 - 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_INT64, st.floats(allow_nan=True, allow_infinity=True), _INT64), max_size=40),
    st.integers(0, 40),
)
def test_any_points_parse_to_the_protobuf_librarys_encoding(
    points: list[tuple[int, float, int]], cut: int
) -> None:
    steps = [p[0] for p in points]
    values = [p[1] for p in points]
    walls = [p[2] for p in points]
    encoded_points = encoded(steps, values, walls)
    cut = min(cut, len(points))
    # Two parts of one series, as requests join them, parse as the one series built field by field.
    parts = [encoded_points.span(0, cut), encoded_points.span(cut, len(points))]
    mine = wire.run_request_of("projects/p/locations/l/tensorboards/1/experiments/e/runs/r", {"9": parts})
    expected = built("projects/p/locations/l/tensorboards/1/experiments/e/runs/r", "9", steps, values, walls)
    assert _Request.FromString(mine).SerializeToString(deterministic=True) == expected
