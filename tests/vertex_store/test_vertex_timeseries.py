"""Time series on TensorBoard: 5000-point requests, several in flight, coalesced batches, default
steps from the server's max_step, complete reads through Export."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest
from exprun.server.core.errors import FailedPrecondition, InvalidArgument, Unavailable
from exprun.server.core.ingest import Ingest
from exprun.server.core.model import (
    Experiment,
    Run,
    Series,
    SeriesQuery,
    TimeSeriesWrite,
    WriteResult,
    WriterPosition,
)
from exprun.server.stores.vertex.store import VertexRunStore

from tests.fakes.vertex import Fault, Faults, VertexFake
from tests.vertex_store.vertex_support import EXPERIMENT, OpenStore, requests

pytestmark = pytest.mark.asyncio(loop_scope="function")

LATENCY = 0.5


def column(metric: str, start: int, count: int) -> Series:
    steps = list(range(start, start + count))
    return Series(metric, steps, [s * 0.25 for s in steps], steps)


def request_sizes(fake: VertexFake) -> list[int]:
    """Points per write request, of one run (WriteTensorboardRunData) or several of one experiment."""
    return [
        sum(len(data.values) for data in request.time_series_data)
        for request in requests(fake, "WriteTensorboardRunData")
    ] + [
        sum(len(data.values) for run in request.write_run_data_requests for data in run.time_series_data)
        for request in requests(fake, "WriteTensorboardExperimentData")
    ]


async def read_all(store: VertexRunStore, run: Run) -> dict[str, list[tuple[int, float]]]:
    found: dict[str, list[tuple[int, float]]] = {}
    async for chunk in store.read_time_series(run.name, SeriesQuery()):
        found.setdefault(chunk.metric, []).extend(zip(chunk.steps or [], chunk.values, strict=True))
    return found


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
    # The two requests are in flight together, so the fake may receive them in either order.
    assert sorted(request_sizes(fake), reverse=True) == [5000, 4000]
    shapes = sorted(
        [len(d.values) for d in r.time_series_data] for r in requests(fake, "WriteTensorboardRunData")
    )
    assert shapes == [[1000, 3000], [3000, 2000]]


async def test_coalesced_batches_of_a_run_and_of_its_experiment_share_requests_and_one_update(
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
    # Both runs back onto one TensorBoard experiment: one WriteTensorboardExperimentData.
    assert request_sizes(fake) == [3050]
    (request,) = requests(fake, "WriteTensorboardExperimentData")
    assert len(request.write_run_data_requests) == 2
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


async def test_a_series_another_writer_made_is_found_not_duplicated(
    open_store: OpenStore, store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """A missing series is created without listing first; made meanwhile by another replica, its
    create fails with AlreadyExists and the listing finds it."""
    other = await open_store()
    await store.write_time_series(run.name, [column("loss", 0, 1)], None)
    await other.write_time_series(run.name, [column("loss", 1, 1)], None)  # other knows "loss"
    await store.write_time_series(run.name, [column("acc", 0, 1)], None)
    fake.clear_calls()
    await other.write_time_series(run.name, [column("acc", 1, 1)], None)
    assert [c for c in fake.call_names() if "Tensorboard" in c] == [
        "CreateTensorboardTimeSeries",
        "ListTensorboardTimeSeries",
        "WriteTensorboardRunData",
    ]
    assert await read_all(store, run) == {"acc": [(0, 0.0), (1, 0.25)], "loss": [(0, 0.0), (1, 0.25)]}


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


async def test_runs_of_an_experiment_fill_requests_to_the_limit_and_every_point_arrives(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    runs = [run] + [await store.create_run(Run(EXPERIMENT.run(f"run-{i}"))) for i in (2, 3)]
    for r in runs:
        await store.write_time_series(r.name, [column("loss", 0, 1)], None)
    fake.clear_calls()
    writes = [TimeSeriesWrite(r.name, [column("loss", 0, 3000)], None) for r in runs]
    results = await store.write_time_series_batch(writes)
    assert [getattr(r, "points_written", None) for r in results] == [3000] * 3
    assert sorted(request_sizes(fake)) == [4000, 5000]
    for r in runs:
        assert (await read_all(store, r))["loss"] == [(s, s * 0.25) for s in range(3000)]


async def test_a_refused_request_of_several_runs_is_sent_again_run_by_run(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """A request of several runs that Vertex refuses for good is split, so that one run's error
    cannot fail another run's points; here each run's own request goes through."""
    other = await store.create_run(Run(EXPERIMENT.run("run-2")))
    for r in (run, other):
        await store.write_time_series(r.name, [column("loss", 0, 1)], None)
    fake.faults = Faults(
        {"WriteTensorboardExperimentData": Fault(error_rate=1.0, code=grpc.StatusCode.INVALID_ARGUMENT)}
    )
    writes = [TimeSeriesWrite(r.name, [column("loss", 0, 100)], None) for r in (run, other)]
    results = await store.write_time_series_batch(writes)
    assert [getattr(r, "points_written", None) for r in results] == [100, 100]
    assert fake.faults.injected == {"WriteTensorboardExperimentData": 1}
    fake.faults = Faults()
    for r in (run, other):
        assert (await read_all(store, r))["loss"] == [(s, s * 0.25) for s in range(100)]


async def test_a_repeated_step_in_one_batch_keeps_its_last_value(store: VertexRunStore, run: Run) -> None:
    result = await store.write_time_series(
        run.name, [Series("loss", [3, 1, 3, 2, 1], [1, 2, 3, 4, 5], [0] * 5)], None
    )
    assert result.points_written == 3
    assert (await read_all(store, run))["loss"] == [(1, 5.0), (2, 4.0), (3, 3.0)]


async def overlapping(
    store: VertexRunStore, run: Run, fake: VertexFake, slow: Fault
) -> tuple[WriteResult | BaseException, ...]:
    """Two writes of one writer out at once, as the ingest pipeline sends them: the first to a
    new series whose creation is `slow`, the second, started after it, to an existing series,
    so its points are in Vertex first. Returns their outcomes in order."""
    await store.write_time_series(run.name, [column("loss", 0, 1)], None)
    fake.clear_calls()
    fake.faults = Faults({"CreateTensorboardTimeSeries": slow})
    first = asyncio.create_task(
        store.write_time_series(run.name, [column("acc", 0, 10)], WriterPosition("w", 1))
    )
    await asyncio.sleep(0)  # the first write is under way before the second starts
    second = store.write_time_series(run.name, [column("loss", 1, 10)], WriterPosition("w", 2))
    outcomes = await asyncio.gather(first, second, return_exceptions=True)
    fake.faults = Faults()
    return tuple(outcomes)


async def test_a_later_write_records_its_sequence_only_after_an_earlier_writes_points(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """Sequence 2 recorded before sequence 1's points were in Vertex would lose them on a crash:
    the writer would resume after 2."""
    outcomes = await overlapping(store, run, fake, Fault(latency=LATENCY))
    assert [getattr(o, "committed_sequence", o) for o in outcomes] == [1, 2]
    order = [c for c in fake.call_names() if c in ("WriteTensorboardRunData", "UpdateContext")]
    assert order[:2] == ["WriteTensorboardRunData", "WriteTensorboardRunData"]
    assert await store.committed_sequence(run.name, "w") == 2


async def test_a_write_after_a_failed_one_fails_and_records_nothing(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    refused = Fault(latency=LATENCY / 2, error_rate=1.0, code=grpc.StatusCode.INVALID_ARGUMENT)
    first, second = await overlapping(store, run, fake, refused)
    assert isinstance(first, InvalidArgument)
    assert isinstance(second, Unavailable)
    assert second.reason == "EARLIER_WRITE_FAILED"
    assert "UpdateContext" not in fake.call_names()
    assert await store.committed_sequence(run.name, "w") == 0
    # The failure holds back only the writes that overlapped it.
    result = await store.write_time_series(run.name, [column("loss", 1, 10)], WriterPosition("w", 1))
    assert result.committed_sequence == 1


async def test_the_ingest_pipeline_sends_a_batch_while_an_earlier_call_waits(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """On Vertex the pipeline has several store calls out: a batch queued behind a slow call
    (its series is being created) is written meanwhile, and both are acknowledged in order."""
    await store.write_time_series(run.name, [column("loss", 0, 1)], None)
    fake.clear_calls()
    fake.faults = Faults({"CreateTensorboardTimeSeries": Fault(latency=LATENCY)})
    ingest = Ingest(store)
    ingest.start()
    try:
        slow = await ingest.submit(TimeSeriesWrite(run.name, [column("acc", 0, 10)], WriterPosition("w", 1)))
        await asyncio.sleep(0)  # the first call is out before the second batch arrives
        fast = await ingest.submit(TimeSeriesWrite(run.name, [column("loss", 1, 10)], WriterPosition("w", 2)))
        results = await asyncio.gather(slow, fast)
    finally:
        await ingest.stop()
    assert [r.committed_sequence for r in results] == [1, 2]
    (first, _) = requests(fake, "WriteTensorboardRunData")
    assert [d.values[0].step for d in first.time_series_data] == [1]  # the second batch's
    assert await store.committed_sequence(run.name, "w") == 2
