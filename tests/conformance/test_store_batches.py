"""Coalesced writes: many batches in one store call, each with its own outcome."""

from __future__ import annotations

import pytest
from exprun.server.core.errors import NotFound
from exprun.server.core.model import (
    Experiment,
    Run,
    Series,
    SeriesQuery,
    TimeSeriesWrite,
    WriteResult,
    WriterPosition,
)
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")


def write(run: Run, sequence: int, steps: list[int], writer: str = "w") -> TimeSeriesWrite:
    series = [Series("loss", steps, [s / 2 for s in steps], steps)]
    return TimeSeriesWrite(run.name, series, WriterPosition(writer, sequence))


async def stored(store: RunStore, run: Run) -> dict[int, float]:
    found: dict[int, float] = {}
    async for chunk in store.read_time_series(run.name, SeriesQuery()):
        found.update(zip(chunk.steps or [], chunk.values, strict=True))
    return found


async def test_batches_of_several_runs_and_writers_commit_together(
    store: RunStore, experiment: Experiment, run: Run
) -> None:
    other = await store.create_run(Run(experiment.name.run("run-2")))
    results = await store.write_time_series_batch(
        [write(run, 1, [1, 2]), write(other, 1, [1]), write(run, 2, [3]), write(run, 1, [9], writer="v")]
    )
    assert results == [
        WriteResult(1, 2),
        WriteResult(1, 1),
        WriteResult(2, 1),
        WriteResult(1, 1),
    ]
    assert await stored(store, run) == {1: 0.5, 2: 1.0, 3: 1.5, 9: 4.5}
    assert await store.committed_sequence(run.name, "w") == 2


async def test_a_resent_batch_inside_a_coalesced_call_is_skipped(store: RunStore, run: Run) -> None:
    results = await store.write_time_series_batch([write(run, 2, [1]), write(run, 1, [5])])
    assert results == [WriteResult(2, 1), WriteResult(2, 0)]
    assert await stored(store, run) == {1: 0.5}


async def test_a_batch_for_a_missing_run_fails_alone(
    store: RunStore, experiment: Experiment, run: Run
) -> None:
    missing = Run(experiment.name.run("gone"))
    results = await store.write_time_series_batch(
        [write(run, 1, [1]), write(missing, 1, [1]), write(run, 2, [2])]
    )
    assert results[0] == WriteResult(1, 1)
    assert isinstance(results[1], NotFound)
    assert results[2] == WriteResult(2, 1)
    assert await stored(store, run) == {1: 0.5, 2: 1.0}
