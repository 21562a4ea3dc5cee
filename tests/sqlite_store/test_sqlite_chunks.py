"""The embedded store's chunked time series, with tiny chunks so a few points cross every boundary.

Not part of the parametrized suite: these call the SQL modules on an in-memory database and
check the stored chunks themselves, which no port method shows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import sqlite3
import struct
from collections.abc import Iterator

import numpy as np
import pytest
from exprun.server.core import limits
from exprun.server.core.downsample import downsample
from exprun.server.core.model import Experiment, Run, Series
from exprun.server.core.names import ExperimentName
from exprun.server.stores.sqlite import chunks, experiments, runs, schema, timeseries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXPERIMENT = ExperimentName("test-project", "us-central1", "exp-1")


def new_database() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    schema.migrate(connection)
    experiments.create(connection, Experiment(EXPERIMENT))
    return connection


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = new_database()
    yield connection
    connection.close()


# Points per read page: few, so that reads cross page edges.
TINY_PAGE = 5


# Chunks of a few points, blocks crossing bucket edges and step ranges.
TINY = chunks.ChunkTuning(chunk_max_points=8, merge_max_points=4, block_points=3)


def read_all(
    conn: sqlite3.Connection, run_pk: int, page: int = limits.READ_CHUNK_MAX_POINTS
) -> dict[str, list[tuple[int, float, int]]]:
    out: dict[str, list[tuple[int, float, int]]] = {}
    for series_pk, metric in timeseries.metrics(conn, run_pk, ()):
        if found := read_range(conn, series_pk, 0, None, page):
            out[metric] = found
    return out


def read_range(
    conn: sqlite3.Connection,
    series_pk: int,
    start: int,
    end: int | None,
    page: int = limits.READ_CHUNK_MAX_POINTS,
) -> list[tuple[int, float, int]]:
    """Page by page, as the store reads a series."""
    out: list[tuple[int, float, int]] = []
    more = True
    while more:
        points, more = timeseries.read_page(conn, series_pk, start, end, page)
        assert len(points) <= page
        if not points:
            break
        out.extend(zip(points.steps, points.values, points.wall_times, strict=True))
        start = points.last_step + 1
    return out


def assert_chunk_invariants(
    conn: sqlite3.Connection, tuning: chunks.ChunkTuning = chunks.TUNING, *, legacy: bool = False
) -> None:
    """Ranges disjoint per series, columns consistent, and the series row's summary right. The
    steps blob is empty exactly when the steps are consecutive, except that `legacy` (chunks
    from before V7) allows consecutive steps in a blob."""
    for series_pk, max_step, point_count in conn.execute("SELECT pk, max_step, point_count FROM series"):
        rows = conn.execute(
            "SELECT first_step, last_step, count, steps, vals, wall_times FROM chunks WHERE series_pk = ?"
            " ORDER BY last_step",
            (series_pk,),
        ).fetchall()
        previous_last = -1
        for first_step, last_step, count, *blobs in rows:
            points = chunks.unpack(first_step, *blobs)
            assert len(points) == count == len(points.values) == len(points.wall_times)
            consecutive = list(points.steps) == list(range(first_step, first_step + count))
            assert consecutive if blobs[0] == b"" else legacy or not consecutive
            # One wall time stored when every point has it.
            shared = len(set(points.wall_times)) == 1
            assert len(blobs[2]) == (8 if shared else 8 * count) or (legacy and len(blobs[2]) == 8 * count)
            assert 0 < count <= tuning.chunk_max_points
            assert (points.first_step, points.last_step) == (first_step, last_step)
            assert list(points.steps) == sorted(set(points.steps))
            assert first_step > previous_last
            previous_last = last_step
        assert max_step == previous_last
        assert point_count == sum(r[2] for r in rows)


_run_ids = (f"r{i}" for i in itertools.count())


_series = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.one_of(st.none(), st.lists(st.integers(0, 60), min_size=1, max_size=25)),
    st.integers(1, 12),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=st.lists(st.lists(_series, min_size=1, max_size=3), min_size=1, max_size=10))
def test_chunks_stay_disjoint_and_read_like_a_dictionary(
    conn: sqlite3.Connection, calls: list[list[tuple[str, list[int] | None, int]]]
) -> None:
    """Each call may repeat a metric, as coalesced batches do: series apply in order."""
    run = runs.create(conn, Run(EXPERIMENT.run(next(_run_ids))))
    run_pk = runs.require_pk(conn, run.name)
    model: dict[str, dict[int, tuple[float, int]]] = {}
    tick = itertools.count(1)
    for call in calls:
        base = max((s for m in model.values() for s in m), default=0)
        batch = []
        for metric, given_steps, count in call:
            steps = list(range(base + 1, base + 1 + count)) if given_steps is None else given_steps
            values = [float(next(tick)) for _ in steps]
            walls = [int(v) for v in values]
            batch.append(Series(metric, given_steps, values, walls))
            for step, value, wall in zip(steps, values, walls, strict=True):
                model.setdefault(metric, {})[step] = (value, wall)
        timeseries.write(conn, run_pk, batch, TINY)
        assert_chunk_invariants(conn, TINY)
    expected = {m: [(s, *model[m][s]) for s in sorted(model[m])] for m in sorted(model)}
    assert read_all(conn, run_pk, TINY_PAGE) == expected


def as_before_v7(conn: sqlite3.Connection) -> None:
    """Every chunk stored as versions before V7 stored it: consecutive steps in a blob too, and
    a wall time shared by every point once per point."""
    rows = conn.execute("SELECT pk, first_step, steps, vals, wall_times FROM chunks").fetchall()
    for pk, first_step, *blobs in rows:
        points = chunks.columns_of(first_step, *blobs)
        conn.execute(
            "UPDATE chunks SET steps = ?, wall_times = ? WHERE pk = ?",
            (points.steps.astype("<i8").tobytes(), points.wall_times.astype("<i8").tobytes(), pk),
        )


def consecutive_or_any(draw: st.DrawFn) -> list[int]:
    if draw(st.booleans()):
        first = draw(st.integers(0, 90))
        return list(range(first, first + draw(st.integers(1, 20))))
    return draw(st.lists(st.integers(0, 110), min_size=1, max_size=20))


@settings(max_examples=200, deadline=None)
@given(
    writes=st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.composite(consecutive_or_any)(), st.booleans()),
        min_size=1,
        max_size=8,
    ),
    ranges=st.lists(
        st.tuples(st.integers(0, 120), st.one_of(st.none(), st.integers(1, 120)), st.integers(1, 12)),
        min_size=1,
        max_size=3,
    ),
)
def test_consecutive_and_other_chunks_merge_and_read_like_a_dictionary(
    writes: list[tuple[str, list[int], bool]],
    ranges: list[tuple[int, int | None, int]],
) -> None:
    """Consecutive runs of steps (stored without a steps blob) and scattered steps (with one)
    overwrite and interleave each other, also over chunks stored as before V7 (`legacy`: their
    consecutive steps in a blob): every read, whole, by step range or downsampled, sees the
    union by step with the newest point winning. A database of its own: no other example's
    legacy chunks."""
    with contextlib.closing(new_database()) as conn:
        check_consecutive_and_other_chunks(conn, writes, ranges)


def check_consecutive_and_other_chunks(
    conn: sqlite3.Connection,
    writes: list[tuple[str, list[int], bool]],
    ranges: list[tuple[int, int | None, int]],
) -> None:
    run_pk = runs.require_pk(conn, runs.create(conn, Run(EXPERIMENT.run("run-1"))).name)
    model: dict[str, dict[int, tuple[float, int]]] = {}
    tick = itertools.count(1)
    legacy = False
    for metric, steps, old_format in writes:
        values = [float(next(tick) % 7) for _ in steps]
        # One wall time for the whole write (as `log_columns` sends), or one per point.
        walls = (
            [len(steps)] * len(steps)
            if values[0] > 3
            else [int(v) * 1000 + s for v, s in zip(values, steps, strict=True)]
        )
        timeseries.write(conn, run_pk, [Series(metric, steps, values, walls)], TINY)
        model.setdefault(metric, {}).update(zip(steps, zip(values, walls, strict=True), strict=True))
        if old_format:
            as_before_v7(conn)
            legacy = True
        assert_chunk_invariants(conn, TINY, legacy=legacy)
        assert_summaries_right(conn)
    expected = {m: [(s, *model[m][s]) for s in sorted(model[m])] for m in sorted(model)}
    assert read_all(conn, run_pk) == expected
    for series_pk, metric in timeseries.metrics(conn, run_pk, ()):
        for start, span, max_points in ranges:
            end = None if span is None else start + span
            inside = [p for p in expected[metric] if p[0] >= start and (end is None or p[0] < end)]
            assert read_range(conn, series_pk, start, end) == inside
            assert_downsampled_like_the_full_decode(conn, series_pk, start, end, max_points)


def test_consecutive_steps_and_a_shared_wall_time_are_stored_short(conn: sqlite3.Connection) -> None:
    """8 bytes a point fewer for the training loop's steps, and for a wall time every point has;
    scattered steps and wall times keep their blob."""
    run_pk = runs.require_pk(conn, runs.create(conn, Run(EXPERIMENT.run("run-1"))).name)
    timeseries.write(conn, run_pk, [Series("a", list(range(10, 20)), [0.5] * 10, [7] * 10)])
    timeseries.write(conn, run_pk, [Series("b", [1, 3, 4], [0.5] * 3, [7] * 3)])
    timeseries.write(conn, run_pk, [Series("c", None, [0.5] * 4, [7, 8, 8, 9])])  # steps 20..23
    stored = conn.execute(
        "SELECT metric, first_step, last_step, count, steps, wall_times FROM chunks"
        " JOIN series ON series.pk = series_pk ORDER BY metric"
    ).fetchall()
    assert stored == [
        ("a", 10, 19, 10, b"", struct.pack("<q", 7)),
        ("b", 1, 4, 3, struct.pack("<3q", 1, 3, 4), struct.pack("<q", 7)),
        ("c", 20, 23, 4, b"", struct.pack("<4q", 7, 8, 8, 9)),
    ]
    assert read_all(conn, run_pk) == {
        "a": [(step, 0.5, 7) for step in range(10, 20)],
        "b": [(1, 0.5, 7), (3, 0.5, 7), (4, 0.5, 7)],
        "c": [(20, 0.5, 7), (21, 0.5, 8), (22, 0.5, 8), (23, 0.5, 9)],
    }


def test_appends_fold_small_tail_chunks_into_few_rows(conn: sqlite3.Connection) -> None:
    run_pk = runs.require_pk(conn, runs.create(conn, Run(EXPERIMENT.run("run-1"))).name)
    for step in range(1000):
        timeseries.write(conn, run_pk, [Series("m", [step], [0.0], [0])])
    (rows,) = conn.execute("SELECT count(*) FROM chunks").fetchone()
    assert rows <= 10  # a binary counter: one chunk per set bit of 1000
    assert_chunk_invariants(conn)


def full_downsample(
    conn: sqlite3.Connection,
    series_pk: int,
    start: int,
    end: int | None,
    max_points: int,
    page: int = limits.READ_CHUNK_MAX_POINTS,
) -> Series:
    """Today's path, every point decoded: the reference the summary path must equal."""
    parts = []
    more = True
    while more:
        points, more = timeseries.read_page(conn, series_pk, start, end, page)
        if not points:
            break
        parts.append(Series("m", points.steps, points.values, points.wall_times))
        start = points.last_step + 1
    return downsample(parts, max_points) if parts else Series("m", [], [], [])


