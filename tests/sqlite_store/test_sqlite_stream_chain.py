"""A stream's batch that fails keeps the stream's later batches out of the store.

A stream submits batches as it reads them, so batch 2 can wait in the ingest queue while batch
1's store call fails (a full disk). If the disk is freed before batch 2's call, storing batch 2
would move the writer's committed sequence to 2: the client, resuming from it, would never
resend batch 1, and its points would be lost though acknowledged. The store here is the real
SQLite store; only its first call is held and then refused, as a full disk refuses it.
"""

from __future__ import annotations

import asyncio
import pathlib
from collections.abc import AsyncIterator, Sequence

import pytest
import pytest_asyncio
from exprun.server.core.errors import ExprunError, Unavailable
from exprun.server.core.ingest import Chain, Ingest
from exprun.server.core.model import (
    Experiment,
    Run,
    Series,
    SeriesQuery,
    TimeSeriesWrite,
    WriteResult,
    WriterPosition,
)
from exprun.server.core.names import ExperimentName, RunName
from exprun.server.core.store_health import storage_full
from exprun.server.stores.sqlite.store import SqliteRunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")

EXPERIMENT = ExperimentName("test-project", "us-central1", "exp-1")


class FullOnceStore(SqliteRunStore):
    """Its first batch call waits for `release`, then fails as on a full disk; later calls
    write as the store does (the space was freed)."""

    release: asyncio.Event
    called: asyncio.Event
    calls = 0

    async def write_time_series_batch(
        self, writes: Sequence[TimeSeriesWrite]
    ) -> list[WriteResult | ExprunError]:
        self.calls += 1
        self.called.set()
        if self.calls == 1:
            await self.release.wait()
            raise storage_full("no space left on device")
        return await super().write_time_series_batch(writes)


@pytest_asyncio.fixture
async def store(tmp_path: pathlib.Path) -> AsyncIterator[FullOnceStore]:
    opened = await FullOnceStore.open(tmp_path / "data")
    opened.release, opened.called = asyncio.Event(), asyncio.Event()
    await opened.create_experiment(Experiment(name=EXPERIMENT))
    await opened.create_run(Run(name=EXPERIMENT.run("run-1")))
    yield opened
    await opened.close()


def batch(run: RunName, writer: str, sequence: int) -> TimeSeriesWrite:
    steps = [sequence * 10 + i for i in range(10)]
    return TimeSeriesWrite(
        run, [Series("loss", steps, [0.5] * 10, [1] * 10)], WriterPosition(writer, sequence)
    )


async def stored_steps(store: SqliteRunStore, run: RunName) -> list[int]:
    return [
        int(step)
        for chunk in [c async for c in store.read_time_series(run, SeriesQuery())]
        for step in chunk.steps or []
    ]


async def test_a_failed_batch_keeps_its_streams_later_batches_out_and_others_in(store: FullOnceStore) -> None:
    run = EXPERIMENT.run("run-1")
    ingest = Ingest(store)
    ingest.start()
    try:
        stream, other = Chain(), Chain()
        first = await ingest.submit(batch(run, "w", 1), chain=stream)
        await store.called.wait()  # batch 1's call is out, and held
        second = await ingest.submit(batch(run, "w", 2), chain=stream)
        elsewhere = await ingest.submit(batch(run, "v", 1), chain=other)
        store.release.set()
        with pytest.raises(ExprunError) as refused:
            await first
        assert refused.value.reason == "STORAGE_FULL"
        with pytest.raises(Unavailable) as held_back:
            await second
        assert held_back.value.reason == "EARLIER_WRITE_FAILED"
        assert (await elsewhere).committed_sequence == 1
        # Nothing of the stream is stored, so the client resumes from sequence 1 and loses nothing.
        assert await store.committed_sequence(run, "w") == 0
        assert await stored_steps(store, run) == list(range(10, 20))  # writer v's batch alone
        # The client's next stream resends both batches, and both are stored.
        resumed = Chain()
        again = [await ingest.submit(batch(run, "w", s), chain=resumed) for s in (1, 2)]
        assert [(await f).committed_sequence for f in again] == [1, 2]
        assert await store.committed_sequence(run, "w") == 2
    finally:
        await ingest.stop()
