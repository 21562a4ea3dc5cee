"""A `StreamTimeSeries` session: the rules of one writer's stream, apart from the wire.

The transport hands a session the stream's messages still encoded and a `decode` that maps one
to an `Open` or a `Batch`; the session yields `Opened` and `Acked` events back. In between it
owns the rules:

- the first message opens, within `open_timeout` seconds, and nothing later opens again;
- sequences strictly increase;
- at most `window` batches are read ahead of their acks;
- the server's memory budget is taken before a message is read, for the bytes it will need
  while parsed and packed, then shrunk to the packed batch until the store has committed it;
  a stream that cannot get budget does not read, so HTTP/2 flow control holds its client back;
  while a stream waits for its writer's next message its budget may be lent to streams that
  have data (see core/memory.py), so quiet writers do not stall busy ones;
- acks are cumulative and in order, sent once the store has committed;
- while the server drains, the stream acks what it has received, once committed, then ends
  with SERVER_DRAINING so its client resumes elsewhere.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from exprun.server.core import limits
from exprun.server.core.errors import InvalidArgument, Unavailable
from exprun.server.core.ingest import Chain
from exprun.server.core.memory import MemoryBudget
from exprun.server.core.model import Series, WriteResult
from exprun.server.core.tasks import cancel_and_wait
from exprun.server.core.timeseries import RunTimeSeries

# Batches of one stream read ahead of their acks: enough to keep the store busy while acks
# travel back; the memory budget bounds what all streams hold together.
WINDOW = 8
OPEN_TIMEOUT_SECONDS = 10.0
# Bytes in use per encoded byte while a batch is decoded: the encoded message, the parsed
# message and the packed columns exist at once (measured about 2.5x; rounded up).
DECODING_FACTOR = 3
# What a stream's first batch is assumed to need before its size is known (a 50,000-point
# batch is about 1 MB encoded); later reads assume the size of the stream's previous message.
FIRST_READ_BYTES = 3 * 1024**2
# An idle stream still holds what its next message is assumed to need, so the assumption never
# drops below this (an open message, a tiny batch).
MIN_READ_BYTES = 4096


@dataclass(frozen=True)
class Open:
    run: str
    writer_id: str


@dataclass(frozen=True)
class Batch:
    sequence: int
    series: Sequence[Series]


@dataclass(frozen=True)
class Opened:
    committed_sequence: int


@dataclass(frozen=True)
class Acked:
    committed_sequence: int


class Encoded(Protocol):
    """A message as the transport received it; its size is what the budget is taken for."""

    def __len__(self) -> int: ...


Decode = Callable[[Encoded], Open | Batch | None]  # None: neither an open nor a batch


def draining() -> Unavailable:
    return Unavailable(
        "the server is shutting down; reconnect to resume from the committed sequence",
        reason="SERVER_DRAINING",
    )


class _Outcomes:
    """A stream's batches in flight, in order: futures of store commits, then maybe the error
    or the end (None) that the reader met."""

    def __init__(self) -> None:
        self._items: collections.deque[asyncio.Future[WriteResult] | Exception | None] = collections.deque()
        self._arrived = asyncio.Event()

    def push(self, item: asyncio.Future[WriteResult] | Exception | None) -> None:
        self._items.append(item)
        self._arrived.set()

    async def pop(self) -> asyncio.Future[WriteResult] | Exception | None:
        while not self._items:
            self._arrived.clear()
            await self._arrived.wait()
        return self._items.popleft()

    def pop_committed(self) -> WriteResult | None:
        """The next batch's result if it has already committed successfully, else None."""
        head = self._items[0] if self._items else None
        if isinstance(head, asyncio.Future) and head.done() and head.exception() is None:
            self._items.popleft()
            return head.result()
        return None


