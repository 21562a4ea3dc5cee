"""Server settings: one object, from flags with `EXPRUN_*` environment defaults, validated once at
start so a bad setting fails fast with its name instead of deep inside a request."""

from __future__ import annotations

import argparse
import os
import pathlib
from dataclasses import dataclass

from exprun.server.core.errors import InvalidArgument
from exprun.server.core.names import parse_experiment

STORES = ("embedded", "vertex")
LOG_FORMATS = ("auto", "json", "console")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Settings:
    """What `exprun serve` runs with; each field is the flag of the same name (see `flag`)."""

    listen: str = "127.0.0.1:50051"
    """host:port of the API. Loopback by default: anything wider needs authentication or
    `insecure`, so a laptop server is never open to its network by accident."""
    data_dir: pathlib.Path = pathlib.Path(".exprun")
    """The embedded store's directory (database, model files, page-token key); one server
    process owns it at a time."""
    store: str = "embedded"
    """`embedded` (SQLite, no cloud) or `vertex` (Vertex AI Metadata and Tensorboard)."""
    shutdown_grace_seconds: float = 10.0
    """How long a stopping server lets calls finish before cancelling them; below the pod's
    terminationGracePeriodSeconds so a rolling update drains instead of cutting streams."""
    log_level: str = "INFO"
    """DEBUG, INFO, WARNING or ERROR."""
    log_format: str = "auto"
    """`json` for log collectors, `console` for people, `auto` picks by whether stderr is a TTY."""
    run_liveness_timeout_seconds: float = 600.0
    """How long a RUNNING run that sent a heartbeat or opened a stream may stay silent before it
    is failed, so a killed trainer does not leave its run RUNNING forever; 0 turns it off."""
    max_concurrent_rpcs: int = 1000
    """Calls in flight, health checks excepted. 64 writers with their readers fit well inside
    it; past it a call is refused RESOURCE_EXHAUSTED rather than queued without bound."""
    max_streams_per_principal: int = 256
    """Open streams per principal: one user (or, without authentication, everyone) gets 4x the
    64 concurrent writers of the design targets, while a few greedy principals still cannot fill
    `max_concurrent_rpcs`."""
    health_listen: str | None = None
    """A second, plaintext host:port serving only gRPC health, for kubelet probes when the API
    port requires TLS client certificates or tokens."""
    ingest_memory_mb: int = 64
    """MiB that every time-series batch in flight may hold together, from its read to its
    commit; a stream that finds it full stops reading, so memory does not grow with streams."""
    stream_open_timeout_seconds: float = 10.0
    """How long a new stream may take to send its `open` message before it is closed, so idle
    connections cannot hold the stream slots."""
    vertex_endpoint: str | None = None
    """Vertex AI API host:port; by default the regional endpoint of each request's location."""
    vertex_plaintext: bool = False
    """Talk to `vertex_endpoint` without TLS or credentials: for local emulators and tests only."""
    vertex_tensorboard: str | None = None
    """The Vertex TensorBoard (full name, or an ID in each request's project and location) for
    experiments that have none, as the SDK's `init(experiment_tensorboard=...)`."""
    vertex_max_inflight_writes: int = 8
    """WriteTensorboardRunData calls in flight per server: 8 x 5000 points per round trip is
    1.6 M points/s at 25 ms."""
    model_staging_uri: str | None = None
    """Where the vertex store keeps uploaded model files (gs://bucket/prefix or a local
    directory), as the SDK's `staging_bucket`."""
    page_token_key_file: pathlib.Path | None = None
    """The key that signs page tokens; replicas behind one Service must share it, or a page
    token from one is refused by the next."""
    reflection: bool = True
    """gRPC server reflection, so grpcurl and other tools can discover the API."""
    tls_cert: pathlib.Path | None = None
    """PEM certificate chain of the API port; with `tls_key`."""
    tls_key: pathlib.Path | None = None
    """PEM private key of `tls_cert`."""
    tls_client_ca: pathlib.Path | None = None
    """PEM CA bundle: when set, clients must present a certificate it signed (mutual TLS)."""
    auth_tokens_file: pathlib.Path | None = None
    """JSON file of static bearer tokens, each with its principal and projects."""
    auth_jwks: str | None = None
    """JWKS file or https URL to verify JWT bearer tokens with (an OIDC issuer's keys)."""
    auth_issuer: str | None = None
    """The `iss` every JWT must carry; required with `auth_jwks`."""
    auth_audience: str | None = None
    """The `aud` every JWT must be issued for; required with `auth_jwks`."""
    auth_policy: pathlib.Path | None = None
    """JSON file mapping principals (or globs) to the projects they may act in."""
    insecure: bool = False
    """Allow a non-loopback `listen` with authentication off, e.g. behind an authenticating
    proxy; a deliberate opt-out, never a default."""
    tensorboard_data_provider: bool = True
    """Serve TensorBoard's data-provider API on the same port, so `tensorboard
    --grpc_data_provider` shows exprun's runs."""
    tensorboard_experiment: str | None = None
    """The experiment (full resource name) TensorBoard's bare URL shows."""


