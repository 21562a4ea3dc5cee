"""Storage faults of a real SQLite file, on every machine (no mount needed): each reaches clients
as its own code and reason, and readiness follows.

- full (SQLite's page limit stands in for the disk): RESOURCE_EXHAUSTED `STORAGE_FULL` with a
  RetryInfo delay, readiness NOT_SERVING until a write succeeds again; the Python writer keeps
  its points and finishes then;
- over a quota (a file-size limit on the server process): the same, although SQLite reports it
  as a failed write, not as a full disk;
- locked by another process: UNAVAILABLE `STORAGE_BUSY`, retryable, readiness untouched;
- damaged pages or header: INTERNAL `STORAGE_CORRUPT`, readiness NOT_SERVING for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import pathlib
import resource
import sqlite3
import threading
import time
from array import array
from collections.abc import AsyncIterator, Callable, Sequence

import grpc
import pytest
from exprun.client import TimeSeriesWriter, _config
from exprun.server import app
from exprun.server.core.errors import ExprunError, Internal, Unavailable
from exprun.server.core.model import TimeSeriesWrite, WriteResult
from exprun.server.core.store_health import StoreCondition
from exprun.server.settings import Settings
from exprun.server.stores.sqlite.database import Database
from exprun.server.stores.sqlite.store import SqliteRunStore
from exprun.server.stores.storage_faults import PROBE_BYTES
from exprun.server.transport.errors import to_status
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.rpc import code_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.support.rich_status import details, unpack
from tests.support.server_process import ServerProcess

LOCATION = "projects/storage-faults/locations/us-central1"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
NO_PROBE = 3600.0  # only real writes may show recovery here: the test disk itself is never full
# Room the file-size limit leaves above the database's largest file, in writes of WRITE_POINTS.
# The WAL starts empty (see `_checkpointed`) and grows a write at a time up to the limit, so the
# refusal comes a few writes later, mid-WAL.
QUOTA_HEADROOM_WRITES = 1
WRITE_POINTS = 5000


async def eventually(condition: Callable[[], bool]) -> None:
    """Polls state that other threads (the client's writer) change; bounded."""
    async with asyncio.timeout(30):
        while not condition():  # noqa: ASYNC110  # no event to wait on across threads
            await asyncio.sleep(0.01)


class Served:
    def __init__(self, running: app.RunningServer, channel: grpc.aio.Channel) -> None:
        self.running = running
        self.target = f"127.0.0.1:{running.port}"
        self.stub = api_grpc.ExperimentRunServiceStub(channel)
        self.health = health_pb2_grpc.HealthStub(channel)

    async def status(self, service: str) -> int:
        reply = await self.health.Check(health_pb2.HealthCheckRequest(service=service))
        status: int = reply.status
        return status

    async def new_run(self) -> str:
        experiment = await self.stub.CreateExperiment(
            api.CreateExperimentRequest(parent=LOCATION, experiment_id="exp-1")
        )
        run = await self.stub.CreateRun(api.CreateRunRequest(parent=experiment.name, run_id="run-1"))
        name: str = run.name
        return name

    async def write(self, run: str, metric: str, steps: range) -> api.WriteTimeSeriesResponse:
        series = pb.TimeSeries(metric=metric, steps=steps, values=[float(s) for s in steps])
        request = api.WriteTimeSeriesRequest(run=run, batch=pb.TimeSeriesBatch(series=[series]))
        response: api.WriteTimeSeriesResponse = await self.stub.WriteTimeSeries(request)
        return response

    async def read(self, run: str) -> dict[str, list[int]]:
        steps: dict[str, list[int]] = {}
        async for chunk in self.stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=run)):
            for series in chunk.series:
                steps.setdefault(series.metric, []).extend(series.steps)
        return steps


class CountingStore(SqliteRunStore):
    """Counts the batches the store has answered (written or refused), so a test sees a refused
    writer try again."""

    answered = 0

    async def write_time_series_batch(
        self, writes: Sequence[TimeSeriesWrite]
    ) -> list[WriteResult | ExprunError]:
        try:
            return await super().write_time_series_batch(writes)
        finally:
            self.answered += len(writes)


@contextlib.asynccontextmanager
async def serving(store: SqliteRunStore, data_dir: pathlib.Path) -> AsyncIterator[Served]:
    running = await app.start(Settings(listen="127.0.0.1:0", data_dir=data_dir), store)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            yield Served(running, channel)
    finally:
        await running.stop(1.0)


