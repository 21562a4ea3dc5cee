"""The fake reads a write's points in bulk (`points_of`): the same blobs, steps and value kinds as
reading the messages one by one, whatever the points hold."""

from __future__ import annotations

from typing import Any

from google.cloud.aiplatform_v1.types import TimeSeriesData
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakes.vertex.points import points_of

_Data = TimeSeriesData.pb()
_KINDS = ("scalar", "tensor", "blobs")


@st.composite
def series_data(draw: Any) -> Any:
    data = _Data(tensorboard_time_series_id="1", value_type=1)
    for _ in range(draw(st.integers(0, 12))):
        point = data.values.add()
        point.step = draw(st.sampled_from([0, 1, -1, 2**63 - 1]) | st.integers(-(2**63), 2**63 - 1))
        if draw(st.booleans()):
            point.wall_time.seconds = draw(st.integers(0, 2**40))
            point.wall_time.nanos = draw(st.integers(0, 999_999_999))
        kind = draw(st.sampled_from((*_KINDS, None, "scalar-then-tensor")))
        if kind == "scalar":
            point.scalar.value = draw(st.floats(allow_nan=True))
        elif kind == "tensor":
            point.tensor.value = draw(st.binary(max_size=8))
        elif kind == "blobs":
            point.blobs.values.add(id=draw(st.text(max_size=4)))
        elif kind == "scalar-then-tensor":  # the `value` oneof keeps the last one set
            point.scalar.value = 1.0
            point.tensor.value = b"t"
    return data


@settings(max_examples=300, deadline=None)
@given(series_data())
def test_bulk_reading_agrees_with_reading_each_point(data: Any) -> None:
    points = points_of(_Data.FromString(data.SerializeToString()))
    assert points.blobs == [p.SerializeToString() for p in data.values]
    assert points.steps == [p.step for p in data.values]
    assert points.counts == {k: sum(p.HasField(k) for p in data.values) for k in _KINDS}
