"""What a run's context holds besides itself: artifacts and associated executions (job links are
`links.py`).

Artifact and execution IDs are unique per (project, location), as in a Vertex metadata store,
so an ID a client picks here is one it can later use in Vertex. Lists are oldest first: the
order the SDK's `get_artifacts()` and `get_executions()` show.
"""

from __future__ import annotations

import sqlite3
import uuid

from exprun.server.core import layouts
from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import Artifact, Execution, ListQuery, Page, RunState
from exprun.server.core.names import LocationName
from exprun.server.stores.sqlite import codec, paging

_ARTIFACT_COLUMNS = "artifact_id, schema_title, display_name, uri, metadata, create_time"
_EXECUTION_COLUMNS = (
    "e.execution_id, e.display_name, e.schema_title, e.state, e.metadata, e.description, e.create_time"
)

ArtifactRow = tuple[str, str, str, str, str, int]
ExecutionRow = tuple[str, str, str, str, str, str, int]


def _artifact(row: ArtifactRow) -> Artifact:
    artifact_id, schema_title, display_name, uri, metadata, created = row
    return Artifact(
        artifact_id=artifact_id,
        schema_title=schema_title,
        display_name=display_name,
        uri=uri,
        metadata=codec.decode_json(metadata),
        create_time=codec.to_datetime(created),
    )


def artifact_name(location: LocationName, artifact_id: str) -> str:
    return f"{location.metadata_store()}/artifacts/{artifact_id}"


def execution_name(location: LocationName, execution_id: str) -> str:
    return f"{location.metadata_store()}/executions/{execution_id}"


def _pk_or_none(conn: sqlite3.Connection, table: str, location: LocationName, resource_id: str) -> int | None:
    """The row of an artifact or execution: both are keyed by ID within a location."""
    id_column = {"artifacts": "artifact_id", "executions": "execution_id"}[table]
    row = conn.execute(
        f"SELECT pk FROM {table} WHERE project = ? AND location = ? AND {id_column} = ?",
        (location.project, location.location, resource_id),
    ).fetchone()
    return None if row is None else int(row[0])


def artifact_exists(conn: sqlite3.Connection, location: LocationName, artifact_id: str) -> bool:
    return _pk_or_none(conn, "artifacts", location, artifact_id) is not None


def artifact_pk(conn: sqlite3.Connection, location: LocationName, artifact_id: str) -> int:
    pk = _pk_or_none(conn, "artifacts", location, artifact_id)
    if pk is None:
        raise NotFound(artifact_name(location, artifact_id), kind="Artifact")
    return pk


def execution_pk(conn: sqlite3.Connection, location: LocationName, execution_id: str) -> int:
    pk = _pk_or_none(conn, "executions", location, execution_id)
    if pk is None:
        raise NotFound(execution_name(location, execution_id), kind="Execution")
    return pk


def add_artifact(
    conn: sqlite3.Connection, run_pk: int, location: LocationName, artifact: Artifact
) -> Artifact:
    """An empty ID becomes a 32-hex UUID, the shape Vertex generates."""
    artifact_id = artifact.artifact_id or uuid.uuid4().hex
    if artifact_exists(conn, location, artifact_id):
        raise AlreadyExists(artifact_name(location, artifact_id), kind="Artifact")
    row: ArtifactRow = conn.execute(
        "INSERT INTO artifacts (project, location, artifact_id, run_pk, experiment_pk, schema_title,"
        " display_name, uri, metadata, create_time)"
        " VALUES (?, ?, ?, ?, (SELECT experiment_pk FROM runs WHERE pk = ?), ?, ?, ?, ?, ?)"
        f" RETURNING {_ARTIFACT_COLUMNS}",
        (
            location.project,
            location.location,
            artifact_id,
            run_pk,
            run_pk,
            artifact.schema_title,
            artifact.display_name,
            artifact.uri,
            codec.encode_json(artifact.metadata),
            codec.now_micros(),
        ),
    ).fetchone()
    return _artifact(row)


