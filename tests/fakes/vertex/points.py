"""A write's data points as columns, read by the protobuf parser rather than a Python loop.

Storing a write point by point (a message object each, its `step`, `HasField`, `SerializeToString`)
costs the fake microseconds a point, several times what the exprun server spends on it, so a
delivery benchmark would measure the fake's Python rather than Vertex's latency. The same facts
come from two parses with views of the same wire format:

- `TimeSeriesData` serialized and read back as `_Values {repeated bytes values = 3}` gives every
  point's serialization, the bytes `TimeSeriesDataPoint.SerializeToString()` gives for it (a
  nested message is encoded as it would be on its own);
- those points joined and read as one `_Columns` message, each `TimeSeriesDataPoint` field
  repeated, gives one entry per point that sets the field: a parse of concatenated messages
  appends their repeated fields. The serialization is canonical, so a point holds at most one of
  each field and at most one of the `value` oneof, and a field set by every point has exactly
  one entry per point, in point order.

`step` is left out when it is 0 (proto3), so a column is only used when every point has a
step; otherwise steps come from parsing the points one by one. `tests/fakes/vertex/tests` checks that
both agree with the message-by-message reading for arbitrary points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.cloud.aiplatform_v1.types import TimeSeriesDataPoint
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_POINT = TimeSeriesDataPoint.pb()
_BYTES = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES
_INT64 = descriptor_pb2.FieldDescriptorProto.TYPE_INT64
_REPEATED = descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED


def _views() -> tuple[Any, Any]:
    """`_Values` and `_Columns`, in a pool of their own (nothing clashes with the real types)."""
    file = descriptor_pb2.FileDescriptorProto(
        name="tests/fakes/vertex/point_views.proto", package="fake.vertex.views", syntax="proto3"
    )
    values = file.message_type.add(name="Values")
    values.field.add(name="values", number=3, type=_BYTES, label=_REPEATED)  # TimeSeriesData.values
    columns = file.message_type.add(name="Columns")
    for name, number in (("wall_time", 1), ("scalar", 3), ("tensor", 4), ("blobs", 5)):
        columns.field.add(name=name, number=number, type=_BYTES, label=_REPEATED)
    # Unpacked, as each point writes its step; a parser takes either encoding anyway.
    step = columns.field.add(name="step", number=2, type=_INT64, label=_REPEATED)
    step.options.packed = False
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return (
        message_factory.GetMessageClass(pool.FindMessageTypeByName("fake.vertex.views.Values")),
        message_factory.GetMessageClass(pool.FindMessageTypeByName("fake.vertex.views.Columns")),
    )


_Values, _Columns = _views()


@dataclass(frozen=True)
class Points:
    """The points of one `TimeSeriesData`, in request order."""

    blobs: list[bytes]  # each point serialized
    steps: list[int]
    counts: dict[str, int]  # points that set each of "scalar", "tensor", "blobs"


def points_of(data: Any) -> Points:
    """The points of a raw `TimeSeriesData` message."""
    blobs: list[bytes] = list(_Values.FromString(data.SerializeToString()).values)
    columns = _Columns.FromString(b"".join(blobs))
    if len(columns.step) == len(blobs):
        steps: list[int] = list(columns.step)
    else:  # some point is at step 0, which its serialization leaves out
        steps = [_POINT.FromString(blob).step for blob in blobs]
    counts = {name: len(getattr(columns, name)) for name in ("scalar", "tensor", "blobs")}
    return Points(blobs, steps, counts)
