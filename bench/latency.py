"""Unary `LogMetrics` latency against an empty gRPC call (health `Check`) on the same channel,
measured in the same run: the calls take turns, so all see the same machine. `GetRun` (a read
through the same service stack) is measured alongside to tell the stack's cost from the commit's.

The peer is health `Check`, the issue's "empty unary call on the same server": the same
process, port, channel and grpc.aio machinery, through the error and overload interceptors,
but without the telemetry interceptor's span and log line (health is excluded, or probes would
drown the traces) and without authentication (health is open; the bench runs without tokens, so
no call authenticates). The API has no empty method that goes through every interceptor, and
adding one for the bench would change four clients' API; a peer that carried the whole stack
would also hide the stack's cost, which the target counts. So Check is the stricter peer.

A durable write waits for at least one commit to reach the disk (`synchronous=FULL`, ack after
fsync): a local SQLite commit made as the store makes it takes its turn with the calls. The commit
runs on the store's worker thread, never on the event loop (a disk that stalls would stall every
call, health included), so the write also pays one hand-off from the loop to that thread and back,
measured with the store's own worker. The notes print both and the ratio Check + commit + hand-off
would make on their own: the floor no server-side change goes below on that disk at that time.

Then the server CPU each kind costs per call (a block of each alone), and the same calls from
CONCURRENT_CALLERS threads at once: there concurrent `LogMetrics` share commits (group commit),
so their latency should stay near one commit's, not grow with the number of callers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable, Iterator

import grpc
from exprun.server.stores.sqlite import database
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench import cpu, serving
from bench.table import INFO, Row, verdict

CALLS = 2_000
WARMUP = 200
TARGET_RATIO = 1.5
CALL_TIMEOUT_SECONDS = 10.0
FSYNC_PROBES = 200
# Hand-offs measured; only the second half counts. On this VM the first few thousand round trips
# of a fresh pair of threads take about 14 us, then every later one about 85 us (measured up to
# 20,000): the regime the thousands of calls above are in.
HANDOFF_PROBES = 10_000
CPU_CALLS = 1_000
CONCURRENT_CALLERS = 8
CONCURRENT_CALLS = 250  # per caller and kind
COMMIT = "commit"  # the commit probe's turn

Call = Callable[[], object]


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


def _handoff_seconds(count: int) -> list[float]:
    """Round trips of a no-op job from an event loop to the SQLite store's worker thread and back,
    as every store call makes them: what a write pays besides the commit itself. The second half
    of `count`, in the steady state (see HANDOFF_PROBES)."""

    async def probe() -> list[float]:
        worker = database.Worker()
        try:
            samples = []
            for _ in range(count):
                start = time.perf_counter()
                await worker.call(_nothing)
                samples.append(time.perf_counter() - start)
            return samples[count // 2 :]
        finally:
            worker.stop()

    return asyncio.run(probe())


def _nothing() -> None:
    return None


@contextlib.contextmanager
def _commit_probe(directory: pathlib.Path) -> Iterator[Call]:
    """One small SQLite transaction (a row update) per call, committed as the store commits:
    WAL, `synchronous=FULL`, the store's page size. Taking turns with the RPCs, it is what a
    durable LogMetrics cannot avoid at that moment on the data directory's disk."""
    path = directory / "commit-probe.db"
    conn = sqlite3.connect(path, isolation_level=None)
    counter = iter(range(10**9))

    def commit() -> object:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE probe SET body = ? WHERE pk = 1", (next(counter).to_bytes(8, "little") * 32,))
        return conn.execute("COMMIT")

    try:
        conn.execute(f"PRAGMA page_size={database.PAGE_BYTES}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE probe (pk INTEGER PRIMARY KEY, body BLOB)")
        conn.execute("INSERT INTO probe VALUES (1, x'')")
        yield commit
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(f"{path}{suffix}").unlink(missing_ok=True)


def _timed(call: Call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _kinds(channel: grpc.Channel, run_name: str) -> dict[str, Call]:
    service = serving.stub(channel)
    health = health_pb2_grpc.HealthStub(channel)
    check_request = health_pb2.HealthCheckRequest(service="")
    get_request = api.GetRunRequest(name=run_name)
    counter = iter(range(10**9))

    def log_metrics() -> object:
        value = pb.Value(double_value=next(counter) / 1000)
        request = api.LogMetricsRequest(run=run_name, metrics={"accuracy": value})
        return service.LogMetrics(request, timeout=CALL_TIMEOUT_SECONDS)

    return {
        "Check": lambda: health.Check(check_request, timeout=CALL_TIMEOUT_SECONDS),
        "GetRun": lambda: service.GetRun(get_request, timeout=CALL_TIMEOUT_SECONDS),
        "LogMetrics": log_metrics,
    }


def _taking_turns(kinds: dict[str, Call], calls: int) -> dict[str, list[float]]:
    order = list(kinds)
    for _ in range(WARMUP):
        for call in kinds.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in kinds}
    for i in range(calls):
        # Rotate which goes first so none always follows another.
        turn = i % len(order)
        for name in order[turn:] + order[:turn]:
            samples[name].append(_timed(kinds[name]))
    return samples