async def test_a_full_database_refuses_writes_retryably_until_a_write_succeeds_again(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    store = await CountingStore.open(data_dir, probe_interval=NO_PROBE)
    async with serving(store, data_dir) as served:
        run = await served.new_run()
        await served.write(run, "before", range(5000))
        # The database may not grow past its current size: every write that needs a page fails.
        await store._db.write(lambda conn: conn.execute("PRAGMA max_page_count = 1").fetchone())

        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await served.write(run, "refused", range(5000))
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        info, retry = details(refused.value)
        assert info.reason == "STORAGE_FULL"
        assert retry is not None
        assert retry.retry_delay.ToNanoseconds() > 0
        assert await served.status("readiness") == NOT_SERVING
        assert await served.status("exprun.v1.ExperimentRunService") == NOT_SERVING
        assert await served.status("") == SERVING
        assert await served.read(run) == {"before": list(range(5000))}  # reads go on

        # The Python writer keeps what the server refused, within its budget, and retries.
        _config.reset()
        _config.set_defaults(target=served.target)
        writer = TimeSeriesWriter(run, max_batch_points=2000, max_buffered_points=4000, on_full="block")
        logged = threading.Event()

        def produce() -> None:
            for start in range(0, 10_000, 1000):
                writer.log_columns(array("q", range(start, start + 1000)), {"streamed": [0.5] * 1000})
            logged.set()

        producing = asyncio.create_task(asyncio.to_thread(produce))
        await eventually(lambda: writer.points_pending == 4000)  # the budget is full: log blocks
        await eventually(lambda: any("storage is full" in r.getMessage() for r in caplog.records))
        refused_so_far = store.answered
        await eventually(lambda: store.answered > refused_so_far)  # it retried, and was refused
        assert writer.points_acked == 0
        assert writer.points_pending == 4000
        assert not logged.is_set()
        assert await served.status("readiness") == NOT_SERVING

        await store._db.write(lambda conn: conn.execute("PRAGMA max_page_count = 1000000").fetchone())
        await asyncio.wait_for(producing, 60)
        await asyncio.wait_for(asyncio.to_thread(writer.close, 60), 70)
        _config.reset()
        assert writer.points_acked == 10_000
        assert await served.status("readiness") == SERVING
        stored = await served.read(run)
        assert stored == {"before": list(range(5000)), "streamed": list(range(10_000))}


async def test_a_database_locked_by_another_process_is_unavailable_and_retryable(
    tmp_path: pathlib.Path,
) -> None:
    path = tmp_path / "busy.db"

    def prepare(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE t (x INTEGER)")

    db = await Database.open(path, prepare, busy_timeout_ms=50)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # holds the write lock, as a backup tool or sqlite3 shell might
        with pytest.raises(Unavailable) as busy:
            await db.write(lambda conn: conn.execute("INSERT INTO t VALUES (1)"))
        assert busy.value.reason == "STORAGE_BUSY"
        assert db.health.condition is StoreCondition.HEALTHY  # not the replica's fault
        sent = to_status(busy.value)  # what the client receives
        assert sent.code == grpc.StatusCode.UNAVAILABLE
        status = status_pb2.Status.FromString(dict(sent.trailing_metadata)["grpc-status-details-bin"])
        assert status.code == code_pb2.UNAVAILABLE
        _, retry = unpack(status)
        assert retry is not None
        assert retry.retry_delay.ToNanoseconds() > 0
        other.execute("ROLLBACK")
        await db.write(lambda conn: conn.execute("INSERT INTO t VALUES (1)"))
        assert await db.read(lambda conn: conn.execute("SELECT count(*) FROM t").fetchone()[0]) == 1
    finally:
        other.close()
        await db.close()


async def _store_with_points(data_dir: pathlib.Path) -> tuple[str, int]:
    """A closed store holding 200,000 points; returns the run and the page count before them."""
    store = await SqliteRunStore.open(data_dir)
    async with serving(store, data_dir) as served:
        run = await served.new_run()
        pages_before: int = await store._db.read(lambda conn: conn.execute("PRAGMA page_count").fetchone()[0])
        for start in range(0, 200_000, 5000):
            await served.write(run, "loss", range(start, start + 5000))
    return run, pages_before


async def test_damaged_pages_are_internal_storage_corrupt_and_keep_readiness_out(
    tmp_path: pathlib.Path,
) -> None:
    data_dir = tmp_path / "data"
    run, pages_before = await _store_with_points(data_dir)
    database = data_dir / "exprun.db"
    with contextlib.closing(sqlite3.connect(database)) as conn:  # the store's own, not assumed
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    with database.open("r+b") as file:  # the pages written for the points become garbage
        file.seek(pages_before * page_size)
        size = database.stat().st_size - pages_before * page_size
        file.write(bytes([0xA5]) * size)

    store = await SqliteRunStore.open(data_dir)
    async with serving(store, data_dir) as served:
        assert await served.status("readiness") == SERVING  # the damage is not seen yet
        with pytest.raises(grpc.aio.AioRpcError) as damaged:
            await served.read(run)
        assert damaged.value.code() == grpc.StatusCode.INTERNAL
        info, retry = details(damaged.value)
        assert info.reason == "STORAGE_CORRUPT"
        assert retry is None
        assert await served.status("readiness") == NOT_SERVING
        assert await served.status("") == SERVING
        # A write that still succeeds (its pages are intact) does not bring the replica back.
        experiment = await served.stub.CreateExperiment(
            api.CreateExperimentRequest(parent=LOCATION, experiment_id="after")
        )
        assert experiment.name.endswith("/after")
        assert await served.status("readiness") == NOT_SERVING


async def test_a_file_that_is_not_a_database_fails_start_up_as_storage_corrupt(
    tmp_path: pathlib.Path,
) -> None:
    data_dir = tmp_path / "data"
    store = await SqliteRunStore.open(data_dir)
    await store.close()
    with (data_dir / "exprun.db").open("r+b") as file:
        file.write(b"this is not SQLite")  # over the header's magic string
    with pytest.raises(Internal) as damaged:
        await SqliteRunStore.open(data_dir)
    assert damaged.value.reason == "STORAGE_CORRUPT"
    # The failed open released the data directory: a repaired file could be opened next.
    (data_dir / "exprun.db").unlink()
    await (await SqliteRunStore.open(data_dir)).close()


def test_a_file_size_quota_is_storage_full_not_corrupt(tmp_path: pathlib.Path) -> None:
    """A quota (here the server's own file-size limit, RLIMIT_FSIZE, which EDQUOT behaves like)
    makes SQLite fail a write as SQLITE_IOERR_WRITE, the code a failing device gets too; the
    server tells them apart with a write of its own and answers STORAGE_FULL, retryably."""
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log")
    server.start()
    assert server.process is not None
    try:
        with grpc.insecure_channel(server.target) as channel:
            stub = api_grpc.ExperimentRunServiceStub(channel)
            health = health_pb2_grpc.HealthStub(channel)

            def readiness() -> int:
                reply = health.Check(health_pb2.HealthCheckRequest(service="readiness"), timeout=10)
                return int(reply.status)

            def write(start: int) -> None:
                steps = range(start, start + WRITE_POINTS)
                series = pb.TimeSeries(metric="loss", steps=steps, values=[float(s) for s in steps])
                batch = pb.TimeSeriesBatch(series=[series])
                stub.WriteTimeSeries(api.WriteTimeSeriesRequest(run=run, batch=batch), timeout=30)

            experiment = stub.CreateExperiment(
                api.CreateExperimentRequest(parent=LOCATION, experiment_id="quota")
            )
            run = stub.CreateRun(api.CreateRunRequest(parent=experiment.name, run_id="run-1")).name
            write(0)
            largest, page_bytes = _checkpointed(tmp_path / "data" / "exprun.db")
            # A write appends its pages to the WAL: 24 bytes a point, and a few pages of b-trees.
            write_bytes = (-(-WRITE_POINTS * 24 // page_bytes) + 4) * page_bytes
            limit = largest + QUOTA_HEADROOM_WRITES * write_bytes
            assert limit < PROBE_BYTES  # so the server's own probe write meets the limit too
            resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

            written, refused = WRITE_POINTS, None
            while refused is None and written < 10 * limit:  # each write adds write_bytes to the WAL
                try:
                    write(written)
                    written += WRITE_POINTS
                except grpc.RpcError as error:
                    refused = error
            assert refused is not None, "the file-size limit never refused a write"
            assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, refused.details()
            info, retry = details(refused)
            assert info.reason == "STORAGE_FULL"
            assert retry is not None
            assert retry.retry_delay.ToNanoseconds() > 0
            assert readiness() == NOT_SERVING

            # The quota is lifted: the server's probe finds room, and the refused write succeeds.
            resource.prlimit(
                server.process.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
            )
            deadline = time.monotonic() + 60
            while readiness() != SERVING:
                assert time.monotonic() < deadline, "readiness did not come back once space was freed"
                time.sleep(0.1)
            write(written)
            stored = [
                step
                for chunk in stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=run))
                for series in chunk.series
                for step in series.steps
            ]
            assert stored == list(range(written + WRITE_POINTS))
    finally:
        server.kill()


def _checkpointed(database: pathlib.Path) -> tuple[int, int]:
    """Moves the WAL into the database and truncates it (as SQLite does on its own once the WAL
    reaches its checkpoint size), so a new database's WAL, which still holds every page the
    schema wrote, does not count as room taken. Returns the largest file's size and the page
    size: the quota arithmetic follows the database as it is, whatever its schema or pages."""
    with contextlib.closing(sqlite3.connect(database, timeout=10)) as conn:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "the idle server kept the checkpoint from finishing"
        (page_bytes,) = conn.execute("PRAGMA page_size").fetchone()
    largest = max(f.stat().st_size for f in database.parent.glob("exprun.db*"))
    return largest, int(page_bytes)
