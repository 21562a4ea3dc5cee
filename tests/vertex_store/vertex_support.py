"""Names and helpers shared by the vertex store's tests.

The project `my-project` has the number 123456789 in the fake, so tests can tell the names
requests carry (project ID) from the names Vertex returns (project number).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from exprun.server.core.names import ExperimentName, LocationName
from exprun.server.stores.vertex.store import VertexRunStore

from tests.fakes.vertex import VertexFake

PROJECT = "my-project"
NUMBER = "123456789"
LOCATION = LocationName(PROJECT, "us-central1")
STORE = f"projects/{NUMBER}/locations/us-central1/metadataStores/default"
TENSORBOARD = f"projects/{PROJECT}/locations/us-central1/tensorboards/tb1"
EXPERIMENT = ExperimentName(PROJECT, "us-central1", "exp-1")
RUN = EXPERIMENT.run("run-1")

# The `open_store` fixture: opens a store on the fake, keyword arguments override VertexConfig's.
OpenStore = Callable[..., Awaitable[VertexRunStore]]


def requests(fake: VertexFake, method: str) -> list[Any]:
    """The requests of one method the fake received, in order."""
    return [c.request for c in fake.calls if c.method == method]