def _server_cpu_us(pid: int, kinds: dict[str, Call], calls: int) -> dict[str, float]:
    """Server CPU microseconds per call of each kind, from a block of that kind alone: unlike a
    latency, it barely moves when other processes take the cores."""
    spent = {}
    for name, call in kinds.items():
        window = cpu.CpuWindow({"server": pid})
        window.start()
        start = time.perf_counter()
        for _ in range(calls):
            call()
        seconds = time.perf_counter() - start
        (usage,), _ = window.stop()
        spent[name] = usage.cores * seconds / calls * 1e6
    return spent


def _concurrent(
    target: str, run_name: str, pid: int, name: str, calls: int
) -> tuple[list[float], float, str]:
    """CONCURRENT_CALLERS threads, each on its own channel, making `calls` calls of `name`:
    (latencies, calls per second, CPU note)."""
    samples: list[float] = []
    lock = threading.Lock()
    channels = [grpc.insecure_channel(target) for _ in range(CONCURRENT_CALLERS)]
    try:
        kinds = [_kinds(channel, run_name)[name] for channel in channels]
        for call in kinds:  # connect every channel before the clock starts
            call()
        start_line = threading.Barrier(CONCURRENT_CALLERS + 1)

        def caller(call: Call) -> None:
            start_line.wait()
            mine = [_timed(call) for _ in range(calls)]
            with lock:
                samples.extend(mine)

        threads = [threading.Thread(target=caller, args=(call,)) for call in kinds]
        for thread in threads:
            thread.start()
        window = cpu.CpuWindow({"server": pid, "client": os.getpid()})
        window.start()
        start = time.perf_counter()
        start_line.wait()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - start
        usages, machine = window.stop()
    finally:
        for channel in channels:
            channel.close()
    return samples, len(samples) / seconds, cpu.limit_note(usages, machine)


def run(workdir: pathlib.Path, quick: bool) -> list[Row]:
    calls = CALLS // 10 if quick else CALLS
    cpu_calls = CPU_CALLS // 10 if quick else CPU_CALLS
    concurrent_calls = CONCURRENT_CALLS // 10 if quick else CONCURRENT_CALLS
    with serving.exprun_server(workdir, "latency") as server:
        assert server.process is not None
        pid = server.process.pid
        (run_name,) = serving.create_runs(server.target, ["latency"])
        with grpc.insecure_channel(server.target) as channel:
            kinds = _kinds(channel, run_name)
            with _commit_probe(server.data_dir) as commit:
                window = cpu.CpuWindow({"server": pid, "client": os.getpid()})
                window.start()
                samples = _taking_turns({**kinds, COMMIT: commit}, calls)
                usages, machine = window.stop()
            commits = samples.pop(COMMIT)
            cpu_us = _server_cpu_us(pid, kinds, cpu_calls)
        together = {
            name: _concurrent(server.target, run_name, pid, name, concurrent_calls)
            for name in ("Check", "LogMetrics")
        }
        fsyncs = _fsync_seconds(server.data_dir, FSYNC_PROBES)
    handoffs = _handoff_seconds(HANDOFF_PROBES)
    check_p50 = _percentile(samples["Check"], 0.5)
    commit_p50 = _percentile(commits, 0.5)
    handoff_p50 = _percentile(handoffs, 0.5)
    fsync_note = (
        f"one 4 KiB append + fsync on the data dir's disk: p50 {_percentile(fsyncs, 0.5) * 1000:.2f} ms, "
        f"p99 {_percentile(fsyncs, 0.99) * 1000:.2f} ms; one SQLite commit as the store makes it "
        f"(WAL, synchronous=FULL), taking turns with the calls: p50 {commit_p50 * 1000:.2f} ms, "
        f"p99 {_percentile(commits, 0.99) * 1000:.2f} ms; one hand-off to the store's worker thread "
        f"and back: p50 {handoff_p50 * 1000:.3f} ms; so Check p50 + one commit alone would be "
        f"{(check_p50 + commit_p50) / check_p50:.2f}x Check, and + the hand-off "
        f"{(check_p50 + commit_p50 + handoff_p50) / check_p50:.2f}x: the floor"
    )
    cpu_note = "server CPU per call (a block of each kind alone): " + ", ".join(
        f"{name} {us:.0f} us" for name, us in cpu_us.items()
    )
    checks = samples["Check"]
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
                f"sync stub, one channel; means {means}; {cpu.limit_note(usages, machine)}",
                cpu_note,
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
    check_samples, check_rate, _ = together["Check"]
    log_samples, log_rate, log_cpu = together["LogMetrics"]

    def figures(samples: list[float]) -> str:
        return (
            f"p50 {_percentile(samples, 0.5) * 1000:.2f} ms, p99 {_percentile(samples, 0.99) * 1000:.2f} ms"
        )

    rows.append(
        Row(
            f"unary LogMetrics x{CONCURRENT_CALLERS} callers",
            f"{figures(log_samples)}, {log_rate:,.0f}/s"
            f" vs Check {figures(check_samples)}, {check_rate:,.0f}/s",
            "-",
            INFO,
            (
                f"{CONCURRENT_CALLERS} threads, a channel each, {concurrent_calls} calls each, Check then "
                f"LogMetrics (one run); LogMetrics {log_cpu}",
            ),
        )
    )
    return rows