class StreamSession:
    def __init__(
        self,
        series: RunTimeSeries,
        draining: asyncio.Event,
        *,
        window: int = WINDOW,
        open_timeout: float = OPEN_TIMEOUT_SECONDS,
    ) -> None:
        self._series = series
        self._budget: MemoryBudget = series.ingest.budget
        self._draining = draining
        self._window = window
        self._open_timeout = open_timeout
        self._expected = FIRST_READ_BYTES

    async def run(self, messages: AsyncIterator[Encoded], decode: Decode) -> AsyncIterator[Opened | Acked]:
        if self._draining.is_set():
            raise draining()
        incoming = aiter(messages)
        opening = await self._open(incoming, decode)
        name, committed = await self._series.open_stream(opening.run, opening.writer_id)
        yield Opened(committed)
        self._series.liveness.stream_opened(name)
        try:
            async for ack in self._batches(incoming, decode, name.path, opening.writer_id):
                yield ack
        finally:
            self._series.liveness.stream_closed(name)

    async def _open(self, incoming: AsyncIterator[Encoded], decode: Decode) -> Open:
        hold = await self._budget.hold(MIN_READ_BYTES)
        try:
            try:
                first = await asyncio.wait_for(anext(incoming, None), self._open_timeout)
            except TimeoutError:
                raise InvalidArgument.field(
                    "open", f"no open message within {self._open_timeout:g} s", reason="OPEN_TIMEOUT"
                ) from None
            if first is None:
                raise InvalidArgument.field("open", "the first message of a stream must be open")
            hold.resize(len(first) * DECODING_FACTOR)
            opening = decode(first)
        finally:
            hold.release()
        if not isinstance(opening, Open):
            raise InvalidArgument.field("open", "the first message of a stream must be open")
        return opening

    async def _batches(
        self, incoming: AsyncIterator[Encoded], decode: Decode, run: str, writer_id: str
    ) -> AsyncIterator[Acked]:
        window = asyncio.Semaphore(self._window)
        chain = Chain()  # a failed batch keeps the later ones of this stream from being stored
        outcomes = _Outcomes()

        async def read() -> None:
            last = 0
            try:
                while True:
                    # The window, then the budget, before the next message is read: a stream
                    # holds at most `window` batches, and none arrives that the budget did not
                    # make room for.
                    await window.acquire()
                    hold = await self._budget.hold(self._expected)
                    try:
                        with hold.awaiting_message():  # a quiet writer lends it to the others
                            message = await self._next(incoming)
                        if message is None:
                            hold.release()
                            break
                        size = len(message)
                        self._expected = max(MIN_READ_BYTES, size * DECODING_FACTOR)
                        hold.resize(size * DECODING_FACTOR)
                        batch = self._checked(decode(message), last)
                        del message  # the packed columns are all that stays
                        last = batch.sequence
                        write = self._series.prepare_write(
                            run,
                            batch.series,
                            writer_id=writer_id,
                            sequence=batch.sequence,
                            field="batch.batch.series",
                            max_points=limits.STREAM_BATCH_MAX_POINTS,
                        )
                        del batch
                    except BaseException:
                        hold.release()
                        raise
                    # From here the ingest pipeline owns the hold and releases it after commit,
                    # and the batch: a reference kept here while the next read waits for budget
                    # would keep every waiting stream's last batch alive outside the budget.
                    outcomes.push(await self._series.ingest.submit(write, hold, chain))
                    del write
                outcomes.push(draining() if self._draining.is_set() else None)
            except Exception as error:  # reported after the acks of what came before it
                outcomes.push(error)

        reader = asyncio.create_task(read())
        try:
            while (outcome := await outcomes.pop()) is not None:
                if isinstance(outcome, Exception):
                    raise outcome
                result = await outcome
                window.release()
                # Cumulative acks: one ack covers every batch already committed behind it.
                while (ready := outcomes.pop_committed()) is not None:
                    result = ready
                    window.release()
                yield Acked(result.committed_sequence)
        finally:
            await cancel_and_wait(reader)

    @staticmethod
    def _checked(batch: Open | Batch | None, last: int) -> Batch:
        if not isinstance(batch, Batch):
            raise InvalidArgument.field("open", "a stream is opened once, by its first message")
        if batch.sequence <= last:
            raise InvalidArgument.field(
                "batch.sequence", f"{batch.sequence} is not above the previous sequence {last}"
            )
        return batch

    async def _next(self, incoming: AsyncIterator[Encoded]) -> Encoded | None:
        """The stream's next message, or None once it ends or the server starts draining (even
        while waiting for it)."""
        if self._draining.is_set():
            return None
        arriving = asyncio.ensure_future(anext(incoming, None))
        stopped = asyncio.ensure_future(self._draining.wait())
        try:
            await asyncio.wait({arriving, stopped}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            arriving.cancel()
            raise
        finally:
            stopped.cancel()
        if not arriving.done():
            arriving.cancel()  # draining: the stream is not read again
            return None
        return arriving.result()
