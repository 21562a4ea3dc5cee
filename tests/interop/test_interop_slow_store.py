"""A slow store (Vertex answering writes after 250 ms): the writer's window fills, `log` blocks
instead of buffering without bound, the server's memory stays bounded, and nothing is dropped."""

from __future__ import annotations

import pathlib
from array import array

from exprun.client import Experiment, ExperimentRun

from tests.fakes.vertex import Fault, Faults, VertexFake
from tests.interop.interop_support import unique_experiment
from tests.support.server_process import ServerProcess

METRICS = 10
STEPS = 10_000
ROWS_PER_CALL = 1_000
MAX_BUFFERED = 30_000
RSS_BOUND_BYTES = 600 * 1024**2


def peak_rss(server: ServerProcess) -> int:
    assert server.process is not None
    status = pathlib.Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) * 1024


def test_a_slow_store_fills_the_window_blocks_the_producer_and_loses_nothing(
    fake: VertexFake, exprun_client: ServerProcess
) -> None:
    experiment = Experiment.create(unique_experiment("slow-store"))
    run = ExperimentRun.create("slow", experiment=experiment)
    fake.faults = Faults({"WriteTensorboardRunData": Fault(latency=0.25)})
    pending_seen = []
    with run.time_series_writer(
        max_batch_points=5_000, max_buffered_points=MAX_BUFFERED, on_full="block"
    ) as writer:
        for start in range(0, STEPS, ROWS_PER_CALL):
            steps = list(range(start, start + ROWS_PER_CALL))
            writer.log_columns(
                steps, {f"m{m}": array("d", [m * 1e6 + s for s in steps]) for m in range(METRICS)}
            )
            pending_seen.append(writer.points_pending)
    fake.faults = Faults()
    assert max(pending_seen) <= MAX_BUFFERED
    assert max(pending_seen) >= MAX_BUFFERED - ROWS_PER_CALL * METRICS  # the window did fill
    series = run.read_time_series()
    assert sorted(series) == [f"m{m}" for m in range(METRICS)]
    for m in range(METRICS):
        assert list(series[f"m{m}"].steps) == list(range(STEPS))
        assert list(series[f"m{m}"].values) == [m * 1e6 + s for s in range(STEPS)]
    assert peak_rss(exprun_client) < RSS_BOUND_BYTES
