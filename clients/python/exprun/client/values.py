"""Python values ⇄ API messages: params, metrics, timestamps and JSON-like data.

Params and summary metrics are the SDK's `Union[float, int, str]`. The SDK lets `bool` through
(it is an `int`) and Vertex then reads it back as a bool, so a bool travels as `bool_value` and
reads back as `True`/`False` on both stores.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from exprun.v1 import resources_pb2
from google.protobuf import json_format, struct_pb2, timestamp_pb2

ParamValue = bool | float | int | str

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def check_summary(values: Mapping[Any, Any]) -> None:
    """The SDK's `log_params`/`log_metrics` type check, with its wording."""
    for key, value in values.items():
        if not isinstance(key, str):
            raise TypeError(f"{key} is of type {type(key).__name__} must of type str")
        if not isinstance(value, float | int | str):
            raise TypeError(
                f"Value for key {key} is of type {type(value).__name__} but must be one of float, int, str"
            )


def to_value(value: ParamValue) -> resources_pb2.Value:
    if isinstance(value, bool):
        return resources_pb2.Value(bool_value=value)
    if isinstance(value, int):
        return resources_pb2.Value(int_value=value)
    if isinstance(value, float):
        return resources_pb2.Value(double_value=value)
    return resources_pb2.Value(string_value=value)


def from_value(value: resources_pb2.Value) -> ParamValue:
    kind = value.WhichOneof("kind")
    if kind == "int_value":
        return value.int_value
    if kind == "double_value":
        return value.double_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    raise ValueError("the server sent a Value with no kind set")


def to_value_map(values: Mapping[str, ParamValue]) -> dict[str, resources_pb2.Value]:
    check_summary(values)
    return {key: to_value(value) for key, value in values.items()}


def from_value_map(values: Mapping[str, resources_pb2.Value]) -> dict[str, ParamValue]:
    return {key: from_value(value) for key, value in values.items()}


def to_micros(moment: datetime.datetime | timestamp_pb2.Timestamp | int) -> int:
    """Microseconds since the epoch. A naive datetime counts as UTC, as `Timestamp.FromDatetime` does."""
    if isinstance(moment, timestamp_pb2.Timestamp):
        return moment.seconds * 1_000_000 + moment.nanos // 1000
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        delta = moment - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(moment, bool) or not isinstance(moment, int):
        raise TypeError(f"wall time must be a datetime, a protobuf Timestamp or int micros, not {moment!r}")
    return moment


def from_micros(micros: int) -> datetime.datetime:
    return _EPOCH + datetime.timedelta(microseconds=micros)


def from_timestamp(timestamp: timestamp_pb2.Timestamp) -> datetime.datetime | None:
    """Unset timestamps (all zero) read as None rather than as 1970."""
    if not timestamp.seconds and not timestamp.nanos:
        return None
    return from_micros(timestamp.seconds * 1_000_000 + timestamp.nanos // 1000)


def to_struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(data))
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = json_format.MessageToDict(struct)
    return result


def to_json_value(data: Any) -> struct_pb2.Value:
    value = struct_pb2.Value()
    json_format.ParseDict(data, value)
    return value


def from_json_value(value: struct_pb2.Value) -> Any:
    return json_format.MessageToDict(value)
