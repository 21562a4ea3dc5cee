"""Streamed ingest into the embedded store, against MLflow's `log_batch` and Aim's `track` on the
same workload (10 metrics x 200,000 steps) in the same run.

exprun streams the whole workload in two ways, each into a fresh server and data directory,
and the best rate of each counts: acknowledged points over the time from the first call to the
last ack.
- columnar: `TimeSeriesWriter.log_columns` with numpy columns, at several batch sizes;
- per step: the training loop's `TimeSeriesWriter.log({10 metrics}, step=)`, one call a step
  (the dicts built beforehand, so the figure is the writer's cost, not the loop's).
The server's CPU seconds over the points acknowledged is its cost per point, which barely moves
when other processes take cores away (rates do). The client's is the client process's
`time.process_time` (every thread: the caller, the writer's, gRPC's) over the same span. The
peers are far slower, so they are timed on a bounded first slice of the same workload; their
rate is points over that slice's time.
"""

from __future__ import annotations

import itertools
import json
import os
import pathlib
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from exprun.server.core import ingest
from exprun.server.stores.sqlite import database

from bench import cpu, serving, streaming
from bench.peers import install
from bench.table import INFO, NOT_MEASURED, Row, rate, verdict

METRICS = 10
TARGET_COLUMNAR_POINTS_PER_SECOND = 3_000_000
TARGET_PER_STEP_POINTS_PER_SECOND = 1_200_000
TARGET_SERVER_CPU_MICROS_PER_POINT = 0.15
TARGET_MLFLOW_RATIO = 400
TARGET_CLIENT_US_PER_POINT_COLUMNS = 0.1
TARGET_CLIENT_US_PER_POINT_PER_STEP = 0.5
PEERS = pathlib.Path(__file__).resolve().parent / "peers"
# A timed-out peer script gets this long to stop its server after SIGTERM.
PEER_STOP_SECONDS = 45.0


@dataclass(frozen=True)
class Plan:
    steps: int
    batch_points: tuple[int, ...]
    mlflow_points: int
    mlflow_seconds: float
    aim_points: int
    aim_seconds: float
    repeats: int


FULL = Plan(200_000, (20_000, 50_000, 100_000), 100_000, 90.0, 40_000, 60.0, repeats=2)
QUICK = Plan(20_000, (50_000,), 10_000, 30.0, 2_000, 20.0, repeats=1)


@dataclass(frozen=True)
class Measured:
    points: int
    seconds: float
    detail: str = ""
    server_cpu_seconds: float = 0.0
    client_cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.points / self.seconds

    @property
    def server_micros_per_point(self) -> float:
        return self.server_cpu_seconds / max(1, self.points) * 1e6

    @property
    def client_micros_per_point(self) -> float:
        return self.client_cpu_seconds / max(1, self.points) * 1e6


# (target, run, batch points) -> points acknowledged, the client's CPU meanwhile
Streamer = Callable[[str, str, int], tuple[int, streaming.ClientCpu]]


