"""Writers that send one large batch and then go quiet, with their streams left open, must not
stall the writers that keep sending.

A stream takes memory budget for its next message before it reads it (gRPC takes in a whole
message once asked), sized from its last message. Quiet streams wait for that next message;
if they kept the budget while waiting, a few of them would hold all of it, and every other
stream would wait for room that never frees. Here quiet streams' predicted next messages add up
to more than the whole budget, and a busy writer must still get every batch acknowledged.
"""

from __future__ import annotations

import asyncio
import pathlib
from collections.abc import Iterator

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb

from tests.support.server_process import ServerProcess

PARENT = "projects/quiet-project/locations/us-central1"
BUDGET_MB = 8
# 10 metrics x 5,000 steps: about 0.55 MB encoded, so each quiet stream's next read is predicted
# at about 1.65 MB; four of them hold 6.6 MB, and a new stream's first read (3 MiB) no longer
# fits in the 8 MiB budget unless quiet ones lend it room.
METRICS = 10
STEPS = 5_000
QUIET = 4
BUSY_BATCHES = 6
# Far above the seconds the busy writer needs; on a stalled server it would never finish.
DEADLINE_SECONDS = 120.0


def batch(sequence: int) -> api.StreamTimeSeriesRequest:
    steps = list(range((sequence - 1) * STEPS, sequence * STEPS))
    series = [
        pb.TimeSeries(metric=f"m{m}", steps=steps, values=[float(s) for s in steps]) for m in range(METRICS)
    ]
    return api.StreamTimeSeriesRequest(
        batch=api.SequencedBatch(sequence=sequence, batch=pb.TimeSeriesBatch(series=series))
    )


def opening(run: str, writer: str) -> api.StreamTimeSeriesRequest:
    return api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id=writer))


@pytest.fixture
def server(tmp_path: pathlib.Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--ingest-memory-mb", str(BUDGET_MB))
    process.start()
    yield process
    process.kill()


async def acks_until(call: grpc.aio.StreamStreamCall, sequence: int) -> None:
    while (reply := await call.read()) is not grpc.aio.EOF:
        if reply.HasField("ack") and reply.ack.committed_sequence >= sequence:
            return
    raise AssertionError(f"the stream ended before sequence {sequence} was acknowledged")


async def test_busy_writers_are_acknowledged_while_quiet_streams_wait_after_a_large_batch(
    server: ServerProcess,
) -> None:
    async with grpc.aio.insecure_channel(server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        await stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="quiet"))
        experiment = f"{PARENT}/experiments/quiet"
        runs = [
            (await stub.CreateRun(api.CreateRunRequest(parent=experiment, run_id=f"r{k}"))).name
            for k in range(QUIET + 1)
        ]
        quiet = []
        for k in range(QUIET):  # one after the other: each is acked, then waits for more
            call = stub.StreamTimeSeries()
            await call.write(opening(runs[k], f"quiet-{k}"))
            await call.write(batch(1))
            await asyncio.wait_for(acks_until(call, 1), DEADLINE_SECONDS)
            quiet.append(call)

        busy = stub.StreamTimeSeries()

        async def send() -> None:
            await busy.write(opening(runs[QUIET], "busy"))
            for sequence in range(1, BUSY_BATCHES + 1):
                await busy.write(batch(sequence))
            await busy.done_writing()

        sender = asyncio.create_task(send())
        await asyncio.wait_for(acks_until(busy, BUSY_BATCHES), DEADLINE_SECONDS)
        await sender

        # The quiet writers were not harmed: each can still send and be acknowledged.
        for call in quiet:
            await call.write(batch(2))
            await asyncio.wait_for(acks_until(call, 2), DEADLINE_SECONDS)
            await call.done_writing()
