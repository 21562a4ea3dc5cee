"""Server settings: one object, from flags with `EXPRUN_*` environment defaults, validated once at
start so a bad setting fails fast with its name instead of deep inside a request."""

from __future__ import annotations

import argparse
import os
import pathlib
from dataclasses import dataclass

STORES = ("embedded",)


@dataclass(frozen=True)
class Settings:
    listen: str = "127.0.0.1:50051"
    data_dir: pathlib.Path = pathlib.Path(".exprun")
    store: str = "embedded"
    shutdown_grace_seconds: float = 10.0
    log_level: str = "INFO"


class SettingsError(ValueError):
    """A setting is invalid; the message names the flag and the variable."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    env = os.environ.get
    defaults = Settings()
    parser.add_argument(
        "--listen",
        default=env("EXPRUN_LISTEN", defaults.listen),
        help="host:port to listen on; port 0 picks a free one [EXPRUN_LISTEN, default %(default)s]",
    )
    parser.add_argument(
        "--data-dir",
        default=env("EXPRUN_DATA_DIR", str(defaults.data_dir)),
        help="directory of the embedded store, created on first start [EXPRUN_DATA_DIR, default %(default)s]",
    )
    parser.add_argument(
        "--store",
        default=env("EXPRUN_STORE", defaults.store),
        help=f"storage backend, one of {', '.join(STORES)} [EXPRUN_STORE, default %(default)s]",
    )
    parser.add_argument(
        "--shutdown-grace",
        default=env("EXPRUN_SHUTDOWN_GRACE", str(defaults.shutdown_grace_seconds)),
        help="seconds in-flight RPCs get to finish on SIGTERM [EXPRUN_SHUTDOWN_GRACE, default %(default)s]",
    )
    parser.add_argument(
        "--log-level",
        default=env("EXPRUN_LOG_LEVEL", defaults.log_level),
        help="DEBUG, INFO, WARNING or ERROR [EXPRUN_LOG_LEVEL, default %(default)s]",
    )


def from_arguments(args: argparse.Namespace) -> Settings:
    host, sep, port = str(args.listen).rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise SettingsError(f"--listen / EXPRUN_LISTEN: {args.listen!r} is not host:port")
    if args.store not in STORES:
        raise SettingsError(f"--store / EXPRUN_STORE: {args.store!r} is not one of {', '.join(STORES)}")
    try:
        grace = float(args.shutdown_grace)
    except ValueError:
        grace = -1.0
    if grace < 0:
        raise SettingsError(
            f"--shutdown-grace / EXPRUN_SHUTDOWN_GRACE: {args.shutdown_grace!r} is not seconds >= 0"
        )
    level = str(args.log_level).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"--log-level / EXPRUN_LOG_LEVEL: {args.log_level!r} is not a log level")
    return Settings(
        listen=args.listen,
        data_dir=pathlib.Path(args.data_dir),
        store=args.store,
        shutdown_grace_seconds=grace,
        log_level=level,
    )