def run(workdir: pathlib.Path, quick: bool) -> list[Row]:
    plan = QUICK if quick else FULL
    steps, columns = streaming.workload(METRICS, plan.steps)
    total = METRICS * plan.steps

    rows_in = streaming.rows_of(steps, columns)

    def columnar(target: str, run_name: str, batch_points: int) -> tuple[int, streaming.ClientCpu]:
        return streaming.stream_measured(target, run_name, steps, columns, batch_points)

    def per_step(target: str, run_name: str, batch_points: int) -> tuple[int, streaming.ClientCpu]:
        return streaming.log_per_step(run_name, rows_in)

    tried_columns = [
        _measure(workdir, f"ingest-{size}", columnar, size)
        for size in plan.batch_points
        for _ in range(plan.repeats)
    ]
    tried_steps = [_measure(workdir, f"ingest-steps-{n}", per_step, 0) for n in range(max(2, plan.repeats))]
    best_columns = max(tried_columns, key=lambda m: m.rate)
    best_steps = max(tried_steps, key=lambda m: m.rate)
    columns_complete = best_columns.points == total
    steps_complete = best_steps.points == total
    lowest_cpu = min([*tried_columns, *tried_steps], key=lambda m: m.server_micros_per_point)
    rows = [
        Row(
            f"ingest exprun columnar, {METRICS} metrics x {plan.steps:,} steps",
            _rate_of(best_columns, total),
            f"≥ {TARGET_COLUMNAR_POINTS_PER_SECOND:,} points/s",
            verdict(columns_complete and best_columns.rate >= TARGET_COLUMNAR_POINTS_PER_SECOND),
            (
                f"client: {streaming.client_name()} on one stream (best of {len(tried_columns)} runs: "
                f"{', '.join(m.detail for m in tried_columns)}); acked points over first log_columns → "
                "last ack; fresh server and data dir each",
                best_columns.detail_cpu,
            ),
        ),
        Row(
            f"ingest exprun per-step log(), {METRICS} metrics x {plan.steps:,} steps",
            _rate_of(best_steps, total),
            f"≥ {TARGET_PER_STEP_POINTS_PER_SECOND:,} points/s",
            verdict(steps_complete and best_steps.rate >= TARGET_PER_STEP_POINTS_PER_SECOND),
            (
                f"client: TimeSeriesWriter.log(dict of {METRICS}, step=) once a step, default batching "
                f"(best of {len(tried_steps)} runs: {', '.join(m.detail for m in tried_steps)}); "
                "acked points over first log → last ack",
                best_steps.detail_cpu,
            ),
        ),
        Row(
            "ingest server CPU per point",
            (
                f"columnar {best_columns.server_micros_per_point:.3f} us, "
                f"per-step {best_steps.server_micros_per_point:.3f} us"
            ),
            f"≤ {TARGET_SERVER_CPU_MICROS_PER_POINT} us",
            verdict(best_columns.server_micros_per_point <= TARGET_SERVER_CPU_MICROS_PER_POINT),
            (
                "server process CPU seconds (user + system, all threads: gRPC, parsing, validation, "
                "SQLite, WAL writes) over acked points, in the best columnar and per-step runs; lowest "
                f"of all runs {lowest_cpu.server_micros_per_point:.3f} us",
            ),
        ),
        _client_cpu_row("log_columns", tried_columns, TARGET_CLIENT_US_PER_POINT_COLUMNS),
        _client_cpu_row("per-step log()", tried_steps, TARGET_CLIENT_US_PER_POINT_PER_STEP),
    ]
    mlflow = _peer(
        "mlflow",
        "mlflow_log_batch.py",
        workdir / "mlflow",
        [
            f"--metrics={METRICS}",
            "--per-call=1000",
            f"--max-points={plan.mlflow_points}",
            f"--max-seconds={plan.mlflow_seconds}",
        ],
        timeout=plan.mlflow_seconds + 300,
    )
    aim = _peer(
        "aim",
        "aim_track.py",
        workdir / "aim",
        [f"--metrics={METRICS}", f"--max-points={plan.aim_points}", f"--max-seconds={plan.aim_seconds}"],
        timeout=plan.aim_seconds + 300,
    )
    bound = _sqlite_alone(workdir / "sqlite-alone", total)
    rows.append(
        Row(
            "ingest SQLite alone, same rows and commits (the disk's bound)",
            rate(bound.rate),
            "-",
            INFO,
            (bound.detail,),
        )
    )
    rows.append(_peer_row("ingest MLflow log_batch (1000 metrics/call)", mlflow))
    rows.append(_peer_row("ingest Aim run.track (1 point/call)", aim))
    rows.append(
        _ratio_row(
            "ingest exprun per-step / MLflow",
            best_steps,
            mlflow,
            f"≥ {TARGET_MLFLOW_RATIO}x",
            TARGET_MLFLOW_RATIO,
        )
    )
    rows.append(_ratio_row("ingest exprun columnar / MLflow", best_columns, mlflow, "-", None))
    rows.append(_ratio_row("ingest exprun columnar / Aim", best_columns, aim, "-", None))
    return rows


@dataclass(frozen=True)
class _Run(Measured):
    detail_cpu: str = ""


def _measure(workdir: pathlib.Path, name: str, streamer: Streamer, batch_points: int) -> _Run:
    """One streamed workload into a fresh server: its rate and the server's CPU per point."""
    with serving.exprun_server(workdir, name) as server:
        assert server.process is not None
        (run_name,) = serving.create_runs(server.target, ["ingest"])
        streaming.connect(server.target)
        window = cpu.CpuWindow({"server": server.process.pid, "client": os.getpid()})
        window.start()
        start = time.perf_counter()
        acked, client = streamer(server.target, run_name, batch_points)
        seconds = time.perf_counter() - start
        usages, machine = window.stop()
    server_cpu = next(u.cores for u in usages if u.label == "server") * seconds
    note = (
        f"{cpu.limit_note(usages, machine)}; {cpu.per_point_note(usages, seconds, max(1, acked))}; "
        f"{client.per_point(max(1, acked))}"
    )
    label = f"{batch_points:,}: " if batch_points else ""
    return _Run(acked, seconds, f"{label}{acked / seconds:,.0f}/s", server_cpu, client.process, note)


