"""Delivery to Vertex AI: the SDK's `log_time_series_metrics` loop against `exprun serve --store vertex`
fed by a `TimeSeriesWriter`, both against the same Vertex fake answering every RPC after 25 ms.

(a) The SDK as a user writes it: `run.log_time_series_metrics({10 metrics})` in a loop, default
    steps. Its first call creates the series and is left out; the rate is over the calls after it.
(b) exprun: the client's `TimeSeriesWriter.log_columns` streams 10 metrics x 20,000 steps to a
    server on the vertex store, which writes them to the fake; the rate is acknowledged points over
    the time from the first `log_columns` to the last ack, and an ack means the points are stored
    in the fake. The run's TensorBoard run is assigned before the clock starts, as the SDK's
    `ExperimentRun.create` does; creating the series is inside the measured time.

The fake runs in a child process of its own and the exprun server in another, so the notes can
say which of client, server and fake used the CPU; the fake counts its calls per method for them.
`python -m bench.vertex_delivery [--quick]` prints the figures alone.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing
import os
import pathlib
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from bench import cpu, serving
from bench.table import INFO, Row, rate, render, verdict
from tests.support.server_process import ServerProcess

LATENCY_SECONDS = 0.025
METRICS = 10
TARGET_RATIO = 1000
# Server CPU per delivered point: decoding the client's stream, ingest, encoding the requests.
TARGET_SERVER_US_PER_POINT = 0.5
PROJECT = serving.PROJECT
LOCATION = serving.LOCATION
TENSORBOARD_ID = "tb1"
WRITE_METHOD = "WriteTensorboardRunData"
# Several runs of one TensorBoard experiment share requests through this one.
EXPERIMENT_WRITE_METHOD = "WriteTensorboardExperimentData"
WRITE_METHODS = (WRITE_METHOD, EXPERIMENT_WRITE_METHOD)
SERVER = "exprun server"
# The vertex store's default `max_inflight_writes`.
INFLIGHT_WRITES = 8


@dataclass(frozen=True)
class Plan:
    sdk_calls: int
    steps: int


FULL = Plan(sdk_calls=100, steps=20_000)
QUICK = Plan(sdk_calls=20, steps=2_000)


@dataclass(frozen=True)
class Measured:
    points: int
    seconds: float
    calls: dict[str, int]  # Vertex RPCs per method while measuring
    usages: tuple[cpu.Usage, ...] = ()
    machine_busy: float = 0.0
    peaks: dict[str, int] = field(default_factory=dict)  # most calls of a method at once

    @property
    def writes_in_flight(self) -> int:
        """The most write requests the fake was handling at once."""
        return max((self.peaks.get(m, 0) for m in WRITE_METHODS), default=0)

    @property
    def rate(self) -> float:
        return self.points / self.seconds

    @property
    def writes(self) -> int:
        return sum(self.calls.get(m, 0) for m in WRITE_METHODS)

    def us_per_point(self, label: str) -> float:
        """CPU microseconds per point of the process `label` over the measured window."""
        cores = next((u.cores for u in self.usages if u.label == label), 0.0)
        return cores * self.seconds / self.points * 1e6


def serve_fake(commands: Connection) -> None:
    """The child process: a Vertex fake with the latency on every method and the TensorBoard, its
    address sent back, then its call counts ("calls") or the most calls at once since the last
    asking ("peaks") on request until told to stop."""
    from tests.fakes.vertex import Faults, VertexFake

    fake = VertexFake(
        project_numbers={PROJECT: "123456789"},
        faults=Faults.uniform(latency=LATENCY_SECONDS),
        max_calls=0,  # the call log would hold every point in memory
    )
    address = fake.start()
    fake.create_tensorboard(PROJECT, LOCATION, TENSORBOARD_ID)
    commands.send(address)
    try:
        while (command := commands.recv()) in ("calls", "peaks"):
            # The latency rule counts every call.
            commands.send(fake.faults.delayed if command == "calls" else fake.peaks())
    finally:
        fake.stop()


class FakeProcess:
    """The Vertex fake in a child process (spawned: no gRPC state crosses a fork)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._commands, child_end = context.Pipe()
        self.process = context.Process(target=serve_fake, args=(child_end,), name="vertex-fake", daemon=True)
        self.process.start()
        if not self._commands.poll(60):
            raise RuntimeError("the Vertex fake did not start within 60 s")
        self.address: str = self._commands.recv()

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def calls(self) -> dict[str, int]:
        self._commands.send("calls")
        found: dict[str, int] = self._commands.recv()
        return found

    def peaks(self) -> dict[str, int]:
        self._commands.send("peaks")
        found: dict[str, int] = self._commands.recv()
        return found

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._commands.send("stop")
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


