"""A run's links to the pipeline and custom jobs it came from (the SDK's `log_pipeline_job`,
`log_custom_job`): rows of their own, as the vertex store keeps them apart from artifacts."""

from __future__ import annotations

import sqlite3

from exprun.server.core.model import Link, LinkKind, ListQuery, Page
from exprun.server.stores.sqlite import codec, paging

LinkRow = tuple[str, str, int]


def _link(row: LinkRow) -> Link:
    kind, target, created = row
    return Link(kind=LinkKind(kind), target=target, create_time=codec.to_datetime(created))


def add_link(conn: sqlite3.Connection, run_pk: int, link: Link) -> Link:
    """Idempotent: linking a job twice returns the first link, with its original create_time."""
    conn.execute(
        "INSERT INTO links (run_pk, kind, target, create_time) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (run_pk, kind, target) DO NOTHING",
        (run_pk, link.kind.value, link.target, codec.now_micros()),
    )
    row: LinkRow = conn.execute(
        "SELECT kind, target, create_time FROM links WHERE run_pk = ? AND kind = ? AND target = ?",
        (run_pk, link.kind.value, link.target),
    ).fetchone()
    return _link(row)


def list_links(conn: sqlite3.Connection, run_pk: int, kind: LinkKind, query: ListQuery) -> Page[Link]:
    order, order_params = paging.insertion_order(query, "pk")
    rows: list[LinkRow] = conn.execute(
        f"SELECT kind, target, create_time FROM links WHERE run_pk = ? AND kind = ?{order}",
        [run_pk, kind.value, *order_params],
    ).fetchall()
    return paging.page(rows, query, _link)
