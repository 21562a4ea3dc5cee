"""A SERVER span, the `rpc.server.duration` metric and one canonical log line per RPC.

`TelemetryInterceptor` must be the outermost interceptor: it then sees the status every other
one produced (the error interceptor's rich statuses, the auth interceptor's rejections) and
times the whole call. Health and reflection are left alone: probes would drown the traces.

The span is current only while the wrapped handler runs (for a stream, while it produces each
response), never across a `yield` to grpc, so nothing leaks into grpc's own code and no context
token is ever reset from another context. Tasks the handler starts copy the context, so a
stream's reader task logs and traces inside the RPC too.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeAlias

import grpc
import structlog
from exprun.server.telemetry import context
from exprun.server.telemetry.instruments import rpc_duration, streams_open, tracer
from exprun.server.transport import handlers
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

ServicerContext: TypeAlias = "grpc.aio.ServicerContext[Any, Any]"

EXCLUDED_SERVICES = frozenset(
    {
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
        "grpc.reflection.v1.ServerReflection",
    }
)

_LEVELS: Mapping[grpc.StatusCode, str] = {
    grpc.StatusCode.UNKNOWN: "error",
    grpc.StatusCode.INTERNAL: "error",
    grpc.StatusCode.DATA_LOSS: "error",
    grpc.StatusCode.UNIMPLEMENTED: "error",
    grpc.StatusCode.UNAVAILABLE: "warning",
    grpc.StatusCode.DEADLINE_EXCEEDED: "warning",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "warning",
}
_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}

log = structlog.get_logger()
LOGGER = "exprun.server.rpc"


class TelemetryInterceptor(handlers.Rewrapping):
    def __init__(self, excluded_services: frozenset[str] = EXCLUDED_SERVICES) -> None:
        super().__init__()
        self._excluded = excluded_services

    def build(self, handler: grpc.RpcMethodHandler, path: str) -> grpc.RpcMethodHandler:
        service, _, method = path.lstrip("/").rpartition("/")
        if service in self._excluded:
            return handler
        call = _Call(service, method)

        def wrap(fn: Callable[..., Any], kind: handlers.Kind) -> Callable[..., Any]:
            if kind.endswith("_unary"):
                return call.unary(fn, kind.startswith("stream_"))
            return call.stream(fn)

        return handlers.rewrap(handler, wrap)


class _Call:
    """One method's telemetry, built once (see `handlers.PerMethod`): what each call adds, its
    metadata and its peer, comes from the servicer context when it runs."""

    def __init__(self, service: str, method: str) -> None:
        self.service = service
        self.method = method
        self.name = f"{service}/{method}"

    def unary(
        self, behavior: Callable[..., Awaitable[Any]], streaming: bool
    ) -> Callable[..., Awaitable[Any]]:
        async def handler(request: Any, servicer_context: ServicerContext) -> Any:
            active = _Active(self, servicer_context, streaming)
            tokens = active.attach()
            error: BaseException | None = None
            try:
                return await behavior(request, servicer_context)
            except BaseException as exc:
                error = exc
                raise
            finally:
                active.finish_after_reply(error)
                active.detach(tokens)

        return handler

    def stream(self, behavior: Callable[..., Any]) -> Callable[..., AsyncIterator[Any]]:
        async def handler(request: Any, servicer_context: ServicerContext) -> AsyncIterator[Any]:
            active = _Active(self, servicer_context, True)
            error: BaseException | None = None
            responses: Any = None
            try:
                tokens = active.attach()
                try:
                    responses = behavior(request, servicer_context)
                    if inspect.isawaitable(responses):  # a handler that writes with context.write()
                        await responses
                        responses = None
                finally:
                    active.detach(tokens)
                while responses is not None:
                    tokens = active.attach()
                    try:
                        response = await anext(responses)
                    except StopAsyncIteration:
                        break
                    finally:
                        active.detach(tokens)
                    yield response
            except BaseException as exc:
                error = exc
                raise
            finally:
                tokens = active.attach()
                try:
                    if responses is not None and hasattr(responses, "aclose"):
                        await responses.aclose()  # a stream grpc closed early runs its cleanup now
                finally:
                    active.finish(error)
                    active.detach(tokens)

        return handler


class _Active:
    """An RPC in progress: its span, its log scope and its clock."""

    def __init__(self, call: _Call, servicer_context: ServicerContext, streaming: bool) -> None:
        self.call = call
        self.servicer_context = servicer_context
        self.streaming = streaming
        self.start = time.perf_counter()
        address, port = _peer(servicer_context.peer())
        attributes: dict[str, str | int] = {
            "rpc.system": "grpc",
            "rpc.service": call.service,
            "rpc.method": call.method,
        }
        if address:
            attributes["network.peer.address"] = address
        if port:
            attributes["network.peer.port"] = port
        parent = propagate.extract(_carrier(servicer_context.invocation_metadata() or ()))
        name = call.name
        self.span = tracer.start_span(name, context=parent, kind=SpanKind.SERVER, attributes=attributes)
        self.context = trace.set_span_in_context(self.span, parent)
        self.scope = context.RpcScope(name, f"{address}:{port}" if port else address)
        if streaming:
            streams_open.add(1, {"rpc.method": call.method})

    def attach(self) -> tuple[object, object]:
        return otel_context.attach(self.context), context.rpc.set(self.scope)

    def detach(self, tokens: tuple[Any, Any]) -> None:
        context.rpc.reset(tokens[1])
        otel_context.detach(tokens[0])

    def finish_after_reply(self, error: BaseException | None) -> None:
        """Takes the outcome now and records it on the loop's next turn, once grpc has sent the
        reply: a unary caller then no longer waits for the span, the metric and the log line
        (0.04-0.06 ms of a LogMetrics, measured). Runs while the span is current; the record
        keeps that context, so the line still carries its ids."""
        asyncio.get_running_loop().call_soon(
            self._record, *self._outcome(error), context=contextvars.copy_context()
        )

    def finish(self, error: BaseException | None) -> None:
        """Records the outcome; runs while the span is still current, so the line carries its ids."""
        self._record(*self._outcome(error))

    def _outcome(self, error: BaseException | None) -> tuple[grpc.StatusCode, float, int]:
        """The call's status code, its duration in milliseconds and its end (ns since the epoch)."""
        duration_ms = (time.perf_counter() - self.start) * 1000
        return _status(self.servicer_context, error), duration_ms, time.time_ns()

    def _record(self, code: grpc.StatusCode, duration_ms: float, end_ns: int) -> None:
        number = code.value[0]
        span = self.span
        span.set_attribute("rpc.grpc.status_code", number)
        if self.scope.points:
            span.set_attribute("exprun.points", self.scope.points)
        if code is not grpc.StatusCode.OK:
            span.set_attribute("error.type", code.name)
            span.set_status(Status(StatusCode.ERROR, code.name))
        principal = context.principal.get()
        fields: dict[str, Any] = {
            "logger": LOGGER,
            "rpc.method": self.scope.method,
            "code": code.name,
            "duration_ms": round(duration_ms, 3),
            "peer": self.scope.peer,
            "principal": principal,
        }
        if self.scope.points:
            fields["points"] = self.scope.points
        with contextlib.suppress(Exception):  # a broken log stream must not fail the RPC
            getattr(log, _LEVELS.get(code, "info"))("rpc", **fields)
        span.end(end_ns)
        rpc_duration.record(
            duration_ms,
            {
                "rpc.system": "grpc",
                "rpc.service": self.call.service,
                "rpc.method": self.call.method,
                "rpc.grpc.status_code": number,
            },
        )
        if self.streaming:
            streams_open.add(-1, {"rpc.method": self.call.method})


