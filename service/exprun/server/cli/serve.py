"""`exprun serve`: run the server."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from exprun.server import settings


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "serve",
        help="run the exprun gRPC server",
        description="Run the exprun gRPC server. Every flag has an EXPRUN_* environment default.",
    )
    settings.add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = settings.from_arguments(args)
    except settings.SettingsError as exc:
        print(f"exprun serve: {exc}", file=sys.stderr)
        return 2
    from exprun.server.telemetry import logs, providers

    try:
        providers.check_environment()
    except providers.TelemetryConfigError as exc:
        print(f"exprun serve: {exc}", file=sys.stderr)
        return 2
    logs.configure(config.log_level, config.log_format)
    from exprun.server import app

    try:
        asyncio.run(app.serve(config))
    except OSError as exc:
        print(f"exprun serve: {exc}", file=sys.stderr)
        return 1
    return 0
