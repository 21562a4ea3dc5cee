"""Run liveness: a RUNNING run whose producer went silent is failed, not left RUNNING forever.

Vertex and MLflow keep a crashed trainer's run RUNNING for ever, so dashboards lie. A run opts
in by sending a heartbeat or opening a time-series stream; from then on, silence longer than
the timeout moves it to FAILED with a reason. Runs that only make unary calls are never
watched, so nothing changes for clients that don't know about liveness.

Watching lives in this process (last heard, open streams) and, where the store can, in the
store (a deadline per run), so a restarted server still fails a run whose producer died with
it. Deadlines are written only when they would otherwise lapse within three quarters of the
timeout, so a heartbeat every few seconds costs a store write every few minutes.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from exprun.server.core.names import RunName
from exprun.server.core.store import RunStore

log = logging.getLogger("exprun.server.liveness")

# Sweeps run at least this often (and at least four times per timeout).
SWEEP_MAX_INTERVAL_SECONDS = 15.0


class Liveness:
    def __init__(
        self, store: RunStore, timeout_seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self._store = store
        self.timeout = timeout_seconds
        self._clock = clock
        self._last_heard: dict[RunName, float] = {}
        self._persisted: dict[RunName, float] = {}
        self._streams: collections.Counter[RunName] = collections.Counter()
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        return self.timeout > 0

    @property
    def reason(self) -> str:
        return f"no heartbeat or open time-series stream for {self.timeout:g} s (run liveness timeout)"

    def start(self) -> None:
        if self.enabled and self._task is None:
            self._task = asyncio.create_task(self._sweep_forever(), name="exprun-liveness")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def heard_from(self, name: RunName) -> datetime | None:
        """Records a sign of life; returns the run's new deadline (None when liveness is off)."""
        if not self.enabled:
            return None
        now = self._clock()
        self._last_heard[name] = now
        await self._persist([name], now)
        return _utc(now + self.timeout)

    def stream_opened(self, name: RunName) -> None:
        if self.enabled:
            self._streams[name] += 1
            self._last_heard[name] = self._clock()

    def stream_closed(self, name: RunName) -> None:
        if not self.enabled:
            return
        self._streams[name] -= 1
        if self._streams[name] <= 0:
            del self._streams[name]
        self._last_heard[name] = self._clock()  # the silence starts now, not at the open

    async def sweep(self) -> list[RunName]:
        """Keeps runs with open streams alive, fails the overdue ones; returns those failed."""
        now = self._clock()
        streaming = list(self._streams)
        for name in streaming:
            self._last_heard[name] = now
        await self._persist(streaming, now)
        silent = [n for n, heard in self._last_heard.items() if now - heard > self.timeout]
        failed = await self._store.fail_overdue_runs(_utc(now), self.reason, silent)
        for name in {*silent, *failed}:
            self._last_heard.pop(name, None)
            self._persisted.pop(name, None)
        for name in failed:
            log.warning("run %s failed: %s", name.path, self.reason)
        return failed

    async def _persist(self, names: list[RunName], now: float) -> None:
        due = [n for n in names if self._persisted.get(n, 0.0) - now < self.timeout * 0.75]
        if due:
            await self._store.keep_alive(due, _utc(now + self.timeout))
            for name in due:
                self._persisted[name] = now + self.timeout

    async def _sweep_forever(self) -> None:
        interval = min(self.timeout / 4, SWEEP_MAX_INTERVAL_SECONDS)
        while True:
            try:
                await self.sweep()
            except Exception:  # a failed sweep is retried at the next interval
                log.exception("liveness sweep failed")
            await asyncio.sleep(interval)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
