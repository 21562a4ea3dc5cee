"""Fault injection end to end: Vertex fails 20 % of every call, exprun is driven hard through it, and the
official SDK, reading with the faults off, finds every param, metric and point exprun acknowledged.

The exprun client drives one run through `exprun serve --store vertex` while the Vertex fake
answers 20 % of all calls (every method) with UNAVAILABLE and delays every call by a few ms:
params and metrics in bursts from several threads while a `TimeSeriesWriter` streams 20,000
points (20 metrics x 1000 steps, flushed every 500 points so that many Vertex writes are made). Two
kinds of failure: the call fails before it takes effect (the plain outage), or after it took
effect with the answer lost, so exprun retries something Vertex already did (an UpdateContext
whose etag has moved, a CreateContext that now exists, a write that is repeated).

20 series of 1000 points keep the SDK's DataFrame complete: BatchRead samples beyond 1000 points
per series, and the SDK reads 20 series per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from exprun.client import Experiment, ExperimentRun, ExprunError
from google.cloud import aiplatform

from tests.fakes.vertex import Fault, Faults, VertexFake

METRICS = 20
STEPS = 1000
CHUNK_STEPS = 25
THREADS = 6
BURSTS = 8
KEYS_PER_BURST = 3
LATENCY_SECONDS = 0.003
ERROR_RATE = 0.2


def value(metric: int, step: int) -> float:
    return metric * 1000.0 + step / 7.0


def summary_value(thread: int, burst: int, key: int) -> float | int | str:
    """A mix of the three value types, all distinct."""
    return (float(thread * 100 + burst + key / 10), thread * 100 + burst, f"t{thread}-b{burst}")[key % 3]


def outage(after: bool) -> Faults:
    """20 % UNAVAILABLE and a few ms on every method; `after`: the call took effect first."""
    return Faults(
        {"*": Fault(latency=LATENCY_SECONDS, error_rate=ERROR_RATE, after=after)},
        seed=20 if after else 10,
    )


@pytest.mark.parametrize("after", [False, True], ids=["fails-before-effect", "answer-lost-after-effect"])
def test_nothing_acknowledged_is_lost_when_vertex_fails_a_fifth_of_all_calls(
    fake: VertexFake, sdk: VertexFake, experiment_name: str, after: bool
) -> None:
    fake.faults = outage(after)
    Experiment.create(experiment_name, backing_tensorboard="tb1")
    run = ExperimentRun.create("run-1", experiment=experiment_name)

    acked_params: dict[str, float | int | str] = {}
    acked_metrics: dict[str, float | int | str] = {}
    refused: list[ExprunError] = []
    lock = threading.Lock()

    def bursts(thread: int, log: Callable[..., None], acked: dict[str, float | int | str]) -> None:
        for burst in range(BURSTS):
            values = {f"t{thread}-b{burst}-k{key}": summary_value(thread, burst, key) for key in range(3)}
            try:
                log(values)
            except ExprunError as error:  # not acknowledged: the contract allows it to be missing
                with lock:
                    refused.append(error)
                continue
            with lock:
                acked.update(values)

    points = METRICS * STEPS
    with ThreadPoolExecutor(max_workers=2 * THREADS) as pool:
        futures = [pool.submit(bursts, t, run.log_params, acked_params) for t in range(THREADS)]
        futures += [pool.submit(bursts, t, run.log_metrics, acked_metrics) for t in range(THREADS)]
        with run.time_series_writer(max_batch_points=500, max_batch_delay=0.01) as writer:
            # Flushed every 500 points, so that the server cannot coalesce them all into a few
            # Vertex writes: at least 40 WriteTensorboardRunData calls meet the outage.
            for start in range(1, STEPS + 1, CHUNK_STEPS):
                steps = list(range(start, start + CHUNK_STEPS))
                writer.log_columns(
                    steps,
                    {f"m{metric:02d}": [value(metric, step) for step in steps] for metric in range(METRICS)},
                )
                writer.flush()
        for future in futures:
            future.result()
    assert writer.points_acked == points
    injected, calls = fake.faults.injected, fake.faults.delayed

    fake.faults = Faults()
    sdk_run = aiplatform.ExperimentRun("run-1", experiment=experiment_name)
    params = sdk_run.get_params()
    metrics = sdk_run.get_metrics()
    # Every acknowledged value is there, as Vertex gives it to the SDK (ints as floats).
    assert {key: params[key] for key in acked_params} == acked_params
    assert {key: metrics[key] for key in acked_metrics} == acked_metrics
    frame = sdk_run.get_time_series_data_frame()
    assert list(frame["step"]) == list(range(1, STEPS + 1))
    for metric in range(METRICS):
        assert frame[f"m{metric:02d}"].tolist() == [value(metric, step) for step in range(1, STEPS + 1)]
    # The outage was real, on writes and on metadata updates alike, and exprun rode it out:
    # with retries inside a 60 s deadline nothing had to be refused.
    assert injected.get("WriteTensorboardRunData", 0) > 0
    assert injected.get("UpdateContext", 0) > 0
    assert sum(injected.values()) > 0.1 * sum(calls.values())
    assert refused == []
    assert len(acked_params) == len(acked_metrics) == THREADS * BURSTS * KEYS_PER_BURST