def _status(servicer_context: ServicerContext, error: BaseException | None) -> grpc.StatusCode:
    """The code the client gets: the one set by abort() or set_code(), else what the error means."""
    code = servicer_context.code()
    if isinstance(code, grpc.StatusCode):
        return code
    if isinstance(code, int):
        return _BY_NUMBER.get(code, grpc.StatusCode.UNKNOWN)
    if error is None:
        return grpc.StatusCode.OK
    if isinstance(error, asyncio.CancelledError | GeneratorExit):
        remaining = servicer_context.time_remaining()
        if remaining is not None and remaining <= 0:
            return grpc.StatusCode.DEADLINE_EXCEEDED
        return grpc.StatusCode.CANCELLED
    return grpc.StatusCode.UNKNOWN


def _carrier(metadata: Any) -> dict[str, str]:
    """Text metadata as a propagation carrier (W3C `traceparent`, `tracestate`, `baggage`)."""
    return {key: value for key, value in metadata if isinstance(value, str)}


def _peer(peer: str | None) -> tuple[str, int]:
    """grpc's peer string as address and port: `ipv6:[::1]:5012` → `("::1", 5012)`."""
    if not peer:
        return "", 0
    kind, _, rest = peer.partition(":")
    if kind not in ("ipv4", "ipv6"):
        return peer, 0
    host, _, port = rest.rpartition(":")
    return host.strip("[]"), int(port) if port.isdigit() else 0
