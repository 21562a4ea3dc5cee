"""The SQLite connection and the one thread that runs all SQL on it.

sqlite3 blocks, and a connection must stay on the thread that made it; a single worker thread
owning the only connection keeps the event loop free and serialises transactions without
locks. Every call is atomic, so a crash leaves either all of it or nothing.

Writes commit in groups: whatever writes are queued when the worker comes free share one
transaction, so one COMMIT (one fsync of the WAL with synchronous=FULL) serves them all. Each
runs in its own SAVEPOINT, so one that fails is undone alone, and each caller gets its own
result or exception only after the COMMIT that contains its write.

The worker is a plain thread with a queue, not a ThreadPoolExecutor: each outcome goes straight
to the caller's asyncio future with one `call_soon_threadsafe`, without a concurrent.futures
Future (its lock and condition) and `wrap_future`'s chaining in between. On a unary call that
hand-off is a good part of the server's own work (about half the CPU of an executor round trip,
measured).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import pathlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from exprun.server.core.errors import Unavailable
from exprun.server.core.store_health import StoreHealth
from exprun.server.stores.storage_faults import guarded, storage_error

T = TypeVar("T")
log = logging.getLogger("exprun.server.sqlite")
_WRITE = "BEGIN IMMEDIATE"

Work = Callable[[sqlite3.Connection], T]

# Long enough to ride out another process's checkpoint, short enough to fail a probe visibly.
BUSY_TIMEOUT_MS = 5000
# Pages cached in memory (negative = KiB): chunk rows are large, so a warm cache saves re-reads.
CACHE_KIB = 32 * 1024
# The page size of a new database. Chunk rows hold blobs of tens of kilobytes, which the WAL
# writes, checksums and later checkpoints a page at a time: 16 KiB pages take about 40% less
# kernel CPU per ingested point than SQLite's 4 KiB (measured). Larger pages cut that further but
# make every commit's small rows (a series' row, a writer's sequence) rewrite larger pages, which
# cost more than they saved for batches of a few thousand points. An existing database keeps
# the page size it was created with; both hold the same rows.
PAGE_BYTES = 16384
# The WAL is checkpointed when it reaches about this size, as with SQLite's default of 1000
# pages of 4 KiB, whatever the page size.
WAL_CHECKPOINT_BYTES = 4 * 1024**2


def _connect(path: pathlib.Path, busy_timeout_ms: int) -> sqlite3.Connection:
    # isolation_level=None: transactions are opened explicitly, so BEGIN IMMEDIATE is possible.
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    try:
        conn.execute(f"PRAGMA page_size={PAGE_BYTES}")  # a no-op unless the file is new
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(f"{path}: the file system does not support WAL (journal_mode={mode})")
        # FULL syncs the WAL on every commit: an acknowledged write survives kill -9 and power loss.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        conn.execute("PRAGMA temp_store=MEMORY")
        (page_bytes,) = conn.execute("PRAGMA page_size").fetchone()
        conn.execute(f"PRAGMA wal_autocheckpoint={max(1, WAL_CHECKPOINT_BYTES // page_bytes)}")
    except BaseException:
        conn.close()
        raise
    return conn


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        # SQLite may have rolled back already (a full disk, an I/O error); the first error
        # is the one to report either way.
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _read(conn: sqlite3.Connection, work: Work[T]) -> T:
    conn.execute("BEGIN")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    return result


def _deliver(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], result: Any, error: BaseException | None
) -> None:
    """From the worker: settles `future` on its loop (unless its caller gave up meanwhile)."""
    with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
        loop.call_soon_threadsafe(_settle_future, future, result, error)


def _settle_future(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # cancelled while the worker ran it
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class Worker:
    """The one thread that owns the connection: runs jobs in the order they come."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        # A daemon: an unclosed store never keeps the process from exiting. A commit cut off at
        # exit is what kill -9 leaves: all of it or nothing, and never acknowledged.
        self._thread = threading.Thread(target=self._run, name="exprun-sqlite", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job()
            except BaseException:  # jobs hand their own errors to their callers; never stop the worker
                log.exception("the SQLite worker's job failed")

    def submit(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)

    def call(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """`fn(*args)` on the worker, its outcome on a future of the calling loop; not run at all
        if that future is cancelled before the worker reaches it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def job() -> None:
            if future.cancelled():
                return
            try:
                result = fn(*args)
            except BaseException as error:
                _deliver(loop, future, None, error)
            else:
                _deliver(loop, future, result, None)

        self.submit(job)
        return future

    def stop(self) -> None:
        """Ends the thread once the jobs queued before this have run."""
        self._jobs.put(None)


@dataclasses.dataclass(eq=False)
class _Write:
    """One caller's write waiting for a group: its work, its follow-up and where its outcome goes."""

    work: Work[Any]
    after_commit: Callable[[Any], None] | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None

    def fail(self, error: BaseException) -> None:
        _deliver(self.loop, self.future, None, error)

    def succeed(self, result: Any) -> None:
        _deliver(self.loop, self.future, result, None)


class _GroupBroken(Exception):
    """A write's failure took the whole transaction with it (a storage fault, or SQLite rolled
    back by itself): the group's other writes must run again without it."""

    def __init__(self, write: _Write, error: BaseException) -> None:
        super().__init__(str(error))
        self.write = write
        self.error = error


def _savepoint(conn: sqlite3.Connection, write: _Write) -> None:
    """Runs `write` in its own savepoint: a failure undoes its changes only, unless it broke the
    transaction (raised as `_GroupBroken`)."""
    conn.execute("SAVEPOINT write")
    try:
        write.result = write.work(conn)
    except BaseException as error:
        if not conn.in_transaction or storage_error(error) is not None:
            raise _GroupBroken(write, error) from error
        try:
            conn.execute("ROLLBACK TO write")
        except sqlite3.Error as rollback_error:
            raise _GroupBroken(write, error) from rollback_error
        write.error = error
    conn.execute("RELEASE write")


def _commit_group(conn: sqlite3.Connection, group: list[_Write]) -> None:
    """Commits the writes of `group` together and settles each one's future after the COMMIT.

    A write that broke the transaction fails alone: the others run again, in order, in a new one.
    A failed BEGIN or COMMIT fails every write it held, since none of them is stored."""
    pending = group
    while pending:
        for write in pending:
            write.result, write.error = None, None
        try:
            conn.execute(_WRITE)
            try:
                for write in pending:
                    _savepoint(conn, write)
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        except _GroupBroken as broken:
            broken.write.fail(broken.error)
            pending = [write for write in pending if write is not broken.write]
            continue
        except BaseException as error:
            for write in pending:
                write.fail(error)
            return
        for write in pending:
            _settle(write)
        return


def _settle(write: _Write) -> None:
    """`after_commit` runs here, on the worker, before any later transaction (see `write`)."""
    if write.error is not None:
        write.fail(write.error)
        return
    if write.after_commit is not None:
        try:
            write.after_commit(write.result)
        except BaseException as error:
            write.fail(error)
            return
    write.succeed(write.result)


class Database:
    """Runs callables `work(connection)` on the worker thread: each read in its own transaction,
    writes in groups (see the module docstring).

    A full disk, a lock held elsewhere or a damaged file surfaces as its domain error (see
    `storage_faults`) and is reported to `health`, as is every committed write."""

    def __init__(self, worker: Worker, conn: sqlite3.Connection, health: StoreHealth) -> None:
        self._worker = worker
        self._conn = conn
        self._closed = False
        self.health = health
        # Writes waiting for the worker; `_draining` while a group is queued on the worker.
        self._queued: list[_Write] = []
        self._queue_lock = threading.Lock()
        self._draining = False

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
        worker = Worker()
        try:
            conn = await guarded(health, worker.call(_connect, path, busy_timeout_ms), write=False)
        except BaseException:
            worker.stop()
            raise
        db = cls(worker, conn, health)
        try:
            await db.write(prepare)
        except BaseException:
            await db.close()
            raise
        return db

    async def read(self, work: Work[T]) -> T:
        """A deferred transaction: one consistent snapshot that never blocks writers (WAL)."""
        self._check_open()
        return await guarded(self.health, self._worker.call(_read, self._conn, work), write=False)

    async def write(self, work: Work[T], *, after_commit: Callable[[T], None] | None = None) -> T:
        """BEGIN IMMEDIATE takes the write lock up front, so checks and writes see the same state.
        `work` shares its transaction with the other writes queued with it, in a savepoint of its
        own; it returns (or raises) once that transaction has committed.

        `after_commit(result)` runs on the worker right after COMMIT, before any later call:
        file-system follow-ups (removing a deleted run's model files) then cannot race a
        transaction that reuses the same names."""
        self._check_open()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._queue_lock:
            self._queued.append(_Write(work, after_commit, loop, future))
            start = not self._draining
            self._draining = True
        if start:
            self._worker.submit(self._drain)
        return await guarded(self.health, future, write=True)

    def _drain(self) -> None:
        """On the worker: takes every write queued so far as one group."""
        with self._queue_lock:
            queued, self._queued = self._queued, []
            self._draining = False
        # A caller cancelled before its group started gets nothing run. (A cancellation that
        # comes later finds its write run, committed or not, as with any executor.)
        group = [write for write in queued if not write.future.cancelled()]
        if group:
            _commit_group(self._conn, group)

    def _check_open(self) -> None:
        if self._closed:
            raise Unavailable("the store is closed", reason="STORE_CLOSED")

    async def close(self) -> None:
        """Waits for queued transactions (the worker runs in order), then closes and stops."""
        if self._closed:
            return
        self._closed = True
        try:
            await self._worker.call(self._conn.close)
        finally:
            self._worker.stop()