@contextlib.contextmanager
def counting(fake: FakeProcess) -> Iterator[dict[str, int]]:
    """The fake's calls per method made inside the block."""
    before = fake.calls()
    calls: dict[str, int] = {}
    yield calls
    after = fake.calls()
    calls.update({m: n - before.get(m, 0) for m, n in after.items() if n - before.get(m, 0)})


def sdk_loop(fake: FakeProcess, calls: int) -> Measured:
    """The official SDK's loop, 10 metrics per call and default steps, for `calls` calls."""
    from google.cloud import aiplatform

    from tests.fakes.vertex.sdk import sdk_against

    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        experiment = aiplatform.Experiment.create("sdk-loop")
        experiment.assign_backing_tensorboard(
            f"projects/{PROJECT}/locations/{LOCATION}/tensorboards/{TENSORBOARD_ID}"
        )
        run = aiplatform.ExperimentRun.create("sdk-run", experiment="sdk-loop")
        run.log_time_series_metrics({f"metric-{m}": 0.0 for m in range(METRICS)})  # creates the series
        with counting(fake) as rpcs:
            start = time.perf_counter()
            for call in range(calls):
                run.log_time_series_metrics({f"metric-{m}": call * 0.001 + m for m in range(METRICS)})
            seconds = time.perf_counter() - start
    return Measured(calls * METRICS, seconds, rpcs)


@contextlib.contextmanager
def vertex_server(workdir: pathlib.Path, fake: FakeProcess) -> Iterator[ServerProcess]:
    root = workdir / "vertex-server"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    server = ServerProcess(
        root / "data",
        root / "server.log",
        "--store",
        "vertex",
        "--vertex-endpoint",
        fake.address,
        "--vertex-plaintext",
        "--vertex-tensorboard",
        TENSORBOARD_ID,
        "--log-level",
        "WARNING",
    )
    try:
        server.start()
        yield server
    finally:
        serving.stop(server)


def exprun_stream(workdir: pathlib.Path, fake: FakeProcess, steps: int) -> Measured:
    """10 metrics x `steps` steps through a TimeSeriesWriter into `exprun serve --store vertex`."""
    import numpy as np
    from exprun.client import Experiment, ExperimentRun, TimeSeriesWriter, close_channels, init

    with vertex_server(workdir, fake) as server:
        init(target=server.target, project=PROJECT, location=LOCATION)
        try:
            Experiment.create("exprun-delivery", backing_tensorboard=TENSORBOARD_ID)
            run = ExperimentRun.create("exprun-run", experiment="exprun-delivery")
            run.assign_backing_tensorboard(TENSORBOARD_ID)
            generator = np.random.default_rng(7)
            step_column = np.arange(1, steps + 1, dtype=np.int64)
            columns = {f"metric-{m}": generator.random(steps) for m in range(METRICS)}
            assert server.process is not None
            window = cpu.CpuWindow(
                {SERVER: server.process.pid, "client": os.getpid(), "Vertex fake": fake.pid}
            )
            fake.peaks()  # from here on
            with counting(fake) as rpcs:
                window.start()
                start = time.perf_counter()
                writer = TimeSeriesWriter(run)
                try:
                    writer.log_columns(step_column, columns)
                finally:
                    writer.close(timeout=300)
                seconds = time.perf_counter() - start
                usages, machine = window.stop()
            peaks = fake.peaks()
            stored = run.read_time_series()
            if sum(len(series.steps) for series in stored.values()) != METRICS * steps:
                raise RuntimeError("the fake does not hold every acknowledged point")
            return Measured(writer.points_acked, seconds, rpcs, tuple(usages), machine, peaks)
        finally:
            close_channels()


