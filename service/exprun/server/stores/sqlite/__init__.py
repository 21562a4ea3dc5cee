"""The embedded store: one SQLite database and a model directory under a local data directory.

It serves the laptop and the single-replica deployment, so it favours durability (WAL,
`synchronous=FULL`) and simple recovery (a restart needs no repair step) over concurrency.
"""

from exprun.server.stores.sqlite.store import SqliteRunStore

__all__ = ["SqliteRunStore"]
