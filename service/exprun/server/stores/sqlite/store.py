"""`SqliteRunStore`: the `RunStore` port over the modules of this package.

Each port method is one call into `Database`, which runs it on the worker thread as one
transaction (a read) or one savepoint of a group commit (a write), so every method is atomic and
the event loop never waits on SQLite or the disk.
"""

from __future__ import annotations

import asyncio
import functools
import pathlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import datetime
from typing import Self, TypeVar

from exprun.server.core import limits
from exprun.server.core.downsample import downsample
from exprun.server.core.errors import ExprunError
from exprun.server.core.lease import Leases
from exprun.server.core.model import (
    Artifact,
    Execution,
    ExecutionChange,
    Experiment,
    ExperimentModel,
    Link,
    LinkKind,
    ListQuery,
    Page,
    ParamValue,
    Run,
    RunState,
    Series,
    SeriesQuery,
    TimeSeriesWrite,
    WriteResult,
)
from exprun.server.core.names import ExperimentName, LocationName, RunName
from exprun.server.core.store import ModelUpload, RunStore
from exprun.server.core.store_health import PROBE_INTERVAL_SECONDS, StoreHealth
from exprun.server.stores import storage_faults
from exprun.server.stores.sqlite import (
    artifacts,
    codec,
    executions,
    experiments,
    links,
    models,
    runs,
    schema,
    timeseries,
    writers,
)
from exprun.server.stores.sqlite.chunks import TUNING, ChunkTuning
from exprun.server.stores.sqlite.database import Database
from exprun.server.stores.sqlite.datadir import DataDir
from exprun.server.stores.sqlite.tensorboard import assign as assign_tensorboard

_T = TypeVar("_T")


