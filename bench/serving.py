"""An `exprun serve` subprocess on loopback with a fresh data directory, and the runs to write to."""

from __future__ import annotations

import contextlib
import pathlib
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import grpc
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc

from tests.support.server_process import ServerProcess

PROJECT = "bench-project"
LOCATION = "us-central1"
EXPERIMENT = "bench"
PARENT = f"projects/{PROJECT}/locations/{LOCATION}"
RPC_TIMEOUT_SECONDS = 30.0
# Reads of a million points arrive in messages of ~1.5 MB; leave room above gRPC's 4 MB default.
CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]


@contextlib.contextmanager
def exprun_server(workdir: pathlib.Path, name: str, *extra_args: str) -> Iterator[ServerProcess]:
    """A serving server on a new data directory under `workdir`, stopped and deleted afterwards;
    `extra_args` are more `exprun serve` flags."""
    root = workdir / name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    server = ServerProcess(root / "data", root / "server.log", *extra_args)
    try:
        server.start()
        yield server
    finally:
        stop(server)
        shutil.rmtree(root / "data", ignore_errors=True)


def stop(server: ServerProcess) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    try:
        server.terminate()
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def stub(channel: grpc.Channel) -> Any:
    return api_grpc.ExperimentRunServiceStub(channel)


def create_runs(target: str, run_ids: list[str]) -> list[str]:
    """Creates the benchmark experiment (once) and the runs; returns the runs' names."""
    with grpc.insecure_channel(target) as channel:
        service = stub(channel)
        with contextlib.suppress(grpc.RpcError):
            service.CreateExperiment(
                api.CreateExperimentRequest(parent=PARENT, experiment_id=EXPERIMENT),
                timeout=RPC_TIMEOUT_SECONDS,
            )
        return [
            service.CreateRun(
                api.CreateRunRequest(parent=f"{PARENT}/experiments/{EXPERIMENT}", run_id=run_id),
                timeout=RPC_TIMEOUT_SECONDS,
            ).name
            for run_id in run_ids
        ]


def reset_peak_rss(pid: int) -> bool:
    """Restarts the process's VmHWM from its current RSS; False where the kernel refuses."""
    try:
        pathlib.Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) in MB."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")
