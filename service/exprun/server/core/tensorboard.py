"""What TensorBoard shows of exprun, through its data-provider API: an experiment's runs, their
time series as scalars (downsampled on the server), and their params as HParams.

TensorBoard names an experiment by one URL path segment (`/experiment/<id>/`, and "" for the bare
URL), so exprun's three-part experiment name becomes `{project}.{location}.{experiment}`: none
of the three may hold a dot (Vertex ID rules), so the mapping is exact both ways. The bare URL
(whose ID is "", or "defaultExperimentId" in the web app's own requests) shows the server's
configured default experiment, if it has one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from exprun.server.core import limits
from exprun.server.core.errors import InvalidArgument, NotFound
from exprun.server.core.model import Experiment, ListQuery, ParamValue, Run, Series, SeriesQuery
from exprun.server.core.names import ExperimentName, parse_experiment
from exprun.server.core.store import RunStore

T = TypeVar("T")

SEPARATOR = "."
# What TensorBoard's web app puts in its data URLs for the bare URL's experiment; it has no dot,
# so it cannot be an exprun ID.
WEB_APP_DEFAULT_ID = "defaultExperimentId"
# Reads of several runs at once: enough to hide a Vertex round trip, few enough for SQLite.
CONCURRENT_RUN_READS = 8


def experiment_id(name: ExperimentName) -> str:
    """The TensorBoard experiment ID of an exprun experiment: the path segment of its URL."""
    return SEPARATOR.join((name.project, name.location, name.experiment))


class ExperimentIds:
    """TensorBoard experiment IDs → exprun experiments, with the default for the bare URL."""

    def __init__(self, default: ExperimentName | None = None) -> None:
        self.default = default

    @classmethod
    def from_setting(cls, default: str | None) -> ExperimentIds:
        """From `--tensorboard-experiment` (checked when settings are read)."""
        return cls(parse_experiment(default, "--tensorboard-experiment") if default else None)

    def resolve(self, experiment_id: str) -> ExperimentName:
        """Raises NotFound for an ID that names no experiment, or "" without a default:
        TensorBoard shows NOT_FOUND as an empty dashboard."""
        if not experiment_id or experiment_id == WEB_APP_DEFAULT_ID:
            if self.default is None:
                raise NotFound("(the default: the server has no --tensorboard-experiment)", kind="experiment")
            return self.default
        parts = experiment_id.split(SEPARATOR)
        try:
            if len(parts) != 3:
                raise InvalidArgument.field("experiment_id", "is not {project}.{location}.{experiment}")
            project, location, experiment = parts
            return parse_experiment(
                f"projects/{project}/locations/{location}/experiments/{experiment}", "experiment_id"
            )
        except InvalidArgument:
            raise NotFound(experiment_id[: limits.QUOTED_VALUE_MAX_CHARS], kind="experiment") from None


@dataclass(frozen=True)
class ScalarTag:
    """A time series as TensorBoard lists it: its name, and its last step and wall time."""

    metric: str
    max_step: int
    max_wall_time_micros: int


@dataclass(frozen=True)
class RunScalars:
    run: str
    series: Sequence[Series]


@dataclass(frozen=True)
class RunTags:
    run: str
    tags: Sequence[ScalarTag]


@dataclass(frozen=True)
class RunParams:
    run: str
    params: dict[str, ParamValue]
    start_time_seconds: float


class TensorBoardView:
    """The data-provider use cases over the storage port; works on every store."""

    def __init__(self, store: RunStore, ids: ExperimentIds) -> None:
        self.store = store
        self.ids = ids

    async def experiment(self, experiment_id: str) -> Experiment:
        return await self.store.get_experiment(self.ids.resolve(experiment_id))

    async def runs(self, experiment_id: str) -> list[Run]:
        """Every run of the experiment, oldest first. Raises NotFound."""
        name = self.ids.resolve(experiment_id)
        runs: list[Run] = []
        cursor = ""
        while True:
            page = await self.store.list_runs(name, ListQuery(page_size=limits.PAGE_SIZE_MAX, cursor=cursor))
            runs.extend(page.items)
            if not page.has_more:
                return runs
            cursor = page.next_cursor

    async def scalar_tags(
        self, experiment_id: str, runs: Iterable[str] | None, tags: Iterable[str] | None
    ) -> list[RunTags]:
        """Each run's time series with their last step: one downsampled read to a single point,
        which a store answers from its chunk summaries."""
        selected = _select(await self.runs(experiment_id), runs, tags)

        async def last_points(run: Run, metrics: tuple[str, ...]) -> RunTags:
            query = SeriesQuery(metrics=metrics)
            found = [
                ScalarTag(s.metric, int(s.steps[-1]) if s.steps else 0, int(s.wall_time_micros[-1]))
                async for s in self.store.read_downsampled(run.name, query, 1)
                if len(s)
            ]
            return RunTags(run.name.run, found)

        return await _each(selected, last_points)

    async def read_scalars(
        self, experiment_id: str, runs: Iterable[str] | None, tags: Iterable[str] | None, num_points: int
    ) -> list[RunScalars]:
        """Each selected series downsampled to `num_points` (`core.downsample`: first, last and
        each bucket's extremes), capped per series and, shared out, per response."""
        if num_points <= 0:
            raise InvalidArgument.field("downsample.num_points", "must be > 0")
        selected = _select(await self.runs(experiment_id), runs, tags)
        series_count = sum(len(metrics) for _, metrics in selected)
        share = limits.TENSORBOARD_RESPONSE_MAX_POINTS // max(series_count, 1)
        points = min(num_points, limits.TENSORBOARD_SERIES_MAX_POINTS, max(2, share))

        async def read(run: Run, metrics: tuple[str, ...]) -> RunScalars:
            query = SeriesQuery(metrics=metrics)
            found = [s async for s in self.store.read_downsampled(run.name, query, points) if len(s)]
            return RunScalars(run.name.run, found)

        return await _each(selected, read)

    async def hparams(self, experiment_id: str, runs: Iterable[str] | None) -> list[RunParams]:
        """Each run's params, for the HParams dashboard (its metrics are the runs' scalars)."""
        found = []
        for run in await self.runs(experiment_id):
            if runs is not None and run.name.run not in set(runs):
                continue
            start = run.create_time.timestamp() if run.create_time else 0.0
            found.append(RunParams(run.name.run, dict(run.params), start))
        return found


def _select(
    runs: Sequence[Run], names: Iterable[str] | None, tags: Iterable[str] | None
) -> list[tuple[Run, tuple[str, ...]]]:
    """The runs that pass the run filter, each with its time series that pass the tag filter;
    runs with none are left out, so nothing is read for them."""
    wanted_runs = None if names is None else set(names)
    wanted_tags = None if tags is None else set(tags)
    selected = []
    for run in runs:
        if wanted_runs is not None and run.name.run not in wanted_runs:
            continue
        metrics = tuple(m for m in run.time_series_metrics if wanted_tags is None or m in wanted_tags)
        if metrics:
            selected.append((run, metrics))
    return selected


async def _each(
    selected: Sequence[tuple[Run, tuple[str, ...]]],
    read: Callable[[Run, tuple[str, ...]], Awaitable[T]],
) -> list[T]:
    """Reads runs a few at a time, in the runs' order; a run deleted meanwhile is left out."""
    gate = asyncio.Semaphore(CONCURRENT_RUN_READS)

    async def one(run: Run, metrics: tuple[str, ...]) -> T | None:
        async with gate:
            try:
                return await read(run, metrics)
            except NotFound:
                return None

    results = await asyncio.gather(*(one(run, metrics) for run, metrics in selected))
    return [r for r in results if r is not None]
