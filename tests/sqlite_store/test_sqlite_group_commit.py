"""The embedded store's group commit: writes queued while the worker is busy share one
transaction (one COMMIT, one fsync), yet each succeeds or fails on its own.

Not part of the parametrized suite: these drive `Database` on a real file and watch the SQL it
runs (SQLite's trace callback), which no port method shows. The worker is held busy by a read
that waits on an event, so which writes form a group is decided by the test, not by timing.
"""

from __future__ import annotations

import asyncio
import pathlib
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest
import pytest_asyncio
from exprun.server.core.errors import NotFound, ResourceExhausted
from exprun.server.stores.sqlite.database import Database

pytestmark = pytest.mark.asyncio(loop_scope="function")


def prepare(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS items (name TEXT PRIMARY KEY, body BLOB)")


def insert(name: str, body: bytes = b"") -> Any:
    def work(conn: sqlite3.Connection) -> str:
        conn.execute("INSERT INTO items (name, body) VALUES (?, ?)", (name, body))
        return name

    return work


def insert_then_fail(name: str) -> Any:
    """Changes the database, then fails as a write of a missing run does: nothing may stay."""

    def work(conn: sqlite3.Connection) -> str:
        conn.execute("INSERT INTO items (name) VALUES (?)", (name,))
        raise NotFound(name, kind="item")

    return work


@pytest_asyncio.fixture
async def db(tmp_path: pathlib.Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "group.db", prepare)
    yield database
    await database.close()


class Traced:
    """Holds the worker in a read until `release`, recording every statement from then on."""

    def __init__(self, db: Database) -> None:
        self.statements: list[str] = []
        self._held = threading.Event()
        self._release = threading.Event()
        self._db = db
        self._holding: asyncio.Future[None] | None = None

    async def hold(self) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.set_trace_callback(self.statements.append)
            self._held.set()
            self._release.wait(30)

        self._holding = asyncio.ensure_future(self._db.read(work))
        assert await asyncio.to_thread(self._held.wait, 30)

    async def release(self) -> None:
        assert self._holding is not None
        self._release.set()
        await self._holding

    def count(self, statement: str) -> int:
        return sum(1 for s in self.statements if s.strip().upper().startswith(statement))


async def queued(*writes: Awaitable[Any]) -> list[asyncio.Future[Any]]:
    """Starts the writes; each is queued with the database before the event loop moves on."""
    futures: list[asyncio.Future[Any]] = [asyncio.ensure_future(write) for write in writes]
    await asyncio.sleep(0)  # every task runs to its first wait: the queued write's outcome
    return futures


async def names(db: Database) -> list[str]:
    rows = await db.read(lambda conn: conn.execute("SELECT name FROM items ORDER BY name").fetchall())
    return [row[0] for row in rows]


async def test_writes_queued_while_the_worker_is_busy_share_one_commit(db: Database) -> None:
    traced = Traced(db)
    await traced.hold()
    writes = await queued(*(db.write(insert(f"item-{i}")) for i in range(10)))
    await traced.release()

    assert await asyncio.gather(*writes) == [f"item-{i}" for i in range(10)]
    assert traced.count("BEGIN IMMEDIATE") == 1
    assert traced.count("COMMIT") == 2  # the holding read's, and the group's
    assert traced.count("SAVEPOINT") == 10
    assert await names(db) == sorted(f"item-{i}" for i in range(10))


async def test_a_failing_write_in_a_group_fails_alone_and_leaves_nothing(db: Database) -> None:
    await db.write(insert("taken"))
    traced = Traced(db)
    await traced.hold()
    first, missing, duplicate, last = await queued(
        db.write(insert("first")),
        db.write(insert_then_fail("half-done")),
        db.write(insert("taken")),  # a constraint the database enforces
        db.write(insert("last")),
    )
    await traced.release()

    assert await first == "first"
    with pytest.raises(NotFound):
        await missing
    with pytest.raises(sqlite3.IntegrityError):
        await duplicate
    assert await last == "last"
    assert traced.count("BEGIN IMMEDIATE") == 1  # the failures did not cost the others their group
    assert await names(db) == ["first", "last", "taken"]


async def test_a_write_that_fills_the_disk_fails_alone_and_the_rest_of_its_group_commits(
    db: Database,
) -> None:
    """SQLite may roll back the whole transaction on SQLITE_FULL; the others must not go with it.
    The page limit stands in for a full disk, as in the storage-fault tests."""
    pages = await db.read(lambda conn: conn.execute("PRAGMA page_count").fetchone()[0])
    await db.write(lambda conn: conn.execute(f"PRAGMA max_page_count = {pages + 8}").fetchone())
    traced = Traced(db)
    await traced.hold()
    small, big, after = await queued(
        db.write(insert("small")),
        db.write(insert("big", b"x" * 1024 * 1024)),
        db.write(insert("after")),
    )
    await traced.release()

    assert await small == "small"
    with pytest.raises(ResourceExhausted) as full:
        await big
    assert full.value.reason == "STORAGE_FULL"
    assert await after == "after"
    assert await names(db) == ["after", "small"]


async def test_after_commit_runs_once_the_group_is_committed_and_only_for_writes_that_succeeded(
    db: Database, tmp_path: pathlib.Path
) -> None:
    committed: list[tuple[str, list[str]]] = []

    def follow_up(name: str) -> None:
        # Another connection sees only committed data: the write must already be there.
        with sqlite3.connect(tmp_path / "group.db") as other:
            stored = [row[0] for row in other.execute("SELECT name FROM items ORDER BY name")]
        committed.append((name, stored))

    traced = Traced(db)
    await traced.hold()
    writes = await queued(
        db.write(insert("a"), after_commit=follow_up),
        db.write(insert_then_fail("b"), after_commit=follow_up),
        db.write(insert("c"), after_commit=follow_up),
    )
    await traced.release()
    outcomes = await asyncio.gather(*writes, return_exceptions=True)

    assert outcomes[0] == "a"
    assert isinstance(outcomes[1], NotFound)
    assert outcomes[2] == "c"
    assert committed == [("a", ["a", "c"]), ("c", ["a", "c"])]


async def test_a_write_whose_caller_gave_up_before_its_group_started_is_not_run(db: Database) -> None:
    """A unary call cancelled (deadline, client gone) while its write waits stores nothing, and
    the writes queued with it commit as usual."""
    traced = Traced(db)
    await traced.hold()
    gone, kept = await queued(db.write(insert("gone")), db.write(insert("kept")))
    gone.cancel()
    await traced.release()

    assert await kept == "kept"
    assert gone.cancelled()
    assert traced.count("SAVEPOINT") == 1
    assert await names(db) == ["kept"]