# Few distinct values, so ties (the earliest point must win) are common.
_values = st.sampled_from([-2.5, 0.0, 1.0, 3.0, 7.25])
_writes = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.lists(st.integers(0, 300), min_size=1, max_size=80),  # overwrites and gaps
        st.data(),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    writes=_writes,
    max_points=st.integers(1, 40),
    start=st.integers(0, 200),
    span=st.one_of(st.none(), st.integers(1, 300)),
)
def test_summary_downsampling_equals_the_full_decode(
    conn: sqlite3.Connection,
    writes: list[tuple[str, list[int], st.DataObject]],
    max_points: int,
    start: int,
    span: int | None,
) -> None:
    """Chunks of at most 8 points in blocks of 3, many inside one bucket: the block extremes
    decide, and must pick exactly the points the full decode picks, after overwrites and within
    any step range."""
    run_pk = runs.require_pk(conn, runs.create(conn, Run(EXPERIMENT.run(next(_run_ids)))).name)
    for metric, steps, data in writes:
        values = data.draw(st.lists(_values, min_size=len(steps), max_size=len(steps)))
        walls = [step * 10 + len(steps) for step in steps]
        timeseries.write(conn, run_pk, [Series(metric, steps, values, walls)], TINY)
    assert_summaries_right(conn)
    end = None if span is None else start + span
    for series_pk, _ in timeseries.metrics(conn, run_pk, ()):
        assert_downsampled_like_the_full_decode(conn, series_pk, start, end, max_points)


