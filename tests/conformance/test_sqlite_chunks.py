"""The embedded store's chunked time series, with tiny chunks so a few points cross every boundary.

Not part of the parametrized suite: these call the SQL modules on an in-memory database and
check the stored chunks themselves, which no port method shows.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator

import pytest
from exprun.server.core.model import Experiment, Run, Series
from exprun.server.core.names import ExperimentName
from exprun.server.stores.sqlite import chunks, experiments, runs, schema, timeseries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXPERIMENT = ExperimentName("test-project", "us-central1", "exp-1")


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    schema.migrate(connection)
    experiments.create(connection, Experiment(EXPERIMENT))
    yield connection
    connection.close()


@pytest.fixture
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timeseries, "CHUNK_MAX_POINTS", 8)
    monkeypatch.setattr(timeseries, "MERGE_MAX_POINTS", 4)
    monkeypatch.setattr(timeseries, "READ_MAX_POINTS", 5)


def read_all(conn: sqlite3.Connection, run_pk: int) -> dict[str, list[tuple[int, float, int]]]:
    out: dict[str, list[tuple[int, float, int]]] = {}
    for series_pk, metric in timeseries.metrics(conn, run_pk, ()):
        start, more = 0, True
        while more:
            points, more = timeseries.read_page(conn, series_pk, start, None)
            assert len(points) <= timeseries.READ_MAX_POINTS
            if not points:
                break
            out.setdefault(metric, []).extend(
                zip(points.steps, points.values, points.wall_times, strict=True)
            )
            start = points.last_step + 1
    return out


def assert_chunk_invariants(conn: sqlite3.Connection) -> None:
    """Ranges disjoint per series, columns consistent, and the series row's summary right."""
    for series_pk, max_step, point_count in conn.execute("SELECT pk, max_step, point_count FROM series"):
        rows = conn.execute(
            "SELECT first_step, last_step, count, steps, vals, wall_times FROM chunks WHERE series_pk = ?"
            " ORDER BY last_step",
            (series_pk,),
        ).fetchall()
        previous_last = -1
        for first_step, last_step, count, *blobs in rows:
            points = chunks.unpack(*blobs)
            assert len(points) == count == len(points.values) == len(points.wall_times)
            assert 0 < count <= timeseries.CHUNK_MAX_POINTS
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
    conn: sqlite3.Connection, tiny_chunks: None, calls: list[list[tuple[str, list[int] | None, int]]]
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
        timeseries.write(conn, run_pk, batch)
        assert_chunk_invariants(conn)
    expected = {m: [(s, *model[m][s]) for s in sorted(model[m])] for m in sorted(model)}
    assert read_all(conn, run_pk) == expected


def test_appends_fold_small_tail_chunks_into_few_rows(conn: sqlite3.Connection) -> None:
    run_pk = runs.require_pk(conn, runs.create(conn, Run(EXPERIMENT.run("run-1"))).name)
    for step in range(1000):
        timeseries.write(conn, run_pk, [Series("m", [step], [0.0], [0])])
    (rows,) = conn.execute("SELECT count(*) FROM chunks").fetchone()
    assert rows <= 10  # a binary counter: one chunk per set bit of 1000
    assert_chunk_invariants(conn)
