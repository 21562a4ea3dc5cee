"""Streams column-major points into a run and waits for the acks: the Python client's
`TimeSeriesWriter.log_columns` when it is installed, else the raw `StreamTimeSeries` stub."""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import grpc
import numpy as np
import numpy.typing as npt
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb

from bench import serving

STREAM_TIMEOUT_SECONDS = 300.0
# Batches in flight before the raw client waits for an ack (the writer's own default is 16).
RAW_WINDOW = 16

Columns = Mapping[str, npt.NDArray[np.float64]]
Job = tuple[str, npt.NDArray[np.int64], Columns]


def client_name() -> str:
    if importlib.util.find_spec("exprun.client.writer") is not None:
        return "TimeSeriesWriter.log_columns"
    return "raw StreamTimeSeries stub"


def workload(metrics: int, steps: int, prefix: str = "metric") -> tuple[npt.NDArray[np.int64], Columns]:
    """`metrics` columns of `steps` random values at steps 1..steps."""
    generator = np.random.default_rng(7)
    return (
        np.arange(1, steps + 1, dtype=np.int64),
        {f"{prefix}-{i}": generator.random(steps) for i in range(metrics)},
    )


def connect(target: str) -> None:
    """Points the Python client (and so every writer) at `target`."""
    from exprun.client import init

    init(target=target, project=serving.PROJECT, location=serving.LOCATION)


def stream(target: str, run: str, steps: npt.NDArray[np.int64], columns: Columns, batch_points: int) -> int:
    """Streams every point of `columns` into `run`; returns the points acknowledged."""
    if client_name().startswith("TimeSeriesWriter"):
        return _with_writer(run, steps, columns, batch_points)
    return _with_stub(target, run, steps, columns, batch_points)


def _with_writer(run: str, steps: npt.NDArray[np.int64], columns: Columns, batch_points: int) -> int:
    from exprun.client.writer import TimeSeriesWriter

    writer = TimeSeriesWriter(run, max_batch_points=batch_points)
    try:
        writer.log_columns(steps, columns)
    finally:
        writer.close(timeout=STREAM_TIMEOUT_SECONDS)
    return writer.points_acked


@dataclass(frozen=True)
class ClientCpu:
    """CPU seconds of the client: the whole process (`time.process_time`: the caller, the
    writer's threads and gRPC's) and the calling thread alone (`time.thread_time`)."""

    process: float
    caller: float

    def per_point(self, points: int) -> str:
        return (
            f"client CPU per point {self.process / points * 1e6:.3f} us (process_time of the client "
            f"process, all its threads), of which {self.caller / points * 1e6:.3f} us on the logging thread"
        )


def stream_measured(
    target: str, run: str, steps: npt.NDArray[np.int64], columns: Columns, batch_points: int
) -> tuple[int, ClientCpu]:
    """`stream`, with the client's CPU time from the first call to the last ack."""
    process, caller = time.process_time(), time.thread_time()
    acked = stream(target, run, steps, columns, batch_points)
    return acked, ClientCpu(time.process_time() - process, time.thread_time() - caller)


def rows_of(steps: npt.NDArray[np.int64], columns: Columns) -> list[tuple[int, dict[str, float]]]:
    """The workload as a training loop logs it: one `{metric: value}` dict per step."""
    names = list(columns)
    values = np.column_stack(list(columns.values())).tolist()
    return [
        (step, dict(zip(names, row, strict=True))) for step, row in zip(steps.tolist(), values, strict=True)
    ]


def log_per_step(run: str, rows: list[tuple[int, dict[str, float]]]) -> tuple[int, ClientCpu]:
    """`TimeSeriesWriter.log(row, step=step)` for every row, then close; the points acknowledged
    and the client's CPU time from the first `log` to the last ack."""
    from exprun.client.writer import TimeSeriesWriter

    process, caller = time.process_time(), time.thread_time()
    writer = TimeSeriesWriter(run)
    try:
        log = writer.log
        for step, row in rows:
            log(row, step=step)
        caller = time.thread_time() - caller
    finally:
        writer.close(timeout=STREAM_TIMEOUT_SECONDS)
    return writer.points_acked, ClientCpu(time.process_time() - process, caller)


def _with_stub(
    target: str, run: str, steps: npt.NDArray[np.int64], columns: Columns, batch_points: int
) -> int:
    """One stream, at most RAW_WINDOW batches unacknowledged; batches are built as they are sent."""
    rows = max(1, batch_points // len(columns))
    starts = list(range(0, len(steps), rows))
    wall = time.time_ns() // 1000
    acked = 0
    changed = threading.Condition()

    def _room(sequence: int) -> bool:
        return sequence - acked <= RAW_WINDOW

    def requests() -> Iterator[api.StreamTimeSeriesRequest]:
        yield api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id=f"bench-{time.time_ns()}"))
        for sequence, start in enumerate(starts, start=1):
            end = min(len(steps), start + rows)
            step_list = steps[start:end].tolist()
            walls = [wall] * (end - start)
            batch = pb.TimeSeriesBatch(
                series=[
                    pb.TimeSeries(
                        metric=metric,
                        steps=step_list,
                        values=values[start:end].tolist(),
                        wall_time_micros=walls,
                    )
                    for metric, values in columns.items()
                ]
            )
            with changed:
                if not changed.wait_for(partial(_room, sequence), STREAM_TIMEOUT_SECONDS):
                    raise TimeoutError("no ack within the stream timeout")
            yield api.StreamTimeSeriesRequest(batch=api.SequencedBatch(sequence=sequence, batch=batch))

    with grpc.insecure_channel(target) as channel:
        responses: Any = serving.stub(channel).StreamTimeSeries(requests(), timeout=STREAM_TIMEOUT_SECONDS)
        for response in responses:
            if response.WhichOneof("kind") == "ack":
                with changed:
                    acked = response.ack.committed_sequence
                    changed.notify_all()
    return min(len(steps), acked * rows) * len(columns)


def stream_many(
    target: str,
    jobs: list[Job],
    batch_points: int,
) -> int:
    """One stream per `(run, steps, columns)` job, all at once, each on its own thread; returns
    the points acknowledged in all."""
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [
            pool.submit(stream, target, run, steps, columns, batch_points) for run, steps, columns in jobs
        ]
        return sum(future.result(timeout=STREAM_TIMEOUT_SECONDS) for future in futures)
