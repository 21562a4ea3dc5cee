"""The embedded store is one replica: a second `exprun serve` on a data directory in use is
refused at start with a message naming the directory, and a killed holder frees it."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from tests.support.server_process import ServerProcess, free_port


def serve_once(data_dir: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "exprun.server",
            "serve",
            "--listen",
            f"127.0.0.1:{free_port()}",
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_second_server_on_a_data_directory_in_use_is_refused(tmp_path: pathlib.Path) -> None:
    data_dir = tmp_path / "data"
    first = ServerProcess(data_dir, tmp_path / "first.log")
    first.start()
    try:
        second = serve_once(data_dir)
        assert second.returncode != 0
        assert str(data_dir.resolve()) in second.stderr
        assert "in use by another exprun process" in second.stderr
        assert "Traceback" not in second.stderr
        assert first.process is not None
        assert first.process.poll() is None  # the holder is untouched
    finally:
        first.kill()
    # SIGKILL ran no cleanup, yet the kernel dropped the lock with the process.
    third = ServerProcess(data_dir, tmp_path / "third.log")
    third.start()
    third.terminate()
