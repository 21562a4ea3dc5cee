"""`ListQuery` to SQL: filter terms, a stable order and one page fetched with one extra row.

Field names come from the request, so they only ever select a column from a fixed table and
never reach the SQL text themselves. Ties on the order column are broken by the insertion key,
which makes offsets stable across pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from exprun.server.core.errors import InvalidArgument
from exprun.server.core.listing import cursor_offset
from exprun.server.core.model import ListQuery, Page
from exprun.server.core.quoting import quote

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Listing:
    """What one resource allows: filter field -> column, order field -> column, and the tie-breaker."""

    filters: Mapping[str, str]
    orders: Mapping[str, str]
    insertion: str


def where(query: ListQuery, listing: Listing) -> tuple[str, list[object]]:
    """` AND col = ?` per term, to append after the scope condition."""
    sql = ""
    params: list[object] = []
    for term in query.filters:
        column = listing.filters.get(term.field)
        if column is None:
            raise InvalidArgument.field("filter", f"cannot filter on {quote(term.field)}")
        sql += f" AND {column} {'!=' if term.negate else '='} ?"
        params.append(term.value)
    return sql, params


def order_and_limit(query: ListQuery, listing: Listing) -> tuple[str, list[object]]:
    column = listing.orders.get(query.order_by)
    if column is None:
        raise InvalidArgument.field("order_by", f"cannot order by {quote(query.order_by)}")
    direction = "DESC" if query.descending else "ASC"
    sql = f" ORDER BY {column} {direction}, {listing.insertion} {direction} LIMIT ? OFFSET ?"
    return sql, [query.page_size + 1, offset(query)]


def insertion_order(query: ListQuery, insertion: str) -> tuple[str, list[object]]:
    """Oldest first, for the lists that have no order_by."""
    return f" ORDER BY {insertion} LIMIT ? OFFSET ?", [query.page_size + 1, offset(query)]


def offset(query: ListQuery) -> int:
    """This store's cursor is the row offset of the next page."""
    return cursor_offset(query.cursor)


def page(rows: Sequence[R], query: ListQuery, convert: Callable[[R], T]) -> Page[T]:
    more = len(rows) > query.page_size
    return Page(
        items=[convert(r) for r in rows[: query.page_size]],
        next_cursor=str(offset(query) + query.page_size) if more else "",
    )
