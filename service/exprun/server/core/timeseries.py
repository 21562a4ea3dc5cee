"""The time-series use cases: unary and streamed writes, heartbeats and reads.

They are the ones that go through the ingest queue and run liveness, and the hot path of the
service, so they live apart from the metadata use cases in `service.py`. Like those, each
validates its input completely before the first store call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
from exprun.server.core import limits
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.ingest import Ingest
from exprun.server.core.liveness import Liveness
from exprun.server.core.model import (
    RunState,
    Series,
    SeriesQuery,
    TimeSeriesWrite,
    WriteResult,
    WriterPosition,
)
from exprun.server.core.names import RunName, parse_run
from exprun.server.core.store import RunStore
from exprun.server.core.validation import check_series, check_writer_id


def now_micros() -> int:
    """Real UTC now, truncated to milliseconds like the SDK's default wall time (but not local time)."""
    return time.time_ns() // 1_000_000 * 1000


def resolve_wall_times(series: Sequence[Series]) -> list[Series]:
    """Empty wall-time columns mean now; one wall time shared by the whole call, as in the SDK."""
    now = now_micros()
    return [
        s if len(s.wall_time_micros) else replace(s, wall_time_micros=np.full(len(s), now, dtype=np.int64))
        for s in series
    ]


class RunTimeSeries:
    def __init__(self, store: RunStore, ingest: Ingest, liveness: Liveness) -> None:
        self.store = store
        self.ingest = ingest
        self.liveness = liveness

    async def write(
        self, run: str, series: Sequence[Series], *, writer_id: str, sequence: int
    ) -> WriteResult:
        """A unary WriteTimeSeries: at most UNARY_WRITE_MAX_POINTS points, committed before it returns."""
        return await self.ingest.write(
            self.prepare_write(run, series, writer_id=writer_id, sequence=sequence)
        )

    def prepare_write(
        self,
        run: str,
        series: Sequence[Series],
        *,
        writer_id: str = "",
        sequence: int = 0,
        field: str = "batch.series",
        max_points: int = limits.UNARY_WRITE_MAX_POINTS,
    ) -> TimeSeriesWrite:
        """Validates one batch completely, so what reaches the ingest queue cannot be refused."""
        name = parse_run(run, "run")
        position = self._position(writer_id, sequence)
        series = resolve_wall_times(series)
        check_series(series, field, max_points)
        return TimeSeriesWrite(name, series, position)

    @staticmethod
    def _position(writer_id: str, sequence: int) -> WriterPosition | None:
        if sequence and not writer_id:
            raise InvalidArgument.field("writer_id", "is required when sequence is set")
        if sequence < 0:
            raise InvalidArgument.field("sequence", "must be >= 1")
        if not writer_id:
            return None
        check_writer_id(writer_id, "writer_id")
        if not sequence:
            raise InvalidArgument.field("sequence", "is required when writer_id is set")
        return WriterPosition(writer_id, sequence)

    async def open_stream(self, run: str, writer_id: str) -> tuple[RunName, int]:
        """Returns the run's name and the writer's committed sequence. Opening a stream opts the
        run into liveness at once, as a heartbeat does; while it stays open, the sweep renews it."""
        name = parse_run(run, "open.run")
        check_writer_id(writer_id, "open.writer_id")
        # Side by side: each is a round trip to a remote store, and neither needs the other.
        committed, heard = await asyncio.gather(
            self.store.committed_sequence(name, writer_id),
            self.liveness.heard_from(name),
            return_exceptions=True,
        )
        for outcome in (committed, heard):
            if isinstance(outcome, BaseException):
                raise outcome
        assert isinstance(committed, int)
        return name, committed

    async def heartbeat(self, run: str) -> tuple[RunState, datetime | None]:
        """The run's state and, if it is RUNNING and liveness is on, its new deadline."""
        name = parse_run(run, "run")
        state = (await self.store.get_run(name)).state
        if state != RunState.RUNNING:
            return state, None
        return state, await self.liveness.heard_from(name)

    async def read(
        self, run: str, metrics: Sequence[str], start_step: int, end_step: int, max_points: int
    ) -> AsyncIterator[Series]:
        name = parse_run(run, "run")
        violations = []
        if start_step < 0:
            violations.append(("start_step", "must be >= 0"))
        if end_step < 0:
            violations.append(("end_step", "must be >= 0 (0 means no upper bound)"))
        if max_points < 0:
            violations.append(("max_points", "must be >= 0 (0 means all points)"))
        if violations:
            field, description = violations[0]
            raise InvalidArgument.field(field, description)
        query = SeriesQuery(
            metrics=tuple(sorted(set(metrics))), start_step=start_step, end_step=end_step or None
        )
        # No `get_run` first: the store raises NotFound for a missing run or experiment itself,
        # and on Vertex a pre-check costs a GetContext and a ListTensorboardTimeSeries per read.
        chunks = (
            self.store.read_downsampled(name, query, max_points)
            if max_points
            else self.store.read_time_series(name, query)
        )
        async for chunk in chunks:
            yield chunk
