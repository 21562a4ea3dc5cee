"""SQLite and file-system errors that mean the disk, not the request, is at fault → domain errors.

One table for every store that keeps data on a local disk (the embedded store's database and
model files, a Vertex store's local model staging), so a full disk reads the same everywhere:
RESOURCE_EXHAUSTED `STORAGE_FULL` with a retry delay, not INTERNAL.
"""

from __future__ import annotations

import asyncio
import errno
import os
import pathlib
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

from exprun.server.core.errors import ExprunError
from exprun.server.core.store_health import StoreHealth, storage_busy, storage_corrupt, storage_full

T = TypeVar("T")

# Primary result codes (the low byte of an extended code). SQLite reports ENOSPC as SQLITE_FULL;
# other failed writes and failed reads as SQLITE_IOERR.
_SQLITE_FULL = {sqlite3.SQLITE_FULL}
_SQLITE_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_SQLITE_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR}
# A write the file system refused for a reason other than ENOSPC: a quota (EDQUOT), a file-size
# limit (EFBIG) or the device (EIO). SQLite gives the same extended code for all three and keeps
# the errno to itself, so a write of our own asks the file system which one it is.
_SQLITE_WRITE_REFUSED = {sqlite3.SQLITE_IOERR_WRITE}
# A quota and a file-size limit are a full disk to the client: retry once space is freed.
_OS_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_OS_CORRUPT = {errno.EIO}
# The probe of a full store writes this much: enough that a write succeeding means real room,
# not the reuse of space SQLite already holds.
PROBE_BYTES = 1024 * 1024


def storage_error(exc: BaseException) -> ExprunError | None:
    """The domain error for a storage fault, or None when `exc` is something else (a bug)."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        primary = None if code is None else code & 0xFF
        detail = str(exc)
        if primary in _SQLITE_FULL:
            return storage_full(detail)
        if primary in _SQLITE_BUSY:
            return storage_busy(detail)
        if primary in _SQLITE_CORRUPT:
            return storage_corrupt(detail)
        return None
    if isinstance(exc, OSError):
        detail = os.strerror(exc.errno) if exc.errno is not None else str(exc)
        if exc.errno in _OS_FULL:
            return storage_full(detail)
        if exc.errno in _OS_CORRUPT:
            return storage_corrupt(detail)
    return None


async def guarded(health: StoreHealth | None, work: Awaitable[T], *, write: bool) -> T:
    """Awaits `work` (blocking I/O already handed to a thread): a storage fault is raised as its
    domain error and reported to `health`; a successful `write` is reported too."""
    try:
        result = await work
    except (sqlite3.Error, OSError) as exc:
        error = storage_error(exc)
        if error is None:
            raise
        if health is not None:
            if getattr(exc, "sqlite_errorcode", None) in _SQLITE_WRITE_REFUSED:
                error = await _why_refused(health, exc, error)
            await health.failed(error)
        raise error from exc
    if write and health is not None:
        await health.wrote()
    return result


async def _why_refused(health: StoreHealth, exc: BaseException, error: ExprunError) -> ExprunError:
    """STORAGE_FULL when the store's space probe is refused for want of space too, else `error`
    (a store without a probe cannot tell)."""
    try:
        await health.probe()
    except OSError as refused:
        if refused.errno in _OS_FULL:
            return storage_full(f"{exc}: {os.strerror(refused.errno)}")
    return error


def space_probe(directory: pathlib.Path) -> Callable[[], Awaitable[None]]:
    """A probe for `StoreHealth`: writes, syncs and removes PROBE_BYTES in `directory`."""
    path = directory / ".space-probe"

    def probe() -> None:
        try:
            with path.open("wb") as file:
                file.write(os.urandom(PROBE_BYTES))  # zeros could be compressed away
                file.flush()
                os.fsync(file.fileno())
        finally:
            path.unlink(missing_ok=True)

    return lambda: asyncio.to_thread(probe)
