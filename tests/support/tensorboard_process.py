"""`exprun tensorboard` in a subprocess, as a user starts it, for tests and benchmarks."""

from __future__ import annotations

import os
import pathlib
import re
import signal
import subprocess
import sys
import time
import urllib.request

from tests.support.server_process import free_port

START_TIMEOUT_SECONDS = 60.0
# What `exprun tensorboard` prints once TensorBoard serves: "TensorBoard on exprun at T: URL".
_READY = re.compile(r"TensorBoard on exprun at \S+: (?P<page>http://\S+)")


class TensorBoardProcess:
    """`python -m exprun.server tensorboard --target T --port P [extra]`; `page_url` is the URL
    the command printed (the experiment's page), `url` TensorBoard's root."""

    def __init__(self, target: str, log_path: pathlib.Path, *extra_args: str) -> None:
        self.target = target
        self.log_path = log_path
        self.extra_args = extra_args
        self.port = free_port()
        self.url = f"http://localhost:{self.port}/"
        self.page_url = ""
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "exprun.server",
                    "tensorboard",
                    "--target",
                    self.target,
                    "--port",
                    str(self.port),
                    *self.extra_args,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        """Until the command printed its URL and TensorBoard answers; bounded, and fails with the
        log when the process exits first."""
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"exprun tensorboard exited: {self.log_path.read_text()}")
            found = _READY.search(self.log_path.read_text())
            if found:
                self.page_url = found["page"]
                try:
                    with urllib.request.urlopen(self.url, timeout=5):  # the page; data may 404
                        return
                except OSError:
                    pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"exprun tensorboard did not start in time: {self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
