"""Overload protection: a limit on RPCs in flight and a per-principal cap on open streams.

It replaces grpc.aio's `maximum_concurrent_rpcs`, which counts every RPC, health checks too: a
server full of idle streams then refused its own probes and the kubelet restarted it. Here a
health Check is never counted (it is unary and answers at once, so it cannot pile up); a health
Watch is, since anyone may open one without a token. A call over a limit is refused as it
starts, with RESOURCE_EXHAUSTED and a retry delay; a call once admitted is never cut off.

The per-principal cap covers the streams a client can hold open at no cost, by not sending
(StreamTimeSeries, LogModel) or by not reading (ReadTimeSeries). It needs the principal, which
the authentication interceptor sets, so it is taken in two places. `OverloadInterceptor` sits
outside authentication, so that an upload which never sends its first message is counted too
(authorization waits for that message): its slot is taken when the handler first asks for a
message, by which time authentication has run. `ReadStreamCap` sits inside authentication and
takes a read's slot as it starts. Without authentication every caller is the one anonymous
principal.
"""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import grpc
from exprun.server.core.errors import ResourceExhausted
from exprun.server.security import context
from exprun.server.transport import handlers

UNCOUNTED = frozenset({"/grpc.health.v1.Health/Check"})
CAPPED_STREAMS = frozenset(
    {
        "/exprun.v1.ExperimentRunService/StreamTimeSeries",
        "/exprun.v1.ExperimentRunService/LogModel",
        "/exprun.v1.ExperimentRunService/ReadTimeSeries",
    }
)
ANONYMOUS = "anonymous"
# A full server frees slots as calls finish (most in well under a second); a principal at its
# cap has to end one of its own streams first, which takes longer.
OVERLOADED_RETRY_SECONDS = 1.0
STREAMS_RETRY_SECONDS = 5.0


class Admission:
    """Counts what is in flight. Everything runs on the server's event loop, so no lock.
    A limit of 0 means no limit."""

    def __init__(self, max_rpcs: int, max_streams_per_principal: int) -> None:
        self.max_rpcs = max_rpcs
        self.max_streams_per_principal = max_streams_per_principal
        self.rpcs = 0
        self.streams: collections.Counter[str] = collections.Counter()

    @contextmanager
    def rpc(self) -> Iterator[None]:
        if self.max_rpcs and self.rpcs >= self.max_rpcs:
            raise ResourceExhausted(
                f"the server is serving its limit of {self.max_rpcs} calls; retry later",
                reason="SERVER_OVERLOADED",
                metadata={"limit": str(self.max_rpcs)},
                retry_delay=OVERLOADED_RETRY_SECONDS,
            )
        self.rpcs += 1
        try:
            yield
        finally:
            self.rpcs -= 1

    def open_stream(self, principal: str) -> None:
        cap = self.max_streams_per_principal
        if cap and self.streams[principal] >= cap:
            raise ResourceExhausted(
                f'principal "{principal}" has its limit of {cap} open streams; end one, or retry later',
                reason="TOO_MANY_STREAMS",
                metadata={"principal": principal, "limit": str(cap)},
                retry_delay=STREAMS_RETRY_SECONDS,
            )
        self.streams[principal] += 1

    def close_stream(self, principal: str) -> None:
        self.streams[principal] -= 1
        if not self.streams[principal]:
            del self.streams[principal]

    @contextmanager
    def stream(self, principal: str) -> Iterator[None]:
        self.open_stream(principal)
        try:
            yield
        finally:
            self.close_stream(principal)


class _StreamSlot:
    """The request messages of a capped stream; the first read takes the principal's slot."""

    def __init__(self, admission: Admission, requests: AsyncIterator[Any]) -> None:
        self._admission = admission
        self._requests = requests
        self._principal: str | None = None

    def __aiter__(self) -> _StreamSlot:
        return self

    async def __anext__(self) -> Any:
        if self._principal is None:
            principal = context.principal.get() or ANONYMOUS
            self._admission.open_stream(principal)
            self._principal = principal
        return await anext(self._requests)

    def release(self) -> None:
        if self._principal is not None:
            self._admission.close_stream(self._principal)
            self._principal = None


class OverloadInterceptor(handlers.Rewrapping):
    """Place it inside the ErrorInterceptor (its refusals become rich statuses) and outside the
    authentication interceptor (see the module docstring)."""

    def __init__(self, admission: Admission) -> None:
        super().__init__()
        self.admission = admission

    def passes(self, method: str, handler: grpc.RpcMethodHandler) -> bool:
        return method in UNCOUNTED

    def build(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        capped = method in CAPPED_STREAMS  # applies to request streams here; reads: ReadStreamCap

        def wrap(fn: Callable[..., Any], kind: handlers.Kind) -> Callable[..., Any]:
            counted = capped and kind.startswith("stream_")
            return self._unary(fn, counted) if kind.endswith("_unary") else self._stream(fn, counted)

        return handlers.rewrap(handler, wrap)

    def _unary(self, fn: Callable[..., Awaitable[Any]], capped: bool) -> Callable[..., Awaitable[Any]]:
        async def handler(request: Any, ctx: grpc.aio.ServicerContext[Any, Any]) -> Any:
            with self.admission.rpc():
                if not capped:
                    return await fn(request, ctx)
                slot = _StreamSlot(self.admission, aiter(request))
                try:
                    return await fn(slot, ctx)
                finally:
                    slot.release()

        return handler

    def _stream(self, fn: Callable[..., Any], capped: bool) -> Callable[..., AsyncIterator[Any]]:
        async def handler(request: Any, ctx: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
            with self.admission.rpc():
                slot = _StreamSlot(self.admission, aiter(request)) if capped else None
                try:
                    async for response in handlers.responses(fn(slot or request, ctx)):
                        yield response
                finally:
                    if slot is not None:
                        slot.release()

        return handler


class ReadStreamCap(handlers.Rewrapping):
    """The per-principal cap for capped streams with a single request (ReadTimeSeries). Place
    it inside the authentication interceptor, which has named the principal when it runs."""

    def __init__(self, admission: Admission) -> None:
        super().__init__()
        self.admission = admission

    def passes(self, method: str, handler: grpc.RpcMethodHandler) -> bool:
        return method not in CAPPED_STREAMS or not handler.unary_stream

    def build(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:

        def capped(fn: Callable[..., Any], _kind: handlers.Kind) -> Callable[..., AsyncIterator[Any]]:
            async def read(request: Any, ctx: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
                with self.admission.stream(context.principal.get() or ANONYMOUS):
                    async for response in handlers.responses(fn(request, ctx)):
                        yield response

            return read

        return handlers.rewrap(handler, capped)
