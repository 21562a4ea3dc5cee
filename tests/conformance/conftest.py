"""The conformance suite's fixtures: every test runs once per store backend.

A backend knows how to open a store on its persistent state (again, for restart tests) and how
to look at model files behind a URI; the tests speak only the `RunStore` port and reach backend
specifics through small fixtures (`reopen`, `read_model_file`, ...), so no test module imports
from here. A new store joins by adding its name to `BACKENDS` and a branch in `backend`.

The vertex store runs against the in-process Vertex fake (`tests/fakes/vertex`), one per session,
reset before each test. Where a backend does something differently for a reason it cannot
change, it says so in `lacks` and the tests of that behaviour (`REQUIRES`) are skipped for it.

The test modules share these names: project `test-project`, location `us-central1`,
experiment `exp-1` with run `run-1` (the `experiment` and `run` fixtures).

Stores are opened with liveness leases of `LEASE_SECONDS` on the `clock` fixture, a clock the
tests move by hand, so lease tests decide "now" and never wait.
"""

from __future__ import annotations

import abc
import pathlib
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any

import pytest
import pytest_asyncio
from exprun.server.core.lease import Leases
from exprun.server.core.model import Experiment, Run
from exprun.server.core.names import ExperimentName, LocationName
from exprun.server.core.store import RunStore
from exprun.server.stores.sqlite import SqliteRunStore

from tests.support.clock import ManualClock

BACKENDS = ["sqlite", "vertex"]

LOCATION = LocationName("test-project", "us-central1")
LEASE_SECONDS = 600.0


# Test -> the capability it checks, for tests of behaviour some backend lacks on purpose.
REQUIRES = {
    "test_executions_list_in_association_order_and_page": "executions_in_association_order",
    "test_tensorboard_assignment_records_the_tb_run_and_its_artifact": "request_form_names_in_artifacts",
    "test_metadata_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not": "exact_json_metadata_limit",
    "test_experiment_deleted_with_its_artifacts_takes_those_its_deleted_runs_left": (
        "artifacts_of_deleted_runs_by_experiment"
    ),
}


def _file_path(uri: str) -> pathlib.Path:
    parsed = urllib.parse.urlparse(uri)
    assert parsed.scheme == "file", uri
    return pathlib.Path(urllib.request.url2pathname(parsed.path))


class Backend(abc.ABC):
    """One store implementation under test, with its persistent state."""

    # capability -> why this backend lacks it
    lacks: Mapping[str, str] = {}

    def __init__(self) -> None:
        self._opened: list[RunStore] = []
        self.leases = Leases()

    async def open(self) -> RunStore:
        """A new store on the same state as the previous ones: a restart."""
        store = await self._open()
        self._opened.append(store)
        return store

    @abc.abstractmethod
    async def _open(self) -> RunStore: ...

    @abc.abstractmethod
    async def replica(self, first: RunStore) -> RunStore:
        """Another replica's store over the same state, open beside `first`; the embedded
        store is one replica by design, so there it is `first` itself."""

    @abc.abstractmethod
    def read_model_file(self, uri: str, path: str) -> bytes | None:
        """The file's bytes under a model URI `commit` returned, None if it is not there."""

    @abc.abstractmethod
    def model_uri_exists(self, uri: str) -> bool: ...

    @abc.abstractmethod
    def pending_upload_count(self) -> int:
        """Uploads begun but neither committed nor aborted, as the backend stages them."""

    async def close_all(self) -> None:
        for store in self._opened:
            await store.close()


class SqliteBackend(Backend):
    def __init__(self, data_dir: pathlib.Path) -> None:
        super().__init__()
        self.data_dir = data_dir

    async def _open(self) -> RunStore:
        return await SqliteRunStore.open(self.data_dir, self.leases)

    async def replica(self, first: RunStore) -> RunStore:
        return first

    def read_model_file(self, uri: str, path: str) -> bytes | None:
        file = _file_path(uri) / path
        return file.read_bytes() if file.is_file() else None

    def model_uri_exists(self, uri: str) -> bool:
        return _file_path(uri).exists()

    def pending_upload_count(self) -> int:
        incoming = self.data_dir / "models" / ".incoming"
        return len(list(incoming.iterdir())) if incoming.is_dir() else 0


# What the vertex store does differently from the embedded store, and why; the tests of these
# behaviours are skipped for it.
VERTEX_LACKS: Mapping[str, str] = {
    "executions_in_association_order": (
        "Vertex lists a context's executions in its own order (creation), not in the order "
        "they were associated with the run"
    ),
    "request_form_names_in_artifacts": (
        "the -tb-run artifact holds the TensorBoard run's name as Vertex returns it (project "
        "number) and the configured endpoint's host, as the SDK writes it"
    ),
    "artifacts_of_deleted_runs_by_experiment": (
        "a deleted run's context is gone, and with it the only way to find the artifacts it "
        "left, so deleting the experiment with its artifacts cannot reach them"
    ),
    "exact_json_metadata_limit": (
        "Vertex measures the 200 KB metadata limit on the serialized Struct, slightly larger "
        "than the JSON the core measures"
    ),
}


