"""`exprun serve`: run the server."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from exprun.server import settings
from exprun.server.security import config as security


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "serve",
        help="run the exprun gRPC server",
        description="Run the exprun gRPC server. Every flag has an EXPRUN_* environment default.",
    )
    settings.add_arguments(parser)
    parser.set_defaults(handler=run)


def load_settings(args: argparse.Namespace) -> settings.Settings:
    """The settings `exprun serve` runs with: every flag checked, then the files that TLS,
    authentication and page tokens name, so a bad one stops the start before anything binds."""
    config = settings.from_arguments(args)
    security.check(config)
    return config


def run(args: argparse.Namespace) -> int:
    try:
        config = load_settings(args)
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
