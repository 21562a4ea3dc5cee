"""Writer checkpoints: a batch's sequence commits with its points, exactly once."""

from __future__ import annotations

import pytest
from exprun.server.core.errors import NotFound
from exprun.server.core.model import Experiment, Run, Series, SeriesQuery, WriteResult, WriterPosition
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")


def batch(step: int, value: float) -> list[Series]:
    return [Series("loss", [step], [value], [step])]


async def values(store: RunStore, run: Run) -> dict[int, float]:
    found: dict[int, float] = {}
    async for chunk in store.read_time_series(run.name, SeriesQuery()):
        found.update(zip(chunk.steps or [], chunk.values, strict=True))
    return found


async def test_new_writer_has_committed_nothing(store: RunStore, run: Run) -> None:
    assert await store.committed_sequence(run.name, "writer-a") == 0


async def test_committed_sequence_of_a_missing_run_is_not_found(
    store: RunStore, experiment: Experiment
) -> None:
    with pytest.raises(NotFound):
        await store.committed_sequence(experiment.name.run("nope"), "writer-a")


async def test_batch_with_a_position_commits_its_sequence(store: RunStore, run: Run) -> None:
    result = await store.write_time_series(run.name, batch(1, 0.5), WriterPosition("writer-a", 1))
    assert result == WriteResult(committed_sequence=1, points_written=1)
    assert await store.committed_sequence(run.name, "writer-a") == 1


async def test_resent_batch_is_dropped_and_reports_the_committed_sequence(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, batch(1, 0.5), WriterPosition("writer-a", 1))
    await store.write_time_series(run.name, batch(2, 0.4), WriterPosition("writer-a", 2))
    for stale in (1, 2):
        result = await store.write_time_series(run.name, batch(stale, 9.0), WriterPosition("writer-a", stale))
        assert result == WriteResult(committed_sequence=2, points_written=0)
    assert await values(store, run) == {1: 0.5, 2: 0.4}


async def test_sequences_may_skip_ahead(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, batch(1, 0.5), WriterPosition("writer-a", 1))
    result = await store.write_time_series(run.name, batch(2, 0.4), WriterPosition("writer-a", 10))
    assert result == WriteResult(committed_sequence=10, points_written=1)
    dropped = await store.write_time_series(run.name, batch(3, 0.3), WriterPosition("writer-a", 5))
    assert dropped == WriteResult(committed_sequence=10, points_written=0)
    assert await values(store, run) == {1: 0.5, 2: 0.4}


async def test_writers_keep_separate_sequences(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, batch(1, 0.5), WriterPosition("writer-a", 5))
    result = await store.write_time_series(run.name, batch(2, 0.4), WriterPosition("writer-b", 1))
    assert result == WriteResult(committed_sequence=1, points_written=1)
    assert await store.committed_sequence(run.name, "writer-a") == 5
    assert await store.committed_sequence(run.name, "writer-b") == 1


async def test_same_writer_id_keeps_separate_sequences_per_run(
    store: RunStore, experiment: Experiment
) -> None:
    first = await store.create_run(Run(experiment.name.run("r1")))
    second = await store.create_run(Run(experiment.name.run("r2")))
    await store.write_time_series(first.name, batch(1, 0.5), WriterPosition("writer-a", 7))
    assert await store.committed_sequence(second.name, "writer-a") == 0
    result = await store.write_time_series(second.name, batch(1, 0.5), WriterPosition("writer-a", 1))
    assert result.points_written == 1


async def test_write_without_a_position_moves_no_writer(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, batch(1, 0.5), WriterPosition("writer-a", 3))
    result = await store.write_time_series(run.name, batch(2, 0.4), None)
    assert result == WriteResult(committed_sequence=0, points_written=1)
    assert await store.committed_sequence(run.name, "writer-a") == 3


async def test_write_to_a_missing_run_moves_no_sequence(store: RunStore, experiment: Experiment) -> None:
    missing = experiment.name.run("nope")
    with pytest.raises(NotFound):
        await store.write_time_series(missing, batch(1, 0.5), WriterPosition("writer-a", 1))
    await store.create_run(Run(missing))
    assert await store.committed_sequence(missing, "writer-a") == 0
