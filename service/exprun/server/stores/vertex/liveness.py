"""Liveness leases in Vertex: a watched run's deadline lives in its context's metadata
(`layout.DEADLINE`), so every replica over the same projects sees and renews the same lease.

* **Keeping alive** (heartbeats, streams) is one coalesced, etag-checked read-modify-write of
  the run's context, skipped when the cached context already shows a deadline that needs no
  renewal (deadlines only move forward, so a cached one is a lower bound).
* **Failing** does not trust this process's memory of which runs exist: each sweep lists, in
  every location this process has served a run in, the RUNNING run contexts whose persisted
  deadline has passed (one ListContexts per location and sweep, filtered by Vertex on
  documented top-level metadata fields). Each is failed in an etag-checked update that checks
  the deadline again on the context it writes, so a lease another replica renewed after the
  listing stands (its write changed the etag: ABORTED, re-read, nothing to fail).

Limits: a location is swept by a replica only once that replica has read or written a run
there since it started, so a fleet restarted as a whole finds an old location's overdue runs
on the first request touching it. Replica clocks must agree to well within the timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from exprun.server.core.errors import ExprunError
from exprun.server.core.model import RunState
from exprun.server.core.names import LocationName, RunName
from exprun.server.stores.vertex import codec, layout
from exprun.server.stores.vertex.backend import Backend, quote
from exprun.server.stores.vertex.contexts import ContextPb, RunContexts, belongs
from exprun.server.stores.vertex.names import last_segment
from google.cloud.aiplatform_v1.types import metadata_service

# Overdue runs failed at once; each is one or two Metadata calls.
_PARALLEL = 8
_PAGE_SIZE = 1000


class RunLiveness:
    def __init__(self, backend: Backend, contexts: RunContexts) -> None:
        self._backend = backend
        self._contexts = contexts

    async def keep_alive(self, names: Sequence[RunName], now: datetime) -> dict[RunName, datetime]:
        leases = self._contexts.leases
        gate = asyncio.Semaphore(_PARALLEL)

        async def keep(name: RunName) -> tuple[RunName, datetime | None]:
            async with gate:
                try:
                    ctx = await self._contexts.get(name)
                    meta = codec.from_struct(ctx.metadata)
                    cached = layout.lease_deadline(meta)
                    if cached is None or leases.renewal(cached, now) is not None:
                        ctx = await self._contexts.update(
                            name, lambda m: layout.keep_alive(m, leases, now), field="run"
                        )
                        meta = codec.from_struct(ctx.metadata)
                except ExprunError:
                    return name, None  # gone meanwhile: nothing to keep alive
                if layout.state(meta) != RunState.RUNNING:
                    return name, None
                return name, layout.lease_deadline(meta)

        kept = await asyncio.gather(*(keep(name) for name in names))
        return {name: deadline for name, deadline in kept if deadline is not None}

    async def fail_overdue(self, now: datetime, reason: str) -> list[RunName]:
        gate = asyncio.Semaphore(_PARALLEL)

        async def fail(name: RunName) -> RunName | None:
            done = False

            def mutate(meta: layout.Metadata) -> None:
                nonlocal done
                done = layout.fail_if_overdue(meta, now, reason)

            async with gate:
                try:
                    await self._contexts.update(name, mutate, field="state")
                except ExprunError:
                    return None
            return name if done else None

        failed: list[RunName] = []
        errors: list[ExprunError] = []
        for location in sorted(self._contexts.locations, key=lambda loc: loc.path):
            try:
                overdue = await self._overdue(location, now)
            except ExprunError as error:  # one location's trouble does not stop the others' sweep
                errors.append(error)
                continue
            outcomes = await asyncio.gather(*(fail(name) for name in overdue))
            failed.extend(name for name in outcomes if name is not None)
        if errors and not failed:
            raise errors[0]
        return failed

    async def _overdue(self, location: LocationName, now: datetime) -> list[RunName]:
        """The run contexts in `location` that are RUNNING with a deadline at or before `now`."""
        terms = [
            f"schema_title = {quote(layout.SYSTEM_EXPERIMENT_RUN)}",
            f"metadata.{layout.STATE}.string_value = {quote('RUNNING')}",
            f"metadata.{layout.DEADLINE}.number_value <= {now.timestamp():.3f}",
        ]
        client = self._backend.at(location.location).metadata
        request = metadata_service.ListContextsRequest(
            parent=self._backend.numbers.store(location), filter=" AND ".join(terms), page_size=_PAGE_SIZE
        )
        return [
            n
            async for page in self._backend.pages(client.list_contexts, request)  # none: no store yet
            for ctx in page.contexts
            if (n := _run_name(location, ctx)) is not None
        ]


def _run_name(location: LocationName, ctx: ContextPb) -> RunName | None:
    """The run a listed context is, if it is a complete run (linked to its experiment)."""
    for parent in ctx.parent_contexts:
        experiment = last_segment(parent)
        name = RunName(location.project, location.location, experiment, ctx.display_name)
        if last_segment(ctx.name) == name.resource_id and belongs(ctx, name):
            return name
    return None
