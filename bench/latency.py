"""Unary `LogMetrics` latency against an empty gRPC call (health `Check`) on the same channel,
measured in the same run: the calls take turns, so all see the same machine. `GetRun` (a read
through the same service stack) is measured alongside to tell the stack's cost from the commit's."""

from __future__ import annotations

import os
import pathlib
import statistics
import time
from collections.abc import Callable

import grpc
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench import serving
from bench.table import INFO, Row, verdict

CALLS = 2_000
WARMUP = 200
TARGET_RATIO = 1.5
CALL_TIMEOUT_SECONDS = 10.0
FSYNC_PROBES = 200


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _fsync_seconds(directory: pathlib.Path, count: int) -> list[float]:
    """Latency of a 4 KiB append + fsync on the data directory's disk: what a durable commit
    (SQLite `synchronous=FULL`) waits for at least once, and a health `Check` never does."""
    path = directory / "fsync-probe"
    samples = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        block = b"x" * 4096
        for _ in range(count):
            start = time.perf_counter()
            os.write(fd, block)
            os.fsync(fd)
            samples.append(time.perf_counter() - start)
    finally:
        os.close(fd)
        path.unlink()
    return samples


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def run(workdir: pathlib.Path, quick: bool) -> list[Row]:
    calls = CALLS // 10 if quick else CALLS
    with serving.exprun_server(workdir, "latency") as server:
        (run_name,) = serving.create_runs(server.target, ["latency"])
        with grpc.insecure_channel(server.target) as channel:
            service = serving.stub(channel)
            health = health_pb2_grpc.HealthStub(channel)
            check_request = health_pb2.HealthCheckRequest(service="")
            get_request = api.GetRunRequest(name=run_name)
            counter = iter(range(10**9))

            def log_metrics() -> object:
                value = pb.Value(double_value=next(counter) / 1000)
                request = api.LogMetricsRequest(run=run_name, metrics={"accuracy": value})
                return service.LogMetrics(request, timeout=CALL_TIMEOUT_SECONDS)

            kinds: dict[str, Callable[[], object]] = {
                "Check": lambda: health.Check(check_request, timeout=CALL_TIMEOUT_SECONDS),
                "GetRun": lambda: service.GetRun(get_request, timeout=CALL_TIMEOUT_SECONDS),
                "LogMetrics": log_metrics,
            }
            order = list(kinds)
            for _ in range(WARMUP):
                for call in kinds.values():
                    call()
            samples: dict[str, list[float]] = {name: [] for name in kinds}
            for i in range(calls):
                # Rotate which goes first so none always follows another.
                for name in order[i % 3 :] + order[: i % 3]:
                    samples[name].append(_timed(kinds[name]))
        fsyncs = _fsync_seconds(server.data_dir, FSYNC_PROBES)
    checks = samples["Check"]
    fsync_note = (
        f"one 4 KiB write + fsync on the data dir's disk: p50 {_percentile(fsyncs, 0.5) * 1000:.2f} ms, "
        f"p99 {_percentile(fsyncs, 0.99) * 1000:.2f} ms (LogMetrics commits with synchronous=FULL)"
    )
    rows = []
    for name, fraction in (("LogMetrics", 0.50), ("LogMetrics", 0.99), ("GetRun", 0.50), ("GetRun", 0.99)):
        ours = _percentile(samples[name], fraction)
        empty = _percentile(checks, fraction)
        graded = name == "LogMetrics"
        first = fraction == 0.50
        notes: tuple[str, ...] = ()
        if graded and first:
            means = ", ".join(
                f"{kind} {statistics.mean(values) * 1000:.2f} ms" for kind, values in samples.items()
            )
            notes = (
                f"{calls:,} calls of each kind, taking turns, after {WARMUP} warm-up rounds; "
                f"sync stub, one channel; means {means}",
                fsync_note,
            )
        rows.append(
            Row(
                f"unary {name} p{fraction * 100:.0f}",
                f"{ours * 1000:.2f} ms vs Check {empty * 1000:.2f} ms = {ours / empty:.2f}x",
                f"≤ {TARGET_RATIO}x Check" if graded else "-",
                verdict(ours <= TARGET_RATIO * empty) if graded else INFO,
                notes,
            )
        )
    return rows
