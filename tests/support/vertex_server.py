"""`exprun serve --store vertex` on a Vertex fake of its own, for tests that run the same requests
against both stores over real gRPC."""

from __future__ import annotations

import contextlib
import pathlib
from collections.abc import Iterator

from tests.fakes.vertex import VertexFake
from tests.support.server_process import ServerProcess

LOCATION = "us-central1"
TENSORBOARD_ID = "tb1"


@contextlib.contextmanager
def vertex_store_server(root: pathlib.Path, *projects: str) -> Iterator[ServerProcess]:
    """A started server; each project gets the TensorBoard `tb1` in us-central1, the default of
    runs whose experiment names none, and a finished pipeline job `job-1` to log."""
    with VertexFake() as fake:
        for project in projects:
            fake.create_tensorboard(project, LOCATION, TENSORBOARD_ID)
            fake.add_pipeline_job(project, LOCATION, "job-1")
        assert fake.address is not None
        process = ServerProcess(
            root / "data",
            root / "server.log",
            *("--store", "vertex", "--vertex-endpoint", fake.address, "--vertex-plaintext"),
            *("--vertex-tensorboard", TENSORBOARD_ID, "--model-staging-uri", str(root / "staging")),
        )
        process.start()
        try:
            yield process
        finally:
            if process.process is not None and process.process.poll() is None:
                process.terminate()
