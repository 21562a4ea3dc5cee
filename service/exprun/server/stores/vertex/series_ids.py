"""What this process knows of each run's TensorBoard run: its name and its series' IDs.

Writes name series by ID, and finding them costs a ListTensorboardTimeSeries, so the IDs of up
to 10,000 runs are kept (least recently used dropped first). Series are found by display name
(the metric) and created on first use as SCALAR / "scalars", like `log_time_series_metrics`
(vertex-mapping.md §5.2). Another writer (a replica, the SDK) may have made a series or written
larger steps meanwhile. A missing series is created straight away: if another writer made it,
the create fails with AlreadyExists and the run is listed for its ID, so the common case of
one writer costs no listing between its batches. Default steps need the largest step written,
so a run is listed again before choosing them, unless nothing was written since it was last
listed.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from exprun.server.core.errors import FailedPrecondition
from exprun.server.core.names import RunName
from exprun.server.stores.vertex import codec, layout
from exprun.server.stores.vertex.backend import Backend
from exprun.server.stores.vertex.contexts import RUN_CACHE_MAX, ContextPb
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.names import last_segment
from exprun.server.stores.vertex.retry import Attempt
from exprun.server.stores.vertex.tensorboard import Tensorboards
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import tensorboard_service, tensorboard_time_series

SCALAR = tensorboard_time_series.TensorboardTimeSeries.ValueType.SCALAR
LIST_PAGE_SIZE = 1000


@dataclass
class TensorboardRunSeries:
    """What this process knows of one run's TensorBoard run."""

    tb_run: str
    ids: dict[str, str] = field(default_factory=dict)  # display name (metric) -> series ID
    # The largest step seen: the server's `metadata.max_step` at the last listing, and every
    # step written since through this process.
    max_step: int = 0
    # Listed since the last write: a check for missing series or max_step need not list again.
    fresh: bool = False
    steps_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    create_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class SeriesIds:
    def __init__(self, backend: Backend, tensorboards: Tensorboards) -> None:
        self._backend = backend
        self._tensorboards = tensorboards
        self._runs: OrderedDict[RunName, TensorboardRunSeries] = OrderedDict()
        self._setup: weakref.WeakValueDictionary[RunName, asyncio.Lock] = weakref.WeakValueDictionary()

    def forget(self, name: RunName) -> None:
        self._runs.pop(name, None)
        self._setup.pop(name, None)

    async def run(self, name: RunName, ctx: ContextPb, *, assign: bool) -> TensorboardRunSeries | None:
        """The run's TensorBoard state. With `assign`, a run with none gets its experiment's
        TensorBoard or the configured default, else FailedPrecondition."""
        run = self._runs.get(name)
        if run is not None:
            self._runs.move_to_end(name)
            return run
        lock = self._setup.get(name)
        if lock is None:
            lock = self._setup[name] = asyncio.Lock()
        async with lock:
            run = self._runs.get(name)
            if run is not None:
                return run
            tb_run = await self._tensorboards.backing_run(name, ctx)
            if not tb_run:
                if not assign:
                    return None
                tensorboard = await self._tensorboards.default_for(name)
                if not tensorboard:
                    raise FailedPrecondition(
                        f"run {name.path} has no backing TensorBoard, nor has its experiment, and the "
                        "server has no default TensorBoard configured (--vertex-tensorboard)",
                        reason="NO_BACKING_TENSORBOARD",
                        metadata={"resource_name": name.path},
                    )
                ctx = await self._tensorboards.assign(name, tensorboard)
                tb_run = layout.tensorboard_run(codec.from_struct(ctx.metadata))
            run = TensorboardRunSeries(tb_run)
            await self.refresh(name, run)
            self._runs[name] = run
            while len(self._runs) > RUN_CACHE_MAX:
                self._runs.popitem(last=False)
            return run

    async def refresh(self, name: RunName, run: TensorboardRunSeries) -> None:
        """Lists the run's series: their IDs, and the largest step any of them holds."""
        for series in await self.list(name, run.tb_run):
            run.ids[series.display_name] = last_segment(series.name)
            run.max_step = max(run.max_step, series.metadata.max_step)
        run.fresh = True

    async def list(self, name: RunName, tb_run: str) -> list[Any]:
        """Every series of the TensorBoard run; none when it was deleted."""
        client = self._backend.at(name.location).tensorboard
        request = tensorboard_service.ListTensorboardTimeSeriesRequest(
            parent=tb_run, page_size=LIST_PAGE_SIZE
        )
        return [
            series
            async for page in self._backend.pages(client.list_tensorboard_time_series, request)
            for series in page.tensorboard_time_series
        ]

    async def metric_names(self, name: RunName, tb_run: str) -> tuple[str, ...]:
        return tuple(sorted(s.display_name for s in await self.list(name, tb_run)))

    async def ensure(self, name: RunName, run: TensorboardRunSeries, metrics: Sequence[str]) -> None:
        """Every metric has its series ID, the missing series created (or, made by another
        writer meanwhile, found)."""
        if all(m in run.ids for m in metrics):
            return
        async with run.create_lock:
            if all(m in run.ids for m in metrics):
                return
            missing = [m for m in dict.fromkeys(metrics) if m not in run.ids]
            await asyncio.gather(*(self._create(name, run, m) for m in missing))

    async def _create(self, name: RunName, run: TensorboardRunSeries, metric: str) -> None:
        client = self._backend.at(name.location).tensorboard
        request = tensorboard_service.CreateTensorboardTimeSeriesRequest(
            parent=run.tb_run,
            tensorboard_time_series=tensorboard_time_series.TensorboardTimeSeries(
                display_name=metric, value_type=SCALAR, plugin_name="scalars"
            ),
        )

        async def create(attempt: Attempt) -> str:
            try:
                created = await client.create_tensorboard_time_series(
                    request=request, retry=None, timeout=attempt.timeout
                )
                return last_segment(created.name)
            except exceptions.AlreadyExists:
                # Made meanwhile (by another replica, or our own lost first attempt).
                for series in await self.list(name, run.tb_run):
                    if series.display_name == metric:
                        return last_segment(series.name)
                raise

        try:
            run.ids[metric] = await self._backend.call(create, "CreateTensorboardTimeSeries")
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field="batch.series") from exc
