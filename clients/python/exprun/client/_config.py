"""Process-wide defaults and shared channels, like `aiplatform.init`.

Training code calls `init` once and then names runs by their short IDs everywhere; the
project, location and experiment come from here. Values not given to `init` fall back to the
`EXPRUN_*` environment variables, read at use time so a later `os.environ` change still counts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc

DEFAULT_TARGET = "127.0.0.1:50051"
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
    token: str | None = None
    metadata: list[tuple[str, str]] = field(default_factory=list)


_settings = _Settings()
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
            _settings.credentials = credentials
        if token is not None:
            _settings.token = token
        if metadata is not None:
            _settings.metadata = list(metadata)


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


def call_metadata() -> tuple[tuple[str, str], ...]:
    headers = list(_settings.metadata)
    if _settings.token:
        headers.append(("authorization", f"Bearer {_settings.token}"))
    return tuple(headers)


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
