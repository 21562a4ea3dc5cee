"""Page tokens are opaque, signed and bound to their request; filters name their fields."""

from __future__ import annotations

import base64
import json

import pytest
from exprun.server.core import limits
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.listing import Normaliser, PageTokens, cursor_offset
from exprun.server.core.model import Page

FIELDS: dict[str, Normaliser] = {"state": str.upper, "run_id": str}
TOKENS = PageTokens(b"k" * 32)


def test_a_token_resumes_where_the_previous_page_ended() -> None:
    first = TOKENS.list_query(scope="p", page_size=10, page_token="", filter_fields=FIELDS)
    token = TOKENS.next_token(Page([], next_cursor="store-cursor-10"), "p", "", "")
    second = TOKENS.list_query(scope="p", page_size=10, page_token=token, filter_fields=FIELDS)
    assert (first.cursor, second.cursor) == ("", "store-cursor-10")


def test_no_token_on_the_last_page() -> None:
    assert TOKENS.next_token(Page([1, 2]), "p", "", "") == ""


def test_a_token_reused_with_another_filter_is_rejected() -> None:
    token = TOKENS.next_token(Page([], next_cursor="10"), "p", "", "")
    with pytest.raises(InvalidArgument, match="another parent, filter or order_by"):
        TOKENS.list_query(
            scope="p", page_size=10, page_token=token, filter_text="state = RUNNING", filter_fields=FIELDS
        )


def test_a_replica_with_the_same_key_accepts_the_token_and_one_with_another_key_does_not() -> None:
    token = TOKENS.next_token(Page([], next_cursor="10"), "p")
    assert PageTokens(b"k" * 32).list_query(scope="p", page_size=1, page_token=token).cursor == "10"
    with pytest.raises(InvalidArgument) as raised:
        PageTokens(b"other-key-" * 4).list_query(scope="p", page_size=1, page_token=token)
    assert raised.value.violations[0].field == "page_token"


def _unsigned(cursor: str, fingerprint: str = "") -> str:
    """The token layout exprun used before tokens were signed: anyone could make one."""
    raw = json.dumps({"c": cursor, "f": fingerprint}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _tampered(cursor: str) -> str:
    """A real token with its cursor bytes replaced, MAC kept."""
    raw = base64.urlsafe_b64decode(TOKENS.encode("10", "p") + "==")
    forged = raw[:9] + cursor.encode() + raw[-16:]
    return base64.urlsafe_b64encode(forged).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "!!!!",
        "a",
        "=",
        "AAAA\n",
        "x" * (limits.PAGE_TOKEN_MAX_CHARS + 1),
        _unsigned("²"),
        _unsigned(str(2**70)),
        _unsigned("9" * 5000),
        _unsigned("[" * 100_000),
        base64.urlsafe_b64encode(b"[" * 600).decode(),
        _tampered("²"),
        _tampered(str(2**70)),
        _tampered("-1"),
        "é" * 10,
    ],
    ids=lambda t: repr(t[:20]),
)
def test_forged_garbage_and_oversized_tokens_are_invalid_argument_on_page_token(token: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        TOKENS.list_query(scope="p", page_size=10, page_token=token)
    assert [v.field for v in raised.value.violations] == ["page_token"]


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        PageTokens(b"short")


@pytest.mark.parametrize("cursor", ["²", str(2**70), "9" * 5000, "-1", "1.5", " 1"])
def test_offset_cursors_outside_int64_digits_are_invalid_argument(cursor: str) -> None:
    with pytest.raises(InvalidArgument):
        cursor_offset(cursor)


def test_offset_cursors_parse() -> None:
    assert (cursor_offset(""), cursor_offset("250")) == (0, 250)


def test_page_size_defaults_and_is_coerced_down() -> None:
    assert TOKENS.list_query(scope="p", page_size=0, page_token="").page_size == 100
    assert TOKENS.list_query(scope="p", page_size=5000, page_token="").page_size == 1000


def test_filters_parse_quoted_values_and_negation() -> None:
    query = TOKENS.list_query(
        scope="p",
        page_size=1,
        page_token="",
        filter_text='state = running AND run_id != "base-1"',
        filter_fields=FIELDS,
    )
    assert [(t.field, t.value, t.negate) for t in query.filters] == [
        ("state", "RUNNING", False),
        ("run_id", "base-1", True),
    ]


def test_unknown_filter_fields_are_named_in_the_error() -> None:
    with pytest.raises(InvalidArgument, match="cannot filter on 'owner'"):
        TOKENS.list_query(
            scope="p", page_size=1, page_token="", filter_text="owner = me", filter_fields=FIELDS
        )


def test_filters_hold_at_most_the_term_limit() -> None:
    def terms(n: int) -> str:
        return " AND ".join(f'run_id != "r{i}"' for i in range(n))

    query = TOKENS.list_query(
        scope="p",
        page_size=1,
        page_token="",
        filter_text=terms(limits.FILTER_MAX_TERMS),
        filter_fields=FIELDS,
    )
    assert len(query.filters) == limits.FILTER_MAX_TERMS
    for n in (limits.FILTER_MAX_TERMS + 1, 10_000):
        with pytest.raises(InvalidArgument, match=f"at most {limits.FILTER_MAX_TERMS}") as raised:
            TOKENS.list_query(
                scope="p", page_size=1, page_token="", filter_text=terms(n), filter_fields=FIELDS
            )
        assert raised.value.violations[0].field == "filter"


def test_a_long_bad_filter_term_is_quoted_short() -> None:
    with pytest.raises(InvalidArgument) as raised:
        TOKENS.list_query(
            scope="p", page_size=1, page_token="", filter_text="x" * 100_000, filter_fields=FIELDS
        )
    assert len(raised.value.message) < 2 * limits.QUOTED_VALUE_MAX_CHARS
