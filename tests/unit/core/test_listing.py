"""Page tokens are opaque and bound to their request; filters name their fields."""

from __future__ import annotations

import pytest
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.listing import Normaliser, list_query, next_token
from exprun.server.core.model import Page

FIELDS: dict[str, Normaliser] = {"state": str.upper, "run_id": str}


def test_a_token_resumes_where_the_previous_page_ended() -> None:
    first = list_query(scope="p", page_size=10, page_token="", filter_fields=FIELDS)
    token = next_token(Page([], next_cursor="store-cursor-10"), "p", "", "")
    second = list_query(scope="p", page_size=10, page_token=token, filter_fields=FIELDS)
    assert (first.cursor, second.cursor) == ("", "store-cursor-10")


def test_no_token_on_the_last_page() -> None:
    assert next_token(Page([1, 2]), "p", "", "") == ""


def test_a_token_reused_with_another_filter_is_rejected() -> None:
    token = next_token(Page([], next_cursor="10"), "p", "", "")
    with pytest.raises(InvalidArgument, match="another parent, filter or order_by"):
        list_query(
            scope="p", page_size=10, page_token=token, filter_text="state = RUNNING", filter_fields=FIELDS
        )


def test_garbage_tokens_are_rejected() -> None:
    with pytest.raises(InvalidArgument) as raised:
        list_query(scope="p", page_size=10, page_token="not-a-token")
    assert raised.value.violations[0].field == "page_token"


def test_page_size_defaults_and_is_coerced_down() -> None:
    assert list_query(scope="p", page_size=0, page_token="").page_size == 100
    assert list_query(scope="p", page_size=5000, page_token="").page_size == 1000


def test_filters_parse_quoted_values_and_negation() -> None:
    query = list_query(
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
        list_query(scope="p", page_size=1, page_token="", filter_text="owner = me", filter_fields=FIELDS)
