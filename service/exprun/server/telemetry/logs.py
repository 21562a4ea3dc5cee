"""Logs: structlog, JSON lines on stdout in production, with stdlib logging routed through it.

Every line, from exprun or from a library, goes through the same processors:
- `add_trace_context` adds `trace_id` and `span_id` (hex) of the current span and, inside an
  RPC, `rpc.method`, `peer` and `principal`;
- `redact` replaces the value of any key that names a credential (`authorization`, `token`,
  `password`, `secret`, ...) or request data (`params`, `metrics`, `values`, `series`, ...) with
  `[REDACTED]`, and bearer tokens inside text. exprun never logs such things; this is the net
  under a future mistake or a chatty library.
Tracebacks are plain text without local variables (rich and better-exceptions would print
locals, which can hold request values).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog
from exprun.server.telemetry import context
from opentelemetry import trace

FORMATS = ("auto", "json", "console")
REDACTED = "[REDACTED]"

# Any key containing one of these names a credential.
_SECRET_PARTS = (
    "authorization",
    "token",
    "password",
    "passwd",
    "secret",
    "credential",
    "cookie",
    "api_key",
    "apikey",
    "private_key",
)
# Keys that would carry what a client sent: values are the users' data, never logged.
_DATA_KEYS = frozenset(
    {"params", "metrics", "values", "value", "series", "steps", "request", "requests", "body", "payload"}
)
# Keys whose values the processors above produce themselves.
_OWN_KEYS = frozenset({"event", "level", "logger", "timestamp", "trace_id", "span_id", "rpc.method", "peer"})
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*")
_SENSITIVE: dict[str, bool] = {}


def add_trace_context(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        event_dict.setdefault("trace_id", format(span_context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(span_context.span_id, "016x"))
    scope = context.rpc.get()
    if scope is not None:
        event_dict.setdefault("rpc.method", scope.method)
        event_dict.setdefault("peer", scope.peer)
        event_dict.setdefault("principal", context.principal.get())
    return event_dict


def redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in event_dict.items():
        if key in _OWN_KEYS:
            continue
        if _sensitive(key):
            event_dict[key] = REDACTED
        elif isinstance(value, str):
            event_dict[key] = _scrub_text(value)
        elif isinstance(value, dict | list | tuple):
            event_dict[key] = _scrub(value, 4)
    event = event_dict.get("event")
    if isinstance(event, str):
        event_dict["event"] = _scrub_text(event)
    return event_dict


def _scrub_text(text: str) -> str:
    if "earer" in text or "EARER" in text:  # the regex only where it can match
        return _BEARER.sub(r"\1" + REDACTED, text)
    return text


def lead_with_essentials(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> dict[str, Any]:
    """Time, level and event first, so a line reads well in `kubectl logs` too."""
    ordered = {key: event_dict[key] for key in ("timestamp", "level", "event") if key in event_dict}
    ordered.update(event_dict)
    return ordered


def _sensitive(key: str) -> bool:
    known = _SENSITIVE.get(key)
    if known is None:
        lowered = key.lower()
        known = lowered in _DATA_KEYS or any(part in lowered for part in _SECRET_PARTS)
        if len(_SENSITIVE) < 4096:
            _SENSITIVE[key] = known
    return known


def _scrub(value: Any, depth: int) -> Any:
    if depth == 0:
        return value
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and _sensitive(k) else _scrub(v, depth - 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(v, depth - 1) for v in value]
    if isinstance(value, str):
        return _scrub_text(value)
    return value


def configure(level: str = "INFO", fmt: str = "auto", stream: TextIO | None = None) -> None:
    """Sets up structlog and the stdlib root logger to write to `stream` (stdout by default):
    JSON lines when `fmt` is json, or auto and the stream is not a terminal; else console."""
    stream = stream if stream is not None else sys.stdout
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r} is not one of {', '.join(FORMATS)}")
    level_number = logging.getLevelNamesMapping()[level.upper()]
    json_lines = fmt == "json" or (fmt == "auto" and not _is_terminal(stream))
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_lines
        else structlog.dev.ConsoleRenderer(
            colors=_is_terminal(stream), exception_formatter=structlog.dev.plain_traceback
        )
    )
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            timestamper,
            add_trace_context,
            structlog.processors.format_exc_info,
            redact,
            lead_with_essentials,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level_number),
        logger_factory=structlog.WriteLoggerFactory(stream),
        cache_logger_on_first_use=False,  # structlog.testing.capture_logs must still work
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.contextvars.merge_contextvars,
                structlog.processors.add_log_level,
                structlog.stdlib.add_logger_name,
                timestamper,
                add_trace_context,
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                redact,
                lead_with_essentials,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level_number)


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