def assert_downsampled_like_the_full_decode(
    conn: sqlite3.Connection, series_pk: int, start: int, end: int | None, max_points: int
) -> None:
    """Of a series written with `TINY` chunks."""
    expected = full_downsample(conn, series_pk, start, end, max_points, TINY_PAGE)
    found = timeseries.read_downsampled(conn, series_pk, start, end, max_points, TINY)
    if found is None:  # no more points than asked for: the caller reads them as they are
        assert len(expected) <= max_points
        return
    assert (list(found.steps), list(found.values), list(found.wall_times)) == (
        list(expected.steps or []),
        list(expected.values),
        list(expected.wall_time_micros),
    )


def assert_summaries_right(conn: sqlite3.Connection) -> None:
    for first_step, steps, values, wall_times, packed in conn.execute(
        "SELECT first_step, steps, vals, wall_times, summary FROM chunks"
    ):
        assert packed == chunks.summarize(chunks.unpack(first_step, steps, values, wall_times))


class _CountingConnection(sqlite3.Connection):
    """Counts the bytes read from chunks' values blobs."""

    values_read = 0

    def blobopen(  # type: ignore[override]
        self, table: str, column: str, row: int, /, *, readonly: bool = False, name: str = "main"
    ) -> sqlite3.Blob | _CountingBlob:
        blob = super().blobopen(table, column, row, readonly=readonly, name=name)
        return _CountingBlob(self, blob) if column == "vals" else blob


