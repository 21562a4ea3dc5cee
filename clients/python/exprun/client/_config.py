"""Process-wide defaults and shared channels, like `aiplatform.init`.

Training code calls `init` once and then names runs by their short IDs everywhere; the
project, location and experiment come from here. Values not given to `init` fall back to the
`EXPRUN_*` environment variables, read at use time so a later `os.environ` change still counts.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from exprun.client._limits import DEFAULT_TARGET

DEFAULT_LOCATION = "us-central1"

# ReadTimeSeries chunks and model metadata can exceed gRPC's 4 MiB default on receive.
_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
]


@dataclass
class _Settings:
    target: str | None = None
    project: str | None = None
    location: str | None = None
    experiment: str | None = None
    credentials: Any = None
    google_credentials: Any = None
    token: str | None = None
    metadata: list[tuple[str, str]] = field(default_factory=list)
    staging_bucket: str | None = None


_settings = _Settings()
# Per-call `credentials=` of the SDK's methods: set for the duration of one constructor or call.
_call_credentials: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "exprun_call_credentials", default=None
)
_channels: dict[tuple[str, Any], Any] = {}
_lock = threading.Lock()


def set_defaults(
    *,
    target: str | None = None,
    project: str | None = None,
    location: str | None = None,
    experiment: str | None = None,
    credentials: Any = None,
    token: str | None = None,
    metadata: Sequence[tuple[str, str]] | None = None,
) -> None:
    """Only the arguments given change, as with `aiplatform.init`."""
    with _lock:
        if target is not None:
            _settings.target = target
        if project is not None:
            _settings.project = project
        if location is not None:
            _settings.location = location
        if experiment is not None:
            _settings.experiment = experiment
        if credentials is not None:
            if is_channel_credentials(credentials):
                _settings.credentials = credentials
            else:
                _settings.google_credentials = check_google_credentials(credentials)
        if token is not None:
            _settings.token = token
        if metadata is not None:
            _settings.metadata = list(metadata)


def is_channel_credentials(credentials: Any) -> bool:
    return isinstance(credentials, grpc.ChannelCredentials)


def check_google_credentials(credentials: Any) -> Any:
    """`google.auth` credentials, as the SDK takes them: their token is the call's bearer token."""
    from google.auth import credentials as auth_credentials

    if not isinstance(credentials, auth_credentials.Credentials):
        raise TypeError(
            "credentials must be google.auth credentials (sent as bearer tokens) or "
            f"grpc.ChannelCredentials (for the channel), not {type(credentials).__name__}"
        )
    return credentials


def set_staging_bucket(bucket: str) -> None:
    """exprun stages model files where the server is configured to (`--model-staging-uri`), so
    the client's bucket cannot steer it; saying so once beats silently dropping it."""
    with _lock:
        first = _settings.staging_bucket is None
        _settings.staging_bucket = bucket
    if first:
        warnings.warn(
            "staging_bucket is ignored: the exprun server stages model files at its own --model-staging-uri",
            stacklevel=3,
        )


@contextlib.contextmanager
def call_credentials(credentials: Any) -> Iterator[None]:
    """Uses `credentials` (google.auth) for the calls made inside the block, like the SDK's
    per-call `credentials=`; None keeps the ones from `init`."""
    if credentials is None:
        yield
        return
    token = _call_credentials.set(check_google_credentials(credentials))
    try:
        yield
    finally:
        _call_credentials.reset(token)


def google_credentials() -> Any:
    return _call_credentials.get() or _settings.google_credentials


def bearer_headers(credentials: Any) -> tuple[tuple[str, str], ...]:
    """The credentials' current token, refreshed first when missing or expired, as google.auth's
    own gRPC plugin does before each call. Anonymous credentials send nothing."""
    if credentials is None:
        return ()
    if not credentials.valid:
        from google.auth.transport import requests as auth_requests

        credentials.refresh(auth_requests.Request())
    token = getattr(credentials, "token", None)
    return (("authorization", f"Bearer {token}"),) if token else ()


def reset() -> None:
    """Forgets everything `init` set (the environment still applies). Channels stay open."""
    global _settings
    with _lock:
        _settings = _Settings()


def target() -> str:
    return _settings.target or os.environ.get("EXPRUN_TARGET") or DEFAULT_TARGET


def project(override: str | None = None) -> str:
    value = override or _settings.project or os.environ.get("EXPRUN_PROJECT")
    if not value:
        raise ValueError(
            "No project is set: pass project=..., call exprun.client.init(project=...), "
            "or set EXPRUN_PROJECT."
        )
    return value


def location(override: str | None = None) -> str:
    return override or _settings.location or os.environ.get("EXPRUN_LOCATION") or DEFAULT_LOCATION


def experiment(override: str | None = None) -> str | None:
    return override or _settings.experiment or os.environ.get("EXPRUN_EXPERIMENT") or None


def static_metadata() -> tuple[tuple[str, str], ...]:
    """The headers that do not change between calls: `metadata` and a static `token`."""
    headers = list(_settings.metadata)
    if _settings.token:
        headers.append(("authorization", f"Bearer {_settings.token}"))
    return tuple(headers)


def call_metadata() -> tuple[tuple[str, str], ...]:
    """The headers for a call made now: the static ones, or with google.auth credentials their
    refreshed token instead of the static one."""
    headers = static_metadata()
    bearer = bearer_headers(google_credentials())
    if bearer:
        headers = tuple(h for h in headers if h[0] != "authorization") + bearer
    return headers


def channel(for_target: str | None = None) -> Any:
    """One channel per target and credentials, shared by every object in the process.

    gRPC channels multiplex calls and reconnect by themselves, so sharing one avoids a TCP
    and HTTP/2 handshake per run object.
    """
    address = for_target or target()
    credentials = _settings.credentials
    key = (address, credentials)
    with _lock:
        existing = _channels.get(key)
        if existing is None:
            if credentials is None:
                existing = grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)
            else:
                existing = grpc.secure_channel(address, credentials, options=_CHANNEL_OPTIONS)
            _channels[key] = existing
        return existing


def close_channels() -> None:
    """Closes every shared channel; later calls open new ones."""
    with _lock:
        for open_channel in _channels.values():
            open_channel.close()
        _channels.clear()