class VertexBackend(Backend):
    """The vertex store on the fake; model files staged in a local directory."""

    def __init__(self, fake: Any, staging: pathlib.Path) -> None:
        super().__init__()
        self.fake = fake
        self.staging = staging
        self.lacks = VERTEX_LACKS

    async def _open(self) -> RunStore:
        from exprun.server.stores.vertex.config import VertexConfig
        from exprun.server.stores.vertex.store import VertexRunStore

        return await VertexRunStore.open(
            VertexConfig(
                api_endpoint=self.fake.address,
                plaintext=True,
                default_tensorboard="tb1",
                model_staging_uri=self.staging.as_uri(),
                retry_deadline_seconds=10.0,
            ),
            self.leases,
        )

    async def replica(self, first: RunStore) -> RunStore:
        return await self.open()

    def read_model_file(self, uri: str, path: str) -> bytes | None:
        file = _file_path(uri) / path
        return file.read_bytes() if file.is_file() else None

    def model_uri_exists(self, uri: str) -> bool:
        return _file_path(uri).exists()

    def pending_upload_count(self) -> int:
        incoming = self.staging / ".incoming"
        return len(list(incoming.iterdir())) if incoming.is_dir() else 0


# The pipeline jobs the suite links runs to: Vertex only links jobs that exist.
PIPELINE_JOBS = ("job-1", "job-1-0", "job-1-1", "job-1-2", "p1")


def _add_pipeline_job(fake: Any, job_id: str) -> None:
    """A finished pipeline job with its `system.PipelineRun` context, which the fake holds to
    CreateContext's 4-character minimum: a shorter job ID gets a longer context ID."""
    context_id = job_id if len(job_id) >= 4 else f"pipeline-run-{job_id}"
    fake.add_pipeline_job(LOCATION.project, LOCATION.location, job_id, context_id=context_id)


@pytest.fixture(scope="session")
def vertex_fake() -> Iterator[Any]:
    """One fake for the session (imported only when a vertex test runs); tests reset it."""
    from tests.fakes.vertex import VertexFake

    fake = VertexFake()
    fake.start()
    yield fake
    fake.stop()


@pytest_asyncio.fixture(params=BACKENDS, loop_scope="function")
async def backend(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        chosen: Backend = SqliteBackend(tmp_path / "data" / "nested")
    elif request.param == "vertex":
        fake = request.getfixturevalue("vertex_fake")
        fake.reset()
        for tensorboard in ("tb1", "tb2"):
            fake.create_tensorboard(LOCATION.project, LOCATION.location, tensorboard)
        for job_id in PIPELINE_JOBS:
            _add_pipeline_job(fake, job_id)
        chosen = VertexBackend(fake, tmp_path / "staging")
    else:
        raise AssertionError(f"unknown backend {request.param}")
    chosen.leases = Leases(LEASE_SECONDS, clock=request.getfixturevalue("clock"))
    needed = REQUIRES.get(getattr(request.node, "originalname", request.node.name), "")
    if needed in chosen.lacks:
        pytest.skip(f"{request.param} store: {chosen.lacks[needed]}")
    yield chosen
    await chosen.close_all()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def leases(backend: Backend) -> Leases:
    """The lease terms the stores were opened with."""
    return backend.leases


@pytest_asyncio.fixture(loop_scope="function")
async def store(backend: Backend) -> RunStore:
    return await backend.open()


@pytest_asyncio.fixture(loop_scope="function")
async def replica(backend: Backend, store: RunStore) -> RunStore:
    """A second replica's store over the same state as `store` (itself, for the embedded store)."""
    return await backend.replica(store)


@pytest.fixture
def reopen(backend: Backend) -> Callable[[], Awaitable[RunStore]]:
    """Opens another store on the same state; close the first one before, as a restart does."""
    return backend.open


@pytest.fixture
def read_model_file(backend: Backend) -> Callable[[str, str], bytes | None]:
    return backend.read_model_file


@pytest.fixture
def model_uri_exists(backend: Backend) -> Callable[[str], bool]:
    return backend.model_uri_exists


@pytest.fixture
def pending_upload_count(backend: Backend) -> Callable[[], int]:
    return backend.pending_upload_count


@pytest_asyncio.fixture(loop_scope="function")
async def experiment(store: RunStore) -> Experiment:
    return await store.create_experiment(
        Experiment(ExperimentName(LOCATION.project, LOCATION.location, "exp-1"))
    )


@pytest_asyncio.fixture(loop_scope="function")
async def run(store: RunStore, experiment: Experiment) -> Run:
    return await store.create_run(Run(experiment.name.run("run-1")))