class _CountingBlob:
    def __init__(self, conn: _CountingConnection, blob: sqlite3.Blob) -> None:
        self._conn, self._blob = conn, blob

    def __enter__(self) -> _CountingBlob:
        return self

    def __exit__(self, *exc: object) -> None:
        self._blob.close()

    def close(self) -> None:
        self._blob.close()

    def seek(self, offset: int) -> None:
        self._blob.seek(offset)

    def read(self, length: int) -> bytes:
        self._conn.values_read += length
        return self._blob.read(length)


def test_a_large_series_downsamples_from_block_extremes_reading_few_values() -> None:
    """100 chunks of 100 points in blocks of 10, 10 buckets of ~1000: only the blocks at bucket
    edges and at both ends have their values read, not the 10,000 points."""
    tuning = chunks.ChunkTuning(chunk_max_points=100, block_points=10)
    conn = sqlite3.connect(":memory:", isolation_level=None, factory=_CountingConnection)
    schema.migrate(conn)
    experiments.create(conn, Experiment(EXPERIMENT))
    run_pk = runs.require_pk(conn, runs.create(conn, Run(EXPERIMENT.run("big"))).name)
    steps = list(range(10_000))
    values = [float((step * 7919) % 1013) for step in steps]
    timeseries.write(conn, run_pk, [Series("m", steps, values, steps)], tuning)
    ((series_pk,),) = conn.execute("SELECT pk FROM series").fetchall()
    found = timeseries.read_downsampled(conn, series_pk, 0, None, 22, tuning)
    assert found is not None
    assert list(found.steps) == list(full_downsample(conn, series_pk, 0, None, 22).steps or [])
    # The first and last block and one block per bucket edge (9) at most, not 10,000 values.
    assert 0 < conn.values_read <= 11 * 10 * 8
    conn.close()


