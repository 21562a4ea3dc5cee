"""Server settings: one object, from flags with `EXPRUN_*` environment defaults, validated once at
start so a bad setting fails fast with its name instead of deep inside a request."""

from __future__ import annotations

import argparse
import os
import pathlib
from dataclasses import dataclass

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


def flag(name: str) -> str:
    """How a message names a setting, e.g. `flag("tls_cert")` is `--tls-cert / EXPRUN_TLS_CERT`:
    an operator may have set either, so both are named, spelled in this one place."""
    return f"--{name.replace('_', '-')} / EXPRUN_{name.upper()}"


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
        "--vertex-max-inflight-writes",
        default=env("EXPRUN_VERTEX_MAX_INFLIGHT_WRITES", str(defaults.vertex_max_inflight_writes)),
        help="TensorBoard write requests (up to 5000 points each) the vertex store keeps in flight "
        "at once [EXPRUN_VERTEX_MAX_INFLIGHT_WRITES, default %(default)s]",
    )
    parser.add_argument(
        "--model-staging-uri",
        default=env("EXPRUN_MODEL_STAGING_URI"),
        help="where the vertex store keeps uploaded model files: gs://bucket/prefix or a local "
        "directory [EXPRUN_MODEL_STAGING_URI]",
    )
    parser.add_argument(
        "--page-token-key-file",
        default=env("EXPRUN_PAGE_TOKEN_KEY_FILE"),
        help="file holding the secret (at least 32 bytes) that signs page tokens; every replica "
        "needs the same one. Default: the embedded store keeps one in its data directory, the "
        "vertex store makes a random one per process [EXPRUN_PAGE_TOKEN_KEY_FILE]",
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
        "--max-concurrent-rpcs",
        default=env("EXPRUN_MAX_CONCURRENT_RPCS", str(defaults.max_concurrent_rpcs)),
        help="calls served at once, health checks not counted; beyond it new calls get "
        "RESOURCE_EXHAUSTED with a retry delay; 0 means no limit "
        "[EXPRUN_MAX_CONCURRENT_RPCS, default %(default)s]",
    )
    parser.add_argument(
        "--max-streams-per-principal",
        default=env("EXPRUN_MAX_STREAMS_PER_PRINCIPAL", str(defaults.max_streams_per_principal)),
        help="StreamTimeSeries, LogModel and ReadTimeSeries streams one principal (without "
        "authentication: all callers together) may have open; 0 means no cap "
        "[EXPRUN_MAX_STREAMS_PER_PRINCIPAL, default %(default)s]",
    )
    parser.add_argument(
        "--health-listen",
        default=env("EXPRUN_HEALTH_LISTEN"),
        help="host:port of a second, plaintext listener that serves only grpc.health.v1 (for "
        "the kubelet's gRPC probes when --listen serves TLS); off by default [EXPRUN_HEALTH_LISTEN]",
    )
    parser.add_argument(
        "--ingest-memory-mb",
        default=env("EXPRUN_INGEST_MEMORY_MB", str(defaults.ingest_memory_mb)),
        help="MiB that every batch in flight may hold together, from its read to its commit; a "
        "stream that finds it full stops reading, so its client waits "
        "[EXPRUN_INGEST_MEMORY_MB, default %(default)s]",
    )
    parser.add_argument(
        "--stream-open-timeout",
        default=env("EXPRUN_STREAM_OPEN_TIMEOUT", str(defaults.stream_open_timeout_seconds)),
        help="seconds a new StreamTimeSeries stream has to send its open message "
        "[EXPRUN_STREAM_OPEN_TIMEOUT, default %(default)s]",
    )
    parser.add_argument(
        "--tensorboard-data-provider",
        action=argparse.BooleanOptionalAction,
        default=env("EXPRUN_TENSORBOARD_DATA_PROVIDER", "true"),
        help="serve TensorBoard's data-provider API (tensorboard.data.TensorBoardDataProvider) on "
        "--listen, for `tensorboard --grpc_data_provider` and `exprun tensorboard` "
        "[EXPRUN_TENSORBOARD_DATA_PROVIDER, default true]",
    )
    parser.add_argument(
        "--tensorboard-experiment",
        default=env("EXPRUN_TENSORBOARD_EXPERIMENT"),
        help="the experiment TensorBoard's bare URL shows: projects/P/locations/L/experiments/E; "
        "others are at /experiment/P.L.E/ [EXPRUN_TENSORBOARD_EXPERIMENT]",
    )
    _add_security_arguments(parser)
    parser.add_argument(
        "--log-level",
        default=env("EXPRUN_LOG_LEVEL", defaults.log_level),
        help="DEBUG, INFO, WARNING or ERROR [EXPRUN_LOG_LEVEL, default %(default)s]",
    )
    parser.add_argument(
        "--log-format",
        default=env("EXPRUN_LOG_FORMAT", defaults.log_format),
        help="json (one JSON object a line), console (for people), or auto: console on a "
        "terminal, json otherwise [EXPRUN_LOG_FORMAT, default %(default)s]",
    )


