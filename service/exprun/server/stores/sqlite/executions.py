"""Executions on their own, as `aiplatform.Execution` has them: created in a location's metadata
store, read, updated, and given input and output artifacts (events).

Associating an execution with a run lives with the run's artifacts (`artifacts.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from exprun.server.core.errors import AlreadyExists, NotFound
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
    artifact_name,
)

INPUT, OUTPUT = "INPUT", "OUTPUT"


def execution_name(location: LocationName, execution_id: str) -> str:
    return f"{location.metadata_store()}/executions/{execution_id}"


def _pk(conn: sqlite3.Connection, location: LocationName, execution_id: str) -> int:
    row = conn.execute(
        "SELECT pk FROM executions WHERE project = ? AND location = ? AND execution_id = ?",
        (location.project, location.location, execution_id),
    ).fetchone()
    if row is None:
        raise NotFound(execution_name(location, execution_id), kind="Execution")
    pk: int = row[0]
    return pk


def _read(conn: sqlite3.Connection, pk: int) -> Execution:
    row: ExecutionRow = conn.execute(
        f"SELECT {_EXECUTION_COLUMNS} FROM executions AS e WHERE e.pk = ?", (pk,)
    ).fetchone()
    return _execution(row)


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
        cursor = conn.execute(
            "INSERT INTO executions (project, location, execution_id, display_name, schema_title, state,"
            " metadata, description, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                location.project,
                location.location,
                execution.execution_id,
                execution.display_name,
                execution.schema_title,
                execution.state.name,
                codec.encode_json(execution.metadata),
                execution.description,
                codec.now_micros(),
            ),
        )
    except sqlite3.IntegrityError:
        raise AlreadyExists(execution_name(location, execution.execution_id), kind="Execution") from None
    return _read(conn, int(cursor.lastrowid or 0))


def get(conn: sqlite3.Connection, location: LocationName, execution_id: str) -> Execution:
    return _read(conn, _pk(conn, location, execution_id))


def update(conn: sqlite3.Connection, location: LocationName, change: ExecutionChange) -> Execution:
    pk = _pk(conn, location, change.execution_id)
    current = _read(conn, pk)
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
    return _read(conn, pk)


def _artifact_pk(conn: sqlite3.Connection, location: LocationName, artifact_id: str) -> int:
    row = conn.execute(
        "SELECT pk FROM artifacts WHERE project = ? AND location = ? AND artifact_id = ?",
        (location.project, location.location, artifact_id),
    ).fetchone()
    if row is None:
        raise NotFound(artifact_name(location, artifact_id), kind="Artifact")
    pk: int = row[0]
    return pk


def add_events(
    conn: sqlite3.Connection,
    location: LocationName,
    execution_id: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
) -> None:
    """Every artifact is looked up before any event is written, so a missing one changes nothing."""
    pk = _pk(conn, location, execution_id)
    events = [(_artifact_pk(conn, location, a), INPUT) for a in inputs] + [
        (_artifact_pk(conn, location, a), OUTPUT) for a in outputs
    ]
    conn.executemany(
        "INSERT INTO execution_events (execution_pk, artifact_pk, kind) VALUES (?, ?, ?)"
        " ON CONFLICT (execution_pk, artifact_pk, kind) DO NOTHING",
        [(pk, artifact_pk, kind) for artifact_pk, kind in events],
    )


def artifacts(
    conn: sqlite3.Connection, location: LocationName, execution_id: str
) -> tuple[list[Artifact], list[Artifact]]:
    pk = _pk(conn, location, execution_id)
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