def test_migration_summarises_chunks_written_before_summaries() -> None:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    connection.execute("INSERT INTO schema_version (version) VALUES (2)")
    for statements in schema.MIGRATIONS[:2]:
        for statement in statements:
            assert isinstance(statement, str)
            connection.execute(statement)
    experiments.create(connection, Experiment(EXPERIMENT))
    run_pk = runs.require_pk(connection, runs.create(connection, Run(EXPERIMENT.run("old"))).name)
    points = chunks.from_batch([3, 5, 9], [2.0, -1.0, 4.0], [30, 50, 90])
    (series_pk,) = connection.execute(
        "INSERT INTO series (run_pk, metric, max_step, point_count) VALUES (?, 'm', 9, 3) RETURNING pk",
        (run_pk,),
    ).fetchone()
    connection.execute(
        "INSERT INTO chunks (series_pk, first_step, last_step, count, steps, vals, wall_times)"
        " VALUES (?, 3, 9, 3, ?, ?, ?)",
        (series_pk, *chunks.pack(points)),
    )
    schema.migrate(connection)
    (packed,) = connection.execute("SELECT summary FROM chunks").fetchone()
    summary = chunks.unsummarize(3, 9, 3, packed)
    assert (summary.low.step, summary.low.value, summary.low.wall_time_micros) == (5, -1.0, 50)
    assert (summary.high.step, summary.high.value, summary.high.wall_time_micros) == (9, 4.0, 90)
    assert (summary.first.value, summary.last.wall_time_micros) == (2.0, 90)
    connection.close()


def test_chunk_columns_are_stored_as_little_endian_int64_float64_int64(conn: sqlite3.Connection) -> None:
    """The stored format every earlier version wrote and reads: numpy columns change nothing."""
    run_pk = runs.require_pk(conn, runs.create(conn, Run(EXPERIMENT.run("run-1"))).name)
    steps, values, walls = [5, 1, 3, 1], [0.5, 0.1, 0.3, -0.1], [50, 10, 30, 11]
    timeseries.write(conn, run_pk, [Series("m", np.array(steps), np.array(values), np.array(walls))])
    (blobs,) = conn.execute("SELECT steps, vals, wall_times FROM chunks").fetchall()
    # Sorted by step, the later of the two step-1 points kept.
    assert blobs == (
        struct.pack("<3q", 1, 3, 5),
        struct.pack("<3d", -0.1, 0.3, 0.5),
        struct.pack("<3q", 11, 30, 50),
    )


@settings(max_examples=100, deadline=None)
@given(
    old=st.lists(st.integers(0, 200), max_size=60, unique=True),
    new=st.lists(st.integers(0, 200), min_size=1, max_size=60),
)
def test_overlay_is_the_union_by_step_with_new_points_winning(old: list[int], new: list[int]) -> None:
    """The vectorised merge against a dictionary, including repeats within the new points."""
    stored = chunks.from_batch(sorted(old), [float(s) for s in sorted(old)], sorted(old))
    if not len(stored):
        return
    written = chunks.from_batch(new, [-float(i) for i in range(len(new))], [-i for i in range(len(new))])
    model = {s: (float(s), s) for s in old}
    model |= {s: (-float(i), -i) for i, s in enumerate(new)}
    merged = chunks.overlay(stored, written)
    found = zip(merged.steps.tolist(), merged.values.tolist(), merged.wall_times.tolist(), strict=True)
    assert list(found) == [(s, *model[s]) for s in sorted(model)]


