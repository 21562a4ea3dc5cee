"""List requests: page sizes, signed page tokens and the small AIP-160 filter subset, turned
into the `ListQuery` whose fields and grammar `core/store.py` spells out ("Lists").

A page token carries the store's cursor, a fingerprint of the request it came from (parent,
filter, order) and an HMAC of both under the server's key. A token the server did not make, or
one edited by hand, fails the HMAC before its cursor is looked at, so no store ever parses a
forged cursor; one reused with other arguments is INVALID_ARGUMENT rather than a silently wrong
page. Replicas that share the key (`--page-token-key-file`) accept each other's tokens.

Layout, base64url without padding: version (1 byte) | fingerprint (8) | cursor (UTF-8) | HMAC (16).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from exprun.server.core import limits
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.model import FilterTerm, ListQuery, Page
from exprun.server.core.quoting import quote

_TERM = re.compile(r'^\s*([a-z_]+)\s*(!=|=)\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.:/-]+)\s*$')
_AND = re.compile(r"\s+AND\s+")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_VERSION = b"\x01"
_FINGERPRINT_BYTES = 8
_MAC_BYTES = 16
# Keys shorter than this are refused: 256 bits, the size of the HMAC-SHA256 block's hash.
KEY_MIN_BYTES = 32

T = TypeVar("T")

# A field's normaliser turns the written value into the stored one, or raises ValueError.
Normaliser = Callable[[str], str]


def _not_ours() -> InvalidArgument:
    return InvalidArgument.field(
        "page_token", "is not a token this API returned; pass next_page_token unchanged"
    )


def _fingerprint(*parts: str) -> bytes:
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).digest()[:_FINGERPRINT_BYTES]


class PageTokens:
    """Makes and checks the page tokens of every List method with one secret key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < KEY_MIN_BYTES:
            raise ValueError(f"a page token key needs at least {KEY_MIN_BYTES} bytes")
        self._key = key

    @classmethod
    def ephemeral(cls) -> PageTokens:
        """A random key for this process only: its tokens mean nothing to another replica."""
        return cls(secrets.token_bytes(KEY_MIN_BYTES))

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def encode(self, cursor: str, scope: str, filter_text: str = "", order_by: str = "") -> str:
        payload = _VERSION + _fingerprint(scope, filter_text, order_by) + cursor.encode()
        return base64.urlsafe_b64encode(payload + self._mac(payload)).decode().rstrip("=")

    def decode(self, token: str, scope: str, filter_text: str = "", order_by: str = "") -> str:
        """The cursor inside a token this server made for this request; INVALID_ARGUMENT on
        anything else. The length is checked before any decoding, the HMAC before any parsing."""
        if len(token) > limits.PAGE_TOKEN_MAX_CHARS or not _BASE64URL.fullmatch(token):
            raise _not_ours()
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise _not_ours() from None
        payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        if len(payload) <= 1 + _FINGERPRINT_BYTES or not hmac.compare_digest(mac, self._mac(payload)):
            raise _not_ours()
        if payload[:1] != _VERSION:
            raise _not_ours()
        if payload[1 : 1 + _FINGERPRINT_BYTES] != _fingerprint(scope, filter_text, order_by):
            raise InvalidArgument.field(
                "page_token", "belongs to a request with another parent, filter or order_by"
            )
        try:
            return payload[1 + _FINGERPRINT_BYTES :].decode()
        except UnicodeDecodeError:  # only a server with the same key could have made it
            raise _not_ours() from None

    def list_query(
        self,
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
        cursor = self.decode(page_token, scope, filter_text, order_by) if page_token else ""
        return ListQuery(
            page_size=size, cursor=cursor, filters=filters, order_by=field, descending=descending
        )

    def next_token(self, page: Page[Any], scope: str, filter_text: str = "", order_by: str = "") -> str:
        """Wraps the store's cursor in a token bound to this request; "" on the last page."""
        if not page.next_cursor:
            return ""
        return self.encode(page.next_cursor, scope, filter_text, order_by)

    async def page(
        self,
        fetch: Callable[[ListQuery], Awaitable[Page[T]]],
        *,
        scope: str,
        page_size: int,
        page_token: str,
        filter_text: str = "",
        order_by: str = "",
        filter_fields: Mapping[str, Normaliser] | None = None,
        order_fields: tuple[str, ...] = ("create_time",),
    ) -> tuple[list[T], str]:
        """One page of a List method: the query from the request, `fetch`'s page of the store,
        and the next token, bound to the same scope, filter and order as the query's."""
        query = self.list_query(
            scope=scope,
            page_size=page_size,
            page_token=page_token,
            filter_text=filter_text,
            order_by=order_by,
            filter_fields=filter_fields,
            order_fields=order_fields,
        )
        page = await fetch(query)
        return page.items, self.next_token(page, scope, filter_text, order_by)


def parse_filter(text: str, fields: Mapping[str, Normaliser]) -> tuple[FilterTerm, ...]:
    """The filter's terms, each field checked against `fields` and its value normalised by it;
    the grammar is in `core/store.py` ("Lists")."""
    if not text.strip():
        return ()
    parts = _AND.split(text.strip(), maxsplit=limits.FILTER_MAX_TERMS)
    if len(parts) > limits.FILTER_MAX_TERMS:
        raise InvalidArgument.field(
            "filter", f"has more than {limits.FILTER_MAX_TERMS} terms; at most {limits.FILTER_MAX_TERMS}"
        )
    terms = []
    for part in parts:
        match = _TERM.match(part)
        if not match:
            raise InvalidArgument.field(
                "filter", f'term {quote(part.strip())} must look like field = "value" or field != value'
            )
        name, op, raw = match.groups()
        if name not in fields:
            raise InvalidArgument.field(
                "filter", f"cannot filter on {quote(name)}; fields: {', '.join(sorted(fields))}"
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


# An offset cursor is at most this many decimal digits: far past any list, far below int64.
_OFFSET_MAX_DIGITS = 15


def cursor_offset(cursor: str) -> int:
    """A store's offset cursor ("" is 0). Tokens are signed, so a bad one here means a cursor
    from another kind of list; still INVALID_ARGUMENT, never an overflow in the store."""
    if not cursor:
        return 0
    if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= _OFFSET_MAX_DIGITS):
        raise _not_ours()
    return int(cursor)
