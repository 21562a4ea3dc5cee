"""One retry policy for every Vertex call: exponential backoff with full jitter, within a deadline.

The GAPIC clients' own retry and timeout are switched off (`retry=None`) so there is exactly one
policy, this one. Transient answers (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and
ABORTED) are retried until `deadline` seconds have passed since the first attempt; then the
call raises the domain `Unavailable`, so a write is either acknowledged or reported failed,
never silently dropped. Everything else goes straight back to the caller.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from exprun.server.core.errors import Unavailable
from exprun.server.telemetry import vertex as telemetry
from google.api_core import exceptions

T = TypeVar("T")

# RESOURCE_EXHAUSTED is quota (12,000 Metadata requests per minute): waiting is the cure.
TRANSIENT: tuple[type[exceptions.GoogleAPICallError], ...] = (
    exceptions.ServiceUnavailable,
    exceptions.DeadlineExceeded,
    exceptions.TooManyRequests,
    exceptions.ResourceExhausted,
    exceptions.Aborted,
)


@dataclass(frozen=True)
class Attempt:
    """What one attempt knows: its number (1 first) and the time it may take."""

    number: int
    timeout: float

    @property
    def is_retry(self) -> bool:
        """A retry of a create may meet the resource its lost first attempt made."""
        return self.number > 1


class Retrier:
    def __init__(
        self,
        deadline: float,
        *,
        initial_backoff: float = 0.05,
        max_backoff: float = 5.0,
        attempt_timeout: float = 30.0,
    ) -> None:
        self.deadline = deadline
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.attempt_timeout = attempt_timeout

    async def call(
        self,
        fn: Callable[[Attempt], Awaitable[T]],
        what: str,
        *,
        retry_aborted: bool = True,
    ) -> T:
        """Runs `fn` until it succeeds, fails for good, or the deadline passes.

        `retry_aborted=False` hands ABORTED back: an etag conflict needs a fresh read, not the
        same request again."""
        start = time.monotonic()
        number = 0
        while True:
            number += 1
            remaining = self.deadline - (time.monotonic() - start)
            timeout = max(0.001, min(self.attempt_timeout, remaining))
            try:
                with telemetry.attempt(what, number):
                    return await fn(Attempt(number, timeout))
            except TRANSIENT as exc:
                if isinstance(exc, exceptions.Aborted) and not retry_aborted:
                    raise
                # Full jitter: uniform in [0, cap], so many retrying writers spread out.
                cap = min(self.max_backoff, self.initial_backoff * 2 ** (number - 1))
                sleep = random.uniform(0, cap)
                if time.monotonic() - start + sleep >= self.deadline:
                    raise Unavailable(
                        f"Vertex AI did not complete {what} within {self.deadline:g} s: {exc.message}",
                        reason="VERTEX_UNAVAILABLE",
                        metadata={"call": what, "last_error": type(exc).__name__},
                    ) from exc
                telemetry.retried(what, exc)
                await asyncio.sleep(sleep)
