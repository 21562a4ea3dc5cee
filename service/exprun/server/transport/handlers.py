"""Rebuilding a method handler around new behaviour: what every server interceptor here does.

grpc.aio hands an interceptor an `RpcMethodHandler` of one of four kinds; to act around the
call, the interceptor builds a handler of the same kind with the same (de)serializers. That
dispatch, and the shim for handlers that write with `context.write()` instead of yielding,
live here once.

Building a handler costs a few closures and a grpc handler object; `PerMethod` builds each
method's once, on its first call, instead of on every call. `Rewrapping` is the interceptor
that does both steps; every interceptor here is one.
"""

from __future__ import annotations

import abc
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Literal, TypeAlias

import grpc

Kind: TypeAlias = Literal["unary_unary", "unary_stream", "stream_unary", "stream_stream"]
# behaviour(fn, kind) -> the new behaviour for a handler of that kind
Wrap: TypeAlias = Callable[[Callable[..., Any], Kind], Callable[..., Any]]

_BUILDERS: dict[Kind, Callable[..., grpc.RpcMethodHandler]] = {
    "unary_unary": grpc.unary_unary_rpc_method_handler,
    "unary_stream": grpc.unary_stream_rpc_method_handler,
    "stream_unary": grpc.stream_unary_rpc_method_handler,
    "stream_stream": grpc.stream_stream_rpc_method_handler,
}


def kind_of(handler: grpc.RpcMethodHandler) -> Kind:
    if handler.unary_unary:
        return "unary_unary"
    if handler.unary_stream:
        return "unary_stream"
    if handler.stream_unary:
        return "stream_unary"
    return "stream_stream"


def rewrap(
    handler: grpc.RpcMethodHandler,
    wrap: Wrap,
    request_deserializer: Callable[[bytes], Any] | None = None,
) -> grpc.RpcMethodHandler:
    """A handler of the same kind whose behaviour is `wrap(behaviour, kind)`; the request
    deserializer is replaced when one is given."""
    kind = kind_of(handler)
    return _BUILDERS[kind](
        wrap(getattr(handler, kind), kind),
        request_deserializer=request_deserializer or handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )


class PerMethod:
    """The handler an interceptor built for each method, reused while the handler it wrapped is
    the same object (grpc's generic handlers return the same one for a method every time).

    Only what is the same for every call of a method may go into the built handler; a call's
    own data (its metadata, its peer) is read from the servicer context when it runs. Methods
    are the server's fixed set (an unknown method has no handler to wrap), so this stays small."""

    def __init__(self) -> None:
        self._built: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    def get(
        self, method: str, handler: grpc.RpcMethodHandler, build: Callable[[], grpc.RpcMethodHandler]
    ) -> grpc.RpcMethodHandler:
        built = self._built.get(method)
        if built is not None and built[0] is handler:
            return built[1]
        wrapped = build()
        self._built[method] = (handler, wrapped)
        return wrapped


class Rewrapping(grpc.aio.ServerInterceptor):  # type: ignore[misc]  # grpc is untyped
    """An interceptor that puts a handler of its own around each method's, built once per
    method: subclasses build it (`build`) and name the methods they leave alone (`passes`)."""

    def __init__(self) -> None:
        self._built = PerMethod()

    def passes(self, method: str, handler: grpc.RpcMethodHandler) -> bool:
        """True for a method whose handler is served as it is."""
        return False

    @abc.abstractmethod
    def build(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        """The handler that serves `method` in place of `handler`; only what is the same for
        every call goes into it (see `PerMethod`)."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None or self.passes(method, handler):
            return handler
        return self._built.get(method, handler, lambda: self.build(handler, method))


async def responses(result: Any) -> AsyncIterator[Any]:
    """A response-streaming handler's responses, whether it yields them or writes them with
    context.write() (then it is a coroutine, and yields nothing here)."""
    if inspect.isawaitable(result):
        await result
        return
    async for response in result:
        yield response
