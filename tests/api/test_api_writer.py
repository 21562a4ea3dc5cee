"""`TimeSeriesWriter` against the real server: everything logged is readable after `flush`,
batches are cut by size and by delay, errors surface typed, and a full buffer blocks or raises.

Batching is observed through acknowledgements (`committed_sequence` counts batches), never
through timing; every wait is bounded.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Callable

import numpy as np
import pytest
from exprun.client import (
    BufferFull,
    Experiment,
    ExperimentRun,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
    TimeSeriesWriter,
    init,
    start_run,
)

from tests.api.conftest import LOCATION, PROJECT
from tests.support.server_process import free_port


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


def stored(run: ExperimentRun) -> dict[str, list[tuple[int, float]]]:
    return {
        metric: list(zip(series.steps, series.values, strict=True))
        for metric, series in run.read_time_series().items()
    }


def test_points_logged_per_step_and_in_columns_are_all_readable_after_flush(
    experiment_run: ExperimentRun,
) -> None:
    with experiment_run.time_series_writer() as writer:
        for step in range(1, 101):
            writer.log({"loss": 1 / step, "acc": step / 100}, step=step)
        writer.log_columns([101, 102], {"loss": [0.5, 0.25], "acc": array("d", [0.9, 0.95])})
        writer.log_columns(np.arange(103, 105), {"loss": np.array([0.125, 0.0625])})
        writer.flush(timeout=20)
        assert writer.points_acked == writer.points_logged == 206
        points = stored(experiment_run)
    assert points["loss"] == [(s, 1 / s) for s in range(1, 101)] + [
        (101, 0.5),
        (102, 0.25),
        (103, 0.125),
        (104, 0.0625),
    ]
    assert points["acc"] == [(s, s / 100) for s in range(1, 101)] + [(101, 0.9), (102, 0.95)]


def test_wall_times_are_kept_per_point(experiment_run: ExperimentRun) -> None:
    with experiment_run.time_series_writer() as writer:
        writer.log({"loss": 0.5}, step=1, wall_time=1_700_000_000_000_001)
        writer.log_columns([2, 3], {"loss": [0.4, 0.3]}, wall_time_micros=[1_700_000_000_000_002, 7])
        writer.log_columns([4], {"loss": [0.2]}, wall_time_micros=1_700_000_000_000_004)
        before = time.time_ns() // 1000
        writer.log({"loss": 0.1}, step=5)
    series = experiment_run.read_time_series(["loss"])["loss"]
    assert series.wall_time_micros[:4] == [
        1_700_000_000_000_001,
        1_700_000_000_000_002,
        7,
        1_700_000_000_000_004,
    ]
    assert before <= series.wall_time_micros[4] <= time.time_ns() // 1000


def test_default_steps_continue_after_the_runs_largest_step_then_after_the_writers_last(
    experiment_run: ExperimentRun,
) -> None:
    experiment_run.log_time_series({"loss": [0.9, 0.8]}, steps=[6, 7])
    with experiment_run.time_series_writer() as writer:
        writer.log({"loss": 0.7})
        writer.log({"loss": 0.6, "acc": 0.5})
        writer.log({"loss": 0.5}, step=20)
        writer.log({"loss": 0.4})
    points = stored(experiment_run)
    assert [s for s, _ in points["loss"]] == [6, 7, 8, 9, 20, 21]
    assert points["acc"] == [(9, 0.5)]


def test_default_steps_of_an_empty_run_start_at_one(experiment_run: ExperimentRun) -> None:
    with experiment_run.time_series_writer() as writer:
        writer.log({"loss": 0.7})
        writer.log({"loss": 0.6})
    assert stored(experiment_run)["loss"] == [(1, 0.7), (2, 0.6)]


def test_batches_are_cut_by_size_without_waiting_for_the_delay(experiment_run: ExperimentRun) -> None:
    writer = experiment_run.time_series_writer(max_batch_points=1000, max_batch_delay=3600)
    writer.log_columns(range(250), {f"m{i}": [float(i)] * 250 for i in range(10)})
    wait_until(lambda: writer.points_acked == 2500, "2500 points acknowledged")
    # 2500 points went out as batches of at most 1000 points, with no flush and no delay.
    assert writer.committed_sequence == 3
    writer.close(timeout=20)


def test_a_partial_batch_is_sent_after_the_delay(experiment_run: ExperimentRun) -> None:
    writer = experiment_run.time_series_writer(max_batch_points=50_000, max_batch_delay=0.05)
    for step in range(10):
        writer.log({"loss": step / 10}, step=step)
    wait_until(lambda: writer.points_acked == 10, "10 points acknowledged")
    assert writer.committed_sequence >= 1
    writer.close(timeout=20)
    assert len(stored(experiment_run)["loss"]) == 10


def test_flush_sends_a_partial_batch_at_once(experiment_run: ExperimentRun) -> None:
    with experiment_run.time_series_writer(max_batch_delay=3600) as writer:
        writer.log({"loss": 0.5}, step=1)
        writer.flush(timeout=20)
        assert writer.committed_sequence == 1
        assert writer.points_acked == 1


def test_close_is_idempotent_and_a_closed_writer_refuses_points(experiment_run: ExperimentRun) -> None:
    writer = experiment_run.time_series_writer()
    writer.log({"loss": 0.5}, step=1)
    writer.close(timeout=20)
    writer.close(timeout=20)
    writer.flush(timeout=1)
    with pytest.raises(ValueError, match="closed"):
        writer.log({"loss": 0.4}, step=2)
    assert stored(experiment_run)["loss"] == [(1, 0.5)]


def test_a_nan_is_refused_at_the_call_naming_the_metric_and_the_writer_goes_on(
    experiment_run: ExperimentRun,
) -> None:
    """Refused before it is buffered: sent, the server would refuse its whole batch long after
    `log` returned, and stop the writer with the other points of that batch."""
    writer = experiment_run.time_series_writer()
    writer.log({"loss": 0.5}, step=1)
    with pytest.raises(InvalidArgument) as raised:
        writer.log({"loss": float("nan")}, step=2)
    assert [field for field, _ in raised.value.field_violations] == ["metrics['loss']"]
    writer.log({"loss": 0.4}, step=3)
    writer.close(timeout=20)
    assert writer.points_acked == 2
    assert stored(experiment_run)["loss"] == [(1, 0.5), (3, 0.4)]


def test_a_writer_for_a_missing_run_raises_not_found(experiment_run: ExperimentRun) -> None:
    writer = TimeSeriesWriter(experiment_run.exprun_name + "-missing")
    writer.log({"loss": 0.5}, step=1)
    with pytest.raises(NotFound):
        writer.flush(timeout=20)
    with pytest.raises(NotFound):
        writer.close(timeout=20)


def test_a_full_buffer_raises_buffer_full_while_the_server_is_unreachable(
    experiment_run: ExperimentRun,
) -> None:
    init(target=f"127.0.0.1:{free_port()}", project=PROJECT, location=LOCATION)
    writer = TimeSeriesWriter(
        experiment_run.exprun_name, max_batch_points=100, max_buffered_points=100, on_full="raise"
    )
    writer.log_columns(range(50), {"a": [0.0] * 50, "b": [1.0] * 50})
    with pytest.raises(BufferFull) as raised:
        writer.log({"a": 0.5}, step=50)
    assert isinstance(raised.value, ResourceExhausted)
    with pytest.raises(BufferFull):
        writer.log_columns([51], {"a": [0.5]})
    with pytest.raises(TimeoutError, match="100 points"):
        writer.flush(timeout=0.2)
    with pytest.raises(TimeoutError, match="100 points not acknowledged"):
        writer.close(timeout=0.2)


def test_a_full_buffer_blocks_until_acks_free_room(experiment_run: ExperimentRun) -> None:
    writer = experiment_run.time_series_writer(max_batch_points=100, max_buffered_points=100, on_full="block")
    # 3000 points through room for 100: every log waits for acks of earlier points.
    for step in range(1000):
        writer.log({"loss": step / 1000}, step=step)
    writer.log_columns(range(1000, 2000), {"loss": [0.5] * 1000, "acc": [0.25] * 1000})
    writer.close(timeout=30)
    assert writer.points_acked == 3000
    points = stored(experiment_run)
    assert len(points["loss"]) == 2000
    assert len(points["acc"]) == 1000


def test_several_threads_may_log_to_one_writer(experiment_run: ExperimentRun) -> None:
    with experiment_run.time_series_writer(max_batch_points=500) as writer:

        def produce(offset: int) -> None:
            for step in range(offset, offset + 1000):
                writer.log({"loss": float(step)}, step=step)

        threads = [threading.Thread(target=produce, args=(i * 1000,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert stored(experiment_run)["loss"] == [(s, float(s)) for s in range(4000)]


def test_a_row_with_a_non_number_is_refused_whole(experiment_run: ExperimentRun) -> None:
    with experiment_run.time_series_writer() as writer:
        with pytest.raises(TypeError, match="must be a number"):
            writer.log({"loss": 0.5, "acc": "high"}, step=1)  # type: ignore[dict-item]
        with pytest.raises(TypeError, match="must be a number"):
            writer.log({"loss": 0.5, "acc": True}, step=1)
        writer.log({"loss": 0.25, "acc": 0.75}, step=2)
    assert stored(experiment_run) == {"loss": [(2, 0.25)], "acc": [(2, 0.75)]}


def test_a_writer_id_reused_by_a_later_writer_continues_its_sequence(experiment_run: ExperimentRun) -> None:
    with experiment_run.time_series_writer(writer_id="job-42") as first:
        first.log_columns(range(10), {"loss": [0.5] * 10})
        first.flush(timeout=20)
        committed = first.committed_sequence
    # A restarted process with the same ID numbers its batches after the committed ones, so
    # the server does not mistake them for resends.
    with experiment_run.time_series_writer(writer_id="job-42") as second:
        second.log_columns(range(10, 20), {"loss": [0.25] * 10})
        second.flush(timeout=20)
        assert second.committed_sequence > committed
    assert [s for s, _ in stored(experiment_run)["loss"]] == list(range(20))


def test_a_failing_block_still_flushes_and_its_exception_propagates(experiment_run: ExperimentRun) -> None:
    def train() -> None:
        with experiment_run.time_series_writer() as writer:
            writer.log({"loss": 0.5}, step=1)
            raise RuntimeError("training diverged")

    with pytest.raises(RuntimeError, match="training diverged"):
        train()
    assert stored(experiment_run)["loss"] == [(1, 0.5)]


def test_streamed_log_time_series_metrics_is_flushed_by_end_run(experiment_run: ExperimentRun) -> None:
    for step in range(1, 6):
        experiment_run.log_time_series_metrics({"loss": 1 / step}, step=step, stream=True)
    experiment_run.log_time_series_metrics({"loss": 0.1}, stream=True)
    experiment_run.end_run()
    assert stored(experiment_run)["loss"] == [(s, 1 / s) for s in range(1, 6)] + [(6, 0.1)]
    assert experiment_run.get_state() == "COMPLETE"


def test_streamed_points_are_flushed_when_start_runs_block_ends(experiment: Experiment) -> None:
    with start_run("streamed", experiment=experiment) as run:
        for step in range(100):
            run.log_time_series_metrics({"loss": step / 100}, step=step, stream=True)
    assert len(stored(ExperimentRun("streamed", experiment=experiment))["loss"]) == 100
