"""One memory budget for the whole server: the bytes of every batch in flight, from the moment a
stream asks for its next message until the store has committed it.

Without it each stream receives, parses and packs its next batch before anything asks, so memory
grows with the number of streams (about 6 MB each) instead of with the work the store can do. A
stream takes budget before it reads; one that cannot get it stops reading, and HTTP/2 flow control
holds its client back, so the bytes stay on the client.

Waiters are served in arrival order, so a large batch is not starved by a stream of small ones,
and one release wakes only those that now fit instead of every waiter.

A stream holds budget for its next message before it asks gRPC for it, because once asked,
gRPC takes in the whole message. But a stream whose writer has gone quiet would then hold
that budget for data it has not received, and a few dozen quiet streams would hold all of
it while streams with data wait. So while a hold waits for its message it is *lendable*:
when a waiter does not fit, the longest-waiting lendable holds give their bytes to the
waiters, up to `lend_limit` bytes lent in all. A lent hold whose message then arrives takes
its bytes back at once (they exist), even past the capacity, and everyone else waits until
they are gone. So the bytes in flight stay below `capacity + lend_limit`, and quiet streams
stall the others only when more than that much of them waits at once.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Iterator


class MemoryBudget:
    """A counting semaphore over bytes, served first come, first served."""

    def __init__(self, capacity: int, lend_limit: int | None = None) -> None:
        if capacity <= 0:
            raise ValueError("a memory budget needs a positive capacity")
        self.capacity = capacity
        self.used = 0
        # Bytes of holds that wait for their message and gave their bytes to waiters meanwhile:
        # at most half the capacity, so batches in flight stay under 1.5x the budget.
        self.lend_limit = capacity // 2 if lend_limit is None else lend_limit
        self.lent = 0
        self._waiters: collections.deque[tuple[int, asyncio.Future[None]]] = collections.deque()
        self._lendable: dict[Hold, None] = {}  # insertion order: the longest waiting first

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    async def hold(self, amount: int) -> Hold:
        """Waits until `amount` bytes fit (a request above the capacity waits for all of it)."""
        amount = max(0, min(amount, self.capacity))
        if not self._waiters and self.used + amount <= self.capacity:
            self.used += amount
            return Hold(self, amount)
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (amount, granted)
        self._waiters.append(entry)
        self._wake()  # quiet streams' holds may lend it room
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self._give(amount)  # granted while the waiter was being cancelled
            else:
                if entry in self._waiters:  # `_wake` drops cancelled waiters it meets first
                    self._waiters.remove(entry)
                self._wake()  # the head may have blocked those behind it
            raise
        return Hold(self, amount)

    def _take_now(self, amount: int) -> None:
        """Bytes that already exist (a message that arrived larger than its hold): counted even
        past the capacity, so everyone else waits until they are gone."""
        self.used += amount

    def _give(self, amount: int) -> None:
        self.used -= amount
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            amount, granted = self._waiters[0]
            if granted.cancelled():
                self._waiters.popleft()
                continue
            if self.used + amount > self.capacity and not self._lend():
                return
            if self.used + amount > self.capacity:
                continue  # lent some; see whether the head fits now
            self._waiters.popleft()
            self.used += amount
            granted.set_result(None)

    def _lend(self) -> bool:
        """Takes the bytes of the longest-waiting lendable hold that fits under the lend limit;
        False if there is none."""
        for hold in self._lendable:
            if self.lent + hold.amount <= self.lend_limit:
                del self._lendable[hold]
                hold.lent = True
                self.used -= hold.amount
                self.lent += hold.amount
                return True
        return False

    def _reclaim(self, hold: Hold) -> None:
        """A hold's message arrived: lent bytes come back even past the capacity (they exist)."""
        self._lendable.pop(hold, None)
        if hold.lent:
            hold.lent = False
            self.lent -= hold.amount
            self.used += hold.amount
            if self._waiters:
                self._wake()  # room to lend again, from another quiet stream


class Hold:
    """Bytes one batch holds, resized as it moves from raw to parsed to packed, released once."""

    def __init__(self, budget: MemoryBudget, amount: int) -> None:
        self._budget = budget
        self.amount = amount
        self.lent = False

    @contextlib.contextmanager
    def awaiting_message(self) -> Iterator[None]:
        """While the holder waits for the message this hold is for, the budget may lend the
        bytes to waiters; they come back when the wait ends, however it ends."""
        budget = self._budget
        budget._lendable[self] = None
        try:
            if budget._waiters:
                budget._wake()
            yield
        finally:
            budget._reclaim(self)

    def resize(self, amount: int) -> None:
        """Grows without waiting (the bytes exist already) or gives back what is no longer used."""
        amount = max(0, amount)
        if amount > self.amount:
            self._budget._take_now(amount - self.amount)
        elif amount < self.amount:
            self._budget._give(self.amount - amount)
        self.amount = amount

    def release(self) -> None:
        self.resize(0)
