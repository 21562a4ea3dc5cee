"""Time series: default steps, overwrite by (run, metric, step), filters and chunked reads."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from exprun.server.core import limits
from exprun.server.core.downsample import downsample
from exprun.server.core.errors import NotFound
from exprun.server.core.model import Experiment, Run, Series, SeriesQuery
from exprun.server.core.names import ExperimentName
from exprun.server.core.store import RunStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.asyncio(loop_scope="function")

Point = tuple[int, float, int]


def series(metric: str, steps: Sequence[int] | None, values: Sequence[float], wall: int = 1) -> Series:
    return Series(metric, steps, values, [wall + i for i in range(len(values))])


async def read(store: RunStore, run: Run, query: SeriesQuery | None = None) -> list[Series]:
    return [chunk async for chunk in store.read_time_series(run.name, query or SeriesQuery())]


async def points(store: RunStore, run: Run, query: SeriesQuery | None = None) -> dict[str, list[Point]]:
    """metric -> [(step, value, wall time)], chunks of one metric joined in the order read."""
    out: dict[str, list[Point]] = {}
    for chunk in await read(store, run, query):
        assert chunk.steps is not None
        out.setdefault(chunk.metric, []).extend(
            zip(chunk.steps, chunk.values, chunk.wall_time_micros, strict=True)
        )
    return out


def steps_of(found: dict[str, list[Point]], metric: str) -> list[int]:
    return [p[0] for p in found[metric]]


async def test_first_default_steps_of_a_new_run_start_at_one(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, [series("loss", None, [0.5, 0.4, 0.3])], None)
    assert steps_of(await points(store, run), "loss") == [1, 2, 3]


async def test_default_steps_continue_after_the_largest_step_of_any_metric(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, [series("loss", [10], [0.5])], None)
    await store.write_time_series(run.name, [series("acc", None, [0.7, 0.8])], None)
    assert steps_of(await points(store, run), "acc") == [11, 12]


async def test_series_without_steps_in_one_call_share_the_base_from_before_the_call(
    store: RunStore, run: Run
) -> None:
    await store.write_time_series(run.name, [series("loss", [4], [0.5])], None)
    await store.write_time_series(
        run.name,
        [series("a", None, [1.0, 2.0]), series("b", [100], [3.0]), series("c", None, [4.0])],
        None,
    )
    found = await points(store, run)
    assert steps_of(found, "a") == [5, 6]
    assert steps_of(found, "c") == [5]
    assert steps_of(found, "b") == [100]


async def test_explicit_step_zero_is_kept(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, [series("loss", [0], [0.5])], None)
    await store.write_time_series(run.name, [series("loss", None, [0.4])], None)
    assert steps_of(await points(store, run), "loss") == [0, 1]


async def test_values_and_wall_times_round_trip_exactly(store: RunStore, run: Run) -> None:
    values = [0.1, -0.0, 5e-324, 1.7976931348623157e308, -1e-300, 3.0]
    steps = [0, 1, 2, 2**40, 2**62, 2**63 - 1]
    walls = [0, 1, 1_700_000_000_123_456, 2**53 + 1, 2**62, 7]
    await store.write_time_series(run.name, [Series("m", steps, values, walls)], None)
    (chunk,) = await read(store, run)
    assert list(chunk.steps or []) == steps
    assert list(chunk.wall_time_micros) == walls
    assert [v.hex() for v in chunk.values] == [v.hex() for v in values]


async def test_rewriting_a_step_overwrites_its_value_and_wall_time(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, [Series("loss", [1, 2, 3], [0.5, 0.4, 0.3], [10, 20, 30])], None)
    await store.write_time_series(run.name, [Series("loss", [2], [9.0], [99])], None)
    assert (await points(store, run))["loss"] == [(1, 0.5, 10), (2, 9.0, 99), (3, 0.3, 30)]


async def test_rewritten_step_in_older_chunk_keeps_newest_value(store: RunStore, run: Run) -> None:
    n = 20_000
    for start in (0, n):
        steps = list(range(start, start + n))
        await store.write_time_series(run.name, [Series("m", steps, [float(s) for s in steps], steps)], None)
    rewritten = {5: -1.0, 16_383: -2.0, 16_384: -3.0, n - 1: -4.0, n: -5.0, 2 * n - 1: -6.0}
    await store.write_time_series(
        run.name, [Series("m", list(rewritten), list(rewritten.values()), [0] * len(rewritten))], None
    )
    found = (await points(store, run))["m"]
    assert [p[0] for p in found] == list(range(2 * n))
    assert [p[1] for p in found] == [rewritten.get(s, float(s)) for s in range(2 * n)]
    assert [p[2] for p in found] == [0 if s in rewritten else s for s in range(2 * n)]


async def test_new_steps_between_stored_steps_read_back_in_step_order(store: RunStore, run: Run) -> None:
    evens = list(range(0, 6000, 2))
    odds = list(range(1, 6000, 2))
    await store.write_time_series(run.name, [Series("m", evens, [0.0] * len(evens), evens)], None)
    await store.write_time_series(run.name, [Series("m", odds, [1.0] * len(odds), odds)], None)
    found = (await points(store, run))["m"]
    assert [p[0] for p in found] == list(range(6000))
    assert [p[1] for p in found] == [float(s % 2) for s in range(6000)]


async def test_unsorted_steps_in_a_batch_are_read_sorted(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, [Series("m", [3, 1, 2], [3.0, 1.0, 2.0], [3, 1, 2])], None)
    assert (await points(store, run))["m"] == [(1, 1.0, 1), (2, 2.0, 2), (3, 3.0, 3)]


async def test_duplicate_step_in_one_batch_keeps_the_last_point(store: RunStore, run: Run) -> None:
    result = await store.write_time_series(
        run.name, [Series("m", [1, 2, 1, 3, 1], [1.0, 2.0, 1.5, 3.0, 1.9], [10, 20, 15, 30, 19])], None
    )
    assert (await points(store, run))["m"] == [(1, 1.9, 19), (2, 2.0, 20), (3, 3.0, 30)]
    assert result.points_written == 3


async def test_points_written_counts_every_series(store: RunStore, run: Run) -> None:
    result = await store.write_time_series(
        run.name, [series("a", [1, 2], [0.1, 0.2]), series("b", None, [0.3, 0.4, 0.5])], None
    )
    assert result.points_written == 5
    assert result.committed_sequence == 0


async def test_read_honours_a_half_open_step_range(store: RunStore, run: Run) -> None:
    steps = list(range(100))
    await store.write_time_series(run.name, [series("m", steps, [float(s) for s in steps])], None)
    assert steps_of(await points(store, run, SeriesQuery(start_step=10, end_step=20)), "m") == list(
        range(10, 20)
    )
    assert steps_of(await points(store, run, SeriesQuery(start_step=95)), "m") == list(range(95, 100))
    assert await points(store, run, SeriesQuery(start_step=100)) == {}
    assert await points(store, run, SeriesQuery(start_step=50, end_step=50)) == {}


async def test_read_selects_metrics_and_yields_them_in_name_order(store: RunStore, run: Run) -> None:
    await store.write_time_series(
        run.name, [series(m, [1], [1.0]) for m in ("loss", "acc", "Zeta", "b/x", "b")], None
    )
    assert [c.metric for c in await read(store, run)] == ["Zeta", "acc", "b", "b/x", "loss"]
    assert [c.metric for c in await read(store, run, SeriesQuery(metrics=("b/x", "acc", "nope")))] == [
        "acc",
        "b/x",
    ]


async def test_read_of_a_run_without_points_yields_nothing(store: RunStore, run: Run) -> None:
    assert await read(store, run) == []


async def test_a_long_read_arrives_in_bounded_chunks(store: RunStore, run: Run) -> None:
    n = 150_000
    steps = list(range(n))
    for start in range(0, n, 50_000):
        part = steps[start : start + 50_000]
        await store.write_time_series(run.name, [Series("big", part, [s * 0.5 for s in part], part)], None)
    await store.write_time_series(run.name, [series("small", [1, 2], [1.0, 2.0])], None)
    chunks = await read(store, run)
    big = [c for c in chunks if c.metric == "big"]
    assert all(0 < len(c) <= limits.READ_CHUNK_MAX_POINTS for c in big)
    joined = list(itertools.chain.from_iterable(c.steps or [] for c in big))
    assert joined == steps
    assert list(itertools.chain.from_iterable(c.values for c in big)) == [s * 0.5 for s in steps]
    assert [c.metric for c in chunks] == ["big"] * len(big) + ["small"]


async def test_written_metrics_appear_on_the_run(store: RunStore, run: Run) -> None:
    await store.write_time_series(run.name, [series("loss", [1], [1.0]), series("acc", [1], [1.0])], None)
    assert (await store.get_run(run.name)).time_series_metrics == ("acc", "loss")


async def test_writing_to_a_missing_run_is_not_found(store: RunStore, experiment: Experiment) -> None:
    with pytest.raises(NotFound):
        await store.write_time_series(experiment.name.run("nope"), [series("m", [1], [1.0])], None)


async def test_reading_a_missing_run_is_not_found(store: RunStore, experiment: Experiment) -> None:
    missing = Run(experiment.name.run("nope"))
    with pytest.raises(NotFound):
        await read(store, missing)


async def test_series_of_one_run_do_not_leak_into_another(store: RunStore, experiment: Experiment) -> None:
    first = await store.create_run(Run(experiment.name.run("r1")))
    second = await store.create_run(Run(experiment.name.run("r2")))
    await store.write_time_series(first.name, [series("m", [1, 2], [1.0, 2.0])], None)
    await store.write_time_series(second.name, [series("m", None, [5.0])], None)
    assert steps_of(await points(store, first), "m") == [1, 2]
    assert (await points(store, second))["m"] == [(1, 5.0, 1)]


_run_numbers = itertools.count()
_writes = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),
        st.one_of(st.none(), st.lists(st.integers(0, 400), min_size=1, max_size=60)),
        st.integers(1, 60),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=_writes)
async def test_reads_match_a_dictionary_of_the_last_write_per_step(
    store: RunStore, experiment: Experiment, writes: list[tuple[str, list[int] | None, int]]
) -> None:
    """Any mix of appends, overwrites, duplicates and default steps reads back as a dict would."""
    run = await store.create_run(Run(experiment.name.run(f"r{next(_run_numbers)}")))
    model: dict[str, dict[int, tuple[float, int]]] = {}
    tick = itertools.count()
    for metric, steps, count in writes:
        if steps is None:
            base = max((s for m in model.values() for s in m), default=0)
            steps = list(range(base + 1, base + 1 + count))
        values = [float(next(tick)) for _ in steps]
        walls = [int(v) * 10 for v in values]
        await store.write_time_series(run.name, [Series(metric, steps, values, walls)], None)
        for step, value, wall in zip(steps, values, walls, strict=True):
            model.setdefault(metric, {})[step] = (value, wall)
    expected = {m: [(s, *model[m][s]) for s in sorted(model[m])] for m in sorted(model)}
    assert await points(store, run) == expected


async def test_reading_a_run_of_a_missing_experiment_is_not_found(store: RunStore) -> None:
    """The core reads without checking the run first: the store's NotFound is the answer."""
    missing = Run(ExperimentName("test-project", "us-central1", "no-such-exp").run("nope"))
    with pytest.raises(NotFound):
        await read(store, missing)
    with pytest.raises(NotFound):
        [chunk async for chunk in store.read_downsampled(missing.name, SeriesQuery(), 10)]


