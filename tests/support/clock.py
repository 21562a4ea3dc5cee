"""A clock tests move by hand, for code that takes a `clock` (seconds since the epoch)."""

from __future__ import annotations

import time


class ManualClock:
    """Starts at the real time and moves only by `advance`, so a test decides "now"."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
