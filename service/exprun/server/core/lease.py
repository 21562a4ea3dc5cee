"""Liveness leases: the terms every replica and store apply to a watched run's persisted deadline.

A watched RUNNING run carries a deadline in the store; once it has passed, any replica's sweep
may fail the run. The terms make two promises at once:

* **No live run is failed.** After a sign of life at time t the persisted deadline is at least
  t + timeout, whichever replica heard it, so a producer silent for less than the timeout is
  never failed (replica clocks must agree to well within the timeout).
* **Few store writes.** A renewal moves the deadline to now + 1¾ timeouts, so the next sign of
  life needs no write for ¾ of a timeout: an active run costs one write per ¾ timeout (one per
  7.5 min at the default 600 s), not one per heartbeat or batch.

The price is in how late a silent run is failed: exactly one timeout after a lone heartbeat (the
first lease is not extended), and between one and 1¾ timeouts after the last sign of life of a
run whose lease was renewed, plus one sweep interval.

Deadlines only move forward, so a deadline a replica read earlier is a lower bound of the one
stored now: a replica may skip a renewal on what it cached, never fail a run on it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

# A renewal adds this many timeouts beyond the one the promise needs.
RENEWAL_SLACK = 0.75


@dataclass(frozen=True)
class Leases:
    """`--run-liveness-timeout` as lease terms; `timeout_seconds` 0 turns liveness off."""

    timeout_seconds: float = 0.0
    clock: Callable[[], float] = field(default=time.time, compare=False)

    @property
    def enabled(self) -> bool:
        return self.timeout_seconds > 0

    @property
    def recheck_seconds(self) -> float:
        """How long a replica may trust a cached read showing a run without a lease: another
        replica may have started one since, and a write here must renew it in time."""
        return self.timeout_seconds / 4

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=UTC)

    def start(self, now: datetime) -> datetime:
        """The deadline of a run's first lease (a heartbeat or stream opts the run in)."""
        return now + timedelta(seconds=self.timeout_seconds)

    def due_before(self, now: datetime) -> datetime:
        """A deadline before this is renewed by a sign of life at `now`."""
        return now + timedelta(seconds=self.timeout_seconds)

    def renewed(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.timeout_seconds * (1 + RENEWAL_SLACK))

    def renewal(self, deadline: datetime, now: datetime) -> datetime | None:
        """The deadline a sign of life at `now` moves `deadline` to, or None when it stands."""
        return self.renewed(now) if deadline < self.due_before(now) else None

    def kept(self, deadline: datetime | None, now: datetime) -> datetime:
        """The deadline after a heartbeat: a new lease, a renewal, or the one that stands."""
        if deadline is None:
            return self.start(now)
        return self.renewal(deadline, now) or deadline
