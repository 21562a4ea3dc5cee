"""Fixtures of the vertex store's own tests: a fresh Vertex fake per test and a store on it."""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
from exprun.server.core.model import Experiment, Run
from exprun.server.stores.vertex.config import VertexConfig
from exprun.server.stores.vertex.store import VertexRunStore

from tests.fakes.vertex import VertexFake
from tests.vertex_store.vertex_support import EXPERIMENT, NUMBER, PROJECT, RUN, OpenStore


@pytest.fixture
def fake() -> Iterator[VertexFake]:
    with VertexFake(project_numbers={PROJECT: NUMBER}) as running:
        running.create_tensorboard(PROJECT, "us-central1", "tb1")
        running.create_tensorboard(PROJECT, "us-central1", "tb2")
        yield running


@pytest_asyncio.fixture(loop_scope="function")
async def open_store(fake: VertexFake, tmp_path: pathlib.Path) -> AsyncIterator[OpenStore]:
    """Opens stores on the fake (closed at the end); options override the test defaults."""
    opened: list[VertexRunStore] = []

    async def open_(**options: Any) -> VertexRunStore:
        settings: dict[str, Any] = {
            "api_endpoint": fake.address,
            "plaintext": True,
            "default_tensorboard": "tb1",
            "model_staging_uri": (tmp_path / "staging").as_uri(),
            "retry_deadline_seconds": 20.0,
        }
        settings.update(options)
        store = await VertexRunStore.open(VertexConfig(**settings))
        opened.append(store)
        return store

    yield open_
    for store in opened:
        await store.close()


@pytest_asyncio.fixture(loop_scope="function")
async def store(open_store: OpenStore) -> VertexRunStore:
    return await open_store()


@pytest_asyncio.fixture(loop_scope="function")
async def run(store: VertexRunStore) -> Run:
    await store.create_experiment(Experiment(EXPERIMENT))
    return await store.create_run(Run(RUN))
