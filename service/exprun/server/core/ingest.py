"""The ingest pipeline: batches from every stream and unary write, coalesced into few store writes.

A store commit costs a fixed price (an fsync for SQLite, a request round trip for Vertex), so
one write per batch caps throughput at the commit rate. Writers submit validated batches to
one queue; a single consumer takes whatever is waiting, up to COALESCE_POINTS, and hands it
to the store in one call. Each submitter awaits its own outcome, so an acknowledgement still
means "durable". A store whose commit is a network round trip may take several calls at once
(`RunStore.ingest_concurrency`): the next batches then go out while the previous call waits
for its answer, and that store keeps each writer's checkpoints in order itself.

The queue is bounded by the server's one memory budget: a batch holds its packed bytes from
before it was read (streams) or from `submit` (unary writes) until the store has committed
it, so when the store lags, readers stop reading and gRPC flow control pushes back on the
clients instead of the server growing memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from exprun.server.core import tasks
from exprun.server.core.errors import ExprunError, Unavailable
from exprun.server.core.memory import Hold, MemoryBudget
from exprun.server.core.model import TimeSeriesWrite, WriteResult
from exprun.server.core.store import RunStore

log = logging.getLogger("exprun.server.ingest")

# Bytes of batches in flight across the server when no budget is given (`--ingest-memory-mb`).
MEMORY_BYTES = 64 * 1024**2
# A packed point: int64 step, float64 value, int64 wall time.
PACKED_POINT_BYTES = 24
# One store call takes at most this many points (about 20 ms of SQLite work at 1 M points/s).
COALESCE_POINTS = 250_000


class Chain:
    """The batches of one stream, in the order they were submitted.

    Once one of them fails, the later ones must not be stored: a later batch's checkpoint would
    cover the failed batch's sequence, and the client, resuming from the committed sequence,
    would never resend the failed points. A later batch can still be queued when an earlier one
    fails (a stream submits as it reads), and run after the store has recovered (a full disk
    freed), so each is checked as its store call starts. Within one store call the store keeps
    the rule (see `RunStore.write_time_series_batch`)."""

    __slots__ = ("failed",)

    def __init__(self) -> None:
        self.failed = False


def _earlier_failed(write: TimeSeriesWrite) -> Unavailable:
    return Unavailable(
        f"an earlier batch of this stream to run {write.name.path} failed, so this one is not "
        "stored; resume from the committed sequence",
        reason="EARLIER_WRITE_FAILED",
    )


@dataclass
class _Pending:
    write: TimeSeriesWrite
    hold: Hold
    origin: object = None  # what the observer captured from the submitter
    chain: Chain | None = None
    done: asyncio.Future[WriteResult] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


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


class Ingest:
    def __init__(
        self,
        store: RunStore,
        *,
        budget: MemoryBudget | None = None,
        coalesce_points: int = COALESCE_POINTS,
        observer: IngestObserver | None = None,
    ) -> None:
        self._store = store
        self._observer = observer or IngestObserver()
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self.budget = budget or MemoryBudget(MEMORY_BYTES)
        self._buffered_points = 0
        self._coalesce_points = coalesce_points
        self._task: asyncio.Task[None] | None = None
        # Store calls at once: one for a local transaction, more where a call is mostly waiting.
        self._concurrency = max(1, store.ingest_concurrency)
        self._writing: set[asyncio.Task[None]] = set()  # the calls out, referenced until done

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
        await tasks.cancel_and_wait(self._task)
        self._task = None

    @property
    def buffered_points(self) -> int:
        """Points submitted and not yet committed."""
        return self._buffered_points

    async def submit(
        self, write: TimeSeriesWrite, hold: Hold | None = None, chain: Chain | None = None
    ) -> asyncio.Future[WriteResult]:
        """Queues a batch and returns the future of its outcome. A stream passes the budget it
        took before reading the batch, and its `Chain`; a unary write first waits for its packed
        bytes to fit."""
        if self._task is None:
            if hold is not None:
                hold.release()
            raise Unavailable("the server is not accepting writes", reason="INGEST_STOPPED")
        packed = write.points * PACKED_POINT_BYTES
        if hold is None:
            hold = await self.budget.hold(packed)
        else:
            hold.resize(packed)
        pending = _Pending(write, hold, self._observer.submitted(write), chain)
        self._buffered_points += write.points
        self._queue.put_nowait(pending)
        return pending.done

    async def write(self, write: TimeSeriesWrite) -> WriteResult:
        return await (await self.submit(write))

    async def _run(self) -> None:
        # A slot is taken before the queue is read, so while every call is out the batches
        # wait in the queue and the next call coalesces them.
        slots = asyncio.Semaphore(self._concurrency)
        while True:
            await slots.acquire()
            taken = [await self._queue.get()]
            points = taken[0].write.points
            while points < self._coalesce_points and not self._queue.empty():
                taken.append(self._queue.get_nowait())
                points += taken[-1].write.points
            task = asyncio.create_task(self._commit(taken, points, slots))
            self._writing.add(task)
            task.add_done_callback(self._writing.discard)

    async def _commit(self, taken: list[_Pending], points: int, slots: asyncio.Semaphore) -> None:
        try:
            await self._write(taken, points)
        finally:
            self._buffered_points -= points
            for pending in taken:
                pending.hold.release()
                self._queue.task_done()
            slots.release()

    async def _write(self, taken: list[_Pending], points: int) -> None:
        kept = []
        for pending in taken:
            if pending.chain is None or not pending.chain.failed:
                kept.append(pending)
            elif not pending.done.done():
                pending.done.set_exception(_earlier_failed(pending.write))
        if not kept:
            return
        if len(kept) < len(taken):
            taken, points = kept, sum(p.write.points for p in kept)
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
        for pending, result in zip(taken, results, strict=True):
            if not isinstance(result, WriteResult) and pending.chain is not None:
                pending.chain.failed = True
            if pending.done.done():
                continue
            if isinstance(result, WriteResult):
                committed += pending.write.points
                pending.done.set_result(result)
            else:
                pending.done.set_exception(result)
        self._observer.written(committed)