async def test_downsampled_read_of_a_missing_run_is_not_found(
    store: RunStore, experiment: Experiment
) -> None:
    with pytest.raises(NotFound):
        [chunk async for chunk in store.read_downsampled(experiment.name.run("nope"), SeriesQuery(), 10)]


_downsampled_writes = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),
        st.lists(st.integers(0, 120), min_size=1, max_size=50),
        st.lists(st.sampled_from([-1.0, 0.0, 2.5, 4.0]), min_size=50, max_size=50),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    writes=_downsampled_writes,
    max_points=st.integers(1, 30),
    start=st.integers(0, 60),
    span=st.one_of(st.none(), st.integers(1, 120)),
    metrics=st.sampled_from([(), ("a",), ("b",), ("a", "b")]),
)
async def test_downsampled_reads_equal_downsampling_every_point(
    store: RunStore,
    experiment: Experiment,
    writes: list[tuple[str, list[int], list[float]]],
    max_points: int,
    start: int,
    span: int | None,
    metrics: tuple[str, ...],
) -> None:
    """First and last point and each bucket's min and max, ties to the earliest, after
    overwrites and within step ranges, whatever the store reads to get there."""
    run = await store.create_run(Run(experiment.name.run(f"r{next(_run_numbers)}")))
    for metric, steps, values in writes:
        walls = [step * 7 for step in steps]
        await store.write_time_series(run.name, [Series(metric, steps, values[: len(steps)], walls)], None)
    query = SeriesQuery(metrics=metrics, start_step=start, end_step=None if span is None else start + span)
    expected: dict[str, list[Series]] = {}
    for chunk in await read(store, run, query):
        expected.setdefault(chunk.metric, []).append(chunk)
    found = [chunk async for chunk in store.read_downsampled(run.name, query, max_points)]
    assert [s.metric for s in found] == sorted(expected)
    for series_found in found:
        want = downsample(expected[series_found.metric], max_points)
        assert list(series_found.steps or []) == list(want.steps or [])
        assert list(series_found.values) == list(want.values)
        assert list(series_found.wall_time_micros) == list(want.wall_time_micros)
