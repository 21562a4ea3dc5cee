"""Run liveness: a RUNNING run whose producer went silent is failed, not left RUNNING forever.

Vertex and MLflow keep a crashed trainer's run RUNNING for ever, so dashboards lie. A run opts
in by sending a heartbeat or opening a time-series stream; from then on it holds a lease in the
store (`core/lease.py`), and once the lease's persisted deadline passes, the run moves to FAILED
with a reason. Runs that never opted in are never watched, so nothing changes for clients that
don't know about liveness.

Everything that decides lives in the store, so a fleet of replicas behaves as one server: a
heartbeat or stream on any replica renews the lease, and so does any write to a watched run
through any replica (the stores renew it inside the write); every replica's sweep asks the
store for the overdue runs (not its own memory, so runs whose producer talked only to a replica
that died are failed too), and the store fails each one only if its deadline has still passed
inside the atomic update, so a lease another replica renewed a moment ago is respected.

This process keeps only what cannot be shared and what saves writes: the streams open on it
(their runs are renewed at each sweep), and the deadlines it last persisted, a lower bound of
the stored ones, to skip renewals that are not due.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from datetime import datetime

from exprun.server.core.names import RunName
from exprun.server.core.store import RunStore
from exprun.server.core.tasks import cancel_and_wait

log = logging.getLogger("exprun.server.liveness")

# Sweeps run at least this often (and at least four times per timeout).
SWEEP_MAX_INTERVAL_SECONDS = 15.0


class Liveness:
    def __init__(self, store: RunStore) -> None:
        """Watches by the store's lease terms (`RunStore.leases`): the writes the store renews
        leases on and the sweeps here must agree on the timeout."""
        self._store = store
        self.leases = store.leases
        self.timeout = self.leases.timeout_seconds
        # Deadlines this process persisted or read back; bounded by pruning passed ones.
        self._persisted: dict[RunName, datetime] = {}
        self._streams: collections.Counter[RunName] = collections.Counter()
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        return self.leases.enabled

    @property
    def reason(self) -> str:
        return f"no heartbeat, open time-series stream or write for {self.timeout:g} s (run liveness timeout)"

    def start(self) -> None:
        if self.enabled and self._task is None:
            self._task = asyncio.create_task(self._sweep_forever(), name="exprun-liveness")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None

    async def heard_from(self, name: RunName) -> datetime | None:
        """Records a sign of life in the store; returns the run's deadline (None when liveness
        is off or the run is not RUNNING)."""
        if not self.enabled:
            return None
        deadlines = await self._keep_alive([name], self.leases.now())
        return deadlines.get(name)

    def stream_opened(self, name: RunName) -> None:
        if self.enabled:
            self._streams[name] += 1

    def stream_closed(self, name: RunName) -> None:
        if not self.enabled:
            return
        self._streams[name] -= 1
        if self._streams[name] <= 0:
            del self._streams[name]

    async def sweep(self) -> list[RunName]:
        """Keeps runs with streams open here alive and has the store fail every overdue run;
        returns those failed. The two go side by side: a renewal slowed by contention on a busy
        run must not hold up failing silent ones, and a run with a stream open here cannot be
        overdue unless its renewals failed for a whole timeout (they start a timeout early)."""
        now = self.leases.now()
        streaming = list(self._streams)
        renewal, failing = await asyncio.gather(
            self._keep_alive(streaming, now) if streaming else asyncio.sleep(0),
            self._store.fail_overdue_runs(now, self.reason),
            return_exceptions=True,
        )
        if isinstance(renewal, Exception):
            log.warning("renewing the leases of open streams failed: %r", renewal)
        if isinstance(failing, BaseException):
            raise failing
        failed = failing
        for name in failed:
            self._persisted.pop(name, None)
            log.warning("run %s failed: %s", name.path, self.reason)
        for name in [n for n, deadline in self._persisted.items() if deadline <= now]:
            del self._persisted[name]
        return failed

    async def _keep_alive(self, names: list[RunName], now: datetime) -> dict[RunName, datetime]:
        """Renews in the store what is due; a deadline persisted earlier that still covers a
        full timeout from now stands without a write (it can only have moved forward since)."""
        known = {n: d for n in names if (d := self._persisted.get(n)) is not None}
        due = [n for n in names if n not in known or self.leases.renewal(known[n], now) is not None]
        if not due:
            return known
        stored = await self._store.keep_alive(due, now)
        for name in due:
            if name in stored:
                self._persisted[name] = stored[name]
            else:  # not RUNNING (or gone): nothing to keep alive
                self._persisted.pop(name, None)
                known.pop(name, None)
        return {**known, **stored}

    async def _sweep_forever(self) -> None:
        interval = min(self.timeout / 4, SWEEP_MAX_INTERVAL_SECONDS)
        while True:
            try:
                await self.sweep()
            except Exception:  # a failed sweep is retried at the next interval
                log.exception("liveness sweep failed")
            await asyncio.sleep(interval)
