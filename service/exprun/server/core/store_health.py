"""Storage faults in domain terms, and the store's health that readiness follows.

A full disk, a database another process holds locked and a damaged database each need a
different answer from clients (wait and retry, retry soon, give up) and from the operator
(free space, find the other process, restore a backup). Stores turn their backend's errors into
the errors below and report them to their `StoreHealth`; the composition root listens and sets
readiness, so neither the core nor the stores know gRPC.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable

from exprun.server.core.errors import ExprunError, Internal, ResourceExhausted, Unavailable
from exprun.server.core.tasks import cancel_and_wait

log = logging.getLogger("exprun.server.store_health")

STORAGE_FULL = "STORAGE_FULL"
STORAGE_BUSY = "STORAGE_BUSY"
STORAGE_CORRUPT = "STORAGE_CORRUPT"
# What clients are told to wait: freeing space takes an operator, so retrying faster only adds
# load; a lock held by another process is usually released within a second.
FULL_RETRY_SECONDS = 2.0
BUSY_RETRY_SECONDS = 1.0
# How often a full store tries its probe write to find out that space was freed.
PROBE_INTERVAL_SECONDS = 2.0


def storage_full(detail: str) -> ResourceExhausted:
    return ResourceExhausted(
        f"the server's storage is full ({detail}); nothing was written, retry once space is freed",
        reason=STORAGE_FULL,
        retry_delay=FULL_RETRY_SECONDS,
    )


def storage_busy(detail: str) -> Unavailable:
    return Unavailable(
        f"the server's storage is locked by another process ({detail}); nothing was written, retry",
        reason=STORAGE_BUSY,
        retry_delay=BUSY_RETRY_SECONDS,
    )


def storage_corrupt(detail: str) -> Internal:
    return Internal(f"the server's storage is damaged ({detail}); see the server log", reason=STORAGE_CORRUPT)


class StoreCondition(enum.Enum):
    HEALTHY = "healthy"
    FULL = "full"  # until a write succeeds again
    CORRUPT = "corrupt"  # until the process restarts (after the operator repaired the data)


Listener = Callable[[bool], Awaitable[None]]


class StoreHealth:
    """Whether the store can take writes, as its last outcomes showed.

    Stores call `failed` with every error and `wrote` after every successful write; listeners
    hear `ready` each time it changes. While FULL, `probe` (a small real write that needs fresh
    space) runs every `probe_interval` seconds: a replica taken out of rotation gets no writes
    that could show it recovered, so it must find out by itself.
    """

    def __init__(
        self,
        probe: Callable[[], Awaitable[None]] | None = None,
        *,
        probe_interval: float = PROBE_INTERVAL_SECONDS,
    ) -> None:
        self._probe = probe
        self._probe_interval = probe_interval
        self._probing: asyncio.Task[None] | None = None
        self._listeners: list[Listener] = []
        self.condition = StoreCondition.HEALTHY

    @property
    def ready(self) -> bool:
        return self.condition is StoreCondition.HEALTHY

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def failed(self, error: ExprunError) -> None:
        if error.reason == STORAGE_FULL:
            await self._become(StoreCondition.FULL, error)
        elif error.reason == STORAGE_CORRUPT:
            await self._become(StoreCondition.CORRUPT, error)

    async def probe(self) -> None:
        """Runs the probe once, raising what it raised; nothing without a probe. A store asks
        this when its backend says a write failed but not why."""
        if self._probe is not None:
            await self._probe()

    async def wrote(self) -> None:
        if self.condition is StoreCondition.FULL:
            await self._become(StoreCondition.HEALTHY, None)

    async def close(self) -> None:
        if self._probing is not None:
            await cancel_and_wait(self._probing)
            self._probing = None

    async def _become(self, condition: StoreCondition, error: ExprunError | None) -> None:
        if condition is self.condition or self.condition is StoreCondition.CORRUPT:
            return
        was_ready = self.ready
        self.condition = condition
        if condition is StoreCondition.FULL:
            log.warning("storage full, readiness NOT_SERVING until a write succeeds: %s", error)
            if self._probe is not None and self._probing is None:
                self._probing = asyncio.create_task(self._probe_until_recovered(), name="exprun-probe")
        elif condition is StoreCondition.CORRUPT:
            log.error("storage damaged, readiness NOT_SERVING until restarted: %s", error)
        else:
            log.warning("storage writable again, readiness SERVING")
        if self.ready != was_ready:
            for listener in self._listeners:
                await listener(self.ready)

    async def _probe_until_recovered(self) -> None:
        assert self._probe is not None
        try:
            while self.condition is StoreCondition.FULL:
                await asyncio.sleep(self._probe_interval)
                try:
                    await self._probe()
                except Exception as error:  # still full, or worse; the next write tells
                    log.debug("storage probe failed: %r", error)
                    continue
                await self.wrote()
        finally:
            self._probing = None
