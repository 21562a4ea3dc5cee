"""Authentication and authorization of every RPC, as a grpc.aio server interceptor.

It sits inside the ErrorInterceptor, so it raises domain errors (Unauthenticated,
PermissionDenied) and the client gets the usual rich status. Health is always open, so probes
need no token. Reflection needs a valid token but no project: it describes the API, not data.
Everything else needs a valid token, and every project the request names (see `resources`) must
be allowed for its principal; a stream is checked on its first message, the only one that
names a run (later `open`/`header` messages are refused by the servicer).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeAlias

import grpc
from exprun.server.core.errors import PermissionDenied, Unauthenticated
from exprun.server.core.tensorboard import ExperimentIds
from exprun.server.security import context, resources
from exprun.server.security.identity import Identity
from exprun.server.security.oidc import JwtVerifier, looks_like_jwt
from exprun.server.security.policy import Policy
from exprun.server.security.tokens import StaticTokens
from exprun.server.transport import handlers
from google.protobuf.message import Message

ServicerContext: TypeAlias = "grpc.aio.ServicerContext[Any, Any]"

OPEN_PREFIXES = ("/grpc.health.v1.Health/",)
REFLECTION_PREFIXES = ("/grpc.reflection.v1alpha.ServerReflection/", "/grpc.reflection.v1.ServerReflection/")
MAX_ECHOED_PROJECT = 64


class Authenticator:
    """Bearer token → Identity: a static token first, then a JWT. Messages never contain the token."""

    def __init__(self, tokens: StaticTokens | None, verifier: JwtVerifier | None) -> None:
        self.tokens = tokens
        self.verifier = verifier

    async def authenticate(self, metadata: Sequence[tuple[str, Any]]) -> Identity:
        values = [value for key, value in metadata if key == "authorization"]
        if not values:
            raise Unauthenticated(
                'this method needs "authorization: Bearer <token>" metadata', reason="TOKEN_MISSING"
            )
        if len(values) > 1 or not isinstance(values[0], str):
            raise Unauthenticated("send exactly one authorization metadata entry", reason="TOKEN_MALFORMED")
        scheme, _, token = values[0].strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(
                'the authorization metadata must be "Bearer <token>"', reason="TOKEN_MALFORMED"
            )
        if self.tokens is not None:
            identity = self.tokens.lookup(token)
            if identity is not None:
                return identity
        if self.verifier is not None and looks_like_jwt(token):
            return await self.verifier.verify(token)
        raise Unauthenticated("the bearer token is not valid", reason="TOKEN_INVALID")


class AuthInterceptor(handlers.Rewrapping):
    def __init__(
        self, authenticator: Authenticator, policy: Policy, tensorboard_ids: ExperimentIds | None = None
    ) -> None:
        super().__init__()
        self.authenticator = authenticator
        self.policy = policy
        self.tensorboard_ids = tensorboard_ids or ExperimentIds()

    def passes(self, method: str, handler: grpc.RpcMethodHandler) -> bool:
        return method.startswith(OPEN_PREFIXES)

    def build(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        check = _Check(self, authorize=not method.startswith(REFLECTION_PREFIXES))
        return handlers.rewrap(handler, lambda fn, kind: getattr(check, kind)(fn))

    def authorize(self, identity: Identity, request: Any) -> None:
        for project in sorted(resources.projects(request, self.tensorboard_ids)):
            if not self.policy.allows(identity, project):
                shown = project[:MAX_ECHOED_PROJECT]
                raise PermissionDenied(
                    f'principal "{identity.principal}" may not act in project "{shown}"',
                    reason="PROJECT_NOT_ALLOWED",
                    metadata={"principal": identity.principal, "project": shown},
                )


class _Check:
    """One method's checks, wrapped around its handler: the token comes from each call's
    metadata, read from its servicer context when the call runs."""

    def __init__(self, interceptor: AuthInterceptor, *, authorize: bool):
        self.interceptor = interceptor
        self.authorize = authorize

    async def _identity(self, ctx: ServicerContext) -> Identity:
        identity = await self.interceptor.authenticator.authenticate(ctx.invocation_metadata() or ())
        context.principal.set(identity.principal)
        return identity

    async def _checked_stream(self, requests: AsyncIterator[Any], ctx: ServicerContext) -> AsyncIterator[Any]:
        """Authenticates before reading anything, authorizes on the first message."""
        identity = await self._identity(ctx)
        if not self.authorize:
            return requests
        iterator = aiter(requests)
        first = await anext(iterator, None)
        if first is None:
            return iterator
        # A message the transport keeps encoded (a StreamTimeSeries batch) names no resource:
        # the stream's run comes from its open, which arrives parsed and is checked here.
        if isinstance(first, Message):
            self.interceptor.authorize(identity, first)
        return _prepend(first, iterator)

    def unary_unary(self, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def handler(request: Any, ctx: ServicerContext) -> Any:
            identity = await self._identity(ctx)
            if self.authorize:
                self.interceptor.authorize(identity, request)
            return await fn(request, ctx)

        return handler

    def unary_stream(self, fn: Callable[..., Any]) -> Callable[..., AsyncIterator[Any]]:
        async def handler(request: Any, ctx: ServicerContext) -> AsyncIterator[Any]:
            identity = await self._identity(ctx)
            if self.authorize:
                self.interceptor.authorize(identity, request)
            async for response in handlers.responses(fn(request, ctx)):
                yield response

        return handler

    def stream_unary(self, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def handler(requests: AsyncIterator[Any], ctx: ServicerContext) -> Any:
            return await fn(await self._checked_stream(requests, ctx), ctx)

        return handler

    def stream_stream(self, fn: Callable[..., Any]) -> Callable[..., AsyncIterator[Any]]:
        async def handler(requests: AsyncIterator[Any], ctx: ServicerContext) -> AsyncIterator[Any]:
            checked = await self._checked_stream(requests, ctx)
            async for response in handlers.responses(fn(checked, ctx)):
                yield response

        return handler


async def _prepend(first: Any, rest: AsyncIterator[Any]) -> AsyncIterator[Any]:
    yield first
    async for item in rest:
        yield item
