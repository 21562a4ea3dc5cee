"""Fixtures for the API tests: the client pointed at the session's real server, and fresh names.

Every test gets its own experiment, so tests share one server process without seeing each
other's runs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

import pytest
from exprun.client import Experiment, ExperimentRun, _config, init, tracking

from tests.support.server_process import ServerProcess

# The server's project-ID rule is 6-30 characters of [a-z0-9-].
PROJECT = "api-tests"
LOCATION = "us-central1"


@pytest.fixture(autouse=True)
def client(server: ServerProcess, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerProcess]:
    """Each test starts from the same client settings, whatever the previous test or the
    environment set."""
    for name in ("EXPRUN_TARGET", "EXPRUN_PROJECT", "EXPRUN_LOCATION", "EXPRUN_EXPERIMENT", "EXPRUN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    _config.reset()
    init(target=server.target, project=PROJECT, location=LOCATION)
    yield server
    _config.reset()
    tracking.tracker.clear()


@pytest.fixture
def server_target(server: ServerProcess) -> str:
    return server.target


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """Names that say which test made them and never repeat across tests or sessions."""
    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:32].strip("-")

    def make(prefix: str = "e") -> str:
        return f"{prefix}-{slug}-{uuid.uuid4().hex[:8]}"

    return make


@pytest.fixture
def artifact_id() -> str:
    """Artifact and execution IDs are unique per metadata store (project and location), as on Vertex."""
    return f"a-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def experiment(unique_name: Callable[[str], str]) -> Experiment:
    return Experiment.create(unique_name("e"))


@pytest.fixture
def experiment_run(experiment: Experiment) -> ExperimentRun:
    return ExperimentRun.create("run-1", experiment=experiment)
