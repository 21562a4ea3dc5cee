"""The database schema as numbered forward migrations.

A data directory outlives server versions, so the schema only ever moves forward: migration N
is a list of statements applied once, in the same transaction as the bump of `schema_version`,
so a crash mid-upgrade leaves the old schema intact. Released migrations are never edited;
a change is a new entry at the end.

Every row hangs off (project, location), the embedded stand-in for a Vertex metadata store.
Runs are unique per `resource_id = {E}-{R}`, the Vertex context ID. Time series are chunks of
packed little-endian columns, one row per many points, with non-overlapping step ranges per
series (`last_step` is unique, and ordering by it orders the chunks). A migration step that SQL
cannot express (computing chunk summaries) is a function of the connection, run in order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from exprun.server.stores.sqlite import chunks

# A statement, or a step SQL cannot express (run with the connection, in the same transaction).
Step = str | Callable[[sqlite3.Connection], None]

_V1 = [
    """
    CREATE TABLE experiments (
        pk INTEGER PRIMARY KEY,
        project TEXT NOT NULL,
        location TEXT NOT NULL,
        experiment_id TEXT NOT NULL,
        description TEXT NOT NULL,
        backing_tensorboard TEXT NOT NULL,
        create_time INTEGER NOT NULL,
        update_time INTEGER NOT NULL,
        UNIQUE (project, location, experiment_id)
    )
    """,
    """
    CREATE TABLE runs (
        pk INTEGER PRIMARY KEY,
        experiment_pk INTEGER NOT NULL REFERENCES experiments (pk) ON DELETE CASCADE,
        project TEXT NOT NULL,
        location TEXT NOT NULL,
        run_id TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        state TEXT NOT NULL,
        params TEXT NOT NULL,
        metrics TEXT NOT NULL,
        backing_tensorboard_run TEXT NOT NULL,
        create_time INTEGER NOT NULL,
        update_time INTEGER NOT NULL,
        UNIQUE (project, location, resource_id)
    )
    """,
    "CREATE INDEX runs_by_experiment ON runs (experiment_pk, run_id)",
    """
    CREATE TABLE series (
        pk INTEGER PRIMARY KEY,
        run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
        metric TEXT NOT NULL,
        max_step INTEGER NOT NULL,
        point_count INTEGER NOT NULL,
        UNIQUE (run_pk, metric)
    )
    """,
    """
    CREATE TABLE chunks (
        pk INTEGER PRIMARY KEY,
        series_pk INTEGER NOT NULL REFERENCES series (pk) ON DELETE CASCADE,
        first_step INTEGER NOT NULL,
        last_step INTEGER NOT NULL,
        count INTEGER NOT NULL,
        steps BLOB NOT NULL,
        vals BLOB NOT NULL,
        wall_times BLOB NOT NULL,
        UNIQUE (series_pk, last_step)
    )
    """,
    """
    CREATE TABLE writers (
        run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
        writer_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        PRIMARY KEY (run_pk, writer_id)
    )
    """,
    """
    CREATE TABLE artifacts (
        pk INTEGER PRIMARY KEY,
        project TEXT NOT NULL,
        location TEXT NOT NULL,
        artifact_id TEXT NOT NULL,
        run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
        schema_title TEXT NOT NULL,
        display_name TEXT NOT NULL,
        uri TEXT NOT NULL,
        metadata TEXT NOT NULL,
        create_time INTEGER NOT NULL,
        UNIQUE (project, location, artifact_id)
    )
    """,
    "CREATE INDEX artifacts_by_run ON artifacts (run_pk, schema_title)",
    """
    CREATE TABLE executions (
        pk INTEGER PRIMARY KEY,
        project TEXT NOT NULL,
        location TEXT NOT NULL,
        execution_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        schema_title TEXT NOT NULL,
        state TEXT NOT NULL,
        metadata TEXT NOT NULL,
        description TEXT NOT NULL,
        create_time INTEGER NOT NULL,
        UNIQUE (project, location, execution_id)
    )
    """,
    """
    CREATE TABLE run_executions (
        pk INTEGER PRIMARY KEY,
        run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
        execution_pk INTEGER NOT NULL REFERENCES executions (pk) ON DELETE CASCADE,
        UNIQUE (run_pk, execution_pk)
    )
    """,
    "CREATE INDEX run_executions_by_execution ON run_executions (execution_pk)",
    """
    CREATE TABLE links (
        pk INTEGER PRIMARY KEY,
        run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        create_time INTEGER NOT NULL,
        UNIQUE (run_pk, kind, target)
    )
    """,
    # Model directories the store owns on disk; a row exists from the start of an upload, so an
    # artifact ID is reserved while its bytes arrive and a deleted run knows what to remove.
    """
    CREATE TABLE model_dirs (
        project TEXT NOT NULL,
        location TEXT NOT NULL,
        artifact_id TEXT NOT NULL,
        run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
        PRIMARY KEY (project, location, artifact_id)
    )
    """,
    "CREATE INDEX model_dirs_by_run ON model_dirs (run_pk)",
]

# Run liveness: why the server set a state, and when a watched RUNNING run is failed.
_V2 = [
    "ALTER TABLE runs ADD COLUMN state_reason TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE runs ADD COLUMN liveness_deadline INTEGER",
    "CREATE INDEX runs_by_liveness_deadline ON runs (liveness_deadline) WHERE liveness_deadline IS NOT NULL",
]


def _backfill(column: str, derive: Callable[[chunks.Columns], bytes]) -> Step:
    """A step that gives chunks written before it their new `column` (`derive` of the chunk's
    points), one chunk in memory at a time."""

    def backfill(conn: sqlite3.Connection) -> None:
        pks = [pk for (pk,) in conn.execute(f"SELECT pk FROM chunks WHERE {column} IS NULL")]
        for pk in pks:
            row = conn.execute(
                "SELECT first_step, steps, vals, wall_times FROM chunks WHERE pk = ?", (pk,)
            ).fetchone()
            conn.execute(
                f"UPDATE chunks SET {column} = ? WHERE pk = ?", (derive(chunks.columns_of(*row)), pk)
            )

    return backfill


# Chunk summaries (`chunks.summarize`): a downsampled read decodes only chunks at bucket edges.
# NULL only between the ALTER and the backfill; a reader treats NULL as "decode the chunk".
_V3: list[Step] = [
    "ALTER TABLE chunks ADD COLUMN summary BLOB",
    _backfill("summary", chunks.summarize),
]

# Execution events: the artifacts an execution read (INPUT) and produced (OUTPUT), in the
# order recorded. An event goes with its execution or its artifact.
_V4 = [
    """
    CREATE TABLE execution_events (
        pk INTEGER PRIMARY KEY,
        execution_pk INTEGER NOT NULL REFERENCES executions (pk) ON DELETE CASCADE,
        artifact_pk INTEGER NOT NULL REFERENCES artifacts (pk) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('INPUT', 'OUTPUT')),
        UNIQUE (execution_pk, artifact_pk, kind)
    )
    """,
    "CREATE INDEX execution_events_by_artifact ON execution_events (artifact_pk)",
]

# Artifacts and model directories outlive their run, as in the SDK, which never deletes them with
# a run: `run_pk` becomes NULL when the run goes, `experiment_pk` (new) when the experiment goes,
# and a delete that asks for it removes them by either key. `experiment_pk` has no index: an
# experiment's delete scans the artifacts (few: models and metrics, not points), and an index
# page would grow every new database's first WAL past what tests/robustness budget.
_RUN_OWNED = "run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE"
_RUN_DETACHED = "run_pk INTEGER REFERENCES runs (pk) ON DELETE SET NULL"


def _detach_from_runs(conn: sqlite3.Connection) -> None:
    """Turns the two tables' `run_pk` from NOT NULL / CASCADE into nullable / SET NULL by editing
    their CREATE TABLE text, SQLite's documented procedure for dropping a NOT NULL or changing
    a foreign key (https://sqlite.org/lang_altertable.html#otheralter): the stored rows do not
    change, so there is no table rebuild, whose page churn would also grow the WAL of every new
    database. Runs in the migration's transaction, so a failure leaves the old schema."""
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema=ON")
    try:
        for table in ("artifacts", "model_dirs"):
            (sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            if _RUN_OWNED not in sql:
                raise RuntimeError(f"unexpected schema of {table}: {sql}")
            conn.execute(
                "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                (sql.replace(_RUN_OWNED, _RUN_DETACHED), table),
            )
        conn.execute(f"PRAGMA schema_version={int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema=RESET")


_V5: list[Step] = [
    _detach_from_runs,
    "ALTER TABLE artifacts ADD COLUMN experiment_pk INTEGER REFERENCES experiments (pk) ON DELETE SET NULL",
    "UPDATE artifacts SET experiment_pk ="
    " (SELECT r.experiment_pk FROM runs AS r WHERE r.pk = artifacts.run_pk)",
]


# Block extremes (`chunks.block_extremes`): a downsampled read decodes only the blocks at bucket
# edges, and lists them from a covering index alone. From the table, `blocks` (the last column)
# is reached by walking each row's overflow pages past its three blobs, which cost 4-6 ms of a
# 1,000,000-point read (measured). NULL only between the ALTER and the backfill; a reader treats
# NULL as "decode the chunk".
_V6: list[Step] = [
    "ALTER TABLE chunks ADD COLUMN blocks BLOB",
    _backfill("blocks", chunks.block_extremes),
    "CREATE INDEX chunk_blocks ON chunks (series_pk, last_step, first_step, count, blocks)",
]

# A chunk whose steps are consecutive stores an empty steps blob, and one whose points share a
# wall time stores it once (`chunks.pack`). No row changes: older chunks keep their blobs and read
# as before. The version moves so that an older exprun, which would read those blobs as fewer
# points, refuses the database (`NewerSchema`) instead.
_V7: list[Step] = []

MIGRATIONS: list[list[Step]] = [list(_V1), list(_V2), _V3, list(_V4), _V5, _V6, _V7]


class NewerSchema(RuntimeError):
    """The database was written by a newer exprun; an older one must not guess at it."""


def migrate(conn: sqlite3.Connection) -> None:
    """Brings the schema to `len(MIGRATIONS)`; runs inside the caller's write transaction."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    current = 0 if row is None else int(row[0])
    if current > len(MIGRATIONS):
        raise NewerSchema(
            f"database schema version {current} is newer than this exprun understands ({len(MIGRATIONS)})"
        )
    for statements in MIGRATIONS[current:]:
        for statement in statements:
            if isinstance(statement, str):
                conn.execute(statement)
            else:
                statement(conn)
    if row is None:
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (len(MIGRATIONS),))
    else:
        conn.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS),))
