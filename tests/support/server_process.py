"""A real `exprun serve` process on loopback, as users run it, for tests and benchmarks."""

from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

# A bound, not a measurement: a server starts in about a second, but a loaded 2-core machine
# (several test servers starting at once) has taken over 30 s.
START_TIMEOUT_SECONDS = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerProcess:
    """`python -m exprun.server serve` in a subprocess, on one data directory across restarts.

    `credentials` (grpc.ChannelCredentials) make the readiness wait use TLS, for a server started
    with --tls-cert; `listen_host` binds another address (e.g. 0.0.0.0) while the readiness wait
    and `target` still use loopback."""

    def __init__(
        self,
        data_dir: pathlib.Path,
        log_path: pathlib.Path,
        *extra_args: str,
        credentials: Any = None,
        listen_host: str = "127.0.0.1",
        start_timeout: float = START_TIMEOUT_SECONDS,
    ) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.extra_args = extra_args
        self.credentials = credentials
        self.start_timeout = start_timeout
        self.port = free_port()
        self.listen = f"{listen_host}:{self.port}"
        self.target = f"127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "exprun.server",
                "serve",
                "--listen",
                self.listen,
                "--data-dir",
                str(self.data_dir),
                *self.extra_args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.wait_serving()

    def wait_serving(self) -> None:
        """Polls the readiness entry of the health service; bounded by `start_timeout`."""
        deadline = time.monotonic() + self.start_timeout
        if self.credentials is None:
            channel = grpc.insecure_channel(self.target)
        else:
            channel = grpc.secure_channel(self.target, self.credentials)
        with channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
                try:
                    reply = stub.Check(health_pb2.HealthCheckRequest(service="readiness"), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.RpcError:
                    pass
                time.sleep(0.05)
        raise RuntimeError(f"server not serving after {self.start_timeout}s")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or an OOM kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def restart_after_kill(self) -> None:
        self.kill()
        self.start()
