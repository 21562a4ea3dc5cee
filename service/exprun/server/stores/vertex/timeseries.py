"""Time series: TensorBoard scalars of the run's backing TensorBoard run.

Series and their IDs come from `series_ids` (created on first use as the SDK does). Unlike the
SDK, points go out (`writes`) encoded straight from their columns (`wire`) in requests filled
to 5000 points (the API's limit), several in flight, each retried on transient errors; a write
returns only when every request succeeded, else it raises, so a point is never reported
written and then lost. Writes of one (run, metric, step) overwrite, so a retried or resent
request is harmless.

Writer positions (exactly-once resume) live in the run's `_exprun.writers`: after a batch's
points are all written, its sequence is recorded through the coalesced read-modify-write, and
only then is the batch acknowledged. A batch at or below the recorded sequence writes nothing.
The ingest pipeline has several writes of a run out at once (`WRITES_AT_ONCE`), so the points
of the next batches travel while an earlier write's sequence is being recorded; each write
records its sequences only after every earlier write of the run has its points in Vertex, and
fails if one of them failed, so a recorded sequence never covers a lost point.

Reads use `ExportTensorboardTimeSeriesData` (complete and paged), not the SDK's
`BatchReadTensorboardTimeSeriesData`, which samples 1000 points at random beyond that. Export is
asked for step order, so a read with an `end_step` stops paging once it is passed.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
from array import array
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from exprun.server.core import limits
from exprun.server.core.errors import Unavailable
from exprun.server.core.model import FloatColumn, IntColumn, Series, SeriesQuery, WriteResult, WriterPosition
from exprun.server.core.names import RunName
from exprun.server.stores.vertex import codec, layout, wire
from exprun.server.stores.vertex.backend import Backend
from exprun.server.stores.vertex.contexts import ContextPb, RunContexts
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.series_ids import SeriesIds, TensorboardRunSeries
from exprun.server.stores.vertex.tensorboard import Tensorboards
from exprun.server.stores.vertex.writes import PointWrites
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import tensorboard_service

EXPORT_PAGE_SIZE = 10_000
# Writes the ingest pipeline may have out at once (`RunStore.ingest_concurrency`).
WRITES_AT_ONCE = 4


@dataclass(frozen=True)
class _Column:
    metric: str
    steps: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    wall_time_micros: npt.NDArray[np.int64]


def _column(metric: str, steps: IntColumn, values: FloatColumn, walls: IntColumn) -> _Column:
    """The column as arrays (no copy for the numpy columns a batch carries), with only the last
    point of each step: a repeated step overwrites."""
    return _distinct(
        _Column(
            metric,
            np.asarray(steps, dtype=np.int64),
            np.asarray(values, dtype=np.float64),
            np.asarray(walls, dtype=np.int64),
        )
    )


def _distinct(column: _Column) -> _Column:
    steps = column.steps
    if len(steps) < 2 or bool(np.all(steps[1:] > steps[:-1])):
        return column  # increasing, as a writer's steps nearly always are
    reverse = steps[::-1]
    _, first = np.unique(reverse, return_index=True)
    keep = np.sort(len(steps) - 1 - first)
    return _Column(column.metric, steps[keep], column.values[keep], column.wall_time_micros[keep])


def _joined(metric: str, columns: list[_Column]) -> _Column:
    """One metric's columns from several batches, later points winning."""
    if len(columns) == 1:
        return columns[0]
    return _distinct(
        _Column(
            metric,
            np.concatenate([c.steps for c in columns]),
            np.concatenate([c.values for c in columns]),
            np.concatenate([c.wall_time_micros for c in columns]),
        )
    )


