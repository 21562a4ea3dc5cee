"""List requests: page sizes, opaque page tokens and the small AIP-160 filter subset.

A token is bound to the request it came from (parent, filter, order), so reusing it with other
arguments is INVALID_ARGUMENT rather than a silently wrong page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from exprun.server.core import limits
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.model import FilterTerm, ListQuery, Page

_TERM = re.compile(r'^\s*([a-z_]+)\s*(!=|=)\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.:/-]+)\s*$')

# A field's normaliser turns the written value into the stored one, or raises ValueError.
Normaliser = Callable[[str], str]


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def encode_token(cursor: str, fingerprint: str) -> str:
    raw = json.dumps({"c": cursor, "f": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, fingerprint: str) -> str:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        cursor, seen = data["c"], data["f"]
        if not isinstance(cursor, str) or not cursor or not isinstance(seen, str):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise InvalidArgument.field("page_token", "is not a token this API returned") from None
    if seen != fingerprint:
        raise InvalidArgument.field(
            "page_token", "belongs to a request with another parent, filter or order_by"
        )
    return cursor


def parse_filter(text: str, fields: Mapping[str, Normaliser]) -> tuple[FilterTerm, ...]:
    if not text.strip():
        return ()
    terms = []
    for part in re.split(r"\s+AND\s+", text.strip()):
        match = _TERM.match(part)
        if not match:
            raise InvalidArgument.field(
                "filter", f'term {part.strip()!r} must look like field = "value" or field != value'
            )
        name, op, raw = match.groups()
        if name not in fields:
            raise InvalidArgument.field(
                "filter", f"cannot filter on {name!r}; fields: {', '.join(sorted(fields))}"
            )
        value = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\") if raw.startswith('"') else raw
        try:
            value = fields[name](value)
        except ValueError as exc:
            raise InvalidArgument.field("filter", f"{name}: {exc}") from None
        terms.append(FilterTerm(field=name, value=value, negate=op == "!="))
    return tuple(terms)


def parse_order_by(text: str, fields: tuple[str, ...]) -> tuple[str, bool]:
    words = text.split()
    if not words:
        return "create_time", False
    if len(words) > 2 or words[0] not in fields or (len(words) == 2 and words[1] not in ("asc", "desc")):
        raise InvalidArgument.field(
            "order_by", f"must be one of {', '.join(fields)}, optionally followed by asc or desc"
        )
    return words[0], len(words) == 2 and words[1] == "desc"


def list_query(
    *,
    scope: str,
    page_size: int,
    page_token: str,
    filter_text: str = "",
    order_by: str = "",
    filter_fields: Mapping[str, Normaliser] | None = None,
    order_fields: tuple[str, ...] = ("create_time",),
) -> ListQuery:
    if page_size < 0:
        raise InvalidArgument.field("page_size", "must not be negative")
    size = min(page_size or limits.PAGE_SIZE_DEFAULT, limits.PAGE_SIZE_MAX)
    filters = parse_filter(filter_text, filter_fields or {})
    field, descending = parse_order_by(order_by, order_fields)
    fingerprint = _fingerprint(scope, filter_text, order_by)
    cursor = _decode_token(page_token, fingerprint) if page_token else ""
    return ListQuery(page_size=size, cursor=cursor, filters=filters, order_by=field, descending=descending)


def next_token(page: Page[Any], scope: str, filter_text: str, order_by: str) -> str:
    """Wraps the store's cursor in a token bound to this request; "" on the last page."""
    if not page.next_cursor:
        return ""
    return encode_token(page.next_cursor, _fingerprint(scope, filter_text, order_by))
