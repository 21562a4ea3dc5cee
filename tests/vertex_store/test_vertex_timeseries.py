"""Time series on TensorBoard: 5000-point requests, several in flight, coalesced batches, default
steps from the server's max_step, complete reads through Export."""

from __future__ import annotations

import time

import pytest
from exprun.server.core.errors import FailedPrecondition
from exprun.server.core.model import Experiment, Run, Series, SeriesQuery, TimeSeriesWrite, WriterPosition
from exprun.server.stores.vertex.store import VertexRunStore

from tests.fakes.vertex import Fault, Faults, VertexFake
from tests.vertex_store.vertex_support import EXPERIMENT, OpenStore, requests

pytestmark = pytest.mark.asyncio(loop_scope="function")

LATENCY = 0.5


def column(metric: str, start: int, count: int) -> Series:
    steps = list(range(start, start + count))
    return Series(metric, steps, [s * 0.25 for s in steps], steps)


def request_sizes(fake: VertexFake) -> list[int]:
    return [
        sum(len(data.values) for data in request.time_series_data)
        for request in requests(fake, "WriteTensorboardRunData")
    ]


async def test_a_large_write_goes_out_in_5000_point_requests_eight_at_a_time(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    await store.write_time_series(run.name, [column("loss", 0, 1)], None)  # series and TB run exist
    fake.clear_calls()
    fake.faults = Faults({"WriteTensorboardRunData": Fault(latency=LATENCY)})
    started = time.monotonic()
    result = await store.write_time_series(run.name, [column("loss", 0, 40_000)], None)
    elapsed = time.monotonic() - started
    assert result.points_written == 40_000
    assert request_sizes(fake) == [5000] * 8
    # Eight requests in flight at once take about one latency; one at a time would take eight.
    assert elapsed < 6 * LATENCY


async def test_fewer_requests_in_flight_when_configured(
    open_store: OpenStore, fake: VertexFake, run: Run
) -> None:
    narrow = await open_store(max_inflight_writes=2)
    await narrow.write_time_series(run.name, [column("loss", 0, 1)], None)
    fake.faults = Faults({"WriteTensorboardRunData": Fault(latency=LATENCY)})
    started = time.monotonic()
    await narrow.write_time_series(run.name, [column("loss", 0, 40_000)], None)
    assert time.monotonic() - started >= 4 * LATENCY * 0.9


async def test_series_share_requests_up_to_the_limit(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    await store.write_time_series(run.name, [column(m, 0, 3000) for m in ("a", "b", "c")], None)
    assert request_sizes(fake) == [5000, 4000]
    first = requests(fake, "WriteTensorboardRunData")[0]
    assert [len(d.values) for d in first.time_series_data] == [3000, 2000]


async def test_coalesced_batches_of_a_run_share_requests_and_one_update(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    other = await store.create_run(Run(EXPERIMENT.run("run-2")))
    for name in (run.name, other.name):
        await store.write_time_series(name, [column("loss", 0, 1)], None)
    fake.clear_calls()
    writes = [
        TimeSeriesWrite(run.name, [column("loss", i * 100, 100)], WriterPosition(f"w{i % 3}", i + 1))
        for i in range(30)
    ] + [TimeSeriesWrite(other.name, [column("loss", 0, 50)], WriterPosition("w0", 1))]
    results = await store.write_time_series_batch(writes)
    assert [getattr(r, "points_written", None) for r in results] == [100] * 30 + [50]
    assert sorted(request_sizes(fake)) == [50, 3000]
    assert len(requests(fake, "UpdateContext")) == 2
    for writer in range(3):
        assert await store.committed_sequence(run.name, f"w{writer}") == 28 + writer


async def test_default_steps_continue_after_steps_another_writer_made(
    open_store: OpenStore, store: VertexRunStore, run: Run
) -> None:
    """Another replica's (or the SDK's) points count: the server's max_step is read first."""
    other = await open_store()
    await store.write_time_series(run.name, [Series("loss", None, [0.5], [1])], None)
    await other.write_time_series(run.name, [column("acc", 40, 1)], None)
    await store.write_time_series(run.name, [Series("loss", None, [0.4], [2])], None)
    steps = [
        s
        for c in [c async for c in store.read_time_series(run.name, SeriesQuery(metrics=("loss",)))]
        for s in c.steps or []
    ]
    assert steps == [1, 41]


async def test_a_run_without_any_tensorboard_cannot_take_points(
    open_store: OpenStore, fake: VertexFake
) -> None:
    bare = await open_store(default_tensorboard=None)
    await bare.create_experiment(Experiment(EXPERIMENT))
    run = await bare.create_run(Run(EXPERIMENT.run("r")))
    with pytest.raises(FailedPrecondition) as caught:
        await bare.write_time_series(run.name, [column("loss", 0, 1)], None)
    assert caught.value.reason == "NO_BACKING_TENSORBOARD"
    assert requests(fake, "WriteTensorboardRunData") == []


async def test_the_experiments_tensorboard_backs_its_runs_first(
    store: VertexRunStore, fake: VertexFake
) -> None:
    name = EXPERIMENT.run("r")
    await store.create_experiment(
        Experiment(
            EXPERIMENT, backing_tensorboard="projects/my-project/locations/us-central1/tensorboards/tb2"
        )
    )
    await store.create_run(Run(name))
    await store.write_time_series(name, [column("loss", 0, 1)], None)
    got = await store.get_run(name)
    assert got.backing_tensorboard_run == (
        "projects/my-project/locations/us-central1/tensorboards/tb2/experiments/exp-1/runs/r"
    )


async def test_reads_are_complete_beyond_what_batch_read_samples(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    for start in range(0, 25_000, 5000):
        await store.write_time_series(run.name, [column("loss", start, 5000)], None)
    fake.clear_calls()
    chunks = [c async for c in store.read_time_series(run.name, SeriesQuery(start_step=10, end_step=24_990))]
    steps = [s for c in chunks for s in c.steps or []]
    assert steps == list(range(10, 24_990))
    assert [c for c in fake.call_names() if "Read" in c] == []
    exports = requests(fake, "ExportTensorboardTimeSeriesData")
    assert [e.page_size for e in exports] == [10_000] * 3