def test_migration_gives_chunks_from_before_block_extremes_theirs_and_keeps_every_point() -> None:
    """A V4 database (summaries, no block extremes): after migrating, every point reads back as
    it was, and downsampled reads equal the full decode, from block extremes the backfill made."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    connection.execute("INSERT INTO schema_version (version) VALUES (4)")
    for statements in schema.MIGRATIONS[:4]:
        for statement in statements:
            connection.execute(statement) if isinstance(statement, str) else statement(connection)
    experiments.create(connection, Experiment(EXPERIMENT))
    run_pk = runs.require_pk(connection, runs.create(connection, Run(EXPERIMENT.run("old"))).name)
    (series_pk,) = connection.execute(
        "INSERT INTO series (run_pk, metric, max_step, point_count) VALUES (?, 'm', 0, 0) RETURNING pk",
        (run_pk,),
    ).fetchone()
    rng = np.random.default_rng(7)
    written: list[tuple[int, float, int]] = []
    for first in range(0, 3000, 1000):  # three chunks of 1,000 points, every other step
        steps = np.arange(first * 2, (first + 1000) * 2, 2, dtype=np.int64)
        points = chunks.from_batch(steps, rng.integers(-50, 50, 1000).astype(np.float64), steps * 10)
        connection.execute(
            "INSERT INTO chunks (series_pk, first_step, last_step, count, steps, vals, wall_times, summary)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                series_pk,
                points.first_step,
                points.last_step,
                1000,
                *chunks.pack(points),
                chunks.summarize(points),
            ),
        )
        written += zip(points.steps.tolist(), points.values.tolist(), points.wall_times.tolist(), strict=True)
    connection.execute("UPDATE series SET max_step = ?, point_count = 3000", (written[-1][0],))

    schema.migrate(connection)

    assert connection.execute("SELECT count(*) FROM chunks WHERE blocks IS NULL").fetchone() == (0,)
    assert read_all(connection, run_pk) == {"m": written}
    for start, end, max_points in [(0, None, 100), (0, None, 7), (1001, 4801, 50), (3, 9, 1)]:
        expected = full_downsample(connection, series_pk, start, end, max_points)
        found = timeseries.read_downsampled(connection, series_pk, start, end, max_points)
        assert found is not None
        assert (list(found.steps), list(found.values), list(found.wall_times)) == (
            list(expected.steps or []),
            list(expected.values),
            list(expected.wall_time_micros),
        )
    connection.close()


def test_chunks_written_with_another_block_size_still_downsample_right(conn: sqlite3.Connection) -> None:
    """Block records that do not line up with the reader's block size are not misread: those
    chunks are read whole, and the points equal the full decode."""
    written_with = chunks.ChunkTuning(chunk_max_points=100, block_points=10)
    run_pk = runs.require_pk(conn, runs.create(conn, Run(EXPERIMENT.run("resized"))).name)
    steps = list(range(2_000))
    series = Series("m", steps, [float((s * 31) % 97) for s in steps], steps)
    timeseries.write(conn, run_pk, [series], written_with)
    ((series_pk,),) = conn.execute("SELECT pk FROM series WHERE run_pk = ?", (run_pk,)).fetchall()
    read_with = dataclasses.replace(written_with, block_points=7)
    found = timeseries.read_downsampled(conn, series_pk, 0, None, 30, read_with)
    expected = full_downsample(conn, series_pk, 0, None, 30)
    assert found is not None
    assert (list(found.steps), list(found.values)) == (list(expected.steps or []), list(expected.values))


def test_a_v6_database_keeps_its_chunks_as_they_are_and_reads_the_same() -> None:
    """V7 rewrites no row: a chunk stored with its consecutive steps and its one wall time in
    full blobs reads as before, and a write over it merges into a chunk stored the new way."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    with contextlib.closing(connection):
        with pytest.MonkeyPatch.context() as v6:  # the schema and the chunk format before V7
            v6.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:6])
            v6.setattr(chunks, "consecutive", lambda first_step, last_step, count: False)
            v6.setattr(chunks, "_shared", lambda column: False)
            schema.migrate(connection)
            experiments.create(connection, Experiment(EXPERIMENT))
            run_pk = runs.require_pk(connection, runs.create(connection, Run(EXPERIMENT.run("old"))).name)
            timeseries.write(connection, run_pk, [Series("m", list(range(5, 15)), [1.0] * 10, [9] * 10)])
        schema.migrate(connection)
        assert connection.execute("SELECT version FROM schema_version").fetchone() == (
            len(schema.MIGRATIONS),
        )
        assert connection.execute("SELECT steps, wall_times FROM chunks").fetchone() == (
            struct.pack("<10q", *range(5, 15)),
            struct.pack("<10q", *[9] * 10),
        )
        assert read_all(connection, run_pk) == {"m": [(s, 1.0, 9) for s in range(5, 15)]}
        timeseries.write(connection, run_pk, [Series("m", [7, 15], [2.0, 3.0], [9, 9])])
        assert connection.execute(
            "SELECT first_step, last_step, steps, wall_times FROM chunks"
        ).fetchall() == [
            (5, 14, b"", struct.pack("<q", 9)),
            (15, 15, b"", struct.pack("<q", 9)),
        ]
        written = {s: (1.0, 9) for s in range(5, 15)} | {7: (2.0, 9), 15: (3.0, 9)}
        assert read_all(connection, run_pk) == {"m": [(s, *written[s]) for s in sorted(written)]}
