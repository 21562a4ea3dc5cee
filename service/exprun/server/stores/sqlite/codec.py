"""How domain values sit in columns: times as integer microseconds, summaries as typed JSON.

Integer microseconds sort and compare exactly in SQL and never meet a time zone; the domain
sees timezone-aware UTC datetimes. Summary values carry their type tag because plain JSON
cannot tell `1.0` from `1` once it has been read back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from exprun.server.core.model import JsonValue, ParamValue

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def now_micros() -> int:
    return time.time_ns() // 1000


def to_micros(value: datetime) -> int:
    return (value - _EPOCH) // timedelta(microseconds=1)


def to_datetime(micros: int) -> datetime:
    """Exact: `datetime.fromtimestamp(micros / 1e6)` would round through a float."""
    return _EPOCH + timedelta(microseconds=micros)


def encode_summary(values: Mapping[str, ParamValue]) -> str:
    """`{"lr": {"d": 0.1}, "epochs": {"i": 3}, "opt": {"s": "adam"}, "flag": {"b": true}}`, in
    insertion order."""
    tagged: dict[str, dict[str, ParamValue]] = {}
    for key, value in values.items():
        if not isinstance(value, int | float | str):
            raise TypeError(f"summary value for {key!r} is a {type(value).__name__}")
        if isinstance(value, bool):
            tag = "b"
        else:
            tag = "s" if isinstance(value, str) else "i" if isinstance(value, int) else "d"
        tagged[key] = {tag: value}
    return json.dumps(tagged, separators=(",", ":"), allow_nan=False)


def decode_summary(text: str) -> dict[str, ParamValue]:
    decoded: dict[str, ParamValue] = {}
    for key, tagged in json.loads(text).items():
        ((tag, value),) = tagged.items()
        if tag == "b":
            decoded[key] = bool(value)
        else:
            decoded[key] = float(value) if tag == "d" else int(value) if tag == "i" else str(value)
    return decoded


def encode_json(value: Mapping[str, JsonValue]) -> str:
    """Lenient on NaN: metadata is the caller's document, and reading it back must not fail."""
    return json.dumps(value, separators=(",", ":"))


def decode_json(text: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(text)
    return decoded
