"""exprun as a fleet: three `exprun serve --store vertex` replicas over one Vertex (the fake, in
its own process) behind a load-balancing TCP proxy that cuts connections at random; one replica
is SIGKILLed mid-way and restarted.

16 `TimeSeriesWriter`s stream 200,000 points each into four shared runs while every producer
also logs params and metrics with keys of its own, through whichever replica its connection
lands on; two more runs are kept alive by unary writes alone. What must hold:

* every acknowledged point is stored exactly once (read back and compared);
* no merge is lost (every producer's keys are there);
* no live run is FAILED, although each replica sweeps with a 4 s liveness timeout;
* runs that heartbeat once through the replica that is then killed, and fall silent, are
  FAILED by the survivors, found through the store.

Faults are triggered by the writers' progress (acknowledged points), never by sleeps, and every
wait is on a condition with a generous deadline. The soak figures are printed (shown without -s).
"""

from __future__ import annotations

import functools
import os
import pathlib
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import grpc
import pytest
from exprun.client import Experiment, ExperimentRun, TimeSeriesWriter, _config, init
from exprun.client.errors import Unavailable
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb

from tests.support.server_process import ServerProcess
from tests.support.tcp_proxy import TcpProxy
from tests.support.vertex_fake_process import VertexFakeProcess

PROJECT = "fleet-project"
NUMBER = "424242"
LOCATION = "us-central1"
TENSORBOARD = "tb1"
LIVENESS_TIMEOUT = 4.0
REPLICAS = 3
WRITERS = 16
SHARED_RUNS = 4  # WRITERS / SHARED_RUNS writers per run
METRICS = 4
# METRICS * STEPS points per writer. CI streams 50,000 (800,000 in all, about a minute on two
# busy cores); EXPRUN_FLEET_STEPS=50000 runs the full 200,000 per writer (3.2 M points).
STEPS = int(os.environ.get("EXPRUN_FLEET_STEPS", "12500"))
CHUNK_STEPS = STEPS // 10  # one params and one metrics merge per chunk
CUTS = 30
KILL_AT = 0.4  # of all points acknowledged
UNARY_RUNS = 2
SILENT_RUNS = 3
# Bounds on waits, never assertions on speed. Three servers and the fake start at once on
# busy cores, hence the long start bound.
WAIT_SECONDS = 300.0
START_TIMEOUT_SECONDS = 120.0

T = TypeVar("T")


