"""AIP-158 paging: page sizes coerced to the documented limits, opaque tokens bound to their request."""

from __future__ import annotations

import base64
import hashlib
import json
import operator
from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import TypeVar

from tests.fakes.vertex.errors import invalid

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    default: int
    maximum: int


# ListArtifacts/ListContexts/ListExecutions: "Must be in range 1-1000, inclusive. Defaults to 100."
METADATA = Limits(default=100, maximum=1000)
# ListTensorboards: "at most 100 ... The maximum value is 100".
TENSORBOARDS = Limits(default=100, maximum=100)
# ListTensorboardExperiments/Runs/TimeSeries: "at most 50 ... The maximum value is 1000".
TENSORBOARD_CHILDREN = Limits(default=50, maximum=1000)
# ExportTensorboardTimeSeriesData: "The default page_size is 1000 ... Values above 10000 are coerced to
# 10000."
EXPORT = Limits(default=1000, maximum=10000)


def size(requested: int, limits: Limits) -> int:
    if requested < 0:
        raise invalid(f"page_size must not be negative, got {requested}.")
    if requested == 0:
        return limits.default
    return min(requested, limits.maximum)


def _digest(request_key: str) -> str:
    return hashlib.sha256(request_key.encode()).hexdigest()[:16]


def encode_token(request_key: str, position: object) -> str:
    """A token that resumes at `position` (an offset, or the last step exported) of this request."""
    raw = json.dumps({"k": _digest(request_key), "p": position}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, request_key: str) -> object:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        digest, position = data["k"], data["p"]
    except (ValueError, KeyError, TypeError) as error:
        raise invalid(f"Invalid page_token {token!r}.") from error
    if digest != _digest(request_key):
        raise invalid("The page_token does not belong to this request: every other parameter must match.")
    return position


def page(
    items: Sequence[T], page_size: int, page_token: str, limits: Limits, request_key: str
) -> tuple[list[T], str]:
    """One page of `items` and the token of the next page ('' when this is the last)."""
    count = size(page_size, limits)
    start = 0
    if page_token:
        position = decode_token(page_token, request_key)
        if not isinstance(position, int) or position < 0:
            raise invalid(f"Invalid page_token {page_token!r}.")
        start = position
    end = start + count
    next_token = encode_token(request_key, end) if end < len(items) else ""
    return list(items[start:end]), next_token


def ordered(items: list[T], order_by: str, fields: Set[str]) -> list[T]:
    """AIP-132 `order_by` ("field[ desc], ...") over the given fields; ties keep creation order."""
    if not order_by.strip():
        return items
    keys: list[tuple[str, bool]] = []
    for part in order_by.split(","):
        words = part.split()
        if (
            not words
            or len(words) > 2
            or words[0] not in fields
            or (len(words) == 2 and words[1] not in ("asc", "desc"))
        ):
            allowed = ", ".join(sorted(fields))
            raise invalid(
                f"Unsupported order_by {order_by!r}: order by {allowed}, each optionally followed by ' desc'."
            )
        keys.append((words[0], len(words) == 2 and words[1] == "desc"))
    result = list(items)
    for field_name, descending in reversed(keys):
        result.sort(key=operator.attrgetter(field_name), reverse=descending)
    return result
