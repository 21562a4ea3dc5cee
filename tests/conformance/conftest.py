"""The conformance suite's fixtures: every test runs once per store backend.

A backend knows how to open a store on its persistent state (again, for restart tests) and how
to look at model files behind a URI; the tests speak only the `RunStore` port and reach backend
specifics through small fixtures (`reopen`, `read_model_file`, ...), so no test module imports
from here. A new store joins by adding its name to `BACKENDS` and a branch in `backend`.

The test modules share these names: project `test-project`, location `us-central1`,
experiment `exp-1` with run `run-1` (the `experiment` and `run` fixtures).
"""

from __future__ import annotations

import abc
import pathlib
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio
from exprun.server.core.model import Experiment, Run
from exprun.server.core.names import ExperimentName, LocationName
from exprun.server.core.store import RunStore
from exprun.server.stores.sqlite import SqliteRunStore

BACKENDS = ["sqlite"]

LOCATION = LocationName("test-project", "us-central1")


class Backend(abc.ABC):
    """One store implementation under test, with its persistent state."""

    def __init__(self) -> None:
        self._opened: list[RunStore] = []

    async def open(self) -> RunStore:
        """A new store on the same state as the previous ones: a restart."""
        store = await self._open()
        self._opened.append(store)
        return store

    @abc.abstractmethod
    async def _open(self) -> RunStore: ...

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
        return await SqliteRunStore.open(self.data_dir)

    @staticmethod
    def _path(uri: str) -> pathlib.Path:
        parsed = urllib.parse.urlparse(uri)
        assert parsed.scheme == "file", uri
        return pathlib.Path(urllib.request.url2pathname(parsed.path))

    def read_model_file(self, uri: str, path: str) -> bytes | None:
        file = self._path(uri) / path
        return file.read_bytes() if file.is_file() else None

    def model_uri_exists(self, uri: str) -> bool:
        return self._path(uri).exists()

    def pending_upload_count(self) -> int:
        incoming = self.data_dir / "models" / ".incoming"
        return len(list(incoming.iterdir())) if incoming.is_dir() else 0


@pytest_asyncio.fixture(params=BACKENDS, loop_scope="function")
async def backend(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        chosen: Backend = SqliteBackend(tmp_path / "data" / "nested")
    else:
        raise AssertionError(f"unknown backend {request.param}")
    yield chosen
    await chosen.close_all()


@pytest_asyncio.fixture(loop_scope="function")
async def store(backend: Backend) -> RunStore:
    return await backend.open()


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
