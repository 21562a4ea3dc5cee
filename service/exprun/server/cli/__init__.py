"""The `exprun` command: `serve` for operators, `experiments`, `runs` and `tensorboard` for people.

Each sub-command module registers its own parser, so the entry point stays a table of contents.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from exprun.server.cli import inspect, serve, tensorboard


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exprun",
        description="exprun: the Vertex AI Experiments ExperimentRun API over gRPC.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.register(commands)
    inspect.register(commands)
    tensorboard.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
