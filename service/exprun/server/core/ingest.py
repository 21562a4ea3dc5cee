"""The ingest pipeline: batches from every stream and unary write, coalesced into few store writes.

A store commit costs a fixed price (an fsync for SQLite, a request round trip for Vertex), so
one write per batch caps throughput at the commit rate. Writers submit validated batches to
one bounded queue; a single consumer takes whatever is waiting, up to a points budget, and
hands it to the store in one call. Each submitter awaits its own outcome, so an
acknowledgement still means "durable". The queue is bounded: when the store lags, `submit`
waits, stream readers stop reading, and gRPC flow control pushes back on the clients instead
of the server growing memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from exprun.server.core.errors import ExprunError, Unavailable
from exprun.server.core.model import TimeSeriesWrite, WriteResult
from exprun.server.core.store import RunStore

log = logging.getLogger("exprun.server.ingest")

# Points accepted but not yet committed, across all writers: the memory bound of the pipeline
# (about 24 bytes a point in packed columns, so ~100 MB).
BUDGET_POINTS = 4_000_000
# One store call takes at most this many points (about 20 ms of SQLite work at 1 M points/s).
COALESCE_POINTS = 250_000


@dataclass
class _Pending:
    write: TimeSeriesWrite
    origin: object = None  # what the observer captured from the submitter
    done: asyncio.Future[WriteResult] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass
class IngestStats:
    """Counters for operators and benchmarks: how well batches coalesce."""

    batches: int = 0
    store_writes: int = 0
    points: int = 0


class IngestObserver:
    """Telemetry hooks. These defaults do nothing, so the core needs no telemetry library."""

    def submitted(self, write: TimeSeriesWrite) -> object:
        """Runs in the submitter's context as its batch is queued. What it returns (say, the
        caller's span) comes back to `writing` with the batch."""
        return None

    def writing(self, origins: Sequence[object], points: int) -> contextlib.AbstractContextManager[object]:
        """Wraps one store write of `len(origins)` coalesced batches, `points` points in all."""
        return contextlib.nullcontext()

    def written(self, points: int) -> None:
        """`points` of a store write were committed."""


class _Budget:
    """A counting semaphore over points: a batch waits until its points fit."""

    def __init__(self, points: int) -> None:
        self.capacity = points
        self.free = points
        self._changed = asyncio.Condition()

    async def take(self, points: int) -> None:
        points = min(points, self.capacity)  # a batch larger than the budget waits for all of it
        async with self._changed:
            await self._changed.wait_for(lambda: self.free >= points)
            self.free -= points

    async def give(self, points: int) -> None:
        async with self._changed:
            self.free += min(points, self.capacity)
            self._changed.notify_all()


class Ingest:
    def __init__(
        self,
        store: RunStore,
        *,
        budget_points: int = BUDGET_POINTS,
        coalesce_points: int = COALESCE_POINTS,
        observer: IngestObserver | None = None,
    ) -> None:
        self._store = store
        self._observer = observer or IngestObserver()
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._budget = _Budget(budget_points)
        self._coalesce_points = coalesce_points
        self._task: asyncio.Task[None] | None = None
        self.stats = IngestStats()

    @property
    def depth(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="exprun-ingest")

    async def stop(self) -> None:
        """Lets queued batches reach the store, then stops: nothing accepted is abandoned."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    @property
    def buffered_points(self) -> int:
        return self._budget.capacity - self._budget.free

    async def submit(self, write: TimeSeriesWrite) -> asyncio.Future[WriteResult]:
        """Queues a batch, first waiting until its points fit the budget, and returns the future
        of its outcome."""
        if self._task is None:
            raise Unavailable("the server is not accepting writes", reason="INGEST_STOPPED")
        await self._budget.take(write.points)
        pending = _Pending(write, self._observer.submitted(write))
        self._queue.put_nowait(pending)
        return pending.done

    async def write(self, write: TimeSeriesWrite) -> WriteResult:
        return await (await self.submit(write))

    async def _run(self) -> None:
        while True:
            taken = [await self._queue.get()]
            points = taken[0].write.points
            while points < self._coalesce_points and not self._queue.empty():
                taken.append(self._queue.get_nowait())
                points += taken[-1].write.points
            try:
                await self._write(taken, points)
            finally:
                await self._budget.give(points)
                for _ in taken:
                    self._queue.task_done()

    async def _write(self, taken: list[_Pending], points: int) -> None:
        results: list[WriteResult | Exception]
        with self._observer.writing([p.origin for p in taken], points):
            try:
                results = [*await self._store.write_time_series_batch([p.write for p in taken])]
            except Exception as error:  # the whole store call failed: every batch in it fails
                if isinstance(error, ExprunError):  # a full disk, say: the store logged the cause
                    log.warning("store write of %d batches failed: %s", len(taken), error)
                else:
                    log.exception("store write of %d batches failed", len(taken))
                results = [error] * len(taken)
        committed = 0
        self.stats.store_writes += 1
        self.stats.batches += len(taken)
        for pending, result in zip(taken, results, strict=True):
            if pending.done.done():
                continue
            if isinstance(result, WriteResult):
                committed += pending.write.points
                pending.done.set_result(result)
            else:
                pending.done.set_exception(result)
        self.stats.points += committed
        self._observer.written(committed)
