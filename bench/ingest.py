"""Streamed ingest into the embedded store, against MLflow's `log_batch` and Aim's `track` on the
same workload (10 metrics x 200,000 steps) in the same run.

exprun streams the whole workload, twice per batch size, each time into a fresh server and data
directory, and the best rate counts: acknowledged points over the time from the first
`log_columns` to the last ack. The peers are far slower, so they are timed on a bounded first
slice of the same workload; their rate is points over that slice's time.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import time
from dataclasses import dataclass

from bench import cpu, serving, streaming
from bench.peers import install
from bench.table import INFO, NOT_MEASURED, Row, rate, verdict

METRICS = 10
TARGET_POINTS_PER_SECOND = 1_000_000
TARGET_MLFLOW_RATIO = 300
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

    @property
    def rate(self) -> float:
        return self.points / self.seconds


def run(workdir: pathlib.Path, quick: bool) -> list[Row]:
    plan = QUICK if quick else FULL
    steps, columns = streaming.workload(METRICS, plan.steps)
    tried: list[tuple[int, Measured, str]] = []
    for batch_points in [size for size in plan.batch_points for _ in range(plan.repeats)]:
        with serving.exprun_server(workdir, f"ingest-{batch_points}") as server:
            assert server.process is not None
            (run_name,) = serving.create_runs(server.target, ["ingest"])
            streaming.connect(server.target)
            window = cpu.CpuWindow({"server": server.process.pid, "client": os.getpid()})
            window.start()
            start = time.perf_counter()
            acked = streaming.stream(server.target, run_name, steps, columns, batch_points)
            seconds = time.perf_counter() - start
            usages, machine = window.stop()
            note = f"{cpu.limit_note(usages, machine)}; {cpu.per_point_note(usages, seconds, acked)}"
            tried.append((batch_points, Measured(acked, seconds), note))
    batch_points, best, cpu_note = max(tried, key=lambda entry: entry[1].rate)
    total = METRICS * plan.steps
    complete = best.points == total
    rows = [
        Row(
            f"ingest exprun, {METRICS} metrics x {plan.steps:,} steps",
            f"{rate(best.rate)}" + ("" if complete else f" ({best.points:,} of {total:,} acked)"),
            f"≥ {TARGET_POINTS_PER_SECOND:,} points/s",
            verdict(complete and best.rate >= TARGET_POINTS_PER_SECOND),
            (
                f"client: {streaming.client_name()} on one stream, batches of {batch_points:,} points "
                f"(best of {len(tried)} runs: {', '.join(f'{b:,}: {m.rate:,.0f}/s' for b, m, _ in tried)}); "
                "acked points over first log_columns → last ack; fresh server and data dir each",
                cpu_note,
            ),
        )
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
    rows.append(_peer_row("ingest MLflow log_batch (1000 metrics/call)", mlflow))
    rows.append(_peer_row("ingest Aim run.track (1 point/call)", aim))
    rows.append(
        _ratio_row("ingest exprun / MLflow", best, mlflow, f"≥ {TARGET_MLFLOW_RATIO}x", TARGET_MLFLOW_RATIO)
    )
    rows.append(_ratio_row("ingest exprun / Aim", best, aim, "-", None))
    return rows


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