class SettingsError(ValueError):
    """A setting is invalid; the message names the flag and the variable."""


def _option_name(name: str) -> str:
    return f"--{name.replace('_', '-')}"


def _variable(name: str) -> str:
    return f"EXPRUN_{name.upper()}"


def flag(name: str) -> str:
    """How a message names a setting, e.g. `flag("tls_cert")` is `--tls-cert / EXPRUN_TLS_CERT`:
    an operator may have set either, so both are named, spelled as `_option` defines them."""
    return f"{_option_name(name)} / {_variable(name)}"


def _option(
    parser: argparse.ArgumentParser,
    name: str,
    help: str,
    default: str | None = None,
    *,
    boolean: bool = False,
) -> None:
    """Adds the flag of setting `name`, whose default is its `EXPRUN_*` variable, else `default`;
    the help ends with the variable and the default, so `--help` shows both spellings."""
    variable = _variable(name)
    if default is None:
        tail = f"[{variable}]"
    elif boolean:  # a literal: BooleanOptionalAction's own tail would follow `%(default)s`
        tail = f"[{variable}, default {default}]"
    else:
        tail = f"[{variable}, default %(default)s]"
    parser.add_argument(
        _option_name(name),
        default=os.environ.get(variable, default),
        help=f"{help} {tail}",
        action=argparse.BooleanOptionalAction if boolean else "store",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    _option(
        parser,
        "listen",
        "host:port to listen on; port 0 picks a free one",
        defaults.listen,
    )
    _option(
        parser,
        "data_dir",
        "directory of the embedded store, created on first start",
        str(defaults.data_dir),
    )
    _option(
        parser,
        "store",
        f"storage backend, one of {', '.join(STORES)}",
        defaults.store,
    )
    _option(
        parser,
        "vertex_endpoint",
        "Vertex AI API host:port; default the regional endpoint of each request's location",
    )
    _option(
        parser,
        "vertex_plaintext",
        "talk to the Vertex endpoint without TLS or credentials, for local emulators and tests",
        "false",
        boolean=True,
    )
    _option(
        parser,
        "vertex_tensorboard",
        "TensorBoard (full name, or an ID in each request's project and location) for runs whose "
        "experiment has none",
    )
    _option(
        parser,
        "vertex_max_inflight_writes",
        "TensorBoard write requests (up to 5000 points each) the vertex store keeps in flight at once",
        str(defaults.vertex_max_inflight_writes),
    )
    _option(
        parser,
        "model_staging_uri",
        "where the vertex store keeps uploaded model files: gs://bucket/prefix or a local directory",
    )
    _option(
        parser,
        "page_token_key_file",
        "file holding the secret (at least 32 bytes) that signs page tokens; every replica needs "
        "the same one. Default: the embedded store keeps one in its data directory, the vertex "
        "store makes a random one per process",
    )
    _option(
        parser,
        "shutdown_grace",
        "seconds in-flight RPCs get to finish on SIGTERM",
        str(defaults.shutdown_grace_seconds),
    )
    _option(
        parser,
        "run_liveness_timeout",
        "seconds a RUNNING run that sent a heartbeat or opened a stream may stay silent before it"
        " is failed; 0 turns liveness off",
        str(defaults.run_liveness_timeout_seconds),
    )
    _option(
        parser,
        "max_concurrent_rpcs",
        "calls served at once, health checks not counted; beyond it new calls get "
        "RESOURCE_EXHAUSTED with a retry delay; 0 means no limit",
        str(defaults.max_concurrent_rpcs),
    )
    _option(
        parser,
        "max_streams_per_principal",
        "StreamTimeSeries, LogModel and ReadTimeSeries streams one principal (without "
        "authentication: all callers together) may have open; 0 means no cap",
        str(defaults.max_streams_per_principal),
    )
    _option(
        parser,
        "health_listen",
        "host:port of a second, plaintext listener that serves only grpc.health.v1 (for the "
        "kubelet's gRPC probes when --listen serves TLS); off by default",
    )
    _option(
        parser,
        "ingest_memory_mb",
        "MiB that every batch in flight may hold together, from its read to its commit; a stream "
        "that finds it full stops reading, so its client waits",
        str(defaults.ingest_memory_mb),
    )
    _option(
        parser,
        "stream_open_timeout",
        "seconds a new StreamTimeSeries stream has to send its open message",
        str(defaults.stream_open_timeout_seconds),
    )
    _option(
        parser,
        "tensorboard_data_provider",
        "serve TensorBoard's data-provider API (tensorboard.data.TensorBoardDataProvider) on "
        "--listen, for `tensorboard --grpc_data_provider` and `exprun tensorboard`",
        "true",
        boolean=True,
    )
    _option(
        parser,
        "tensorboard_experiment",
        "the experiment TensorBoard's bare URL shows: projects/P/locations/L/experiments/E; "
        "others are at /experiment/P.L.E/",
    )
    _add_security_arguments(parser)
    _option(
        parser,
        "log_level",
        "DEBUG, INFO, WARNING or ERROR",
        defaults.log_level,
    )
    _option(
        parser,
        "log_format",
        "json (one JSON object a line), console (for people), or auto: console on a terminal, json otherwise",
        defaults.log_format,
    )


def _add_security_arguments(parser: argparse.ArgumentParser) -> None:
    """TLS, authentication and authorization; see exprun.server.security for the file formats."""
    _option(
        parser,
        "reflection",
        "serve gRPC reflection (for grpcurl); with authentication on it needs a valid token",
        "true",
        boolean=True,
    )
    _option(
        parser,
        "tls_cert",
        "PEM server certificate (chain) file; with --tls-key serves TLS only. Read at start: "
        "renewed certificates take effect on restart",
    )
    _option(
        parser,
        "tls_key",
        "PEM unencrypted private key file",
    )
    _option(
        parser,
        "tls_client_ca",
        "PEM CA certificates; clients must present a certificate they signed (mTLS)",
    )
    _option(
        parser,
        "auth_tokens_file",
        "JSON file of static bearer tokens by SHA-256 hash, each with its principal and optional projects",
    )
    _option(
        parser,
        "auth_jwks",
        "JWKS file path or https:// URL that verifies bearer JWTs (RS256, ES256); the principal "
        "is the sub claim",
    )
    _option(
        parser,
        "auth_issuer",
        "required iss of JWTs",
    )
    _option(
        parser,
        "auth_audience",
        "audience JWTs must be issued for",
    )
    _option(
        parser,
        "auth_policy",
        "JSON file mapping principals (or globs) to the projects they may act in",
    )
    _option(
        parser,
        "insecure",
        "allow listening on a non-loopback address with authentication off",
        "false",
        boolean=True,
    )


def from_arguments(args: argparse.Namespace) -> Settings:
    _address(args.listen, flag("listen"))
    health_listen = args.health_listen or None
    if health_listen is not None:
        _address(health_listen, flag("health_listen"))
        if health_listen == args.listen:
            raise SettingsError(
                f"{flag('health_listen')}: {health_listen!r} is also --listen; "
                "give the health listener its own port"
            )
    if args.store not in STORES:
        raise SettingsError(f"{flag('store')}: {args.store!r} is not one of {', '.join(STORES)}")
    grace = _seconds(args.shutdown_grace, flag("shutdown_grace"))
    plaintext = _boolean(args.vertex_plaintext, flag("vertex_plaintext"))
    inflight_writes = _count(args.vertex_max_inflight_writes, flag("vertex_max_inflight_writes"), minimum=1)
    liveness = _seconds(args.run_liveness_timeout, flag("run_liveness_timeout"))
    memory = _count(args.ingest_memory_mb, flag("ingest_memory_mb"), minimum=1)
    open_timeout = _seconds(args.stream_open_timeout, flag("stream_open_timeout"))
    level = str(args.log_level).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"{flag('log_level')}: {args.log_level!r} is not a log level")
    log_format = str(args.log_format).lower()
    if log_format not in LOG_FORMATS:
        raise SettingsError(
            f"{flag('log_format')}: {args.log_format!r} is not one of {', '.join(LOG_FORMATS)}"
        )
    tensorboard_experiment = args.tensorboard_experiment or None
    if tensorboard_experiment is not None:
        try:
            parse_experiment(tensorboard_experiment, _option_name("tensorboard_experiment"))
        except InvalidArgument as exc:
            raise SettingsError(f"{exc.message} / {_variable('tensorboard_experiment')}") from None
    settings = Settings(
        listen=args.listen,
        data_dir=pathlib.Path(args.data_dir),
        store=args.store,
        shutdown_grace_seconds=grace,
        log_level=level,
        log_format=log_format,
        run_liveness_timeout_seconds=liveness,
        max_concurrent_rpcs=_count(args.max_concurrent_rpcs, flag("max_concurrent_rpcs")),
        max_streams_per_principal=_count(args.max_streams_per_principal, flag("max_streams_per_principal")),
        health_listen=health_listen,
        ingest_memory_mb=memory,
        stream_open_timeout_seconds=open_timeout,
        vertex_endpoint=args.vertex_endpoint or None,
        vertex_plaintext=plaintext,
        vertex_tensorboard=args.vertex_tensorboard or None,
        vertex_max_inflight_writes=inflight_writes,
        model_staging_uri=args.model_staging_uri or None,
        page_token_key_file=_path(args.page_token_key_file),
        reflection=_boolean(args.reflection, flag("reflection")),
        tls_cert=_path(args.tls_cert),
        tls_key=_path(args.tls_key),
        tls_client_ca=_path(args.tls_client_ca),
        auth_tokens_file=_path(args.auth_tokens_file),
        auth_jwks=args.auth_jwks or None,
        auth_issuer=args.auth_issuer or None,
        auth_audience=args.auth_audience or None,
        auth_policy=_path(args.auth_policy),
        insecure=_boolean(args.insecure, flag("insecure")),
        tensorboard_data_provider=_boolean(args.tensorboard_data_provider, flag("tensorboard_data_provider")),
        tensorboard_experiment=tensorboard_experiment,
    )
    return settings


def _address(value: object, setting: str) -> None:
    host, sep, port = str(value).rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise SettingsError(f"{setting}: {value!r} is not host:port")


def _count(value: object, setting: str, minimum: int = 0) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) < minimum:
        raise SettingsError(f"{setting}: {value!r} is not a whole number >= {minimum}")
    return int(text)


def _boolean(value: object, setting: str) -> bool:
    text = str(value).lower()
    if text not in TRUE + FALSE:
        raise SettingsError(f"{setting}: {value!r} is not a boolean")
    return text in TRUE


def _path(value: str | None) -> pathlib.Path | None:
    return pathlib.Path(value) if value else None


def _seconds(value: object, setting: str) -> float:
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also rejects NaN
        raise SettingsError(f"{setting}: {value!r} is not seconds >= 0")
    return seconds
