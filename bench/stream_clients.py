"""One client process of the fleet benchmark: many `StreamTimeSeries` streams on one grpc.aio
event loop, as the pods of a training job would open them.

A thread per stream (1,024 of them in one process) spent the client's core on the GIL and ended
in CANCELLED before the server had anything to say; coroutines cost a stream a few KB and no
switch. The parent (bench/fleet_streams.py) starts a few of these, sends each its runs on stdin
as one JSON line, waits for every `ready` line so that imports and batch building stay outside
the clock, then writes `go`; each prints one JSON line: the batches acknowledged per stream and
the status codes of the streams that failed.

Run as `python -m bench.stream_clients TARGET BATCHES`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time

import grpc
import numpy as np
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb

METHOD = "/exprun.v1.ExperimentRunService/StreamTimeSeries"
METRICS = 10
BATCH_POINTS = 50_000
UNACKED = 8
STREAM_TIMEOUT_SECONDS = 900.0


def batches(count: int) -> list[bytes]:
    """`count` serialized batch messages, sequences 1..count, METRICS metrics each (the same
    bytes for every stream: the client only copies them to its socket)."""
    rows = BATCH_POINTS // METRICS
    generator = np.random.default_rng(7)
    wall = time.time_ns() // 1000
    messages = []
    for sequence in range(1, count + 1):
        steps = list(range((sequence - 1) * rows + 1, sequence * rows + 1))
        walls = [wall] * rows
        batch = pb.TimeSeriesBatch(
            series=[
                pb.TimeSeries(
                    metric=f"metric-{m}",
                    steps=steps,
                    values=generator.random(rows).tolist(),
                    wall_time_micros=walls,
                )
                for m in range(METRICS)
            ]
        )
        request = api.StreamTimeSeriesRequest(batch=api.SequencedBatch(sequence=sequence, batch=batch))
        messages.append(request.SerializeToString())
    return messages


async def one_stream(channel: grpc.aio.Channel, run: str, writer: str, messages: list[bytes]) -> int:
    """Sends every batch, at most UNACKED ahead of the acks; returns the batches acknowledged."""
    call = channel.stream_stream(METHOD, request_serializer=None, response_deserializer=None)(
        timeout=STREAM_TIMEOUT_SECONDS
    )
    acked = 0
    moved = asyncio.Event()

    async def send() -> None:
        opening = api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id=writer))
        await call.write(opening.SerializeToString())
        for sequence, message in enumerate(messages, start=1):
            while sequence - acked > UNACKED:
                moved.clear()
                await moved.wait()
            await call.write(message)
        await call.done_writing()

    sender = asyncio.create_task(send())
    try:
        while (raw := await call.read()) is not grpc.aio.EOF:
            response = api.StreamTimeSeriesResponse.FromString(raw)
            if response.WhichOneof("kind") == "ack":
                acked = response.ack.committed_sequence
                moved.set()
    finally:
        sender.cancel()
    # The server ends the call once it has acked the half-close; a send still reported in flight
    # then fails in the client ("Internal error from Core") although every byte arrived, so the
    # call's status, not the sender's, says whether the stream succeeded.
    with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError):
        await sender
    if (code := await call.code()) != grpc.StatusCode.OK:
        raise grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), await call.details())
    return acked


async def main(target: str, count: int) -> None:
    runs: list[str] = json.loads(sys.stdin.readline())
    messages = batches(count)
    loop = asyncio.get_running_loop()
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)  # "go"
    async with grpc.aio.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
        outcomes = await asyncio.gather(
            *(one_stream(channel, run, f"fleet-{time.time_ns()}", messages) for run in runs),
            return_exceptions=True,
        )
    acked = [outcome if isinstance(outcome, int) else 0 for outcome in outcomes]
    failures = [
        outcome.code().name if isinstance(outcome, grpc.aio.AioRpcError) else type(outcome).__name__
        for outcome in outcomes
        if isinstance(outcome, BaseException)
    ]
    details = [str(outcome)[:300] for outcome in outcomes if isinstance(outcome, BaseException)][:1]
    print(json.dumps({"acked": acked, "failures": failures, "details": details}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
