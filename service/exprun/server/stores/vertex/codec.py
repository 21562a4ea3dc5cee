"""Protobuf values to Python and back: Struct metadata, timestamps, wall times.

The store works on the raw protobuf messages under the proto-plus wrappers (`Context.pb(ctx)`):
they are faster, and a Struct read that way is an exact tree of float/bool/str/None/dict/list,
with every number a float, which is what Vertex stores (the SDK reads `3` back as `3.0`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf import struct_pb2, timestamp_pb2

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        return value.number_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return from_struct(value.struct_value)
    if kind == "list_value":
        return [from_value(v) for v in value.list_value.values]
    return None


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return {key: from_value(value) for key, value in struct.fields.items()}


def to_struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    """Ints become doubles here, as in every Vertex client; exact ints travel in a side key."""
    struct = struct_pb2.Struct()
    struct.update(dict(data))
    return struct


def to_datetime(ts: timestamp_pb2.Timestamp) -> datetime | None:
    """Unset (zero) means the server gave no time; exact to the microsecond otherwise."""
    if not ts.seconds and not ts.nanos:
        return None
    return _EPOCH + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


def micros_of(ts: timestamp_pb2.Timestamp) -> int:
    return ts.seconds * 1_000_000 + ts.nanos // 1000
