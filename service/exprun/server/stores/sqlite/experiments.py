"""Experiments: the `system.Experiment` contexts of each (project, location)."""

from __future__ import annotations

import sqlite3

from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import Experiment, ListQuery, Page
from exprun.server.core.names import ExperimentName, LocationName
from exprun.server.stores.sqlite import codec, paging

_COLUMNS = "pk, project, location, experiment_id, description, backing_tensorboard, create_time, update_time"

_LISTING = paging.Listing(
    filters={"experiment_id": "experiment_id", "backing_tensorboard": "backing_tensorboard"},
    orders={"create_time": "create_time", "update_time": "update_time", "experiment_id": "experiment_id"},
    insertion="pk",
)

Row = tuple[int, str, str, str, str, str, int, int]


def _experiment(row: Row) -> Experiment:
    _, project, location, experiment_id, description, tensorboard, created, updated = row
    return Experiment(
        name=ExperimentName(project, location, experiment_id),
        description=description,
        backing_tensorboard=tensorboard,
        create_time=codec.to_datetime(created),
        update_time=codec.to_datetime(updated),
    )


def _row(conn: sqlite3.Connection, name: ExperimentName) -> Row | None:
    row: Row | None = conn.execute(
        f"SELECT {_COLUMNS} FROM experiments WHERE project = ? AND location = ? AND experiment_id = ?",
        (name.project, name.location, name.experiment),
    ).fetchone()
    return row


def require_pk(conn: sqlite3.Connection, name: ExperimentName) -> int:
    row = _row(conn, name)
    if row is None:
        raise NotFound(name.path, kind="Experiment")
    return row[0]


def create(conn: sqlite3.Connection, experiment: Experiment) -> Experiment:
    """Experiment and run contexts share one ID space in a Vertex metadata store, so experiment
    `a-b` and run `b` of experiment `a` (context `a-b`) cannot both exist; refusing here keeps
    an embedded project replayable into Vertex."""
    name = experiment.name
    if _row(conn, name) is not None:
        raise AlreadyExists(name.path, kind="Experiment")
    clash = conn.execute(
        "SELECT 1 FROM runs WHERE project = ? AND location = ? AND resource_id = ?",
        (name.project, name.location, name.experiment),
    ).fetchone()
    if clash is not None:
        raise AlreadyExists(
            name.path, kind="Experiment", detail=f"a run already uses the context ID {name.experiment}"
        )
    now = codec.now_micros()
    conn.execute(
        "INSERT INTO experiments (project, location, experiment_id, description, backing_tensorboard,"
        " create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            name.project,
            name.location,
            name.experiment,
            experiment.description,
            experiment.backing_tensorboard,
            now,
            now,
        ),
    )
    return get(conn, name)


def get(conn: sqlite3.Connection, name: ExperimentName) -> Experiment:
    row = _row(conn, name)
    if row is None:
        raise NotFound(name.path, kind="Experiment")
    return _experiment(row)


def list_page(conn: sqlite3.Connection, parent: LocationName, query: ListQuery) -> Page[Experiment]:
    where, where_params = paging.where(query, _LISTING)
    order, order_params = paging.order_and_limit(query, _LISTING)
    rows: list[Row] = conn.execute(
        f"SELECT {_COLUMNS} FROM experiments WHERE project = ? AND location = ?{where}{order}",
        [parent.project, parent.location, *where_params, *order_params],
    ).fetchall()
    return paging.page(rows, query, _experiment)


def delete(conn: sqlite3.Connection, pk: int) -> None:
    """Runs and what hangs off them go by ON DELETE CASCADE, except artifacts (see `runs.delete`)."""
    conn.execute("DELETE FROM experiments WHERE pk = ?", (pk,))
