"""Hundreds to a thousand concurrent writer streams against one server: its peak memory (VmHWM)
and the aggregate rate against one stream's, with CPU seconds.

The server must hold its memory to one budget however many streams are open, so the clients
here cost the server what real ones would (50,000-point batches, 8 unacknowledged per stream)
while costing the bench process as little as possible: every stream sends the same
pre-serialized batches (into its own run), one thread each, so the client does little more
than copy bytes to sockets.
"""

from __future__ import annotations

import os
import pathlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import grpc
import numpy as np
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb

from bench import cpu, serving
from bench.table import INFO, Row, rate, verdict

METHOD = "/exprun.v1.ExperimentRunService/StreamTimeSeries"
METRICS = 10
BATCH_POINTS = 50_000
UNACKED = 8
TARGET_FRACTION = 0.70
TARGET_RSS_MB = {256: 300.0, 1024: 350.0}
# Every stream here is one anonymous principal's: the server's overload limits (1,000 calls,
# 256 streams per principal by default) are lifted so that memory, not admission, is measured.
UNLIMITED = ("--max-concurrent-rpcs", "0", "--max-streams-per-principal", "0")
STREAM_TIMEOUT_SECONDS = 600.0
# Many streams share a few connections, as pods of a training job would.
CHANNELS = 4


@dataclass(frozen=True)
class Plan:
    single_batches: int
    batches_per_stream: dict[int, int]


# Enough batches per stream that each fills its window of 8 unacknowledged (up to 256 streams);
# 1,024 streams send 2 each, which already keeps every stream busy and the store ~100 M points deep.
FULL = Plan(80, {16: 8, 64: 8, 256: 4, 1024: 2})
QUICK = Plan(16, {16: 2, 64: 2, 256: 2, 1024: 1})


def _batches(count: int) -> list[bytes]:
    """`count` serialized batch messages, sequences 1..count, METRICS metrics each."""
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


def _one_stream(channel: grpc.Channel, run: str, writer: str, batches: list[bytes]) -> int:
    """Sends every batch, at most UNACKED ahead of the acks; returns the batches acknowledged."""
    acked = 0
    room = threading.Condition()

    def requests() -> Iterator[bytes]:
        yield api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id=writer)).SerializeToString()
        for sequence, message in enumerate(batches, start=1):
            with room:
                if not room.wait_for(lambda: sequence - acked <= UNACKED, STREAM_TIMEOUT_SECONDS):  # noqa: B023
                    return
            yield message

    call = channel.stream_stream(METHOD, request_serializer=None, response_deserializer=None)
    for raw in call(requests(), timeout=STREAM_TIMEOUT_SECONDS):
        response = api.StreamTimeSeriesResponse.FromString(raw)
        if response.WhichOneof("kind") == "ack":
            with room:
                acked = response.ack.committed_sequence
                room.notify_all()
    return acked  # the server ends the call once the last batch is acked


def _streams(target: str, runs: list[str], batches: list[bytes]) -> int:
    """One thread per stream, the streams spread over CHANNELS connections."""
    channels = [
        grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
        for _ in range(CHANNELS)
    ]
    try:
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            futures = [
                pool.submit(_one_stream, channels[k % CHANNELS], run, f"fleet-{k}-{time.time_ns()}", batches)
                for k, run in enumerate(runs)
            ]
            acked = [future.result() for future in futures]
    finally:
        for channel in channels:
            channel.close()
    return sum(acked) * BATCH_POINTS


@dataclass(frozen=True)
class Phase:
    points: int
    expected: int
    seconds: float
    peak_mb: float
    usages: list[cpu.Usage]
    machine: float

    @property
    def rate(self) -> float:
        return self.points / self.seconds


def _phase(pid: int, target: str, runs: list[str], batches: list[bytes]) -> Phase:
    serving.reset_peak_rss(pid)
    window = cpu.CpuWindow({"server": pid, "client": os.getpid()})
    window.start()
    start = time.perf_counter()
    points = _streams(target, runs, batches)
    seconds = time.perf_counter() - start
    usages, machine = window.stop()
    return Phase(
        points, len(runs) * len(batches) * BATCH_POINTS, seconds, serving.peak_rss_mb(pid), usages, machine
    )


def measure(workdir: pathlib.Path, streams: int, quick: bool) -> tuple[Phase, Phase]:
    """(one stream, `streams` streams) on one fresh server."""
    plan = QUICK if quick else FULL
    with serving.exprun_server(workdir, f"fleet{streams}", *UNLIMITED) as server:
        assert server.process is not None
        pid = server.process.pid
        names = serving.create_runs(server.target, ["single", *[f"fleet-{k}" for k in range(streams)]])
        one = _phase(pid, server.target, names[:1], _batches(plan.single_batches))
        many = _phase(pid, server.target, names[1:], _batches(plan.batches_per_stream.get(streams, 2)))
        return one, many


def rows(workdir: pathlib.Path, streams: int, quick: bool) -> list[Row]:
    one, many = measure(workdir, streams, quick)
    complete = many.points == many.expected
    batches = many.expected // streams // BATCH_POINTS
    shape = f"{streams} streams x {batches} batches of {BATCH_POINTS:,} points"
    many_cpu = cpu.per_point_note(many.usages, many.seconds, max(1, many.points))
    one_cpu = cpu.per_point_note(one.usages, one.seconds, max(1, one.points))
    notes = (
        f"{shape}, {UNACKED} unacknowledged per stream, {CHANNELS} connections; "
        f"{many.points:,} points in {many.seconds:.1f} s"
        + ("" if complete else f" ({many.points:,} of {many.expected:,} acked)"),
        f"{cpu.limit_note(many.usages, many.machine)}; {many_cpu}",
        f"one stream: {rate(one.rate)}, {one.points:,} points in {one.seconds:.1f} s, "
        f"peak RSS {one.peak_mb:.0f} MB; {one_cpu}",
    )
    fraction = many.rate / one.rate
    result = [
        Row(
            f"streams{streams} rate",
            f"{rate(many.rate)} = {fraction:.0%} of one",
            f"≥ {TARGET_FRACTION:.0%} of one stream" if streams == 256 else "-",
            verdict(complete and fraction >= TARGET_FRACTION) if streams == 256 else INFO,
            notes,
        )
    ]
    target = TARGET_RSS_MB.get(streams)
    result.append(
        Row(
            f"streams{streams} server peak RSS",
            f"{many.peak_mb:.0f} MB",
            "-" if target is None else f"≤ {target:.0f} MB",
            INFO if target is None else verdict(complete and many.peak_mb <= target),
        )
    )
    return result


def run_256(workdir: pathlib.Path, quick: bool) -> list[Row]:
    return rows(workdir, 256, quick)


def run_1024(workdir: pathlib.Path, quick: bool) -> list[Row]:
    return rows(workdir, 1024, quick)
