"""Server settings: one object, from flags with `EXPRUN_*` environment defaults, validated once at
start so a bad setting fails fast with its name instead of deep inside a request."""

from __future__ import annotations

import argparse
import os
import pathlib
from dataclasses import dataclass

STORES = ("embedded", "vertex")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Settings:
    listen: str = "127.0.0.1:50051"
    data_dir: pathlib.Path = pathlib.Path(".exprun")
    store: str = "embedded"
    shutdown_grace_seconds: float = 10.0
    log_level: str = "INFO"
    run_liveness_timeout_seconds: float = 600.0
    vertex_endpoint: str | None = None
    vertex_plaintext: bool = False
    vertex_tensorboard: str | None = None
    model_staging_uri: str | None = None


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
        "--vertex-endpoint",
        default=env("EXPRUN_VERTEX_ENDPOINT"),
        help="Vertex AI API host:port; default the regional endpoint of each request's location "
        "[EXPRUN_VERTEX_ENDPOINT]",
    )
    parser.add_argument(
        "--vertex-plaintext",
        action=argparse.BooleanOptionalAction,
        default=env("EXPRUN_VERTEX_PLAINTEXT", "false"),
        help="talk to the Vertex endpoint without TLS or credentials, for local emulators and tests "
        "[EXPRUN_VERTEX_PLAINTEXT, default false]",
    )
    parser.add_argument(
        "--vertex-tensorboard",
        default=env("EXPRUN_VERTEX_TENSORBOARD"),
        help="TensorBoard (full name, or an ID in each request's project and location) for runs "
        "whose experiment has none [EXPRUN_VERTEX_TENSORBOARD]",
    )
    parser.add_argument(
        "--model-staging-uri",
        default=env("EXPRUN_MODEL_STAGING_URI"),
        help="where the vertex store keeps uploaded model files: gs://bucket/prefix or a local "
        "directory [EXPRUN_MODEL_STAGING_URI]",
    )
    parser.add_argument(
        "--shutdown-grace",
        default=env("EXPRUN_SHUTDOWN_GRACE", str(defaults.shutdown_grace_seconds)),
        help="seconds in-flight RPCs get to finish on SIGTERM [EXPRUN_SHUTDOWN_GRACE, default %(default)s]",
    )
    parser.add_argument(
        "--run-liveness-timeout",
        default=env("EXPRUN_RUN_LIVENESS_TIMEOUT", str(defaults.run_liveness_timeout_seconds)),
        help="seconds a RUNNING run that sent a heartbeat or opened a stream may stay silent "
        "before it is failed; 0 turns liveness off [EXPRUN_RUN_LIVENESS_TIMEOUT, default %(default)s]",
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
    grace = _seconds(args.shutdown_grace, "--shutdown-grace / EXPRUN_SHUTDOWN_GRACE")
    plaintext = str(args.vertex_plaintext).lower()
    if plaintext not in TRUE + FALSE:
        raise SettingsError(
            f"--vertex-plaintext / EXPRUN_VERTEX_PLAINTEXT: {args.vertex_plaintext!r} is not a boolean"
        )
    liveness = _seconds(args.run_liveness_timeout, "--run-liveness-timeout / EXPRUN_RUN_LIVENESS_TIMEOUT")
    level = str(args.log_level).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"--log-level / EXPRUN_LOG_LEVEL: {args.log_level!r} is not a log level")
    return Settings(
        listen=args.listen,
        data_dir=pathlib.Path(args.data_dir),
        store=args.store,
        shutdown_grace_seconds=grace,
        log_level=level,
        run_liveness_timeout_seconds=liveness,
        vertex_endpoint=args.vertex_endpoint or None,
        vertex_plaintext=plaintext in TRUE,
        vertex_tensorboard=args.vertex_tensorboard or None,
        model_staging_uri=args.model_staging_uri or None,
    )


def _seconds(value: object, setting: str) -> float:
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also rejects NaN
        raise SettingsError(f"{setting}: {value!r} is not seconds >= 0")
    return seconds
