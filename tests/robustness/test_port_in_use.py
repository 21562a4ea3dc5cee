"""A second `exprun serve` on a port another process listens on is refused at start, naming the
address. grpc's default (SO_REUSEPORT) would let it bind too and take half of the connections,
each server answering from its own data."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from tests.support.server_process import ServerProcess, free_port


def serve_once(tmp_path: pathlib.Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exprun.server", "serve", "--data-dir", str(tmp_path / "second"), *flags],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_second_server_on_a_port_in_use_is_refused(tmp_path: pathlib.Path) -> None:
    first = ServerProcess(tmp_path / "first", tmp_path / "first.log")
    first.start()
    try:
        for flags in (
            ("--listen", first.listen),
            ("--listen", f"127.0.0.1:{free_port()}", "--health-listen", first.listen),
        ):
            second = serve_once(tmp_path, *flags)
            assert second.returncode == 1
            assert f"cannot listen on {first.listen}" in second.stderr
            assert "Traceback" not in second.stderr
        assert first.process is not None
        assert first.process.poll() is None  # the holder is untouched
    finally:
        first.terminate()