class TimeSeries:
    def __init__(self, backend: Backend, contexts: RunContexts, tensorboards: Tensorboards) -> None:
        self._backend = backend
        self._contexts = contexts
        self._tensorboards = tensorboards
        self._ids = SeriesIds(backend, tensorboards)
        self._writes = PointWrites(backend, backend.config.max_inflight_writes)
        # The newest write of each run: true once its points and every earlier write's are in
        # Vertex, false if any of them failed. A write's sequences wait for its predecessor's.
        self._written: dict[RunName, asyncio.Future[bool]] = {}

    def forget(self, name: RunName) -> None:
        self._ids.forget(name)

    # -- writes -------------------------------------------------------------------------------
    async def write_many(
        self, name: RunName, batches: Sequence[tuple[Sequence[Series], WriterPosition | None]]
    ) -> list[WriteResult]:
        """Several batches of one run, in order, as if written one after the other, in as few
        requests as their points need and one metadata update for all their positions.

        A batch at or below its writer's committed sequence (also one committed by an earlier
        batch of this call) writes nothing. A later batch's point overwrites an earlier one's
        at the same (metric, step), as sequential writes would. Writes of a run that overlap
        record their sequences in the order they were called."""
        # Taken before the first await, so the order is the callers'.
        earlier = self._written.get(name)
        written = self._written[name] = asyncio.get_running_loop().create_future()
        try:
            return await self._write_many(name, batches, earlier, written)
        finally:
            if not written.done():
                written.set_result(False)
            if self._written.get(name) is written:
                del self._written[name]

    async def _write_many(
        self,
        name: RunName,
        batches: Sequence[tuple[Sequence[Series], WriterPosition | None]],
        earlier: asyncio.Future[bool] | None,
        written: asyncio.Future[bool],
    ) -> list[WriteResult]:
        ctx = await self._contexts.get(name)
        meta = codec.from_struct(ctx.metadata)
        results: list[WriteResult | None] = [None] * len(batches)
        sequences: dict[str, int] = {}
        accepted: list[int] = []
        for i, (_, position) in enumerate(batches):
            if position is not None:
                done = sequences.get(position.writer_id)
                if done is None:
                    done = layout.writer_sequence(meta, position.writer_id)
                if position.sequence <= done:
                    results[i] = WriteResult(committed_sequence=done, points_written=0)
                    continue
                sequences[position.writer_id] = position.sequence
            accepted.append(i)
        counts: list[int] = []
        if accepted:
            run = await self._run(name, ctx, assign=True)
            assert run is not None
            counts = await self._write_points(name, run, [batches[i][0] for i in accepted])
        # The points are in Vertex; the earlier writes' must be too before a sequence is recorded.
        if earlier is not None and not await asyncio.shield(earlier):
            raise Unavailable(
                f"an earlier write to run {name.path} failed, so this one is not recorded; "
                "resume from the committed sequence",
                reason="EARLIER_WRITE_FAILED",
            )
        written.set_result(True)
        if accepted:
            metrics = {s.metric for i in accepted for s in batches[i][0]}
            new = sorted(metrics - set(layout.time_series(meta)))
            if new or sequences:

                def record(metadata: layout.Metadata) -> None:
                    if new:
                        layout.add_time_series(metadata, new)
                    for writer_id, sequence in sequences.items():
                        layout.advance_writer(metadata, writer_id, sequence)

                await self._contexts.update(name, record, field="batch.series")  # renews the lease too
            else:
                await self._contexts.renew_lease(name)
            for i, count in zip(accepted, counts, strict=True):
                position = batches[i][1]
                results[i] = WriteResult(position.sequence if position else 0, count)
        else:  # a resend of committed batches is a sign of life as well
            await self._contexts.renew_lease(name)
        return [r for r in results if r is not None]

    async def committed(self, name: RunName, writer_id: str) -> int:
        """Read fresh: a reconnecting stream may have written through another replica."""
        ctx = await self._contexts.get(name, fresh=True)
        return layout.writer_sequence(codec.from_struct(ctx.metadata), writer_id)

    async def _write_points(
        self, name: RunName, run: TensorboardRunSeries, batches: Sequence[Sequence[Series]]
    ) -> list[int]:
        """Writes every point; returns each batch's count of distinct (metric, step) points.

        Default steps continue after the largest step before their batch, all series of a batch
        from the same base, like one SDK `log_time_series_metrics` call each."""
        defaults = any(s.steps is None for batch in batches for s in batch)
        async with run.steps_lock if defaults else contextlib.nullcontext():
            if defaults and not run.fresh:
                await self._ids.refresh(name, run)  # the server's max_step, with other writers' steps
            top = run.max_step
            parts: dict[str, list[_Column]] = {}
            counts = []
            for batch in batches:
                base, count = top, 0
                for s in batch:
                    steps = s.steps if s.steps is not None else np.arange(base + 1, base + 1 + len(s))
                    column = _column(s.metric, steps, s.values, s.wall_time_micros)
                    parts.setdefault(s.metric, []).append(column)
                    count += len(column.steps)
                    if len(column.steps):
                        top = max(top, int(column.steps.max()))
                counts.append(count)
            columns = [_joined(metric, columns) for metric, columns in parts.items()]
            await self._ids.ensure(name, run, [c.metric for c in columns])
            encoded = [
                (run.ids[c.metric], wire.encode_points(c.steps, c.values, c.wall_time_micros))
                for c in columns
            ]
            try:
                await self._writes.write(name.location, run.tb_run, encoded)
            except exceptions.NotFound as exc:
                self.forget(name)  # the TensorBoard run or a series went away behind our back
                raise translate(exc, field="batch.series") from exc
            except exceptions.GoogleAPICallError as exc:
                raise translate(exc, field="batch.series") from exc
            run.max_step = max(run.max_step, top)
            run.fresh = False
        return counts

    # -- the cache's lookups, as the reads use them -----------------------------------------
    async def _run(self, name: RunName, ctx: ContextPb, *, assign: bool) -> TensorboardRunSeries | None:
        return await self._ids.run(name, ctx, assign=assign)

    async def _list(self, name: RunName, tb_run: str) -> list[Any]:
        return await self._ids.list(name, tb_run)

    async def metric_names(self, name: RunName, tb_run: str) -> tuple[str, ...]:
        return await self._ids.metric_names(name, tb_run)

    # -- reads --------------------------------------------------------------------------------
    async def read(self, name: RunName, query: SeriesQuery) -> AsyncIterator[Series]:
        ctx = await self._contexts.get(name)
        run = await self._run(name, ctx, assign=False)
        if run is None:
            return
        series = {s.display_name: s.name for s in await self._list(name, run.tb_run)}
        wanted = sorted(m for m in series if not query.metrics or m in set(query.metrics))
        for metric in wanted:
            steps, values, walls = await self._export(name, series[metric], query.end_step)
            if any(steps[i] > steps[i + 1] for i in range(len(steps) - 1)):
                # Vertex's export order is unspecified (the fake's is by step): sort by step.
                order = sorted(range(len(steps)), key=steps.__getitem__)
                steps = array("q", (steps[i] for i in order))
                values = array("d", (values[i] for i in order))
                walls = array("q", (walls[i] for i in order))
            low = bisect.bisect_left(steps, query.start_step)
            high = len(steps) if query.end_step is None else bisect.bisect_left(steps, query.end_step)
            for start in range(low, high, limits.READ_CHUNK_MAX_POINTS):
                stop = min(start + limits.READ_CHUNK_MAX_POINTS, high)
                yield Series(
                    metric=metric,
                    steps=steps[start:stop],
                    values=values[start:stop],
                    wall_time_micros=walls[start:stop],
                )

    async def _export(
        self, name: RunName, series: str, end_step: int | None = None
    ) -> tuple[array[int], array[float], array[int]]:
        """The points of one series, page by page in step order (each page retried on its own),
        up to the first page that reaches `end_step`: later pages hold only later steps.

        Should a page come back out of step order anyway, paging goes on to the end, so the
        result is complete whatever order the service returns."""
        client = self._backend.at(name.location).tensorboard
        steps, values, walls = array("q"), array("d"), array("q")
        ordered = True
        request = tensorboard_service.ExportTensorboardTimeSeriesDataRequest(
            tensorboard_time_series=series, page_size=EXPORT_PAGE_SIZE, order_by="step"
        )
        # A series deleted while we read has no more pages.
        pages = self._backend.pages(client.export_tensorboard_time_series_data, request)
        async with contextlib.aclosing(pages):
            async for response in pages:
                page_start = len(steps)
                for point in response.time_series_data_points:
                    steps.append(point.step)
                    values.append(point.scalar.value)
                    walls.append(codec.micros_of(point.wall_time))
                if ordered and len(steps) > page_start:
                    since = steps[max(0, page_start - 1) :]
                    ordered = all(a < b for a, b in itertools.pairwise(since))
                if ordered and end_step is not None and steps and steps[-1] >= end_step:
                    break
        return steps, values, walls
