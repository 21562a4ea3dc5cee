"""Shared fixtures: a real `exprun serve` process on loopback, as users run it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server_process import ServerProcess
from tests.support.vertex_server import vertex_store_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("exprun-server")
    process = ServerProcess(root / "data", root / "server.log")
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.terminate()


@pytest.fixture(scope="session")
def vertex_store_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """`exprun serve --store vertex` on a Vertex fake of its own, for the tests that run the same
    requests against both stores; the projects they use have a TensorBoard `tb1`."""
    projects = ("api-tests", "fuzz-project", "wire-fuzz")
    with vertex_store_server(tmp_path_factory.mktemp("exprun-vertex-server"), *projects) as process:
        yield process
