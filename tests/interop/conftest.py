"""Fixtures of the SDK interop tests: one Vertex fake for the session, an `exprun serve --store vertex`
subprocess talking to it over loopback, the exprun client pointed at that server and the official
SDK pointed at the fake, so both sides read and write the same Vertex resources."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import grpc
import pytest
from exprun.client import _config, init, tracking
from google.cloud.aiplatform_v1 import MetadataServiceClient
from google.cloud.aiplatform_v1.services.metadata_service.transports.grpc import MetadataServiceGrpcTransport

from tests.fakes.vertex import Faults, VertexFake
from tests.fakes.vertex.sdk import sdk_against
from tests.interop.interop_support import LOCATION, NUMBER, PROJECT, TENSORBOARD_ID, unique_experiment
from tests.support.server_process import ServerProcess


@pytest.fixture(scope="session")
def fake() -> Iterator[VertexFake]:
    with VertexFake(project_numbers={PROJECT: NUMBER}) as running:
        running.create_tensorboard(PROJECT, LOCATION, TENSORBOARD_ID)
        yield running


@pytest.fixture(scope="session")
def staging(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The server's --model-staging-uri: uploaded model files land here."""
    return tmp_path_factory.mktemp("model-staging")


@pytest.fixture(scope="session")
def vertex_server(
    fake: VertexFake, staging: pathlib.Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    assert fake.address is not None
    root = tmp_path_factory.mktemp("exprun-vertex-server")
    process = ServerProcess(
        root / "data",
        root / "server.log",
        "--store",
        "vertex",
        "--vertex-endpoint",
        fake.address,
        "--vertex-plaintext",
        "--vertex-tensorboard",
        TENSORBOARD_ID,
        "--model-staging-uri",
        str(staging),
    )
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.terminate()


@pytest.fixture(autouse=True)
def exprun_client(
    vertex_server: ServerProcess, fake: VertexFake, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ServerProcess]:
    """The exprun client pointed at the vertex-backed server, with no settings left from elsewhere;
    faults are off again after every test."""
    for name in ("EXPRUN_TARGET", "EXPRUN_PROJECT", "EXPRUN_LOCATION", "EXPRUN_EXPERIMENT", "EXPRUN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    _config.reset()
    init(target=vertex_server.target, project=PROJECT, location=LOCATION)
    yield vertex_server
    fake.faults = Faults()
    _config.reset()
    tracking.tracker.clear()


@pytest.fixture
def sdk(fake: VertexFake) -> Iterator[VertexFake]:
    """The official SDK (google-cloud-aiplatform) pointed at the same fake, as `interop-project`."""
    assert fake.address is not None
    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        yield fake


@pytest.fixture
def metadata(fake: VertexFake) -> Iterator[MetadataServiceClient]:
    """A raw GAPIC client on the fake, for what no SDK member exposes."""
    assert fake.address is not None
    with grpc.insecure_channel(fake.address) as channel:
        yield MetadataServiceClient(transport=MetadataServiceGrpcTransport(channel=channel))


@pytest.fixture
def experiment_name(request: pytest.FixtureRequest) -> str:
    return unique_experiment(request.node.name)
