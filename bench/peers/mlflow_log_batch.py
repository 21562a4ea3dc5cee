"""MLflow's tracking server (SQLite backend) fed by `MlflowClient.log_batch`, in MLflow's venv.

Starts `mlflow server` on a loopback port, logs the benchmark workload (`--metrics` metrics x
steps, `--per-call` metrics per `log_batch`) until `--max-points` points or `--max-seconds`,
and prints one JSON line: points, seconds, calls, version.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.request

START_TIMEOUT_SECONDS = 180.0
STOP_GRACE_SECONDS = 15.0
WARMUP_CALLS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: pathlib.Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"mlflow server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"mlflow server not healthy after {START_TIMEOUT_SECONDS}s")


def log_workload(
    url: str, metrics: int, per_call: int, max_points: int, max_seconds: float
) -> dict[str, object]:
    # In MLflow's venv only.
    from mlflow.entities import Metric  # type: ignore[import-not-found]
    from mlflow.tracking import MlflowClient  # type: ignore[import-not-found]

    client = MlflowClient(tracking_uri=url)
    experiment_id = client.create_experiment("bench")
    # Untimed warm-up calls on a run of their own, so the first requests' one-off costs don't count.
    warmup_run = client.create_run(experiment_id).info.run_id
    for step in range(WARMUP_CALLS):
        client.log_batch(warmup_run, metrics=[Metric("warmup", 0.0, int(time.time() * 1000), step)])
    run_id = client.create_run(experiment_id).info.run_id
    rows = per_call // metrics
    points = calls = 0
    step = 1
    start = time.perf_counter()
    while points < max_points and time.perf_counter() - start < max_seconds:
        now = int(time.time() * 1000)
        batch = [
            Metric(key=f"metric-{m}", value=(s * 7 + m) % 1000 / 1000, timestamp=now, step=s)
            for s in range(step, step + rows)
            for m in range(metrics)
        ]
        client.log_batch(run_id, metrics=batch)
        points += len(batch)
        calls += 1
        step += rows
    seconds = time.perf_counter() - start
    return {
        "points": points,
        "seconds": seconds,
        "calls": calls,
        "version": importlib.metadata.version("mlflow"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=pathlib.Path, required=True)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--per-call", type=int, default=1000)
    parser.add_argument("--max-points", type=int, default=100_000)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args()
    # The bench sends SIGTERM when this script runs out of time: exit through `finally`, which
    # stops the server's whole process group.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = args.workdir / "mlflow-server.log"
    with log.open("wb") as out:
        # Its own session, so stopping it also stops the workers it forks.
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mlflow",
                "server",
                "--backend-store-uri",
                f"sqlite:///{args.workdir / 'mlflow.db'}",
                "--default-artifact-root",
                str(args.workdir / "artifacts"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"},
        )
    try:
        wait_healthy(url, server, log)
        result = log_workload(url, args.metrics, args.per_call, args.max_points, args.max_seconds)
        print(json.dumps(result), flush=True)
    finally:
        stop_group(server)


def stop_group(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group; SIGKILL to whatever is left of it after a grace
    period (its uvicorn workers and job consumers can outlive the parent)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=STOP_GRACE_SECONDS)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


if __name__ == "__main__":
    main()
