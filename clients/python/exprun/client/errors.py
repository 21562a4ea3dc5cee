"""Typed errors for every failed call.

A caller reacts to *what* went wrong (`except NotFound`), not to a gRPC detail, and a
validation failure says which field was bad without parsing the message: the server puts that
in the rich status (`google.rpc.ErrorInfo`, `google.rpc.BadRequest`), and this module lifts it
onto the exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


class ExprunError(Exception):
    """Base of every error raised for a failed exprun call.

    `str(err)` is `CODE: message`, short enough for a log line or a CLI's one-line error.
    `retry_delay` (seconds) is set when the server said the failure is transient and how long
    to wait before retrying (`google.rpc.RetryInfo`), say for `reason == "STORAGE_FULL"`.
    """

    def __init__(
        self,
        code: Any,
        message: str,
        *,
        reason: str = "",
        domain: str = "",
        metadata: Mapping[str, str] | None = None,
        field_violations: Sequence[tuple[str, str]] = (),
        retry_delay: float | None = None,
    ) -> None:
        self.code: Any = code
        self.retry_delay = retry_delay
        self.message = message
        self.reason = reason
        self.domain = domain
        self.metadata: dict[str, str] = dict(metadata or {})
        self.field_violations: list[tuple[str, str]] = list(field_violations)
        super().__init__(f"{_code_name(code)}: {message}")


# Validation failures are also `ValueError`s and missing resources `LookupError`s, so code
# written against the Vertex SDK's exception types keeps catching them.
class InvalidArgument(ExprunError, ValueError):
    pass


class NotFound(ExprunError, LookupError):
    pass


class AlreadyExists(ExprunError):
    pass


class FailedPrecondition(ExprunError):
    pass


class PermissionDenied(ExprunError):
    pass


class Unauthenticated(ExprunError):
    pass


class Unavailable(ExprunError):
    pass


class ResourceExhausted(ExprunError):
    pass


class Aborted(ExprunError):
    pass


class Internal(ExprunError):
    pass


_BY_CODE: dict[Any, type[ExprunError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.ABORTED: Aborted,
    grpc.StatusCode.INTERNAL: Internal,
}


def _code_name(code: Any) -> str:
    name = getattr(code, "name", None)
    return name if isinstance(name, str) else str(code)


def from_rpc_error(error: Any) -> ExprunError:
    """Turns a `grpc.RpcError` (which is also a `grpc.Call`) into its typed exception."""
    code = error.code() if callable(getattr(error, "code", None)) else grpc.StatusCode.UNKNOWN
    message = error.details() if callable(getattr(error, "details", None)) else str(error)
    reason, domain = "", ""
    metadata: dict[str, str] = {}
    violations: list[tuple[str, str]] = []
    retry_delay: float | None = None
    try:
        status = rpc_status.from_call(error)
    except (ValueError, AttributeError):
        # A status whose details disagree with the call's code is unusable, not fatal: keep the code.
        status = None
    if status is not None:
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            bad_request = error_details_pb2.BadRequest()
            retry_info = error_details_pb2.RetryInfo()
            if detail.Is(info.DESCRIPTOR) and detail.Unpack(info):
                reason, domain, metadata = info.reason, info.domain, dict(info.metadata)
            elif detail.Is(bad_request.DESCRIPTOR) and detail.Unpack(bad_request):
                violations += [(v.field, v.description) for v in bad_request.field_violations]
            elif detail.Is(retry_info.DESCRIPTOR) and detail.Unpack(retry_info):
                retry_delay = retry_info.retry_delay.ToNanoseconds() / 1e9
    cls = _BY_CODE.get(code, ExprunError)
    return cls(
        code,
        message or "",
        reason=reason,
        domain=domain,
        metadata=metadata,
        field_violations=violations,
        retry_delay=retry_delay,
    )


__all__ = [
    "Aborted",
    "AlreadyExists",
    "ExprunError",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "NotFound",
    "PermissionDenied",
    "ResourceExhausted",
    "Unauthenticated",
    "Unavailable",
    "from_rpc_error",
]
