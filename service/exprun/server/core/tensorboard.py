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
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
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
# A run's numeric summary metrics (LogMetrics) are scalars too, of one point at step 0, under
# this prefix: TensorBoard groups them in one category, they cannot clash with a time series of
# the same name, and the HParams dashboard, which takes its metrics from scalars, shows them.
SUMMARY_TAG_PREFIX = "summary/"
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

        async def last_points(run: Selected) -> RunTags:
            found = [
                ScalarTag(s.metric, int(s.steps[-1]) if s.steps else 0, int(s.wall_time_micros[-1]))
                async for s in _read(self.store, run, 1)
                if len(s)
            ]
            return RunTags(run.run.name.run, found)

        return await _each(selected, last_points)

    async def read_scalars(
        self, experiment_id: str, runs: Iterable[str] | None, tags: Iterable[str] | None, num_points: int
    ) -> list[RunScalars]:
        """Each selected series downsampled to `num_points` (`core.downsample`: first, last and
        each bucket's extremes), capped per series and, shared out, per response."""
        if num_points <= 0:
            raise InvalidArgument.field("downsample.num_points", "must be > 0")
        selected = _select(await self.runs(experiment_id), runs, tags)
        series_count = sum(len(run.metrics) + len(run.summaries) for run in selected)
        share = limits.TENSORBOARD_RESPONSE_MAX_POINTS // max(series_count, 1)
        points = min(num_points, limits.TENSORBOARD_SERIES_MAX_POINTS, max(2, share))

        async def read(run: Selected) -> RunScalars:
            found = [s async for s in _read(self.store, run, points) if len(s)]
            return RunScalars(run.run.name.run, found)

        return await _each(selected, read)

    async def hparams(self, experiment_id: str, runs: Iterable[str] | None) -> list[RunParams]:
        """Each run's params, for the HParams dashboard (its metrics are the runs' scalars, their
        summary metrics among them)."""
        found = []
        for run in await self.runs(experiment_id):
            if runs is not None and run.name.run not in set(runs):
                continue
            start = run.create_time.timestamp() if run.create_time else 0.0
            found.append(RunParams(run.name.run, dict(run.params), start))
        return found


@dataclass(frozen=True)
class Selected:
    """A run that passed the run filter, with its time series and numeric summary metrics (as
    scalar tags) that passed the tag filter."""

    run: Run
    metrics: tuple[str, ...]
    summaries: tuple[tuple[str, float], ...]


def _select(runs: Sequence[Run], names: Iterable[str] | None, tags: Iterable[str] | None) -> list[Selected]:
    """Runs with nothing selected are left out, so nothing is read for them."""
    wanted_runs = None if names is None else set(names)
    wanted_tags = None if tags is None else set(tags)
    selected = []
    for run in runs:
        if wanted_runs is not None and run.name.run not in wanted_runs:
            continue
        metrics = tuple(m for m in run.time_series_metrics if wanted_tags is None or m in wanted_tags)
        summaries = tuple(
            (SUMMARY_TAG_PREFIX + key, float(value))
            for key, value in sorted(run.metrics.items())
            if not isinstance(value, str) and (wanted_tags is None or SUMMARY_TAG_PREFIX + key in wanted_tags)
        )
        if metrics or summaries:
            selected.append(Selected(run, metrics, summaries))
    return selected


async def _read(store: RunStore, selected: Selected, max_points: int) -> AsyncIterator[Series]:
    """The run's selected time series downsampled, then its summary metrics as one-point series
    at step 0, at the run's last update."""
    if selected.metrics:
        async for series in store.read_downsampled(
            selected.run.name, SeriesQuery(metrics=selected.metrics), max_points
        ):
            yield series
    run = selected.run
    moment = run.update_time or run.create_time
    micros = int(moment.timestamp() * 1_000_000) if moment else 0
    for tag, value in selected.summaries:
        yield Series(tag, steps=[0], values=[value], wall_time_micros=[micros])


async def _each(selected: Sequence[Selected], read: Callable[[Selected], Awaitable[T]]) -> list[T]:
    """Reads runs a few at a time, in the runs' order; a run deleted meanwhile is left out."""
    gate = asyncio.Semaphore(CONCURRENT_RUN_READS)

    async def one(run: Selected) -> T | None:
        async with gate:
            try:
                return await read(run)
            except NotFound:
                return None

    results = await asyncio.gather(*(one(run) for run in selected))
    return [r for r in results if r is not None]
