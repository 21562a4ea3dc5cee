"""The data directory: where the database and model files live, and who may use them.

Start-up cleaning removes what a crashed process left behind (half-received model uploads),
which is only safe when no other process is using the directory; an exclusive lock on
`exprun.lock` makes sure of that.
"""

from __future__ import annotations

import fcntl
import pathlib
from typing import BinaryIO


class DataDirInUse(OSError):
    """Another process holds the data directory: two servers on one directory would corrupt it.

    The embedded store is one replica by design (a second writer would make SQLite the lock,
    and liveness sweeps and model-file cleanup assume one owner). An OSError, so `exprun serve`
    exits with its message instead of a traceback. The lock is an flock: the kernel releases it
    when the holder exits or is killed, so no stale lock file needs cleaning."""


class DataDir:
    def __init__(self, root: pathlib.Path) -> None:
        self.root = root.resolve()
        self._lock: BinaryIO | None = None

    @property
    def database(self) -> pathlib.Path:
        return self.root / "exprun.db"

    @property
    def models(self) -> pathlib.Path:
        return self.root / "models"

    @property
    def incoming(self) -> pathlib.Path:
        """Uploads in progress; the leading dot keeps it apart from project names."""
        return self.models / ".incoming"

    def model(self, project: str, location: str, artifact_id: str) -> pathlib.Path:
        return self.models / project / location / artifact_id

    def acquire(self) -> None:
        """Creates the directory (and parents) on first use and takes the lock; blocking only
        briefly on the file system, so callers run it off the event loop."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = (self.root / "exprun.lock").open("ab")
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise DataDirInUse(
                f"data directory {self.root} is in use by another exprun process; the embedded"
                " store takes one server per data directory (run several replicas with --store vertex)"
            ) from None
        self._lock = lock

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
