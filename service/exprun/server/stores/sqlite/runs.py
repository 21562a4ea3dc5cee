"""Runs: the `system.ExperimentRun` contexts, with their state, params and summary metrics."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.lease import Leases
from exprun.server.core.model import ListQuery, Page, ParamValue, Run, RunState
from exprun.server.core.names import ExperimentName, RunName
from exprun.server.core.validation import check_metadata_size
from exprun.server.stores.sqlite import codec, experiments, paging

# The metric names that have points come along in the same statement, so a page of runs costs
# one query, not one per run.
_COLUMNS = (
    "r.pk, r.project, r.location, r.resource_id, r.run_id, r.state, r.params, r.metrics,"
    " r.backing_tensorboard_run, r.create_time, r.update_time,"
    " (SELECT json_group_array(s.metric) FROM series AS s WHERE s.run_pk = r.pk),"
    " r.state_reason, r.liveness_deadline"
)

_LISTING = paging.Listing(
    filters={"state": "r.state", "run_id": "r.run_id"},
    orders={"create_time": "r.create_time", "update_time": "r.update_time", "run_id": "r.run_id"},
    insertion="r.pk",
)

Row = tuple[int, str, str, str, str, str, str, str, str, int, int, str, str, int | None]


def _run(row: Row) -> Run:
    _, project, location, resource_id, run_id, state, params, metrics, tb_run, created, updated, names = row[
        :12
    ]
    reason, deadline = row[12:]
    experiment = resource_id[: -len(run_id) - 1]
    return Run(
        name=RunName(project, location, experiment, run_id),
        state=RunState[state],
        params=codec.decode_summary(params),
        metrics=codec.decode_summary(metrics),
        backing_tensorboard_run=tb_run,
        create_time=codec.to_datetime(created),
        update_time=codec.to_datetime(updated),
        time_series_metrics=tuple(sorted(json.loads(names))),
        state_reason=reason,
        liveness_deadline=None if deadline is None else codec.to_datetime(deadline),
    )


def _row(conn: sqlite3.Connection, name: RunName) -> Row | None:
    # resource_id alone is shared by `a`/`b-c` and `a-b`/`c`; the run ID tells them apart.
    row: Row | None = conn.execute(
        f"SELECT {_COLUMNS} FROM runs AS r"
        " WHERE r.project = ? AND r.location = ? AND r.resource_id = ? AND r.run_id = ?",
        (name.project, name.location, name.resource_id, name.run),
    ).fetchone()
    return row


def require(conn: sqlite3.Connection, name: RunName) -> tuple[int, Run]:
    row = _row(conn, name)
    if row is None:
        raise NotFound(name.path, kind="Run")
    return row[0], _run(row)


def require_pk(conn: sqlite3.Connection, name: RunName) -> int:
    """The run's key alone: the hot path of every time-series write skips decoding the run."""
    row = conn.execute(
        "SELECT pk FROM runs WHERE project = ? AND location = ? AND resource_id = ? AND run_id = ?",
        (name.project, name.location, name.resource_id, name.run),
    ).fetchone()
    if row is None:
        raise NotFound(name.path, kind="Run")
    return int(row[0])


def get(conn: sqlite3.Connection, name: RunName) -> Run:
    return require(conn, name)[1]


def create(conn: sqlite3.Connection, run: Run) -> Run:
    """Stores name, state, params and metrics; a backing TensorBoard run is assigned afterwards by
    `tensorboard.assign`, which also writes the `-tb-run` artifact."""
    name = run.name
    experiment_pk = experiments.require_pk(conn, name.parent)
    _check_context_id_free(conn, name)
    now = codec.now_micros()
    conn.execute(
        "INSERT INTO runs (experiment_pk, project, location, run_id, resource_id, state, params, metrics,"
        " backing_tensorboard_run, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)",
        (
            experiment_pk,
            name.project,
            name.location,
            name.run,
            name.resource_id,
            run.state.name,
            codec.encode_summary(run.params),
            codec.encode_summary(run.metrics),
            now,
            now,
        ),
    )
    return get(conn, name)


def _check_context_id_free(conn: sqlite3.Connection, name: RunName) -> None:
    """Vertex keys run contexts by `{E}-{R}` alone, next to the experiment contexts."""
    other = conn.execute(
        "SELECT resource_id, run_id FROM runs WHERE project = ? AND location = ? AND resource_id = ?",
        (name.project, name.location, name.resource_id),
    ).fetchone()
    if other is not None:
        resource_id, run_id = other
        if run_id == name.run:
            raise AlreadyExists(name.path, kind="Run")
        owner = ExperimentName(name.project, name.location, resource_id[: -len(run_id) - 1]).run(run_id)
        raise AlreadyExists(
            name.path, kind="Run", detail=f"run {owner.path} has the same context ID {name.resource_id}"
        )
    experiment = conn.execute(
        "SELECT 1 FROM experiments WHERE project = ? AND location = ? AND experiment_id = ?",
        (name.project, name.location, name.resource_id),
    ).fetchone()
    if experiment is not None:
        raise AlreadyExists(
            name.path, kind="Run", detail=f"experiment {name.resource_id} has the same context ID"
        )