def latency_floor(calls: dict[str, int]) -> float:
    """Seconds the injected latency alone costs exprun's delivery: the writes in waves of
    INFLIGHT_WRITES, the series creations as one wave (they go out together), every other call
    on its own."""
    writes = sum(calls.get(m, 0) for m in WRITE_METHODS)
    creates = calls.get("CreateTensorboardTimeSeries", 0)
    others = sum(calls.values()) - writes - creates
    rounds = math.ceil(writes / INFLIGHT_WRITES) + (1 if creates else 0) + others
    return rounds * LATENCY_SECONDS


def analysis(sdk: Measured, exprun: Measured) -> tuple[str, ...]:
    writes = exprun.writes
    others = {m: n for m, n in sorted(exprun.calls.items()) if m not in WRITE_METHODS}
    sdk_writes = sdk.calls.get(WRITE_METHOD, 0)
    floor = latency_floor(exprun.calls)
    spent = ", ".join(
        f"{usage.label} {usage.cores * exprun.seconds:.2f} s "
        f"({usage.cores * exprun.seconds / exprun.points * 1e6:.1f} us/point)"
        for usage in exprun.usages
    )
    per_call_ms = sdk.seconds / max(1, sdk_writes) * 1000
    return (
        f"SDK: {sdk_writes} {WRITE_METHOD} for {sdk.points:,} points "
        f"({sdk.points / max(1, sdk_writes):.0f} points per RPC), {per_call_ms:.1f} ms "
        f"per call against {LATENCY_SECONDS * 1000:.0f} ms injected latency: one blocking RPC per call",
        f"exprun: {writes} writes for {exprun.points:,} points "
        f"({exprun.points / max(1, writes):,.0f} points per RPC, at most 5000; at most "
        f"{exprun.writes_in_flight} in flight, {INFLIGHT_WRITES} allowed) in {exprun.seconds:.2f} s; "
        f"other Vertex calls: "
        f"{', '.join(f'{m} {n}' for m, n in others.items()) or 'none'}. The injected latency accounts "
        f"for about {floor:.2f} s of it, the rest is CPU: {spent}",
        cpu.limit_note(list(exprun.usages), exprun.machine_busy),
    )


def run(workdir: pathlib.Path, quick: bool) -> list[Row]:
    plan = QUICK if quick else FULL
    workdir.mkdir(parents=True, exist_ok=True)
    fake = FakeProcess()
    try:
        sdk = sdk_loop(fake, plan.sdk_calls)
        exprun = exprun_stream(workdir, fake, plan.steps)
    finally:
        fake.stop()
    ratio = exprun.rate / sdk.rate
    notes = analysis(sdk, exprun)
    server_us = exprun.us_per_point(SERVER)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return [
        Row(
            f"vertex: SDK log_time_series_metrics loop ({plan.sdk_calls} calls x {METRICS} metrics)",
            rate(sdk.rate),
            "-",
            INFO,
        ),
        Row(
            f"vertex: exprun TimeSeriesWriter ({METRICS} x {plan.steps:,} steps), to last ack",
            rate(exprun.rate),
            "-",
            INFO,
        ),
        Row(
            f"vertex: exprun / SDK, {LATENCY_SECONDS * 1000:.0f} ms per RPC",
            f"{ratio:,.0f}x",
            f">= {TARGET_RATIO}x",
            verdict(ratio >= TARGET_RATIO),
            (*notes, f"load average (1, 5, 15 min) at the end: {load}"),
        ),
        Row(
            "vertex: exprun points per write request",
            f"{exprun.points / max(1, exprun.writes):,.0f}",
            "5,000 (the cap)",
            INFO,
        ),
        Row(
            "vertex: exprun writes in flight at once (most, at the fake)",
            f"{exprun.writes_in_flight}",
            f"{INFLIGHT_WRITES} (--vertex-max-inflight-writes)",
            INFO,
        ),
        Row(
            "vertex: exprun server CPU per point",
            f"{server_us:.2f} us",
            f"<= {TARGET_SERVER_US_PER_POINT} us",
            verdict(server_us <= TARGET_SERVER_US_PER_POINT),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.vertex_delivery", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller workloads: a smoke run")
    args = parser.parse_args()
    workdir = pathlib.Path(__file__).resolve().parent / ".data" / "vertex_delivery"
    started = time.perf_counter()
    try:
        rows = run(workdir, args.quick)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(render(rows))
    print(
        f"\n{'quick' if args.quick else 'full'} run, {time.perf_counter() - started:.0f} s", file=sys.stderr
    )


if __name__ == "__main__":
    main()
