"""`python -m bench [--quick] [--no-peers] [--only NAME,...]`: runs the benchmarks and prints one
table. It exits 1 when a benchmark broke (a missed target is a row, not a failure), so CI's smoke
run (`--quick --no-peers`) proves each benchmark still runs.

Run from the repository root with the project's venv (`.venv/bin/python -m bench`). Data goes
to `bench/.data/` (deleted as each benchmark ends), peers' venvs to `bench/.venvs/` (kept).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import sys
import time
import traceback
from collections.abc import Callable

from bench import fleet_streams, ingest, latency, reads, startup, streams, tensorboard, vertex_delivery
from bench.peers import install
from bench.table import NOT_MEASURED, Row, render

BENCHMARKS: dict[str, Callable[[pathlib.Path, bool], list[Row]]] = {
    "ingest": ingest.run,
    "streams64": streams.run,
    "streams16": fleet_streams.run_16,
    # 64 streams from the fleet's grpc.aio clients, comparable with streams16/256/1024.
    "fleet64": fleet_streams.run_64,
    "streams256": fleet_streams.run_256,
    "streams1024": fleet_streams.run_1024,
    "read": reads.run,
    "tensorboard": tensorboard.run,
    "latency": latency.run,
    "startup": startup.run,
    "vertex_delivery": vertex_delivery.run,
}
DATA = pathlib.Path(__file__).resolve().parent / ".data"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller workloads: a smoke run")
    parser.add_argument(
        "--no-peers", action="store_true", help="skip the peers (MLflow, Aim) and their installs"
    )
    parser.add_argument("--only", default="", help=f"comma-separated subset of {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    if args.no_peers:
        os.environ[install.SKIP_ENV] = "1"
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")

    load_before = _load_average()
    rows: list[Row] = []
    broken: list[str] = []
    started = time.perf_counter()
    for name in chosen:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        workdir = DATA / name
        try:
            rows += BENCHMARKS[name](workdir, args.quick)
        except Exception as error:  # one broken benchmark still leaves the others' figures
            traceback.print_exc()
            broken.append(name)
            rows.append(Row(name, f"failed: {type(error).__name__}: {error}"[:120], "-", NOT_MEASURED))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        print(f"  {name} took {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    print(render(rows))
    print(
        f"\n{'quick' if args.quick else 'full'} run, {time.perf_counter() - started:.0f} s in all, "
        f"{os.cpu_count()} cores; 1-minute load average {load_before} before, {_load_average()} after "
        "(other processes on the machine share the cores: see each CPU note)"
    )
    if broken:
        sys.exit(f"broken benchmarks: {', '.join(broken)}")


def _load_average() -> str:
    return pathlib.Path("/proc/loadavg").read_text().split()[0]


if __name__ == "__main__":
    main()
