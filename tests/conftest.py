"""Shared fixtures: a real `exprun serve` process on loopback, as users run it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server_process import ServerProcess


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("exprun-server")
    process = ServerProcess(root / "data", root / "server.log")
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.terminate()
