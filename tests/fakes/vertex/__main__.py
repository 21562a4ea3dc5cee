"""Run the Vertex fake on its own, for manual use and benchmarks; Ctrl-C stops it.

    python -m tests.fakes.vertex --port 8085 --latency-ms 25 --error-rate 0.2 \
        --error-methods WriteTensorboardRunData --project my-project=123456789 \
        --tensorboard my-project/us-central1/tb1 --pipeline-job my-project/us-central1/job-1
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Sequence

import grpc

from tests.fakes.vertex.faults import Faults
from tests.fakes.vertex.server import VertexFake


def _project(text: str) -> tuple[str, str]:
    project_id, sep, number = text.partition("=")
    if not sep or not project_id or not number.isdigit():
        raise argparse.ArgumentTypeError(f"expected PROJECT_ID=NUMBER, got {text!r}")
    return project_id, number


def _resource(text: str) -> tuple[str, str, str]:
    parts = text.split("/")
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError(f"expected PROJECT/LOCATION/TENSORBOARD_ID, got {text!r}")
    return parts[0], parts[1], parts[2]


def _code(text: str) -> grpc.StatusCode:
    try:
        return grpc.StatusCode[text.upper()]
    except KeyError:
        raise argparse.ArgumentTypeError(f"unknown gRPC status code {text!r}") from None


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.vertex", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency added to every call")
    parser.add_argument("--error-rate", type=float, default=0.0, help="probability (0-1) that a call fails")
    parser.add_argument(
        "--error-methods",
        default="*",
        help="comma-separated short method names the error rate applies to (default: all)",
    )
    parser.add_argument(
        "--error-code", type=_code, default=grpc.StatusCode.UNAVAILABLE, help="default UNAVAILABLE"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault and sampling RNGs")
    parser.add_argument(
        "--project", type=_project, action="append", default=[], metavar="ID=NUMBER", help="repeatable"
    )
    parser.add_argument(
        "--tensorboard",
        type=_resource,
        action="append",
        default=[],
        metavar="PROJECT/LOCATION/ID",
        help="create this Tensorboard at start (repeatable)",
    )
    parser.add_argument(
        "--pipeline-job",
        type=_resource,
        action="append",
        default=[],
        metavar="PROJECT/LOCATION/ID",
        help="create this finished PipelineJob at start, for runs to link (repeatable)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    methods = tuple(method.strip() for method in args.error_methods.split(",") if method.strip()) or ("*",)
    faults = Faults.uniform(
        latency=args.latency_ms / 1000,
        error_rate=args.error_rate,
        methods=methods,
        code=args.error_code,
        seed=args.seed,
    )
    fake = VertexFake(dict(args.project), faults=faults, seed=args.seed, max_calls=0)
    address = fake.start(args.host, args.port)
    for project, location, tensorboard_id in args.tensorboard:
        print(f"tensorboard {fake.create_tensorboard(project, location, tensorboard_id)}", flush=True)
    for project, location, job_id in args.pipeline_job:
        print(f"pipeline job {fake.add_pipeline_job(project, location, job_id)}", flush=True)
    print(f"vertex fake serving on {address}", flush=True)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop(grace=1.0)


if __name__ == "__main__":
    main()
