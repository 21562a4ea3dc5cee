"""Executions on their own, as `aiplatform.Execution` has them: created in a location's metadata
store, read, updated, and given input and output artifacts (events).

Associating an execution with a run lives with the run's artifacts (`artifacts.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from exprun.server.core.errors import AlreadyExists
from exprun.server.core.model import Artifact, Execution, ExecutionChange, ListQuery, Page
from exprun.server.core.names import LocationName
from exprun.server.stores.sqlite import codec, paging
from exprun.server.stores.sqlite.artifacts import (
    _ARTIFACT_COLUMNS,
    _EXECUTION_COLUMNS,
    ArtifactRow,
    ExecutionRow,
    _artifact,
    _execution,
    artifact_pk,
    execution_name,
    execution_pk,
    insert_execution,
    read_execution,
)

INPUT, OUTPUT = "INPUT", "OUTPUT"


_LISTING = paging.Listing(
    filters={"schema_title": "e.schema_title", "display_name": "e.display_name", "state": "e.state"},
    orders={"create_time": "e.create_time"},
    insertion="e.pk",
)


def list_page(conn: sqlite3.Connection, location: LocationName, query: ListQuery) -> Page[Execution]:
    where, where_params = paging.where(query, _LISTING)
    order, order_params = paging.order_and_limit(query, _LISTING)
    rows: list[ExecutionRow] = conn.execute(
        f"SELECT {_EXECUTION_COLUMNS} FROM executions AS e"
        f" WHERE e.project = ? AND e.location = ?{where}{order}",
        [location.project, location.location, *where_params, *order_params],
    ).fetchall()
    return paging.page(rows, query, _execution)


def create(conn: sqlite3.Connection, location: LocationName, execution: Execution) -> Execution:
    try:
        cursor = insert_execution(conn, location, execution)
    except sqlite3.IntegrityError:
        raise AlreadyExists(execution_name(location, execution.execution_id), kind="Execution") from None
    return read_execution(conn, int(cursor.lastrowid or 0))


def get(conn: sqlite3.Connection, location: LocationName, execution_id: str) -> Execution:
    return read_execution(conn, execution_pk(conn, location, execution_id))


def update(conn: sqlite3.Connection, location: LocationName, change: ExecutionChange) -> Execution:
    pk = execution_pk(conn, location, change.execution_id)
    current = read_execution(conn, pk)
    metadata = dict(current.metadata)
    if change.metadata is not None:
        metadata.update(change.metadata)
    conn.execute(
        "UPDATE executions SET state = ?, display_name = ?, description = ?, metadata = ? WHERE pk = ?",
        (
            (change.state or current.state).name,
            current.display_name if change.display_name is None else change.display_name,
            current.description if change.description is None else change.description,
            codec.encode_json(metadata),
            pk,
        ),
    )
    return read_execution(conn, pk)


def add_events(
    conn: sqlite3.Connection,
    location: LocationName,
    execution_id: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
) -> None:
    """Every artifact is looked up before any event is written, so a missing one changes nothing."""
    pk = execution_pk(conn, location, execution_id)
    events = [(artifact_pk(conn, location, a), INPUT) for a in inputs] + [
        (artifact_pk(conn, location, a), OUTPUT) for a in outputs
    ]
    conn.executemany(
        "INSERT INTO execution_events (execution_pk, artifact_pk, kind) VALUES (?, ?, ?)"
        " ON CONFLICT (execution_pk, artifact_pk, kind) DO NOTHING",
        [(pk, artifact_pk, kind) for artifact_pk, kind in events],
    )


def artifacts(
    conn: sqlite3.Connection, location: LocationName, execution_id: str
) -> tuple[list[Artifact], list[Artifact]]:
    pk = execution_pk(conn, location, execution_id)
    columns = ", ".join(f"a.{c.strip()}" for c in _ARTIFACT_COLUMNS.split(","))
    rows: list[tuple[str, *ArtifactRow]] = conn.execute(
        f"SELECT ev.kind, {columns} FROM execution_events AS ev JOIN artifacts AS a ON a.pk = ev.artifact_pk"
        " WHERE ev.execution_pk = ? ORDER BY ev.pk",
        (pk,),
    ).fetchall()
    found: dict[str, list[Artifact]] = {INPUT: [], OUTPUT: []}
    for kind, *row in rows:
        found[kind].append(_artifact(tuple(row)))  # type: ignore[arg-type]
    return found[INPUT], found[OUTPUT]
