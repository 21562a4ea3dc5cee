"""`exprun tensorboard`: TensorBoard, reading the runs of a running exprun server.

TensorBoard is an optional extra (`exprun[tensorboard]`); without it the command prints the line
that installs it. It runs TensorBoard in this process with `--grpc_data_provider` pointed at the
server, directly when the server needs no token or TLS, otherwise through a loopback forwarder
that adds them (`tensorboard_proxy`), and prints the URL of the chosen experiment.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import signal
import sys
import threading
from typing import Any

from exprun.client._limits import DEFAULT_TARGET
from exprun.server.cli.inspect import DEFAULT_LOCATION, DEFAULT_PROJECT

INSTALL = "pip install 'exprun[tensorboard]'"
DEFAULT_PORT = 6006


def register(commands: Any) -> None:
    env = os.environ.get
    parser: argparse.ArgumentParser = commands.add_parser(
        "tensorboard",
        help="open TensorBoard on the server's runs",
        description="Start TensorBoard on the runs of a running exprun server (its TensorBoard "
        f"data-provider API). Needs TensorBoard: {INSTALL}",
    )
    parser.add_argument(
        "--target",
        default=env("EXPRUN_TARGET", DEFAULT_TARGET),
        help="server host:port (default: $EXPRUN_TARGET or %(default)s)",
    )
    parser.add_argument(
        "--experiment",
        default=env("EXPRUN_EXPERIMENT"),
        help="experiment to open: an ID in --project and --location, or PROJECT.LOCATION.EXPERIMENT; "
        "default: the server's --tensorboard-experiment (default: $EXPRUN_EXPERIMENT)",
    )
    parser.add_argument(
        "--project", default=env("EXPRUN_PROJECT", DEFAULT_PROJECT), help="default: %(default)s"
    )
    parser.add_argument(
        "--location", default=env("EXPRUN_LOCATION", DEFAULT_LOCATION), help="default: %(default)s"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TensorBoard's HTTP port (default %(default)s)"
    )
    parser.add_argument(
        "--host", default="localhost", help="address TensorBoard's HTTP server binds to (default %(default)s)"
    )
    parser.add_argument(
        "--token", default=env("EXPRUN_TOKEN"), help="bearer token for the server (default: $EXPRUN_TOKEN)"
    )
    parser.add_argument("--tls", action="store_true", help="the server serves TLS (system CA roots)")
    parser.add_argument(
        "--tls-ca", type=pathlib.Path, help="PEM CA file that signed the server's certificate"
    )
    parser.set_defaults(handler=run)


def experiment_path(experiment: str | None, project: str, location: str) -> str:
    """TensorBoard's URL path for the experiment: "" (the server's default) or /experiment/P.L.E/."""
    if not experiment:
        return ""
    if "." not in experiment:
        experiment = f"{project}.{location}.{experiment}"
    return f"experiment/{experiment}/"


def run(args: argparse.Namespace) -> int:
    try:
        from tensorboard import program
    except ImportError:
        print(f"exprun tensorboard needs TensorBoard; install it with:\n  {INSTALL}", file=sys.stderr)
        return 1
    from exprun.server.cli.tensorboard_proxy import Forwarder
    from exprun.server.security.config import is_loopback

    forwarder = None
    data_provider = args.target
    # TensorBoard's own channel has no token, no client TLS, and local credentials (loopback only).
    if args.token or args.tls or args.tls_ca or not is_loopback(args.target.rpartition(":")[0]):
        forwarder = Forwarder(
            args.target, token=args.token, tls=args.tls, ca_file=args.tls_ca, listen="127.0.0.1:0"
        )
        forwarder.start()
        data_provider = f"127.0.0.1:{forwarder.port}"
    board = program.TensorBoard()
    board.configure(
        argv=[
            "tensorboard",
            f"--grpc_data_provider={data_provider}",
            f"--port={args.port}",
            f"--host={args.host}",
        ]
    )
    try:
        url = board.launch()
    except program.TensorBoardServerException as exc:
        print(f"exprun tensorboard: {exc}", file=sys.stderr)
        return 1
    page = url + experiment_path(args.experiment, args.project, args.location)
    print(f"TensorBoard on exprun at {args.target}: {page}")
    sys.stdout.flush()
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    stopping.wait()
    if forwarder is not None:
        forwarder.stop()
    return 0
