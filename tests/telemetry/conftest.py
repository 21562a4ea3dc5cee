"""Fixtures of the telemetry tests: the in-memory OpenTelemetry SDK, cleared per test, and an
in-process server on a temporary embedded store per test."""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator, Iterator

import grpc
import pytest
import pytest_asyncio
from exprun.server import app
from exprun.server.settings import Settings
from exprun.server.stores.sqlite.store import SqliteRunStore
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc

from tests.telemetry.telemetry_support import Otel, Served, install_otel


@pytest.fixture
def otel() -> Iterator[Otel]:
    installed = install_otel()
    installed.exporter.clear()
    yield installed
    installed.exporter.clear()


@pytest_asyncio.fixture(loop_scope="function")
async def served(otel: Otel, tmp_path: pathlib.Path) -> AsyncIterator[Served]:
    settings = Settings(listen="127.0.0.1:0", data_dir=tmp_path / "data")
    store = await SqliteRunStore.open(settings.data_dir)
    running = await app.start(settings, store)
    target = f"127.0.0.1:{running.port}"
    async with grpc.aio.insecure_channel(target) as channel:
        yield Served(running, api_grpc.ExperimentRunServiceStub(channel), channel, target)
    await running.stop(1.0)
