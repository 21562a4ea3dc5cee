"""`ReadTimeSeries` of one 1,000,000-point series: full resolution and downsampled to 1,000
points, best of 5 each, timed from the call to the last message decoded by the client."""

from __future__ import annotations

import os
import pathlib
import statistics
import time
from typing import Any

import grpc
from exprun.v1 import experiment_run_service_pb2 as api

from bench import cpu, serving, streaming
from bench.table import Row, verdict

POINTS = 1_000_000
DOWNSAMPLED = 1_000
REPEATS = 5
TARGET_FULL_SECONDS = 1.0
# Issue 10: from chunk summaries, only chunks at bucket edges have their values read.
TARGET_DOWNSAMPLED_SECONDS = 0.020
READ_TIMEOUT_SECONDS = 60.0


def _read(service: Any, run: str, max_points: int) -> tuple[float, int]:
    """Seconds for one read and the points it returned."""
    start = time.perf_counter()
    points = 0
    request = api.ReadTimeSeriesRequest(run=run, max_points=max_points)
    for chunk in service.ReadTimeSeries(request, timeout=READ_TIMEOUT_SECONDS):
        for series in chunk.series:
            points += len(series.values)
    return time.perf_counter() - start, points


def run(workdir: pathlib.Path, quick: bool) -> list[Row]:
    points = POINTS // 10 if quick else POINTS
    with serving.exprun_server(workdir, "reads") as server:
        (run_name,) = serving.create_runs(server.target, ["reads"])
        streaming.connect(server.target)
        steps, columns = streaming.workload(1, points, prefix="loss")
        written = streaming.stream(server.target, run_name, steps, columns, 100_000)
        if written != points:
            raise RuntimeError(f"only {written:,} of {points:,} points were acknowledged")
        rows = []
        with grpc.insecure_channel(server.target, options=serving.CHANNEL_OPTIONS) as channel:
            service = serving.stub(channel)
            for label, max_points, target in (
                ("full resolution", 0, TARGET_FULL_SECONDS),
                (f"max_points={DOWNSAMPLED:,}", DOWNSAMPLED, TARGET_DOWNSAMPLED_SECONDS),
            ):
                assert server.process is not None
                window = cpu.CpuWindow({"server": server.process.pid, "client": os.getpid()})
                window.start()
                began = time.perf_counter()
                timings = [_read(service, run_name, max_points) for _ in range(REPEATS)]
                usages, machine = window.stop()
                elapsed = time.perf_counter() - began
                seconds = [t for t, _ in timings]
                returned = timings[0][1]
                best = min(seconds)
                rows.append(
                    Row(
                        f"read {points:,} points, {label}",
                        f"{_duration(best)} best of {REPEATS} "
                        f"(median {_duration(statistics.median(seconds))})",
                        f"≤ {_duration(target)}",
                        verdict(best <= target),
                        (
                            f"{label}: {returned:,} points returned; timed from the call to the last "
                            "message decoded by a sync Python stub on loopback",
                            cpu.limit_note(usages, machine),
                            _cpu_per_read(usages, elapsed),
                        ),
                    )
                )
        return rows


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _cpu_per_read(usages: list[cpu.Usage], elapsed: float) -> str:
    """CPU seconds per read: unlike the wall time, barely moved by other processes' load."""
    parts = ", ".join(f"{usage.label} {usage.cores * elapsed / REPEATS * 1000:.0f} ms" for usage in usages)
    return f"CPU per read: {parts}"