def _add_security_arguments(parser: argparse.ArgumentParser) -> None:
    """TLS, authentication and authorization; see exprun.server.security for the file formats."""
    env = os.environ.get
    parser.add_argument(
        "--reflection",
        action=argparse.BooleanOptionalAction,
        default=env("EXPRUN_REFLECTION", "true"),
        help="serve gRPC reflection (for grpcurl); with authentication on it needs a valid token "
        "[EXPRUN_REFLECTION, default true]",
    )
    parser.add_argument(
        "--tls-cert",
        default=env("EXPRUN_TLS_CERT"),
        help="PEM server certificate (chain) file; with --tls-key serves TLS only. Read at start: "
        "renewed certificates take effect on restart [EXPRUN_TLS_CERT]",
    )
    parser.add_argument(
        "--tls-key", default=env("EXPRUN_TLS_KEY"), help="PEM unencrypted private key file [EXPRUN_TLS_KEY]"
    )
    parser.add_argument(
        "--tls-client-ca",
        default=env("EXPRUN_TLS_CLIENT_CA"),
        help="PEM CA certificates; clients must present a certificate they signed (mTLS) "
        "[EXPRUN_TLS_CLIENT_CA]",
    )
    parser.add_argument(
        "--auth-tokens-file",
        default=env("EXPRUN_AUTH_TOKENS_FILE"),
        help="JSON file of static bearer tokens by SHA-256 hash, each with its principal and "
        "optional projects [EXPRUN_AUTH_TOKENS_FILE]",
    )
    parser.add_argument(
        "--auth-jwks",
        default=env("EXPRUN_AUTH_JWKS"),
        help="JWKS file path or https:// URL that verifies bearer JWTs (RS256, ES256); the "
        "principal is the sub claim [EXPRUN_AUTH_JWKS]",
    )
    parser.add_argument(
        "--auth-issuer", default=env("EXPRUN_AUTH_ISSUER"), help="required iss of JWTs [EXPRUN_AUTH_ISSUER]"
    )
    parser.add_argument(
        "--auth-audience",
        default=env("EXPRUN_AUTH_AUDIENCE"),
        help="audience JWTs must be issued for [EXPRUN_AUTH_AUDIENCE]",
    )
    parser.add_argument(
        "--auth-policy",
        default=env("EXPRUN_AUTH_POLICY"),
        help="JSON file mapping principals (or globs) to the projects they may act in [EXPRUN_AUTH_POLICY]",
    )
    parser.add_argument(
        "--insecure",
        action=argparse.BooleanOptionalAction,
        default=env("EXPRUN_INSECURE", "false"),
        help="allow listening on a non-loopback address with authentication off "
        "[EXPRUN_INSECURE, default false]",
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
    plaintext = str(args.vertex_plaintext).lower()
    if plaintext not in TRUE + FALSE:
        raise SettingsError(f"{flag('vertex_plaintext')}: {args.vertex_plaintext!r} is not a boolean")
    inflight_writes = _count(args.vertex_max_inflight_writes, flag("vertex_max_inflight_writes"))
    if inflight_writes < 1:
        raise SettingsError(f"{flag('vertex_max_inflight_writes')}: must be >= 1")
    liveness = _seconds(args.run_liveness_timeout, flag("run_liveness_timeout"))
    memory = str(args.ingest_memory_mb)
    if not memory.isdigit() or int(memory) < 1:
        raise SettingsError(f"{flag('ingest_memory_mb')}: {memory!r} is not a whole number >= 1")
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
        from exprun.server.core.errors import InvalidArgument
        from exprun.server.core.names import parse_experiment

        try:
            parse_experiment(tensorboard_experiment, "--tensorboard-experiment")
        except InvalidArgument as exc:
            raise SettingsError(f"{exc.message} / EXPRUN_TENSORBOARD_EXPERIMENT") from None
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
        ingest_memory_mb=int(memory),
        stream_open_timeout_seconds=open_timeout,
        vertex_endpoint=args.vertex_endpoint or None,
        vertex_plaintext=plaintext in TRUE,
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


def _count(value: object, setting: str) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise SettingsError(f"{setting}: {value!r} is not a whole number >= 0")
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