def _client_cpu_row(label: str, tried: list[_Run], target: float) -> Row:
    """The lowest client CPU per point of the runs: CPU time barely moves with the machine's load,
    but the least disturbed run is still the fairest figure of the code's own cost."""
    lowest = min(m.client_micros_per_point for m in tried)
    return Row(
        f"ingest client CPU per point, {label}",
        f"{lowest:.3f} us",
        f"≤ {target} us",
        verdict(lowest <= target),
        (
            "client process CPU over acked points; of "
            + ", ".join(f"{m.client_micros_per_point:.3f}" for m in tried)
            + " us",
        ),
    )


def _sqlite_alone(workdir: pathlib.Path, points: int) -> Measured:
    """What the disk allows: the chunk rows of 50,000-point batches of 10 metrics (5,000 points
    each, packed as the store packs them), one durable commit per the most the ingest pipeline
    coalesces into one, into a database set up as the embedded store sets up its own (page size,
    WAL, synchronous=FULL), with no exprun code in between."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "alone.db"
    for leftover in (path, workdir / "alone.db-wal", workdir / "alone.db-shm"):
        leftover.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA page_size={database.PAGE_BYTES}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA wal_autocheckpoint={database.WAL_CHECKPOINT_BYTES // database.PAGE_BYTES}")
        conn.execute(
            "CREATE TABLE chunks (pk INTEGER PRIMARY KEY, series_pk INTEGER, first_step INTEGER,"
            " last_step INTEGER, count INTEGER, steps BLOB, vals BLOB, wall_times BLOB, summary BLOB,"
            " UNIQUE (series_pk, last_step))"
        )
        per_metric = 5_000
        values = np.random.default_rng(7).random(per_metric)
        walls = np.array([time.time_ns() // 1000], dtype=np.int64)
        summary = bytes(72)
        start = time.perf_counter()
        per_commit = max(1, ingest.COALESCE_POINTS // (per_metric * METRICS)) * per_metric * METRICS
        for first in range(0, points, per_commit):
            conn.execute("BEGIN IMMEDIATE")
            for offset, metric in itertools.product(
                range(first, min(points, first + per_commit), per_metric * METRICS), range(METRICS)
            ):
                # As the store packs this workload's chunks: consecutive steps as an empty blob, the
                # one wall time of a log_columns call once.
                blobs = (b"", values.tobytes(), walls.tobytes())
                conn.execute(
                    "INSERT INTO chunks (series_pk, first_step, last_step, count, steps, vals, wall_times,"
                    " summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (metric, offset, offset + per_metric - 1, per_metric, *blobs, summary),
                )
            conn.execute("COMMIT")
        seconds = time.perf_counter() - start
    finally:
        conn.close()
    detail = (
        f"{points:,} points as rows of {per_metric:,}, one commit (fsync) per {per_commit:,}, "
        f"{database.PAGE_BYTES // 1024} KiB pages, WAL, synchronous=FULL, in {seconds:.1f} s: "
        "a server storing the same durable rows on this disk, with no more commits, cannot pass it"
    )
    return Measured(points, seconds, detail)


def _rate_of(measured: Measured, total: int) -> str:
    missing = "" if measured.points == total else f" ({measured.points:,} of {total:,} acked)"
    return rate(measured.rate) + missing


def _peer(name: str, script: str, workdir: pathlib.Path, args: list[str], timeout: float) -> Measured | str:
    """Runs a peer's script in its own venv; its rate, or why there is none."""
    installed = install.ensure(name)
    if isinstance(installed, install.NotInstallable):
        return f"not installable ({installed.requirement}): {installed.error}"
    with subprocess.Popen(
        [str(installed.python), str(PEERS / script), f"--workdir={workdir}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"},
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # SIGTERM, not SIGKILL: the script then stops the peer's own server (its own session,
            # with workers that outlive a killed parent) before it exits.
            process.terminate()
            try:
                process.communicate(timeout=PEER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
            return f"timed out after {timeout:.0f} s"
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return f"failed: {tail}"
    result = json.loads(lines[-1])
    detail = f"{installed.requirement}: the first {result['points']:,} points of the workload"
    if "calls" in result:
        detail += f" ({result['calls']} calls)"
    return Measured(int(result["points"]), float(result["seconds"]), f"{detail} in {result['seconds']:.1f} s")


def _peer_row(label: str, measured: Measured | str) -> Row:
    if isinstance(measured, str):
        return Row(label, measured, "-", NOT_MEASURED)
    return Row(label, rate(measured.rate), "-", INFO, (measured.detail,))


def _ratio_row(label: str, ours: Measured, peer: Measured | str, target: str, minimum: float | None) -> Row:
    if isinstance(peer, str):
        return Row(label, "-", target, NOT_MEASURED)
    ratio = ours.rate / peer.rate
    return Row(label, f"{ratio:,.0f}x", target, INFO if minimum is None else verdict(ratio >= minimum))
