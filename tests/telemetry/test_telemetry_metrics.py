"""Metrics: RPC durations by method and status, points ingested, batches per store write, open
streams, the ingest queue gauges and store latency by operation."""

from __future__ import annotations

import asyncio
import pathlib
from collections.abc import AsyncIterator, Sequence

import grpc
import pytest
from exprun.server import app
from exprun.server.core.errors import ExprunError
from exprun.server.core.model import TimeSeriesWrite, WriteResult
from exprun.server.settings import Settings
from exprun.server.stores.sqlite.store import SqliteRunStore
from exprun.server.telemetry.store import TracingStore
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb

from tests.telemetry.telemetry_support import PARENT, Otel, Served, eventually, series, stream_messages


async def test_rpc_duration_is_recorded_by_method_and_status_code(served: Served, otel: Otel) -> None:
    def count(method: str, code: grpc.StatusCode) -> float:
        return otel.reading("rpc.server.duration", rpc__method=method, rpc__grpc__status_code=code.value[0])

    ok, missing = (
        count("CreateExperiment", grpc.StatusCode.OK),
        count("GetExperiment", grpc.StatusCode.NOT_FOUND),
    )

    await served.stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="e-timed"))
    with pytest.raises(grpc.aio.AioRpcError):
        await served.stub.GetExperiment(api.GetExperimentRequest(name=f"{PARENT}/experiments/nope"))
    await eventually(lambda: count("GetExperiment", grpc.StatusCode.NOT_FOUND) > missing)

    assert count("CreateExperiment", grpc.StatusCode.OK) - ok == 1
    assert count("GetExperiment", grpc.StatusCode.NOT_FOUND) - missing == 1
    (point,) = [
        p
        for p in otel.points("rpc.server.duration")
        if p.attributes.get("rpc.method") == "CreateExperiment"
        and p.attributes.get("rpc.grpc.status_code") == 0
    ]
    assert point.attributes["rpc.service"] == "exprun.v1.ExperimentRunService"
    assert point.sum > 0


async def test_points_ingested_and_batches_per_store_write_are_recorded(served: Served, otel: Otel) -> None:
    run = await served.run()
    points, batches = (
        otel.reading("exprun.ingest.points"),
        otel.histogram_sum("exprun.ingest.batches_coalesced"),
    )
    writes = otel.reading("exprun.ingest.batches_coalesced")

    batch_list = [[series("loss", list(range(i * 100, i * 100 + 100)))] for i in range(5)]
    _ = [r async for r in served.stub.StreamTimeSeries(iter(stream_messages(run, batch_list)))]

    assert otel.reading("exprun.ingest.points") - points == 500
    assert otel.histogram_sum("exprun.ingest.batches_coalesced") - batches == 5
    assert 1 <= otel.reading("exprun.ingest.batches_coalesced") - writes <= 5


async def test_open_streams_count_a_stream_while_it_is_open(served: Served, otel: Otel) -> None:
    run = await served.run()
    before = otel.reading("exprun.streams.open", rpc__method="StreamTimeSeries")
    release = asyncio.Event()

    async def requests() -> AsyncIterator[api.StreamTimeSeriesRequest]:
        for message in stream_messages(run, [[series("loss", [1, 2, 3])]]):
            yield message
        await release.wait()

    call = served.stub.StreamTimeSeries(requests())
    async for response in call:
        if response.WhichOneof("kind") == "ack":
            break
    during = otel.reading("exprun.streams.open", rpc__method="StreamTimeSeries")
    release.set()
    _ = [r async for r in call]
    after = otel.reading("exprun.streams.open", rpc__method="StreamTimeSeries")

    assert (during - before, after - before) == (1, 0)


class _GatedStore(TracingStore):
    """Holds every time-series write until the gate opens, so batches wait in the ingest queue."""

    def __init__(self, store: SqliteRunStore) -> None:
        super().__init__(store, "embedded")
        self.gate = asyncio.Event()
        self.writing = asyncio.Event()

    async def write_time_series_batch(
        self, writes: Sequence[TimeSeriesWrite]
    ) -> list[WriteResult | ExprunError]:
        self.writing.set()
        await self.gate.wait()
        return await super().write_time_series_batch(writes)


async def test_queue_depth_and_buffered_points_gauges_follow_the_ingest_queue(
    otel: Otel, tmp_path: pathlib.Path
) -> None:
    def gauges() -> tuple[float, float]:
        return otel.reading("exprun.ingest.queue_depth"), otel.reading("exprun.ingest.buffered_points")

    settings = Settings(listen="127.0.0.1:0", data_dir=tmp_path / "data")
    store = _GatedStore(await SqliteRunStore.open(settings.data_dir))
    running = await app.start(settings, store)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            served = Served(running, api_grpc.ExperimentRunServiceStub(channel), channel, "")
            run = await served.run()

            def write(step: int) -> asyncio.Task[object]:
                batch = pb.TimeSeriesBatch(series=[series("m", [step, step + 1])])
                request = api.WriteTimeSeriesRequest(run=run, batch=batch)

                async def call() -> object:
                    return await served.stub.WriteTimeSeries(request)

                return asyncio.create_task(call())

            first = write(0)
            await store.writing.wait()  # the first batch is in the store, held there
            queued = [write(step) for step in range(10, 40, 10)]
            for _ in range(200):
                if gauges()[0] == 3:
                    break
                await asyncio.sleep(0.01)
            held = gauges()
            store.gate.set()
            await asyncio.gather(first, *queued)
            assert held == (3, 8)  # three batches queued; their 6 points and the held batch's 2
            assert gauges() == (0, 0)
    finally:
        await running.stop(1.0)


async def test_store_duration_is_recorded_by_operation_and_error_type(served: Served, otel: Otel) -> None:
    def count(**attributes: str) -> float:
        return otel.reading("exprun.store.duration", exprun__store__operation="get_run", **attributes)

    run = await served.run()
    ok, failed = count(exprun__store__backend="embedded"), count(error__type="NotFound")

    await served.stub.GetRun(api.GetRunRequest(name=run))
    with pytest.raises(grpc.aio.AioRpcError):
        await served.stub.GetRun(api.GetRunRequest(name=run.replace("/runs/r1", "/runs/gone")))

    assert count(exprun__store__backend="embedded") - ok == 2
    assert count(error__type="NotFound") - failed == 1
