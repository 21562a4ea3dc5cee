"""Aim's local repository fed by `Run.track` one point at a time, in Aim's venv.

Tracks the benchmark workload (`--metrics` metrics per step) until `--max-points` points or
`--max-seconds`, closes the run (its writes are flushed then, so the close is timed), and prints
one JSON line: points, seconds, version.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import pathlib
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=pathlib.Path, required=True)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--max-points", type=int, default=100_000)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    import aim  # type: ignore[import-not-found]  # in Aim's venv only

    # No system-metrics thread and no terminal capture: only the tracked points cost anything.
    run = aim.Run(
        repo=str(args.workdir),
        experiment="bench",
        system_tracking_interval=None,
        log_system_params=False,
        capture_terminal_logs=False,
    )
    names = [f"metric-{m}" for m in range(args.metrics)]
    points = 0
    step = 1
    start = time.perf_counter()
    try:
        while points < args.max_points and time.perf_counter() - start < args.max_seconds:
            for m, name in enumerate(names):
                run.track((step * 7 + m) % 1000 / 1000, name=name, step=step)
            points += len(names)
            step += 1
    finally:
        run.close()
    seconds = time.perf_counter() - start
    print(
        json.dumps({"points": points, "seconds": seconds, "version": importlib.metadata.version("aim")}),
        flush=True,
    )


if __name__ == "__main__":
    main()