def get_artifact(conn: sqlite3.Connection, location: LocationName, artifact_id: str) -> Artifact:
    row: ArtifactRow | None = conn.execute(
        f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE project = ? AND location = ? AND artifact_id = ?",
        (location.project, location.location, artifact_id),
    ).fetchone()
    if row is None:
        raise NotFound(artifact_name(location, artifact_id), kind="Artifact")
    return _artifact(row)


def list_artifacts(
    conn: sqlite3.Connection, run_pk: int, query: ListQuery, schema_title: str
) -> Page[Artifact]:
    where, params = ("", []) if not schema_title else (" AND schema_title = ?", [schema_title])
    order, order_params = paging.insertion_order(query, "pk")
    rows: list[ArtifactRow] = conn.execute(
        f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE run_pk = ?{where}{order}",
        [run_pk, *params, *order_params],
    ).fetchall()
    return paging.page(rows, query, _artifact)


def delete_run_artifacts(conn: sqlite3.Connection, run_pk: int, *, all_kinds: bool) -> None:
    """The `-tb-run` reference always (it is the run's own bookkeeping, and a run created again
    under the name must not find it), every other artifact with `all_kinds`. Their execution
    events go by ON DELETE CASCADE."""
    only = "" if all_kinds else " AND schema_title = ?"
    conn.execute(
        f"DELETE FROM artifacts WHERE run_pk = ?{only}",
        (run_pk,) if all_kinds else (run_pk, layouts.TENSORBOARD_RUN),
    )


def delete_experiment_artifacts(conn: sqlite3.Connection, experiment_pk: int, *, all_kinds: bool) -> None:
    """As `delete_run_artifacts` for each run; with `all_kinds` also the artifacts that runs
    deleted earlier left behind."""
    only = "" if all_kinds else " AND schema_title = ?"
    conn.execute(
        f"DELETE FROM artifacts WHERE experiment_pk = ?{only}",
        (experiment_pk,) if all_kinds else (experiment_pk, layouts.TENSORBOARD_RUN),
    )


def _execution(row: ExecutionRow) -> Execution:
    execution_id, display_name, schema_title, state, metadata, description, created = row
    return Execution(
        execution_id=execution_id,
        display_name=display_name,
        schema_title=schema_title,
        state=RunState[state],
        metadata=codec.decode_json(metadata),
        description=description,
        create_time=codec.to_datetime(created),
    )


def insert_execution(
    conn: sqlite3.Connection, location: LocationName, execution: Execution, *, keep_existing: bool = False
) -> sqlite3.Cursor:
    """Raises sqlite3.IntegrityError for a taken ID, unless `keep_existing` (then nothing changes)."""
    on_conflict = " ON CONFLICT (project, location, execution_id) DO NOTHING" if keep_existing else ""
    return conn.execute(
        "INSERT INTO executions (project, location, execution_id, display_name, schema_title, state,"
        f" metadata, description, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?){on_conflict}",
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


def read_execution(conn: sqlite3.Connection, pk: int) -> Execution:
    row: ExecutionRow = conn.execute(
        f"SELECT {_EXECUTION_COLUMNS} FROM executions AS e WHERE e.pk = ?", (pk,)
    ).fetchone()
    return _execution(row)


def associate_execution(
    conn: sqlite3.Connection, run_pk: int, location: LocationName, execution: Execution
) -> Execution:
    """An existing execution keeps its stored fields, as AddContextArtifactsAndExecutions does."""
    insert_execution(conn, location, execution, keep_existing=True)
    pk = execution_pk(conn, location, execution.execution_id)
    conn.execute(
        "INSERT INTO run_executions (run_pk, execution_pk) VALUES (?, ?)"
        " ON CONFLICT (run_pk, execution_pk) DO NOTHING",
        (run_pk, pk),
    )
    return read_execution(conn, pk)


def list_executions(conn: sqlite3.Connection, run_pk: int, query: ListQuery) -> Page[Execution]:
    order, order_params = paging.insertion_order(query, "a.pk")
    rows: list[ExecutionRow] = conn.execute(
        f"SELECT {_EXECUTION_COLUMNS} FROM run_executions AS a JOIN executions AS e ON e.pk = a.execution_pk"
        f" WHERE a.run_pk = ?{order}",
        [run_pk, *order_params],
    ).fetchall()
    return paging.page(rows, query, _execution)
