"""What only the embedded store promises: its files, crash leftovers and transactions.

Not part of the parametrized suite: these look at SQLite and the data directory directly.
"""

from __future__ import annotations

import pathlib
import sqlite3
import urllib.parse
import urllib.request

import pytest
from exprun.server.core import limits
from exprun.server.core.errors import Unavailable
from exprun.server.core.model import Experiment, Run, Series, SeriesQuery, WriterPosition
from exprun.server.core.names import ExperimentName
from exprun.server.stores.sqlite import SqliteRunStore, schema, timeseries
from exprun.server.stores.sqlite.datadir import DataDirInUse

pytestmark = pytest.mark.asyncio(loop_scope="function")

EXPERIMENT = ExperimentName("test-project", "us-central1", "exp-1")
RUN = EXPERIMENT.run("run-1")


def existing(paths: list[pathlib.Path]) -> list[pathlib.Path]:
    return [p for p in paths if p.exists()]


def file_path(uri: str) -> pathlib.Path:
    return pathlib.Path(urllib.request.url2pathname(urllib.parse.urlparse(uri).path))


async def open_with_run(data_dir: pathlib.Path) -> SqliteRunStore:
    store = await SqliteRunStore.open(data_dir)
    await store.create_experiment(Experiment(EXPERIMENT))
    await store.create_run(Run(RUN))
    return store


async def test_first_open_creates_the_directory_and_a_wal_database(tmp_path: pathlib.Path) -> None:
    data_dir = tmp_path / "a" / "b"
    store = await SqliteRunStore.open(data_dir)
    try:
        with sqlite3.connect(data_dir / "exprun.db") as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("SELECT version FROM schema_version").fetchall() == [
                (len(schema.MIGRATIONS),)
            ]
    finally:
        await store.close()


async def test_a_database_from_a_newer_exprun_is_refused(tmp_path: pathlib.Path) -> None:
    await (await SqliteRunStore.open(tmp_path)).close()
    with sqlite3.connect(tmp_path / "exprun.db") as conn:
        conn.execute("UPDATE schema_version SET version = 999")
    with pytest.raises(schema.NewerSchema):
        await SqliteRunStore.open(tmp_path)


async def test_a_data_directory_in_use_is_refused(tmp_path: pathlib.Path) -> None:
    store = await SqliteRunStore.open(tmp_path)
    try:
        with pytest.raises(DataDirInUse):
            await SqliteRunStore.open(tmp_path)
    finally:
        await store.close()


async def test_a_closed_store_is_unavailable(tmp_path: pathlib.Path) -> None:
    store = await open_with_run(tmp_path)
    await store.close()
    with pytest.raises(Unavailable):
        await store.get_run(RUN)


async def test_half_received_and_unrecorded_uploads_are_swept_on_open(tmp_path: pathlib.Path) -> None:
    store = await open_with_run(tmp_path)
    half = await store.begin_model_upload(RUN, "model-half")
    await half.write("model.pkl", b"partial")
    unrecorded = await store.begin_model_upload(RUN, "model-unrecorded")
    await unrecorded.write("model.pkl", b"whole")
    uri = await unrecorded.commit()
    stray = tmp_path / "models" / "test-project" / "us-central1" / "model-stray"
    stray.mkdir(parents=True)
    await store.close()  # as if the process died here: neither upload finished

    reopened = await SqliteRunStore.open(tmp_path)
    try:
        assert existing([tmp_path / "models" / ".incoming", file_path(uri), stray]) == []
        again = await reopened.begin_model_upload(RUN, "model-unrecorded")
        await again.abort()
    finally:
        await reopened.close()


async def test_a_failed_write_leaves_neither_points_nor_sequence(tmp_path: pathlib.Path) -> None:
    store = await open_with_run(tmp_path)
    try:
        good = Series("a", [1], [1.0], [1])
        unstorable = Series("b", [2**64], [1.0], [1])  # past int64: fails after "a" was written
        with pytest.raises(OverflowError):
            await store.write_time_series(RUN, [good, unstorable], WriterPosition("w", 1))
        assert await store.committed_sequence(RUN, "w") == 0
        assert [s async for s in store.read_time_series(RUN, SeriesQuery())] == []
        assert (await store.get_run(RUN)).time_series_metrics == ()
    finally:
        await store.close()


async def test_a_paged_read_never_repeats_or_reorders_steps_under_concurrent_writes(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "READ_CHUNK_MAX_POINTS", 10)
    store = await open_with_run(tmp_path)
    try:
        steps = list(range(0, 100, 2))
        await store.write_time_series(RUN, [Series("m", steps, [0.0] * len(steps), steps)], None)
        pages = store.read_time_series(RUN, SeriesQuery())
        seen = list((await anext(pages)).steps or [])
        odd = list(range(1, 101, 2))
        await store.write_time_series(RUN, [Series("m", odd, [1.0] * len(odd), odd)], None)
        async for page in pages:
            seen += page.steps or []
        assert seen == sorted(set(seen))
        assert seen[-1] == 99
    finally:
        await store.close()


