"""Domain errors → gRPC status with rich details, in one table and one interceptor.

Every RPC goes through `ErrorInterceptor`, so servicers raise domain errors and never build a
status by hand; an unexpected exception becomes INTERNAL without leaking internals, and is
logged with its traceback for the operator.

Bytes that are not the method's request message become INVALID_ARGUMENT (MALFORMED_REQUEST) in
the same handlers: grpc.aio decodes a request before any interceptor runs and would answer
UNKNOWN, unlogged, so the interceptor wraps each method's deserializer to hand the handler a
marker instead of raising.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from exprun.server.core import errors
from exprun.server.transport import handlers
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

DOMAIN = "exprun.dev"
log = logging.getLogger("exprun.server.errors")

# The status travels twice in the trailers: as grpc-message (percent-encoded, up to 3 bytes a
# byte) and inside grpc-status-details-bin (base64). These bounds keep both together under
# ~5.5 KB even for text that is all multi-byte characters, far below the 8 KiB soft and 16 KiB
# hard metadata limits of gRPC clients, whatever a validator or a store put into an error.
MESSAGE_MAX_BYTES = 512
VIOLATION_TEXT_MAX_BYTES = 512
VIOLATIONS_MAX_BYTES = 1536
METADATA_VALUE_MAX_BYTES = 256

CODES: dict[type[errors.ExprunError], int] = {
    errors.InvalidArgument: code_pb2.INVALID_ARGUMENT,
    errors.NotFound: code_pb2.NOT_FOUND,
    errors.AlreadyExists: code_pb2.ALREADY_EXISTS,
    errors.FailedPrecondition: code_pb2.FAILED_PRECONDITION,
    errors.Aborted: code_pb2.ABORTED,
    errors.Unavailable: code_pb2.UNAVAILABLE,
    errors.ResourceExhausted: code_pb2.RESOURCE_EXHAUSTED,
    errors.Internal: code_pb2.INTERNAL,
    errors.Unauthenticated: code_pb2.UNAUTHENTICATED,
    errors.PermissionDenied: code_pb2.PERMISSION_DENIED,
}


def status_code(error: errors.ExprunError) -> int:
    """The code of the nearest class in the error's hierarchy that has one, so a new subclass
    answers as its parent does. An error class outside the table is a bug in the server, not a
    client's fault: INTERNAL, never a code that would send the client looking at its request."""
    return next((CODES[cls] for cls in type(error).__mro__ if cls in CODES), code_pb2.INTERNAL)


def to_status(error: errors.ExprunError) -> grpc.Status:
    code = status_code(error)
    details = []
    metadata = {key: _clip(value, METADATA_VALUE_MAX_BYTES) for key, value in error.metadata.items()}
    violations: list[error_details_pb2.BadRequest.FieldViolation] = []
    if isinstance(error, errors.InvalidArgument):
        violations = _violations(error.violations)
        if len(violations) < len(error.violations):
            metadata["violations_total"] = str(len(error.violations))
    info = error_details_pb2.ErrorInfo(reason=error.reason, domain=DOMAIN, metadata=metadata)
    details.append(_pack(info))
    if violations:
        details.append(_pack(error_details_pb2.BadRequest(field_violations=violations)))
    if error.retry_delay is not None:
        delay = duration_pb2.Duration()
        delay.FromNanoseconds(round(error.retry_delay * 1e9))
        details.append(_pack(error_details_pb2.RetryInfo(retry_delay=delay)))
    status = status_pb2.Status(code=code, message=_clip(error.message, MESSAGE_MAX_BYTES), details=details)
    return rpc_status.to_status(status)


def _clip(text: str, max_bytes: int) -> str:
    """At most `max_bytes` of UTF-8, cut at a character boundary; never raises."""
    data = text.encode(errors="replace")
    if len(data) <= max_bytes:
        return data.decode()
    return data[: max_bytes - 3].decode(errors="ignore") + "..."


def _violations(
    violations: tuple[errors.FieldViolation, ...],
) -> list[error_details_pb2.BadRequest.FieldViolation]:
    """As many violations as VIOLATIONS_MAX_BYTES holds, in order, and always the first."""
    kept: list[error_details_pb2.BadRequest.FieldViolation] = []
    size = 0
    for v in violations:
        field = _clip(v.field, VIOLATION_TEXT_MAX_BYTES)
        description = _clip(v.description, VIOLATION_TEXT_MAX_BYTES)
        size += len(field.encode()) + len(description.encode())
        if kept and size > VIOLATIONS_MAX_BYTES:
            break
        kept.append(error_details_pb2.BadRequest.FieldViolation(field=field, description=description))
    return kept


def internal_status() -> grpc.Status:
    info = error_details_pb2.ErrorInfo(reason="INTERNAL", domain=DOMAIN)
    status = status_pb2.Status(
        code=code_pb2.INTERNAL, message="internal error; see the server log", details=[_pack(info)]
    )
    return rpc_status.to_status(status)


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


async def _abort(context: grpc.aio.ServicerContext[Any, Any], exc: Exception, method: str) -> None:
    if isinstance(exc, errors.ExprunError):
        status = to_status(exc)
    else:
        log.exception("unhandled error in %s", method)
        status = internal_status()
    await context.abort(status.code, status.details, status.trailing_metadata)


class _Malformed:
    """What a wrapped deserializer returns for bytes that are not its message."""

    def __init__(self, message_type: str) -> None:
        self.message_type = message_type

    def error(self) -> errors.InvalidArgument:
        return errors.InvalidArgument.field(
            "request",
            f"the request bytes are not a valid serialized {self.message_type}",
            reason="MALFORMED_REQUEST",
        )


def _tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """The deserializer, answering `_Malformed` where it would raise: any failure to decode a
    request (truncated, wrong wire types, bad UTF-8, nesting too deep) is the client's."""
    if deserializer is None:
        return None
    message_class = getattr(deserializer, "__self__", None)
    descriptor = getattr(message_class, "DESCRIPTOR", None)
    malformed = _Malformed(getattr(descriptor, "full_name", "request message"))

    def deserialize(data: bytes) -> Any:
        try:
            return deserializer(data)
        except Exception:
            return malformed

    return deserialize


def _checked(request: Any, streaming: bool) -> Any:
    """The request, or for a request stream an iterator that raises at a malformed message."""
    if not streaming:
        if isinstance(request, _Malformed):
            raise request.error()
        return request
    return _checked_stream(request)


async def _checked_stream(requests: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async for request in requests:
        if isinstance(request, _Malformed):
            raise request.error()
        yield request


def _wrap_unary(
    fn: Callable[..., Awaitable[Any]], method: str, streaming: bool = False
) -> Callable[..., Awaitable[Any]]:
    async def handler(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await fn(_checked(request, streaming), context)
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            await _abort(context, exc, method)

    return handler


def _wrap_stream(
    fn: Callable[..., AsyncIterator[Any]], method: str, streaming: bool = False
) -> Callable[..., AsyncIterator[Any]]:
    async def handler(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        try:
            async for response in handlers.responses(fn(_checked(request, streaming), context)):
                yield response
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            await _abort(context, exc, method)

    return handler


class ErrorInterceptor(handlers.Rewrapping):
    def build(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        return _wrapped(handler, method)


def _wrapped(handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
    def wrap(fn: Callable[..., Any], kind: handlers.Kind) -> Callable[..., Any]:
        streaming = kind.startswith("stream_")
        if kind.endswith("_unary"):
            return _wrap_unary(fn, method, streaming=streaming)
        return _wrap_stream(fn, method, streaming=streaming)

    return handlers.rewrap(handler, wrap, _tolerant(handler.request_deserializer))
