"""64 concurrent writer streams, into 64 runs and into one run, against one stream's rate
measured on the same server; and the server's peak memory meanwhile.

One client process: one writer (and so one stream) per thread, all on one channel, as a
training job with many workers logging through one client would. Each phase's peak RSS is read
from VmHWM after resetting it through /proc/<pid>/clear_refs.
"""

from __future__ import annotations

import os
import pathlib
import time
from dataclasses import dataclass

from bench import cpu, serving, streaming
from bench.table import INFO, Row, rate, verdict

STREAMS = 64
METRICS = 10
BATCH_POINTS = 50_000
TARGET_FRACTION = 0.70
TARGET_RSS_MB = 300.0


@dataclass(frozen=True)
class Plan:
    single_steps: int
    steps_per_stream: int


FULL = Plan(200_000, 20_000)
QUICK = Plan(20_000, 2_000)


def run(workdir: pathlib.Path, quick: bool) -> list[Row]:
    plan = QUICK if quick else FULL
    with serving.exprun_server(workdir, "streams") as server:
        assert server.process is not None
        pid = server.process.pid
        names = serving.create_runs(
            server.target, ["single", "shared", *[f"run-{k}" for k in range(STREAMS)]]
        )
        single, shared, many = names[0], names[1], names[2:]
        streaming.connect(server.target)

        steps, columns = streaming.workload(METRICS, plan.single_steps)
        start = time.perf_counter()
        acked = streaming.stream(server.target, single, steps, columns, BATCH_POINTS)
        one = acked / (time.perf_counter() - start)
        rss_one = serving.peak_rss_mb(pid)

        steps, columns = streaming.workload(METRICS, plan.steps_per_stream)
        phases: dict[str, list[streaming.Job]] = {
            f"{STREAMS} streams → {STREAMS} runs": [(name, steps, columns) for name in many],
            f"{STREAMS} streams → 1 run": [
                (shared, steps, {f"w{k}-{metric}": values for metric, values in columns.items()})
                for k in range(STREAMS)
            ],
        }
        rows = [
            Row(
                "streams one stream (baseline)",
                rate(one),
                "-",
                INFO,
                (
                    f"{streaming.client_name()}, {METRICS} metrics x {plan.single_steps:,} steps, "
                    f"batches of {BATCH_POINTS:,} points",
                ),
            )
        ]
        peaks = [rss_one]
        reset = True
        for label, jobs in phases.items():
            reset = serving.reset_peak_rss(pid) and reset
            window = cpu.CpuWindow({"server": pid, "client": os.getpid()})
            window.start()
            start = time.perf_counter()
            acked = streaming.stream_many(server.target, jobs, BATCH_POINTS)
            seconds = time.perf_counter() - start
            usages, machine = window.stop()
            aggregate = acked / seconds
            expected = len(jobs) * METRICS * plan.steps_per_stream
            peak = serving.peak_rss_mb(pid)
            peaks.append(peak)
            rows.append(
                Row(
                    f"streams {label}",
                    f"{rate(aggregate)} = {aggregate / one:.0%} of one"
                    + ("" if acked == expected else f" ({acked:,} of {expected:,} acked)"),
                    f"≥ {TARGET_FRACTION:.0%} of one stream",
                    verdict(acked == expected and aggregate >= TARGET_FRACTION * one),
                    (
                        f"{len(jobs)} x {METRICS} metrics x {plan.steps_per_stream:,} steps "
                        f"= {expected:,} points "
                        f"in {seconds:.1f} s; server peak RSS in this phase {peak:.0f} MB",
                        f"{cpu.limit_note(usages, machine)}; {cpu.per_point_note(usages, seconds, acked)}",
                    ),
                )
            )
        worst = max(peaks)
        rows.append(
            Row(
                "streams server peak RSS",
                f"{worst:.0f} MB",
                f"≤ {TARGET_RSS_MB:.0f} MB",
                verdict(worst <= TARGET_RSS_MB),
                ()
                if reset
                else ("VmHWM could not be reset between phases: the peak is over the whole benchmark",),
            )
        )
        return rows
