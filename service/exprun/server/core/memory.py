"""One memory budget for the whole server: the bytes of every batch in flight, from the moment a
stream asks for its next message until the store has committed it.

Without it each stream receives, parses and packs its next batch before anything asks, so memory
grows with the number of streams (about 6 MB each) instead of with the work the store can do. A
stream takes budget before it reads; one that cannot get it stops reading, and HTTP/2 flow control
holds its client back, so the bytes stay on the client.

Waiters are served in arrival order, so a large batch is not starved by a stream of small ones,
and one release wakes only those that now fit instead of every waiter.
"""

from __future__ import annotations

import asyncio
import collections


class MemoryBudget:
    """A counting semaphore over bytes, served first come, first served."""

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("a memory budget needs a positive capacity")
        self.capacity = capacity
        self.used = 0
        self._waiters: collections.deque[tuple[int, asyncio.Future[None]]] = collections.deque()

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
            if self.used + amount > self.capacity:
                return
            self._waiters.popleft()
            self.used += amount
            granted.set_result(None)


class Hold:
    """Bytes one batch holds, resized as it moves from raw to parsed to packed, released once."""

    def __init__(self, budget: MemoryBudget, amount: int) -> None:
        self._budget = budget
        self.amount = amount

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
