"""The embedded path never loads the Vertex client library: it costs seconds of start-up."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
import {modules}
loaded = sorted(m for m in sys.modules if m.startswith(("google.cloud.aiplatform", "google.cloud.storage")))
print(loaded)
"""


@pytest.mark.parametrize(
    "modules",
    [
        "exprun.server.stores.sqlite",
        "exprun.server.core.service, exprun.server.core.timeseries, exprun.server.core.uploads",
        "exprun.server.app, exprun.server.settings",
        "exprun.server.stores.vertex.config",
    ],
)
def test_importing_the_embedded_path_loads_no_vertex_library(modules: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(modules=modules)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_vertex_store_loads_the_v1_clients_but_not_storage() -> None:
    """Cloud Storage is imported only when a gs:// staging URI is first used."""
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(modules="exprun.server.stores.vertex.store")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "google.cloud.aiplatform_v1" in result.stdout
    assert "google.cloud.storage" not in result.stdout
