"""`TimeSeriesWriter` resumes by itself: a server SIGKILLed mid-stream and restarted on the same
data directory, and connections torn down mid-stream, lose no point and store none twice.

Faults are triggered by the writer's own progress (acknowledged points), never by sleeps, and
every wait is bounded.
"""

from __future__ import annotations

import hashlib
import pathlib
import struct
import time
from array import array
from collections.abc import Callable, Iterator

import pytest
from exprun.client import Experiment, ExperimentRun, TimeSeriesWriter, _config, init

from tests.support.server_process import ServerProcess
from tests.support.tcp_proxy import TcpProxy

METRICS = 10
STEPS = 100_000
ROWS_PER_CALL = 10_000
PROJECT = "writer-robust"


@pytest.fixture
def own_server(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerProcess]:
    for name in ("EXPRUN_TARGET", "EXPRUN_PROJECT", "EXPRUN_LOCATION", "EXPRUN_EXPERIMENT"):
        monkeypatch.delenv(name, raising=False)
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log")
    process.start()
    yield process
    _config.reset()
    if process.process is not None and process.process.poll() is None:
        process.kill()


def value(metric: int, step: int) -> float:
    return metric * 1000.0 + step * 0.001


def columns(start: int, end: int) -> dict[str, array[float]]:
    return {f"m{m}": array("d", [value(m, s) for s in range(start, end)]) for m in range(METRICS)}


def checksum(steps: list[int], values: list[float]) -> str:
    digest = hashlib.sha256()
    digest.update(array("q", steps).tobytes())
    digest.update(struct.pack(f"<{len(values)}d", *values))
    return digest.hexdigest()


def expected_checksum(metric: int) -> str:
    return checksum(list(range(STEPS)), [value(metric, s) for s in range(STEPS)])


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


def acked_at_least(writer: TimeSeriesWriter, points: int) -> Callable[[], bool]:
    return lambda: writer.points_acked >= points


def stream_with_faults(
    run: ExperimentRun, thresholds: list[int], fault: Callable[[], None]
) -> TimeSeriesWriter:
    """Streams 10 metrics x 100,000 steps, columnar; `fault` fires once the writer has each
    threshold of points acknowledged, and must find the stream unfinished. Returns the flushed
    writer."""
    writer = run.time_series_writer(max_batch_points=20_000, reconnect_backoff=(0.02, 0.5))
    for start in range(0, STEPS, ROWS_PER_CALL):
        end = start + ROWS_PER_CALL
        writer.log_columns(array("q", range(start, end)), columns(start, end))
    for threshold in sorted(thresholds):
        wait_until(acked_at_least(writer, threshold), f"{threshold} points acknowledged")
        assert writer.points_acked < METRICS * STEPS, "the fault must hit the stream mid-way"
        fault()
    writer.flush(timeout=60)
    return writer


def assert_stored_exactly_once(run: ExperimentRun, writer: TimeSeriesWriter) -> None:
    assert writer.points_acked == METRICS * STEPS
    stored = run.read_time_series()
    assert sorted(stored) == sorted(f"m{m}" for m in range(METRICS))
    for m in range(METRICS):
        series = stored[f"m{m}"]
        assert len(series.steps) == STEPS
        assert series.steps == list(range(STEPS))
        assert checksum(series.steps, series.values) == expected_checksum(m)
    writer.close(timeout=10)


def new_run(target: str) -> ExperimentRun:
    init(target=target, project=PROJECT, location="us-central1")
    experiment = Experiment.create("robust-writer")
    return ExperimentRun.create("run-1", experiment=experiment)


def test_writer_resumes_after_the_server_is_killed_and_restarted_mid_stream(
    own_server: ServerProcess,
) -> None:
    run = new_run(own_server.target)
    writer = stream_with_faults(run, [300_000], own_server.restart_after_kill)
    assert_stored_exactly_once(run, writer)


def test_writer_resumes_after_connections_are_torn_down_mid_stream(own_server: ServerProcess) -> None:
    with TcpProxy(own_server.target) as proxy:
        run = new_run(proxy.target)
        cuts: list[int] = []

        def cut() -> None:
            # A reconnect may still be on its way when a threshold is reached: cut a live one.
            wait_until(lambda: proxy.live > 0, "a live connection to cut")
            cuts.append(proxy.cut())

        writer = stream_with_faults(run, [150_000, 400_000, 650_000], cut)
        assert len(cuts) == 3
        assert all(cuts)  # each cut tore down a live connection
        assert proxy.connections >= 4  # and the writer reconnected after every one
        assert_stored_exactly_once(run, writer)
