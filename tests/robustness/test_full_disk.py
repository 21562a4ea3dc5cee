"""A real full disk: `exprun serve` on a small tmpfs, filled by a streaming writer.

Clients get RESOURCE_EXHAUSTED `STORAGE_FULL` with a retry delay, readiness goes NOT_SERVING
while liveness stays SERVING, and nothing acknowledged is lost; once the operator frees space
(here: deletes a ballast file) readiness returns and the same writer finishes, every point
stored exactly once. Mounting needs root (CI runs as root); elsewhere the test is skipped and
`test_storage_faults.py` still covers the mapping with SQLite's own page limit.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import threading
import time
from array import array
from collections.abc import Callable, Iterator

import grpc
import pytest
from exprun.client import Experiment, ExperimentRun, ResourceExhausted, _config, init
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from tests.support.server_process import ServerProcess

VOLUME_MIB = 48
BALLAST_MIB = 40  # leaves ~8 MiB for the database, its WAL and the server's temp files
METRICS = 10
STEPS = 60_000  # 600,000 points, 14 MB as stored (24 bytes a point): well over what fits
ROWS_PER_CALL = 5_000
MAX_BUFFERED_POINTS = 200_000
UNARY_POINTS = 5_000  # the most one WriteTimeSeries call takes
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@pytest.fixture
def small_volume(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    volume = tmp_path / "volume"
    volume.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={VOLUME_MIB}m", "tmpfs", str(volume)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        pytest.skip("no mount command here to make a small tmpfs")
    if mounted.returncode != 0:
        pytest.skip(f"mounting a {VOLUME_MIB} MiB tmpfs is not permitted here: {mounted.stderr.strip()}")
    try:
        yield volume
    finally:
        subprocess.run(["umount", "-l", str(volume)], check=False)


@pytest.fixture
def server_on_volume(small_volume: pathlib.Path, tmp_path: pathlib.Path) -> Iterator[ServerProcess]:
    process = ServerProcess(small_volume / "data", tmp_path / "server.log")
    process.start()
    yield process
    _config.reset()
    if process.process is not None and process.process.poll() is None:
        process.kill()


def value(metric: int, step: int) -> float:
    return metric * 1000.0 + step * 0.001


def health_status(target: str, service: str) -> int:
    with grpc.insecure_channel(target) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=5
        )
        status: int = reply.status
        return status


def wait_until(condition: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def status_details(error: grpc.RpcError) -> tuple[error_details_pb2.ErrorInfo, error_details_pb2.RetryInfo]:
    status = rpc_status.from_call(error)
    assert status is not None
    info, retry = error_details_pb2.ErrorInfo(), error_details_pb2.RetryInfo()
    assert any(d.Is(info.DESCRIPTOR) and d.Unpack(info) for d in status.details)
    assert any(d.Is(retry.DESCRIPTOR) and d.Unpack(retry) for d in status.details)
    return info, retry


def room_bytes(volume: pathlib.Path) -> int:
    """The space writes could still take: what the volume has free plus the WAL file, which
    SQLite reuses from its start after a checkpoint."""
    free = os.statvfs(volume)
    wal = volume / "data" / "exprun.db-wal"
    return free.f_bavail * free.f_frsize + (wal.stat().st_size if wal.exists() else 0)


def until_refused(write: Callable[[str], object], prefix: str, room: int) -> tuple[Exception, list[str]]:
    """Calls `write` with a new metric name until it raises; returns the error and the metrics
    written before it. On a full disk a small write may still fit in the reused WAL, so the test
    writes until the room is taken; more writes than the room holds would mean nothing refuses."""
    taken: list[str] = []
    for attempt in range(room // (UNARY_POINTS * 16) + 10):  # a point takes at least 16 bytes
        metric = f"{prefix}-{attempt}"
        try:
            write(metric)
        except Exception as error:
            return error, taken
        taken.append(metric)
    raise AssertionError(f"{len(taken)} writes of {UNARY_POINTS} points all fit in {room} bytes of room")


def stored_points(run: ExperimentRun) -> int:
    return sum(len(series.steps) for series in run.read_time_series().values())


def test_full_disk_refuses_writes_retryably_and_the_writer_finishes_once_space_is_freed(
    server_on_volume: ServerProcess, small_volume: pathlib.Path
) -> None:
    target = server_on_volume.target
    ballast = small_volume / "ballast"
    ballast.write_bytes(bytes(BALLAST_MIB * 1024 * 1024))
    init(target=target, project="full-disk", location="us-central1")
    run = ExperimentRun.create("run-1", experiment=Experiment.create("full-disk"))
    writer = run.time_series_writer(
        max_batch_points=20_000, max_buffered_points=MAX_BUFFERED_POINTS, reconnect_backoff=(0.02, 0.5)
    )
    produced = threading.Event()
    produce_errors: list[BaseException] = []

    def produce() -> None:  # blocks in log_columns while the disk is full, as a training loop would
        try:
            for start in range(0, STEPS, ROWS_PER_CALL):
                end = start + ROWS_PER_CALL
                columns = {
                    f"m{m}": array("d", (value(m, s) for s in range(start, end))) for m in range(METRICS)
                }
                writer.log_columns(array("q", range(start, end)), columns)
        except BaseException as error:
            produce_errors.append(error)
        finally:
            produced.set()

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()

    wait_until(lambda: health_status(target, "readiness") == NOT_SERVING, "readiness NOT_SERVING", 120)
    assert not produced.is_set(), "the disk must fill before the writer has logged everything"
    assert health_status(target, "exprun.v1.ExperimentRunService") == NOT_SERVING
    assert health_status(target, "") == SERVING  # liveness: restarting would not free space

    # A unary write that does not fit is refused retryably, with the reason and a retry delay in
    # the status; one that fits is stored.
    with grpc.insecure_channel(target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)

        def write_raw(metric: str) -> None:
            series = pb.TimeSeries(metric=metric, steps=range(UNARY_POINTS), values=[0.5] * UNARY_POINTS)
            batch = pb.TimeSeriesBatch(series=[series])
            stub.WriteTimeSeries(api.WriteTimeSeriesRequest(run=run.exprun_name, batch=batch), timeout=30)

        refused, taken = until_refused(write_raw, "raw", room_bytes(small_volume))
    assert isinstance(refused, grpc.RpcError)
    assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    info, retry = status_details(refused)
    assert info.reason == "STORAGE_FULL"
    assert retry.retry_delay.ToNanoseconds() > 0
    # The Python client's unary calls raise it typed.
    typed, taken_typed = until_refused(
        lambda metric: run.log_time_series({metric: [0.25] * UNARY_POINTS}), "typed", room_bytes(small_volume)
    )
    assert isinstance(typed, ResourceExhausted)
    assert typed.reason == "STORAGE_FULL"
    assert typed.retry_delay is not None
    assert typed.retry_delay > 0
    taken += taken_typed

    # The writer neither gave up nor grew: it holds at most its budget and keeps retrying.
    acked = writer.points_acked
    assert writer.points_pending <= MAX_BUFFERED_POINTS
    assert stored_points(run) >= acked  # reads still work, and what was acknowledged is there

    ballast.unlink()  # the operator frees space
    wait_until(lambda: health_status(target, "readiness") == SERVING, "readiness SERVING again", 60)
    assert produced.wait(120)
    assert not produce_errors
    writer.close(timeout=120)
    assert writer.points_acked == METRICS * STEPS

    stored = run.read_time_series()
    assert sorted(stored) == sorted([f"m{m}" for m in range(METRICS)] + taken)  # refused writes left nothing
    for m in range(METRICS):
        assert stored[f"m{m}"].steps == list(range(STEPS))
        assert stored[f"m{m}"].values == [value(m, s) for s in range(STEPS)]
    for metric in taken:
        assert stored[metric].steps == list(range(UNARY_POINTS))
