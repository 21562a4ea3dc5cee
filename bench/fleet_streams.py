"""16 to 1,024 concurrent writer streams against one server: its peak memory (VmHWM), the
aggregate rate against one stream's measured on the same server, and CPU seconds per point.

The server must hold its memory to one budget however many streams are open, so the clients
here cost the server what real ones would (50,000-point batches, 8 unacknowledged per stream)
while costing the machine as little as possible: every stream sends the same pre-serialized
batches (into its own run) from a few client processes, each driving its streams as grpc.aio
coroutines over one connection (bench/stream_clients.py).
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import time
from dataclasses import dataclass

from bench import cpu, serving
from bench.stream_clients import BATCH_POINTS, UNACKED
from bench.table import INFO, Row, rate, verdict

TARGET_FRACTION = 0.70
TARGET_RSS_MB = {256: 300.0, 1024: 350.0}
# Every stream here is one anonymous principal's: the server's overload limits (1,000 calls,
# 256 streams per principal by default) are lifted so that memory, not admission, is measured.
UNLIMITED = ("--max-concurrent-rpcs", "0", "--max-streams-per-principal", "0")
# Client processes (one connection each), at most this many streams apiece.
MAX_PROCESSES = 4
STREAMS_PER_PROCESS = 256
CLIENT_START_SECONDS = 120.0


@dataclass(frozen=True)
class Plan:
    single_batches: int
    batches_per_stream: dict[int, int]


# Enough batches per stream that each fills its window of 8 unacknowledged (up to 64 streams);
# 1,024 streams send 2 each, which already keeps every stream busy and the store ~100 M points deep.
FULL = Plan(80, {16: 8, 64: 8, 256: 4, 1024: 2})
QUICK = Plan(16, {16: 2, 64: 2, 256: 2, 1024: 1})


@dataclass(frozen=True)
class Phase:
    streams: int
    processes: int
    points: int
    expected: int
    failures: dict[str, int]
    seconds: float
    peak_mb: float
    usages: list[cpu.Usage]
    machine: float

    @property
    def rate(self) -> float:
        return self.points / self.seconds

    @property
    def complete(self) -> bool:
        return self.points == self.expected


def _processes(streams: int) -> int:
    return max(1, min(MAX_PROCESSES, -(-streams // 64)))


def _phase(pid: int, target: str, runs: list[str], batches: int) -> Phase:
    """Streams every run from a few client processes, started and ready before the clock runs."""
    count = _processes(len(runs))
    shares = [runs[k::count] for k in range(count)]
    clients = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.stream_clients", target, str(batches)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in shares
    ]
    try:
        for client, share in zip(clients, shares, strict=True):
            assert client.stdin is not None
            client.stdin.write(json.dumps(share) + "\n")
            client.stdin.flush()
        for client in clients:
            assert client.stdout is not None
            if client.stdout.readline().strip() != "ready":
                raise RuntimeError("a stream client did not start")
        serving.reset_peak_rss(pid)
        window = cpu.CpuWindow({"server": pid, **{f"client{k}": c.pid for k, c in enumerate(clients)}})
        window.start()
        start = time.perf_counter()
        for client in clients:
            assert client.stdin is not None
            client.stdin.write("go\n")
            client.stdin.flush()
        reports = []
        for client in clients:
            assert client.stdout is not None
            line = client.stdout.readline()
            if not line:
                raise RuntimeError(f"a stream client exited with {client.wait()}")
            reports.append(json.loads(line))
        seconds = time.perf_counter() - start
        usages, machine = window.stop()
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
            client.wait()
    failures: dict[str, int] = {}
    for report in reports:
        for detail in report["details"]:
            print(f"  a stream failed: {detail}", file=sys.stderr, flush=True)
        for code in report["failures"]:
            failures[code] = failures.get(code, 0) + 1
    points = sum(sum(report["acked"]) for report in reports) * BATCH_POINTS
    return Phase(
        len(runs),
        count,
        points,
        len(runs) * batches * BATCH_POINTS,
        failures,
        seconds,
        serving.peak_rss_mb(pid),
        _clients_as_one(usages),
        machine,
    )


def _clients_as_one(usages: list[cpu.Usage]) -> list[cpu.Usage]:
    """The server's usage, and the client processes' summed into one."""
    server = [usage for usage in usages if not usage.label.startswith("client")]
    clients = [usage for usage in usages if usage.label.startswith("client")]
    threads = tuple(sorted((t for usage in clients for t in usage.threads), reverse=True))
    return [*server, cpu.Usage("clients", sum(usage.cores for usage in clients), threads or (0.0,))]


def measure(workdir: pathlib.Path, streams: int, quick: bool) -> tuple[Phase, Phase]:
    """(one stream, `streams` streams) on one fresh server."""
    plan = QUICK if quick else FULL
    with serving.exprun_server(workdir, f"fleet{streams}", *UNLIMITED) as server:
        assert server.process is not None
        pid = server.process.pid
        names = serving.create_runs(server.target, ["single", *[f"fleet-{k}" for k in range(streams)]])
        one = _phase(pid, server.target, names[:1], plan.single_batches)
        many = _phase(pid, server.target, names[1:], plan.batches_per_stream.get(streams, 2))
        return one, many


def _server_cpu_per_point(phase: Phase) -> float:
    """Server CPU seconds per point (the figure that barely moves when other processes take cores)."""
    server = next(usage for usage in phase.usages if usage.label == "server")
    return server.cores * phase.seconds / max(1, phase.points)


def rows(workdir: pathlib.Path, streams: int, quick: bool) -> list[Row]:
    one, many = measure(workdir, streams, quick)
    batches = many.expected // streams // BATCH_POINTS
    shape = f"{streams} streams x {batches} batches of {BATCH_POINTS:,} points"
    failed = ", ".join(f"{count} {code}" for code, count in sorted(many.failures.items()))
    notes = (
        f"{shape}, {UNACKED} unacknowledged per stream, from {many.processes} grpc.aio client "
        f"process(es), one connection each; {many.points:,} points in {many.seconds:.1f} s"
        + ("" if many.complete else f" ({many.points:,} of {many.expected:,} acked)")
        + (f"; failed streams: {failed}" if failed else ""),
        f"{cpu.limit_note(many.usages, many.machine)}; "
        f"{cpu.per_point_note(many.usages, many.seconds, max(1, many.points))}",
        f"one stream: {rate(one.rate)}, {one.points:,} points in {one.seconds:.1f} s, "
        f"peak RSS {one.peak_mb:.0f} MB; server CPU {_server_cpu_per_point(one) * 1e6:.2f} us/point",
    )
    fraction = many.rate / one.rate
    gated = streams == 256
    target = TARGET_RSS_MB.get(streams)
    return [
        Row(
            f"streams{streams} rate",
            f"{rate(many.rate)} = {fraction:.0%} of one; "
            f"server CPU {_server_cpu_per_point(many) * 1e6:.2f} us/point",
            f"≥ {TARGET_FRACTION:.0%} of one stream" if gated else "-",
            verdict(many.complete and fraction >= TARGET_FRACTION) if gated else INFO,
            notes,
        ),
        Row(
            f"streams{streams} server peak RSS",
            f"{many.peak_mb:.0f} MB",
            "-" if target is None else f"≤ {target:.0f} MB",
            INFO if target is None else verdict(many.complete and many.peak_mb <= target),
        ),
    ]


def run_16(workdir: pathlib.Path, quick: bool) -> list[Row]:
    return rows(workdir, 16, quick)


def run_64(workdir: pathlib.Path, quick: bool) -> list[Row]:
    return rows(workdir, 64, quick)


def run_256(workdir: pathlib.Path, quick: bool) -> list[Row]:
    return rows(workdir, 256, quick)


def run_1024(workdir: pathlib.Path, quick: bool) -> list[Row]:
    return rows(workdir, 1024, quick)
