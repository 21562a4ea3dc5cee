"""Run contexts: cached reads and coalesced read-modify-writes of their metadata.

Vertex has no partial metadata update: the SDK reads the whole Context, merges into it and
writes it back with the etag, retrying when another writer came first (vertex-mapping.md §3.1).
This module does the same, with two differences that matter under load:

* **Coalescing.** Changes to one run that arrive while its previous UpdateContext is in flight
  queue up and are applied together in one read-modify-write. Each caller still gets its own
  outcome: a change that fails (say, it would push the metadata past 200 KB) is left out and
  raises for its caller alone, the others are written. So concurrent writers through exprun
  never lose each other's keys, and the 12,000 requests/minute Metadata quota is not spent one
  key at a time.
* **Caching.** The context last read or written is kept, so a change usually costs one
  UpdateContext. The etag makes that safe: if anyone else wrote since, Vertex answers ABORTED,
  and the change is applied again to a fresh read.

Every update is also a sign of life: a watched run's liveness lease (`core/lease.py`) is renewed
in the same UpdateContext when due, so writes that change metadata anyway (summaries, writer
checkpoints, states) keep their run alive for free. `renew_lease` covers writes that touch no
metadata. Every location a run was read or written in is remembered for the liveness sweep.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exprun.server.core.errors import ExprunError, NotFound, Unavailable
from exprun.server.core.lease import Leases
from exprun.server.core.model import RunState
from exprun.server.core.names import LocationName, RunName
from exprun.server.stores.vertex import codec, layout
from exprun.server.stores.vertex.backend import Backend
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.names import last_segment
from exprun.server.stores.vertex.retry import Attempt
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import metadata_service
from google.cloud.aiplatform_v1.types.context import Context

# The raw protobuf Context under proto-plus; protobuf classes made at run time have no static type.
ContextPb = Any

# Runs whose context (here) and TensorBoard IDs (series_ids.py) a replica keeps, least recently
# used first out: bounded, so a server touching millions of runs does not keep them all.
RUN_CACHE_MAX = 10_000

Mutation = Callable[[layout.Metadata], None]


@dataclass
class _Change:
    mutate: Mutation
    request_field: str
    done: asyncio.Future[ContextPb] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def belongs(ctx: ContextPb, name: RunName) -> bool:
    """Whether a context is this run's. Run contexts are keyed by `{E}-{R}` alone, so run `b-c` of
    `aaaa` and run `c` of `aaaa-b` would share one; the display name (the SDK's `R`) tells them
    apart. A run context not (yet) linked to its experiment is a creation that did not finish:
    not a run until `create_run` completes it."""
    return (
        ctx.schema_title == layout.SYSTEM_EXPERIMENT_RUN
        and ctx.display_name == name.run
        and any(last_segment(parent) == name.experiment for parent in ctx.parent_contexts)
    )


def _newer(ctx: ContextPb, than: ContextPb) -> bool:
    """Whether `ctx` was updated after `than` (Vertex stamps every update)."""
    a, b = ctx.update_time, than.update_time
    return (a.seconds, a.nanos) > (b.seconds, b.nanos)


@dataclass
class _Cached:
    ctx: ContextPb
    read_at: float  # `leases.clock()` when Vertex last returned or accepted it


class RunContexts:
    def __init__(self, backend: Backend, leases: Leases | None = None) -> None:
        self._backend = backend
        self.leases = leases or Leases()
        self._cache: OrderedDict[RunName, _Cached] = OrderedDict()
        # Where runs were served: the liveness sweep looks for overdue runs there.
        self.locations: set[LocationName] = set()
        self._pending: dict[RunName, list[_Change]] = {}
        self._workers: dict[RunName, asyncio.Task[None]] = {}

    # -- reads --------------------------------------------------------------------------------
    async def get(self, name: RunName, *, fresh: bool = False) -> ContextPb:
        """The run's context; raises NotFound(kind="Run"). Do not modify the returned message."""
        if not fresh:
            cached = self._cache.get(name)
            if cached is not None:
                self._cache.move_to_end(name)
                return cached.ctx
        client = self._backend.at(name.location).metadata
        context_name = self._backend.numbers.run_context(name)

        got = await self._backend.unary(client.get_context, name=context_name, missing=None)
        found = None if got is None else Context.pb(got)
        if found is None or not belongs(found, name):
            self.forget(name)
            raise NotFound(name.path, kind="Run")
        self._backend.numbers.learn(name.project, found.name)
        self.remember(name, found)
        return found

    def remember(self, name: RunName, ctx: ContextPb) -> None:
        """Caches `ctx` unless the cache holds a later version: a read sent before one of our
        own writes may be answered after it, and its stale etag would fail the next update."""
        self.locations.add(name.parent.parent)
        cached = self._cache.get(name)
        if cached is not None and _newer(cached.ctx, ctx):
            self._cache.move_to_end(name)
            return
        self._cache[name] = _Cached(ctx, self.leases.clock())
        self._cache.move_to_end(name)
        while len(self._cache) > RUN_CACHE_MAX:
            self._cache.popitem(last=False)

    def forget(self, name: RunName) -> None:
        self._cache.pop(name, None)

    # -- coalesced writes ---------------------------------------------------------------------
    async def update(self, name: RunName, mutate: Mutation, *, field: str) -> ContextPb:
        """Applies `mutate` to the run's metadata and writes it; returns the written context.
        Raises what `mutate` raises (nothing is written for this caller then), NotFound, or
        Unavailable. `field` is the request field a refusal by Vertex is reported on."""
        change = _Change(mutate, field)
        self._pending.setdefault(name, []).append(change)
        if name not in self._workers:
            self._workers[name] = asyncio.create_task(self._drain(name))
        return await asyncio.shield(change.done)

    async def _drain(self, name: RunName) -> None:
        try:
            while changes := self._pending.pop(name, None):
                try:
                    await self._apply(name, changes)
                except BaseException as exc:
                    error = exc if isinstance(exc, Exception) else Unavailable("the update was cancelled")
                    for change in changes:
                        if not change.done.done():
                            change.done.set_exception(error)
                    if not isinstance(exc, Exception):
                        raise
        finally:
            self._workers.pop(name, None)

    async def _apply(self, name: RunName, changes: list[_Change]) -> None:
        deadline = time.monotonic() + self._backend.config.retry_deadline_seconds
        cached = self._cache.get(name)
        ctx = cached.ctx if cached is not None else await self.get(name, fresh=True)
        # A change that changes nothing needs no write, but only a fresh read proves that: on a
        # cached context the etag check of the write is what tells a stale copy.
        fresh = cached is None
        conflicts = 0
        while True:
            original = codec.from_struct(ctx.metadata)
            metadata = original
            failures: dict[int, ExprunError] = {}
            for i, change in enumerate(changes):
                trial = copy.deepcopy(metadata)
                try:
                    change.mutate(trial)
                except ExprunError as exc:
                    failures[i] = exc
                    continue
                metadata = trial
            now = self.leases.now()
            if len(failures) < len(changes) and layout.lease_due(metadata, self.leases, now):
                metadata = copy.deepcopy(metadata)
                layout.renew_lease(metadata, self.leases, now)
            fields = [c.request_field for i, c in enumerate(changes) if i not in failures]
            unchanged = metadata == original and (fresh or len(failures) == len(changes))
            written = ctx if unchanged else await self._write(name, ctx, metadata, fields)
            if written is not None:
                for i, change in enumerate(changes):
                    if change.done.done():
                        continue
                    if i in failures:
                        change.done.set_exception(failures[i])
                    else:
                        change.done.set_result(written)
                return
            # Another writer came first: apply the changes again to what it wrote.
            conflicts += 1
            if time.monotonic() > deadline:
                raise Unavailable(
                    f"run {name.path} kept changing under concurrent writers; try again",
                    reason="VERTEX_CONTENTION",
                )
            await asyncio.sleep(min(0.5, 0.01 * 2**conflicts))
            ctx = await self.get(name, fresh=True)
            fresh = True

    async def renew_lease(self, name: RunName) -> None:
        """For a write that changed no metadata: renews the run's lease when due. A cached
        context is trusted for that when it shows a lease (deadlines only move forward) or was
        read within `recheck_seconds`; otherwise another replica may have started a lease since,
        and a fresh read tells."""
        if not self.leases.enabled:
            return
        cached = self._cache.get(name)
        now = self.leases.now()
        meta = None if cached is None else codec.from_struct(cached.ctx.metadata)
        if meta is None or layout.lease_deadline(meta) is None or layout.state(meta) != RunState.RUNNING:
            if cached is not None and self.leases.clock() - cached.read_at <= self.leases.recheck_seconds:
                return
            meta = codec.from_struct((await self.get(name, fresh=True)).metadata)
        if layout.lease_due(meta, self.leases, now):
            await self.update(name, lambda m: layout.renew_lease(m, self.leases, now), field="run")

    async def _write(
        self, name: RunName, ctx: ContextPb, metadata: layout.Metadata, fields: list[str]
    ) -> ContextPb | None:
        """UpdateContext with the read's etag and no update mask, as the SDK sends it. None on an
        etag conflict."""
        new = Context.pb()()
        new.CopyFrom(ctx)
        new.metadata.Clear()
        new.metadata.CopyFrom(codec.to_struct(metadata))
        request = metadata_service.UpdateContextRequest(context=Context.wrap(new))
        client = self._backend.at(name.location).metadata

        async def update(attempt: Attempt) -> Context:
            return await client.update_context(request=request, retry=None, timeout=attempt.timeout)

        try:
            updated = Context.pb(await self._backend.call(update, "UpdateContext", retry_aborted=False))
        except exceptions.Aborted:
            self.forget(name)
            return None
        except exceptions.NotFound:
            self.forget(name)
            raise NotFound(name.path, kind="Run") from None
        except exceptions.GoogleAPICallError as exc:
            self.forget(name)
            raise translate(exc, field=fields[0] if fields else "request") from exc
        self.remember(name, updated)
        return updated
