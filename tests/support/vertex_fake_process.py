"""The Vertex fake in a process of its own (`python -m tests.fakes.vertex`), as several exprun
replicas share one Vertex: its own interpreter, so its work does not share the test's GIL."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

START_TIMEOUT_SECONDS = 60.0
_READY = "vertex fake serving on "


class VertexFakeProcess:
    def __init__(self, log_path: pathlib.Path, *args: str) -> None:
        self.log_path = log_path
        self.args = args
        self.address = ""
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        """Starts the fake and returns its address once it serves."""
        root = pathlib.Path(__file__).resolve().parents[2]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.vertex", *self.args],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vertex fake exited: {self.log_path.read_text()[-2000:]}")
            for line in self.log_path.read_text().splitlines():
                if line.startswith(_READY):
                    self.address = line[len(_READY) :].strip()
                    return self.address
            time.sleep(0.05)
        raise RuntimeError(f"vertex fake not serving after {START_TIMEOUT_SECONDS}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
