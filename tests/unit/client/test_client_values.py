"""Params, metrics and timestamps: the SDK's types go out and come back unchanged."""

from __future__ import annotations

import datetime

import pytest
from exprun.client import values
from exprun.v1 import resources_pb2
from google.protobuf import timestamp_pb2


def test_ints_floats_and_strings_travel_as_their_own_kinds() -> None:
    sent = values.to_value_map({"epochs": 3, "lr": 0.1, "opt": "adam"})

    assert sent["epochs"].WhichOneof("kind") == "int_value"
    assert sent["lr"].WhichOneof("kind") == "double_value"
    assert sent["opt"].WhichOneof("kind") == "string_value"
    assert values.from_value_map(sent) == {"epochs": 3, "lr": 0.1, "opt": "adam"}
    assert type(values.from_value_map(sent)["epochs"]) is int


def test_bool_travels_as_bool_value_not_as_an_int() -> None:
    sent = values.to_value_map({"flag": True, "off": False})

    assert sent["flag"].WhichOneof("kind") == "bool_value"
    assert values.from_value_map(sent) == {"flag": True, "off": False}
    assert type(values.from_value_map(sent)["off"]) is bool


@pytest.mark.parametrize("value", [None, [1], {"a": 1}, b"x"])
def test_other_value_types_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="must be one of float, int, str"):
        values.check_summary({"k": value})


def test_non_string_keys_are_refused_like_the_sdk() -> None:
    with pytest.raises(TypeError, match="1 is of type int must of type str"):
        values.check_summary({1: 1.0})


def test_a_value_without_a_kind_is_an_error_not_a_default() -> None:
    with pytest.raises(ValueError, match="no kind"):
        values.from_value(resources_pb2.Value())


def test_naive_datetimes_count_as_utc_like_protobuf_does() -> None:
    naive = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901)
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(naive)

    assert values.to_micros(naive) == values.to_micros(stamp)
    assert values.from_micros(values.to_micros(naive)) == naive.replace(tzinfo=datetime.UTC)


def test_aware_datetimes_are_converted_to_utc() -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    moment = datetime.datetime(2026, 1, 2, 5, 0, tzinfo=plus_two)

    assert values.from_micros(values.to_micros(moment)) == datetime.datetime(
        2026, 1, 2, 3, 0, tzinfo=datetime.UTC
    )


def test_bool_is_not_a_wall_time() -> None:
    with pytest.raises(TypeError, match="wall time"):
        values.to_micros(True)


def test_unset_timestamps_read_as_none() -> None:
    assert values.from_timestamp(timestamp_pb2.Timestamp()) is None
    assert values.from_timestamp(timestamp_pb2.Timestamp(seconds=1)) == datetime.datetime(
        1970, 1, 1, 0, 0, 1, tzinfo=datetime.UTC
    )