def list_page(conn: sqlite3.Connection, parent: ExperimentName, query: ListQuery) -> Page[Run]:
    experiment_pk = experiments.require_pk(conn, parent)
    where, where_params = paging.where(query, _LISTING)
    order, order_params = paging.order_and_limit(query, _LISTING)
    rows: list[Row] = conn.execute(
        f"SELECT {_COLUMNS} FROM runs AS r WHERE r.experiment_pk = ?{where}{order}",
        [experiment_pk, *where_params, *order_params],
    ).fetchall()
    return paging.page(rows, query, _run)


def delete(conn: sqlite3.Connection, pk: int) -> None:
    """Series, chunks, writers, execution associations and links go by ON DELETE CASCADE;
    artifacts and model rows stay, detached (ON DELETE SET NULL)."""
    conn.execute("DELETE FROM runs WHERE pk = ?", (pk,))


# Strictly increasing, so two changes within one clock tick still read as two changes.
_TOUCHED = "update_time = max(?, update_time + 1)"


def touch(conn: sqlite3.Connection, pk: int) -> None:
    conn.execute(f"UPDATE runs SET {_TOUCHED} WHERE pk = ?", (codec.now_micros(), pk))


def set_state(conn: sqlite3.Connection, name: RunName, state: RunState) -> Run:
    """A state set by a client carries no server reason; leaving RUNNING ends liveness watching."""
    pk = require_pk(conn, name)
    conn.execute(
        "UPDATE runs SET state = ?, state_reason = '',"
        " liveness_deadline = CASE WHEN ? = 'RUNNING' THEN liveness_deadline END WHERE pk = ?",
        (state.name, state.name, pk),
    )
    touch(conn, pk)
    return get(conn, name)


def keep_alive(
    conn: sqlite3.Connection, names: Sequence[RunName], now: datetime, leases: Leases
) -> dict[RunName, datetime]:
    """Starts or renews the leases of the RUNNING runs among `names`; their deadlines."""
    deadlines = {}
    for name in names:
        row = conn.execute(
            "SELECT pk, liveness_deadline FROM runs WHERE project = ? AND location = ?"
            " AND resource_id = ? AND run_id = ? AND state = 'RUNNING'",
            (name.project, name.location, name.resource_id, name.run),
        ).fetchone()
        if row is None:
            continue
        pk, stored = row
        current = None if stored is None else codec.to_datetime(stored)
        kept = leases.kept(current, now)
        if kept != current:
            conn.execute("UPDATE runs SET liveness_deadline = ? WHERE pk = ?", (codec.to_micros(kept), pk))
        deadlines[name] = kept
    return deadlines


def renew_leases(conn: sqlite3.Connection, names: Iterable[RunName], leases: Leases) -> None:
    """A write to a watched run is a sign of life: its lease moves on when due, in the write's
    own transaction. Runs without a lease are not opted in by writes."""
    if not leases.enabled:
        return
    now = leases.now()
    renewed, due_before = codec.to_micros(leases.renewed(now)), codec.to_micros(leases.due_before(now))
    for name in names:
        conn.execute(
            "UPDATE runs SET liveness_deadline = ? WHERE project = ? AND location = ? AND resource_id = ?"
            " AND run_id = ? AND state = 'RUNNING' AND liveness_deadline < ?",
            (renewed, name.project, name.location, name.resource_id, name.run, due_before),
        )


def fail_overdue(conn: sqlite3.Connection, now: int, reason: str) -> list[RunName]:
    """Every overdue run this database holds, watched by this process or not (a restart)."""
    rows = conn.execute(
        "UPDATE runs SET state = 'FAILED', state_reason = ?, liveness_deadline = NULL,"
        " update_time = max(?, update_time + 1)"
        " WHERE state = 'RUNNING' AND liveness_deadline IS NOT NULL AND liveness_deadline <= ?"
        " RETURNING project, location, resource_id, run_id",
        (reason, now, now),
    ).fetchall()
    return [RunName(p, loc, rid[: -len(run) - 1], run) for p, loc, rid, run in rows]


def merge_summary(
    conn: sqlite3.Connection,
    name: RunName,
    params: Mapping[str, ParamValue] | None,
    metrics: Mapping[str, ParamValue] | None,
) -> Run:
    """Key by key, like the SDK's one-level merge of `_params` / `_metrics`. The size check runs
    on the metadata Vertex would hold after the merge, before anything is written, so a
    rejected merge changes nothing."""
    pk, run = require(conn, name)
    merged_params = {**run.params, **(params or {})}
    merged_metrics = {**run.metrics, **(metrics or {})}
    state = run.state.name
    if params:
        check_metadata_size({"_params": merged_params, "_metrics": run.metrics, "_state": state}, "params")
    if metrics:
        check_metadata_size(
            {"_params": merged_params, "_metrics": merged_metrics, "_state": state}, "metrics"
        )
    # The run as stored after the merge, without reading it again: the hot path of LogMetrics.
    (updated,) = conn.execute(
        f"UPDATE runs SET params = ?, metrics = ?, {_TOUCHED} WHERE pk = ? RETURNING update_time",
        (codec.encode_summary(merged_params), codec.encode_summary(merged_metrics), codec.now_micros(), pk),
    ).fetchone()
    return replace(run, params=merged_params, metrics=merged_metrics, update_time=codec.to_datetime(updated))


def set_backing_tensorboard_run(conn: sqlite3.Connection, pk: int, tb_run: str) -> None:
    conn.execute("UPDATE runs SET backing_tensorboard_run = ? WHERE pk = ?", (tb_run, pk))
    touch(conn, pk)