class SqliteRunStore(RunStore):
    """The embedded store over `<data_dir>/exprun.db` and `<data_dir>/models/`.

    One process owns a data directory at a time (a lock file enforces it). The backing
    TensorBoard of the embedded store is only a name: time series live in this database, so
    `delete_backing_tensorboard_run(s)` has nothing more to delete.
    """

    def __init__(
        self,
        db: Database,
        data_dir: DataDir,
        leases: Leases | None = None,
        *,
        read_page_points: int = limits.READ_CHUNK_MAX_POINTS,
        tuning: ChunkTuning = TUNING,
    ) -> None:
        self._db = db
        self._data_dir = data_dir
        self.leases = leases or Leases()
        self.health = db.health
        self._read_page_points = read_page_points
        self._tuning = tuning

    @classmethod
    async def open(
        cls,
        data_dir: pathlib.Path,
        leases: Leases | None = None,
        *,
        probe_interval: float = PROBE_INTERVAL_SECONDS,
        read_page_points: int = limits.READ_CHUNK_MAX_POINTS,
        tuning: ChunkTuning = TUNING,
    ) -> Self:
        """Creates the directory and database on first use and migrates the schema. A crashed
        process needs no repair: SQLite replays its WAL, and uploads it left half done are swept.
        Raises DataDirInUse while another process has the directory open.
        `leases` are the liveness terms writes renew watched runs by (default: off).

        While the disk is full, a probe write every `probe_interval` seconds finds out when
        space is freed (see `StoreHealth`). `read_time_series` reads a series in transactions
        of at most `read_page_points` points, and writes chunks cut by `tuning` (tests make both
        tiny to cross their edges)."""
        directory = DataDir(data_dir)
        await asyncio.to_thread(directory.acquire)
        try:
            health = StoreHealth(storage_faults.space_probe(directory.root), probe_interval=probe_interval)
            db = await Database.open(directory.database, schema.migrate, health=health)
            try:
                owned = await db.write(models.forget_unrecorded)
                await asyncio.to_thread(models.sweep, directory, owned)
            except BaseException:
                await db.close()
                raise
        except BaseException:
            directory.release()
            raise
        return cls(db, directory, leases, read_page_points=read_page_points, tuning=tuning)

    # -- experiments --------------------------------------------------------------------------
    async def create_experiment(self, experiment: Experiment) -> Experiment:
        return await self._db.write(lambda conn: experiments.create(conn, experiment))

    async def get_experiment(self, name: ExperimentName) -> Experiment:
        return await self._db.read(lambda conn: experiments.get(conn, name))

    async def list_experiments(self, parent: LocationName, query: ListQuery) -> Page[Experiment]:
        return await self._db.read(lambda conn: experiments.list_page(conn, parent, query))

    async def delete_experiment(
        self, name: ExperimentName, *, delete_backing_tensorboard_runs: bool, delete_artifacts: bool = False
    ) -> None:
        """Deletes the experiment and its runs, like `delete_run` for each run. With
        `delete_artifacts`, also the artifacts (and model files) its runs logged, including those
        that runs deleted earlier left behind."""

        def work(conn: sqlite3.Connection) -> list[models.ModelKey]:
            pk = experiments.require_pk(conn, name)
            released: list[models.ModelKey] = []
            if delete_artifacts:
                released = models.release_experiment(conn, pk)
                artifacts.delete_experiment_artifacts(conn, pk, all_kinds=True)
            artifacts.delete_experiment_artifacts(conn, pk, all_kinds=False)
            experiments.delete(conn, pk)
            return released

        await self._db.write(work, after_commit=lambda released: models.remove(self._data_dir, released))

    # -- runs ---------------------------------------------------------------------------------
    async def create_run(self, run: Run) -> Run:
        return await self._db.write(lambda conn: runs.create(conn, run))

    async def get_run(self, name: RunName) -> Run:
        return await self._db.read(lambda conn: runs.get(conn, name))

    async def list_runs(self, parent: ExperimentName, query: ListQuery) -> Page[Run]:
        return await self._db.read(lambda conn: runs.list_page(conn, parent, query))

    async def delete_run(
        self, name: RunName, *, delete_backing_tensorboard_run: bool, delete_artifacts: bool = False
    ) -> None:
        """Deletes the run with its time series, writer checkpoints, execution associations and
        job links. Executions stay, since other runs may share them.

        Its artifacts (classification metrics, models with their uploaded files) stay unless
        `delete_artifacts`, as in the SDK, which never deletes them with a run: a model stays
        readable by its artifact name (`get_artifact`, `read_model_bytes`), an execution keeps
        its events, and the artifact ID stays taken. They stay tied to the experiment, so
        deleting it with `delete_artifacts` removes them then.
        """

        def work(conn: sqlite3.Connection) -> list[models.ModelKey]:
            pk = runs.require_pk(conn, name)
            released: list[models.ModelKey] = []
            if delete_artifacts:
                released = models.release_run(conn, pk)
            artifacts.delete_run_artifacts(conn, pk, all_kinds=delete_artifacts)
            runs.delete(conn, pk)
            return released

        await self._db.write(work, after_commit=lambda released: models.remove(self._data_dir, released))

    async def update_run_state(self, name: RunName, state: RunState) -> Run:
        return await self._write_run(name, lambda conn: runs.set_state(conn, name, state))

    async def merge_summary(
        self,
        name: RunName,
        *,
        params: Mapping[str, ParamValue] | None = None,
        metrics: Mapping[str, ParamValue] | None = None,
    ) -> Run:
        return await self._write_run(name, lambda conn: runs.merge_summary(conn, name, params, metrics))

    async def keep_alive(self, names: Sequence[RunName], now: datetime) -> dict[RunName, datetime]:
        return await self._db.write(lambda conn: runs.keep_alive(conn, names, now, self.leases))

    async def fail_overdue_runs(self, now: datetime, reason: str) -> list[RunName]:
        """Every overdue run this database holds, one UPDATE: the check and the change are one."""
        micros = codec.to_micros(now)
        return await self._db.write(lambda conn: runs.fail_overdue(conn, micros, reason))

    async def _write_run(self, name: RunName, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """One write transaction to a run, which renews the run's lease when it holds one."""

        def renewing(conn: sqlite3.Connection) -> _T:
            result = work(conn)
            runs.renew_leases(conn, (name,), self.leases)
            return result

        return await self._db.write(renewing)

    async def set_backing_tensorboard_run(self, name: RunName, tensorboard: str) -> Run:
        return await self._write_run(name, lambda conn: assign_tensorboard(conn, name, tensorboard))

    # -- time series --------------------------------------------------------------------------
    async def write_time_series_batch(
        self, writes: Sequence[TimeSeriesWrite]
    ) -> list[WriteResult | ExprunError]:
        """All batches in one transaction, so many streams share one commit (one fsync); each
        batch runs in a savepoint, so one that fails (its run was deleted) leaves the others."""

        def work(conn: sqlite3.Connection) -> list[WriteResult | ExprunError]:
            results: list[WriteResult | ExprunError] = []
            for write in writes:
                conn.execute("SAVEPOINT batch")
                try:
                    results.append(_write(conn, write, self._tuning))
                except ExprunError as error:
                    conn.execute("ROLLBACK TO batch")
                    results.append(error)
                conn.execute("RELEASE batch")
            runs.renew_leases(conn, {write.name for write in writes}, self.leases)
            return results

        return await self._db.write(work)

    async def committed_sequence(self, name: RunName, writer_id: str) -> int:
        return await self._db.read(
            lambda conn: writers.committed(conn, runs.require_pk(conn, name), writer_id)
        )

    async def read_time_series(self, name: RunName, query: SeriesQuery) -> AsyncIterator[Series]:
        """Pages through each series in short read transactions, so a long read neither holds
        the whole series in memory nor keeps writers waiting behind it."""

        def series_of(conn: sqlite3.Connection) -> list[tuple[int, str]]:
            return timeseries.metrics(conn, runs.require_pk(conn, name), query.metrics)

        for series_pk, metric in await self._db.read(series_of):
            async for page in self._pages(series_pk, metric, query):
                yield page

    async def _pages(self, series_pk: int, metric: str, query: SeriesQuery) -> AsyncIterator[Series]:
        start, more = query.start_step, True
        while more:
            page = functools.partial(
                timeseries.read_page,
                series_pk=series_pk,
                start_step=start,
                end_step=query.end_step,
                max_points=self._read_page_points,
            )
            points, more = await self._db.read(page)
            if not points:
                break
            yield Series(
                metric=metric,
                steps=points.steps,
                values=points.values,
                wall_time_micros=points.wall_times,
            )
            start = points.last_step + 1

    async def read_downsampled(
        self, name: RunName, query: SeriesQuery, max_points: int
    ) -> AsyncIterator[Series]:
        """From block extremes (`timeseries.read_downsampled`), one transaction per metric; a
        series of at most `max_points` points is read as it is."""

        def series_of(conn: sqlite3.Connection) -> list[tuple[int, str]]:
            return timeseries.metrics(conn, runs.require_pk(conn, name), query.metrics)

        for series_pk, metric in await self._db.read(series_of):
            read = functools.partial(
                timeseries.read_downsampled,
                series_pk=series_pk,
                start_step=query.start_step,
                end_step=query.end_step,
                max_points=max_points,
                tuning=self._tuning,
            )
            points = await self._db.read(read)
            if points is None:
                parts = [part async for part in self._pages(series_pk, metric, query)]
                if parts:
                    yield downsample(parts, max_points)
                continue
            yield Series(
                metric=metric, steps=points.steps, values=points.values, wall_time_micros=points.wall_times
            )

    # -- artifacts, executions, links ---------------------------------------------------------
    async def add_artifact(self, name: RunName, artifact: Artifact) -> Artifact:
        return await self._write_run(
            name,
            lambda conn: artifacts.add_artifact(
                conn, runs.require_pk(conn, name), name.parent.parent, artifact
            ),
        )

    async def list_artifacts(
        self, name: RunName, query: ListQuery, *, schema_title: str = ""
    ) -> Page[Artifact]:
        return await self._db.read(
            lambda conn: artifacts.list_artifacts(conn, runs.require_pk(conn, name), query, schema_title)
        )

    async def associate_execution(self, name: RunName, execution: Execution) -> Execution:
        return await self._write_run(
            name,
            lambda conn: artifacts.associate_execution(
                conn, runs.require_pk(conn, name), name.parent.parent, execution
            ),
        )

    async def list_executions(self, name: RunName, query: ListQuery) -> Page[Execution]:
        return await self._db.read(
            lambda conn: artifacts.list_executions(conn, runs.require_pk(conn, name), query)
        )

    async def list_location_executions(self, location: LocationName, query: ListQuery) -> Page[Execution]:
        return await self._db.read(lambda conn: executions.list_page(conn, location, query))

    async def create_execution(self, location: LocationName, execution: Execution) -> Execution:
        return await self._db.write(lambda conn: executions.create(conn, location, execution))

    async def get_execution(self, location: LocationName, execution_id: str) -> Execution:
        return await self._db.read(lambda conn: executions.get(conn, location, execution_id))

    async def update_execution(self, location: LocationName, change: ExecutionChange) -> Execution:
        return await self._db.write(lambda conn: executions.update(conn, location, change))

    async def add_execution_events(
        self, location: LocationName, execution_id: str, inputs: Sequence[str], outputs: Sequence[str]
    ) -> None:
        await self._db.write(
            lambda conn: executions.add_events(conn, location, execution_id, inputs, outputs)
        )

    async def execution_artifacts(
        self, location: LocationName, execution_id: str
    ) -> tuple[list[Artifact], list[Artifact]]:
        return await self._db.read(lambda conn: executions.artifacts(conn, location, execution_id))

    async def add_link(self, name: RunName, link: Link) -> Link:
        return await self._write_run(
            name, lambda conn: links.add_link(conn, runs.require_pk(conn, name), link)
        )

    async def list_links(self, name: RunName, kind: LinkKind, query: ListQuery) -> Page[Link]:
        return await self._db.read(
            lambda conn: links.list_links(conn, runs.require_pk(conn, name), kind, query)
        )

    async def get_artifact(self, location: LocationName, artifact_id: str) -> Artifact:
        return await self._db.read(lambda conn: artifacts.get_artifact(conn, location, artifact_id))

    async def read_model_bytes(self, model: ExperimentModel, path: str, offset: int, size: int) -> bytes:
        def read() -> bytes:
            return models.read_bytes(models.staged_file(self._data_dir.models, model.uri, path), offset, size)

        return await asyncio.to_thread(read)

    async def begin_model_upload(self, name: RunName, artifact_id: str) -> ModelUpload:
        """Also raises AlreadyExists when the artifact ID is taken or being uploaded, before any
        bytes are sent."""
        return await models.SqliteModelUpload.begin(self._db, self._data_dir, name, artifact_id)

    # -- lifecycle ----------------------------------------------------------------------------
    async def close(self) -> None:
        try:
            await self.health.close()
            await self._db.close()
        finally:
            self._data_dir.release()


def _write(conn: sqlite3.Connection, write: TimeSeriesWrite, tuning: ChunkTuning) -> WriteResult:
    """The writer's checkpoint moves in the same transaction as its points: exactly once."""
    pk = runs.require_pk(conn, write.name)
    position = write.position
    if position is None:
        return WriteResult(
            committed_sequence=0, points_written=timeseries.write(conn, pk, write.series, tuning)
        )
    committed = writers.committed(conn, pk, position.writer_id)
    if position.sequence <= committed:
        return WriteResult(committed_sequence=committed, points_written=0)
    written = timeseries.write(conn, pk, write.series, tuning)
    writers.advance(conn, pk, position.writer_id, position.sequence)
    return WriteResult(committed_sequence=position.sequence, points_written=written)
