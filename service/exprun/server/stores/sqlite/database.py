"""The SQLite connection and the one thread that runs all SQL on it.

sqlite3 blocks, and a connection must stay on the thread that made it; a single worker thread
owning the only connection keeps the event loop free and serialises transactions without
locks. Every call is one transaction, so every port method is atomic and a crash leaves
either all of it or nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import pathlib
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from exprun.server.core.errors import Unavailable
from exprun.server.core.store_health import StoreHealth
from exprun.server.stores.storage_faults import guarded

T = TypeVar("T")
_WRITE = "BEGIN IMMEDIATE"

Work = Callable[[sqlite3.Connection], T]

# Long enough to ride out another process's checkpoint, short enough to fail a probe visibly.
BUSY_TIMEOUT_MS = 5000
# Pages cached in memory (negative = KiB): chunk rows are large, so a warm cache saves re-reads.
CACHE_KIB = 32 * 1024


def _connect(path: pathlib.Path, busy_timeout_ms: int) -> sqlite3.Connection:
    # isolation_level=None: transactions are opened explicitly, so BEGIN IMMEDIATE is possible.
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(f"{path}: the file system does not support WAL (journal_mode={mode})")
        # FULL syncs the WAL on every commit: an acknowledged write survives kill -9 and power loss.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        conn.execute("PRAGMA temp_store=MEMORY")
    except BaseException:
        conn.close()
        raise
    return conn


def _transaction(
    conn: sqlite3.Connection, begin: str, work: Work[T], after_commit: Callable[[T], None] | None
) -> T:
    conn.execute(begin)
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            # SQLite may have rolled back already (a full disk, an I/O error); the first error
            # is the one to report either way.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
    if after_commit is not None:
        after_commit(result)
    return result


class Database:
    """Runs callables `work(connection)` on the worker thread, each in its own transaction.

    A full disk, a lock held elsewhere or a damaged file surfaces as its domain error (see
    `storage_faults`) and is reported to `health`, as is every committed write."""

    def __init__(
        self, executor: concurrent.futures.ThreadPoolExecutor, conn: sqlite3.Connection, health: StoreHealth
    ) -> None:
        self._executor = executor
        self._conn = conn
        self._closed = False
        self.health = health

    @classmethod
    async def open(
        cls,
        path: pathlib.Path,
        prepare: Work[None],
        *,
        health: StoreHealth | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> Database:
        """Connects and runs `prepare` (the schema migrations) in one write transaction."""
        health = health or StoreHealth()
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="exprun-sqlite")
        loop = asyncio.get_running_loop()
        try:
            connecting = loop.run_in_executor(executor, _connect, path, busy_timeout_ms)
            conn = await guarded(health, connecting, write=False)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        db = cls(executor, conn, health)
        try:
            await db.write(prepare)
        except BaseException:
            await db.close()
            raise
        return db

    async def read(self, work: Work[T]) -> T:
        """A deferred transaction: one consistent snapshot that never blocks writers (WAL)."""
        return await self._submit("BEGIN", work)

    async def write(self, work: Work[T], *, after_commit: Callable[[T], None] | None = None) -> T:
        """BEGIN IMMEDIATE takes the write lock up front, so checks and writes see the same state.

        `after_commit(result)` runs on the worker right after COMMIT, before any later call:
        file-system follow-ups (removing a deleted run's model files) then cannot race a
        transaction that reuses the same names."""
        return await self._submit(_WRITE, work, after_commit)

    async def _submit(self, begin: str, work: Work[T], after_commit: Callable[[T], None] | None = None) -> T:
        if self._closed:
            raise Unavailable("the store is closed", reason="STORE_CLOSED")
        loop = asyncio.get_running_loop()
        running = loop.run_in_executor(self._executor, _transaction, self._conn, begin, work, after_commit)
        return await guarded(self.health, running, write=begin == _WRITE)

    async def close(self) -> None:
        """Waits for queued transactions (the worker runs in order), then closes and stops."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._conn.close)
        finally:
            self._executor.shutdown(wait=False)