@dataclass
class Figures:
    points: int = 0
    acked: int = 0
    merges: int = 0
    cuts: int = 0
    connections: int = 0
    refused: int = 0
    kills: int = 0
    wrongly_failed: int = 0
    silent_failed: int = 0
    silent_fail_seconds: float = 0.0  # from the kill (right after their one heartbeat) to all FAILED
    writer_seconds: float = 0.0
    wall_seconds: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=dict)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (Linux)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def retried(call: Callable[[], T]) -> T:
    """A unary call whose connection may be cut under it; merges are idempotent, so retry."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return call()
        except Unavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def value(writer: int, metric: int, step: int) -> float:
    return writer * 1e7 + metric * 1e6 + step * 0.5


@pytest.fixture
def fleet(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[VertexFakeProcess, list[ServerProcess]]]:
    for name in ("EXPRUN_TARGET", "EXPRUN_PROJECT", "EXPRUN_LOCATION", "EXPRUN_EXPERIMENT", "EXPRUN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    fake = VertexFakeProcess(
        tmp_path / "fake.log",
        "--project",
        f"{PROJECT}={NUMBER}",
        "--tensorboard",
        f"{PROJECT}/{LOCATION}/{TENSORBOARD}",
    )
    address = fake.start()
    replicas = [
        ServerProcess(
            tmp_path / f"replica-{i}",
            tmp_path / f"replica-{i}.log",
            "--store",
            "vertex",
            "--vertex-endpoint",
            address,
            "--vertex-plaintext",
            "--vertex-tensorboard",
            TENSORBOARD,
            "--run-liveness-timeout",
            str(LIVENESS_TIMEOUT),
            start_timeout=START_TIMEOUT_SECONDS,
        )
        for i in range(REPLICAS)
    ]
    try:
        starting = [threading.Thread(target=replica.start, daemon=True) for replica in replicas]
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join()
        for replica in replicas:  # raises what a start that failed left in its log
            replica.wait_serving()
        yield fake, replicas
    finally:
        _config.reset()
        _config.close_channels()
        for replica in replicas:
            if replica.process is not None and replica.process.poll() is None:
                replica.kill()
        fake.stop()


class Producer:
    """One writer and its merges, on a channel of its own (its own proxy port)."""

    def __init__(self, index: int, run_name: str, target: str) -> None:
        self.index = index
        init(target=target, project=PROJECT, location=LOCATION)
        self.run = ExperimentRun(run_name)
        self.writer = TimeSeriesWriter(
            self.run, writer_id=f"writer-{index}", max_batch_points=20_000, reconnect_backoff=(0.02, 0.5)
        )
        self.params: dict[str, int] = {}
        self.metrics: dict[str, float] = {}
        self.flushed = threading.Event()
        self.error: BaseException | None = None

    def produce(self, stop: threading.Event) -> None:
        try:
            for chunk, start in enumerate(range(0, STEPS, CHUNK_STEPS)):
                steps = array("q", range(start, start + CHUNK_STEPS))
                columns = {
                    f"w{self.index:02d}-m{m}": array("d", [value(self.index, m, s) for s in steps])
                    for m in range(METRICS)
                }
                self.writer.log_columns(steps, columns)
                key = f"w{self.index:02d}-k{chunk}"
                retried(functools.partial(self.run.log_params, {key: chunk}))
                retried(functools.partial(self.run.log_metrics, {key: chunk + 0.5}))
                self.params[key] = chunk
                self.metrics[key] = chunk + 0.5
            self.writer.flush(timeout=WAIT_SECONDS)
            self.flushed.set()
            # Still producing until the run is checked: unary writes alone keep it alive now.
            tick = 0
            while not stop.wait(0.2):
                tick += 1
                alive = {f"w{self.index:02d}-alive": float(tick)}
                retried(functools.partial(self.run.log_metrics, alive))
        except BaseException as error:
            self.error = error
            self.flushed.set()


def unary_producer(run: ExperimentRun, stop: threading.Event, errors: list[BaseException]) -> None:
    tick = 0
    try:
        while not stop.wait(0.2):
            tick += 1
            retried(functools.partial(run.log_metrics, {"tick": float(tick)}))
    except BaseException as error:
        errors.append(error)


def state_of(stub: api_grpc.ExperimentRunServiceStub, run: str) -> int:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            reply: pb.Run = stub.GetRun(api.GetRunRequest(name=run), timeout=30)
            return reply.state
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def test_a_fleet_of_replicas_loses_nothing_and_fails_only_silent_runs(
    fleet: tuple[VertexFakeProcess, list[ServerProcess]], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, replicas = fleet
    started, cpu_started = time.monotonic(), time.process_time()
    figures = Figures(points=WRITERS * METRICS * STEPS)
    proxy = TcpProxy([r.target for r in replicas], listeners=WRITERS + 2, seed=7)
    control = proxy.targets[-1]
    init(target=control, project=PROJECT, location=LOCATION)
    experiment = Experiment.create("fleet")
    shared = [ExperimentRun.create(f"shared-{r}", experiment=experiment) for r in range(SHARED_RUNS)]
    unary = [ExperimentRun.create(f"unary-{r}", experiment=experiment) for r in range(UNARY_RUNS)]
    silent = [ExperimentRun.create(f"silent-{r}", experiment=experiment) for r in range(SILENT_RUNS)]
    control_stub = api_grpc.ExperimentRunServiceStub(grpc.insecure_channel(control))
    for run in unary:  # opted in once, then only unary writes
        control_stub.Heartbeat(api.HeartbeatRequest(run=run.exprun_name))

    producers = [Producer(i, shared[i % SHARED_RUNS].exprun_name, proxy.targets[i]) for i in range(WRITERS)]
    stop = threading.Event()
    unary_errors: list[BaseException] = []
    threads = [threading.Thread(target=p.produce, args=(stop,), daemon=True) for p in producers]
    threads += [
        threading.Thread(target=unary_producer, args=(run, stop, unary_errors), daemon=True) for run in unary
    ]
    cpu_before_kill: dict[str, float] = {}
    writing_started = time.monotonic()
    for thread in threads:
        thread.start()

    def acked() -> int:
        return sum(p.writer.points_acked for p in producers)

    def all_flushed() -> bool:
        return all(p.flushed.is_set() for p in producers)

    def reached(points: float) -> bool:
        return acked() >= points or all_flushed()

    # Chaos, paced by progress: a random connection cut at each of CUTS thresholds, and the
    # SIGKILL of replica 0 at KILL_AT, right after the silent runs heartbeat through it alone.
    # The survivors must fail those runs, found through Vertex; replica 0 stays down until
    # they have, then restarts, while the cuts go on.
    def kill_and_restart() -> None:
        doomed = api_grpc.ExperimentRunServiceStub(grpc.insecure_channel(replicas[0].target))
        for run in silent:
            doomed.Heartbeat(api.HeartbeatRequest(run=run.exprun_name))
        assert replicas[0].process is not None
        cpu_before_kill["replica-0 (killed)"] = cpu_seconds(replicas[0].process.pid)
        replicas[0].kill()
        killed_at = time.monotonic()
        figures.kills += 1
        wait_until(
            lambda: all(state_of(control_stub, r.exprun_name) == pb.RUN_STATE_FAILED for r in silent),
            "the silent runs to be failed",
        )
        figures.silent_fail_seconds = time.monotonic() - killed_at
        replicas[0].start()

    thresholds = [figures.points * (0.05 + 0.85 * k / CUTS) for k in range(CUTS)]
    restarter: threading.Thread | None = None
    for threshold in thresholds:
        wait_until(functools.partial(reached, threshold), f"{threshold:.0f} points acknowledged")
        if all_flushed():
            break
        if restarter is None and threshold >= KILL_AT * figures.points:
            restarter = threading.Thread(target=kill_and_restart, daemon=True)
            restarter.start()
        elif proxy.cut_one():
            figures.cuts += 1
    assert restarter is not None, "the writers finished before the kill point"
    restarter.join(timeout=WAIT_SECONDS)
    assert not restarter.is_alive()
    wait_until(all_flushed, "every writer to flush")
    figures.writer_seconds = time.monotonic() - writing_started
    for producer in producers:
        assert producer.error is None, f"writer {producer.index}: {producer.error!r}"

    # Every run with a live producer is RUNNING: none was failed while it wrote.
    live = [r.exprun_name for r in shared + unary]
    states = {run: state_of(control_stub, run) for run in live}
    figures.wrongly_failed = sum(state != pb.RUN_STATE_RUNNING for state in states.values())
    figures.silent_failed = sum(state_of(control_stub, r.exprun_name) == pb.RUN_STATE_FAILED for r in silent)

    # Every acknowledged point stored exactly once, every merge kept.
    figures.acked = acked()
    figures.connections, figures.refused = proxy.connections, proxy.refused
    for r, run in enumerate(shared):
        stored = retried(run.read_time_series)
        mine = [p for p in producers if p.index % SHARED_RUNS == r]
        assert sorted(stored) == sorted(f"w{p.index:02d}-m{m}" for p in mine for m in range(METRICS))
        for p in mine:
            for m in range(METRICS):
                series = stored[f"w{p.index:02d}-m{m}"]
                assert series.steps == list(range(STEPS)), f"writer {p.index} metric {m}"
                assert series.values == [value(p.index, m, s) for s in range(STEPS)]
        params, metrics = retried(run.get_params), retried(run.get_metrics)
        for p in mine:
            assert {k: params.get(k) for k in p.params} == p.params, f"writer {p.index} lost params"
            assert {k: metrics.get(k) for k in p.metrics} == p.metrics, f"writer {p.index} lost metrics"
            figures.merges += len(p.params) + len(p.metrics)

    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    for producer in producers:
        producer.writer.close(timeout=30)
    assert not unary_errors
    for run in shared + unary:
        retried(run.end_run)
    figures.cpu_seconds = {
        **cpu_before_kill,
        **{
            f"replica-{i}": cpu_seconds(r.process.pid)
            for i, r in enumerate(replicas)
            if r.process is not None and r.process.poll() is None
        },
        "vertex fake": cpu_seconds(fake.process.pid) if fake.process is not None else 0.0,
        "test (clients, proxy)": round(time.process_time() - cpu_started, 2),
    }
    proxy.close()
    figures.wall_seconds = time.monotonic() - started
    with capsys.disabled():
        print(f"\nfleet soak: {figures}")

    assert figures.acked == figures.points
    assert figures.wrongly_failed == 0, states
    assert figures.silent_failed == SILENT_RUNS
    assert figures.kills == 1
    assert figures.cuts >= CUTS // 2  # most thresholds came before the writers were done
    assert figures.silent_fail_seconds > 0
