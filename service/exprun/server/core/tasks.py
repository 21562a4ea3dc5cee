"""Stopping the background tasks the core runs (sweeps, probes, a stream's reader)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    """Cancels `task` and returns once it has finished, so nothing it does outlives its owner;
    the cancellation it ends with is its own, not raised to the caller."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