def _page_size(data_dir: pathlib.Path) -> int:
    with sqlite3.connect(data_dir / "exprun.db") as conn:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])


async def test_a_new_database_has_large_pages_and_an_old_one_keeps_its_own_and_its_points(
    tmp_path: pathlib.Path,
) -> None:
    """Databases made before the page size changed (4 KiB) open, read back and take writes."""
    new, old = tmp_path / "new", tmp_path / "old"
    store = await SqliteRunStore.open(new)
    await store.close()
    assert _page_size(new) == 16384

    old.mkdir()
    with sqlite3.connect(old / "exprun.db") as conn:  # what an earlier exprun created
        conn.execute("PRAGMA page_size=4096")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN")
        schema.migrate(conn)
        conn.execute("COMMIT")
    steps = list(range(1, 30_001))
    store = await open_with_run(old)
    try:
        await store.write_time_series(RUN, [Series("m", steps, [s / 4 for s in steps], steps)], None)
    finally:
        await store.close()
    store = await SqliteRunStore.open(old)
    try:
        await store.write_time_series(RUN, [Series("m", [2, 30_001], [-1.0, 7.0], [0, 0])], None)
        pages = [page async for page in store.read_time_series(RUN, SeriesQuery())]
        found = [(s, v) for page in pages for s, v in zip(page.steps or [], page.values, strict=True)]
    finally:
        await store.close()
    assert _page_size(old) == 4096
    expected = {s: s / 4 for s in steps} | {2: -1.0, 30_001: 7.0}
    assert found == sorted(expected.items())


async def test_v5_migration_keeps_artifacts_and_events_and_lets_them_outlive_their_run(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A data directory written by the previous schema (V4), with an artifact, an execution that
    # produced it, and a model directory row.
    with monkeypatch.context() as old_schema:
        old_schema.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:4])
        await (await open_with_run(tmp_path)).close()
    with sqlite3.connect(tmp_path / "exprun.db") as conn:
        (run_pk,) = conn.execute("SELECT pk FROM runs").fetchone()
        (artifact_pk,) = conn.execute(
            "INSERT INTO artifacts (project, location, artifact_id, run_pk, schema_title, display_name, uri,"
            " metadata, create_time) VALUES ('test-project', 'us-central1', 'm-1', ?,"
            " 'google.ExperimentModel', '', 'file:///nowhere', '{}', 1) RETURNING pk",
            (run_pk,),
        ).fetchone()
        (execution_pk,) = conn.execute(
            "INSERT INTO executions (project, location, execution_id, display_name, schema_title, state,"
            " metadata, description, create_time) VALUES ('test-project', 'us-central1', 'ex-1', 'train',"
            " 'system.ContainerExecution', 'COMPLETE', '{}', '', 1) RETURNING pk"
        ).fetchone()
        conn.execute(
            "INSERT INTO execution_events (execution_pk, artifact_pk, kind) VALUES (?, ?, 'OUTPUT')",
            (execution_pk, artifact_pk),
        )
        conn.execute(
            "INSERT INTO model_dirs (project, location, artifact_id, run_pk)"
            " VALUES ('test-project', 'us-central1', 'm-1', ?)",
            (run_pk,),
        )

    store = await SqliteRunStore.open(tmp_path)
    try:
        await store.delete_run(RUN, delete_backing_tensorboard_run=False)
        location = EXPERIMENT.parent
        assert (await store.get_artifact(location, "m-1")).uri == "file:///nowhere"
        inputs, outputs = await store.execution_artifacts(location, "ex-1")
        assert (inputs, [a.artifact_id for a in outputs]) == ([], ["m-1"])
        await store.delete_experiment(
            EXPERIMENT, delete_backing_tensorboard_runs=False, delete_artifacts=True
        )
        inputs, outputs = await store.execution_artifacts(location, "ex-1")
        assert (inputs, outputs) == ([], [])
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "exprun.db") as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM model_dirs").fetchone() == (0,)
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"artifacts", "execution_events", "model_dirs"} <= tables
        (artifacts_sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'artifacts'").fetchone()
        assert "run_pk INTEGER REFERENCES runs (pk) ON DELETE SET NULL" in artifacts_sql


async def test_a_downsampled_read_lists_block_extremes_from_the_index_alone(tmp_path: pathlib.Path) -> None:
    """The block-extremes query must stay covered by `chunk_blocks`: read from the table, it
    walks every chunk's blobs to reach the last column, which made a 1,000,000-point downsampled
    read twice as slow."""
    store = await SqliteRunStore.open(tmp_path)
    await store.close()
    with sqlite3.connect(tmp_path / "exprun.db") as conn:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {timeseries.BLOCKS_SQL}", (1, 0)).fetchall()
    assert any("COVERING INDEX chunk_blocks" in str(row[-1]) for row in plan), plan
