"""Typed errors for every failed call.

A caller reacts to *what* went wrong (`except NotFound`), not to a gRPC detail, and a
validation failure says which field was bad without parsing the message: the server puts that
in the rich status (`google.rpc.ErrorInfo`, `google.rpc.BadRequest`), and this module lifts it
onto the exception.

Each class also subclasses the matching `google.api_core.exceptions` class, so code written
against the Vertex SDK (`except google.api_core.exceptions.NotFound:`) catches exprun's errors
unchanged. One difference stays: `.code` is the `grpc.StatusCode` (as it always was here), not
api_core's HTTP number; that number is `http_code`, and `grpc_status_code` is api_core's name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import grpc
from google.api_core import exceptions as api_exceptions
from google.rpc import error_details_pb2
from grpc_status import rpc_status


class ExprunError(api_exceptions.GoogleAPICallError):
    """Base of every error raised for a failed exprun call.

    `str(err)` is `CODE: message`, short enough for a log line or a CLI's one-line error.
    `retry_delay` (seconds) is set when the server said the failure is transient and how long
    to wait before retrying (`google.rpc.RetryInfo`), say for `reason == "STORAGE_FULL"`.
    `reason`, `domain` and `metadata` come from the status's `google.rpc.ErrorInfo` (empty when
    it had none), `field_violations` from its `google.rpc.BadRequest`.
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
        details: Sequence[Any] = (),
    ) -> None:
        info = error_details_pb2.ErrorInfo(reason=reason, domain=domain, metadata=dict(metadata or {}))
        super().__init__(message, details=list(details), error_info=info)  # type: ignore[no-untyped-call]
        self.code: Any = code
        self.retry_delay = retry_delay
        self.field_violations: list[tuple[str, str]] = list(field_violations)

    @property
    def http_code(self) -> int | None:
        """api_core's HTTP status number for this class (`NotFound.code` there is 404)."""
        return type(self).code if isinstance(type(self).code, int) else None

    @property
    def reason(self) -> str:
        return str(self._error_info.reason)

    @property
    def domain(self) -> str:
        return str(self._error_info.domain)

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self._error_info.metadata)

    def __str__(self) -> str:
        return f"{_code_name(self.code)}: {self.message}"


# Validation failures are also `ValueError`s and missing resources `LookupError`s, so code
# written against the Vertex SDK's own checks (which raise ValueError) keeps catching them.
class InvalidArgument(ExprunError, api_exceptions.InvalidArgument, ValueError):
    pass


class NotFound(ExprunError, api_exceptions.NotFound, LookupError):
    pass


class AlreadyExists(ExprunError, api_exceptions.AlreadyExists):
    pass


class FailedPrecondition(ExprunError, api_exceptions.FailedPrecondition):
    pass


class PermissionDenied(ExprunError, api_exceptions.PermissionDenied):
    pass


class Unauthenticated(ExprunError, api_exceptions.Unauthenticated):
    pass


class Unavailable(ExprunError, api_exceptions.ServiceUnavailable):
    pass


class ResourceExhausted(ExprunError, api_exceptions.ResourceExhausted):
    pass


class Aborted(ExprunError, api_exceptions.Aborted):
    pass


class Internal(ExprunError, api_exceptions.InternalServerError):
    pass


class DeadlineExceeded(ExprunError, api_exceptions.DeadlineExceeded):
    pass


class Cancelled(ExprunError, api_exceptions.Cancelled):
    pass


class OutOfRange(ExprunError, api_exceptions.OutOfRange):
    pass


class Unimplemented(ExprunError, api_exceptions.MethodNotImplemented):
    pass


class DataLoss(ExprunError, api_exceptions.DataLoss):
    pass


class Unknown(ExprunError, api_exceptions.Unknown):
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
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.CANCELLED: Cancelled,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRange,
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
    grpc.StatusCode.DATA_LOSS: DataLoss,
    grpc.StatusCode.UNKNOWN: Unknown,
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
    unpacked: list[Any] = []
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
                unpacked.append(info)
            elif detail.Is(bad_request.DESCRIPTOR) and detail.Unpack(bad_request):
                violations += [(v.field, v.description) for v in bad_request.field_violations]
                unpacked.append(bad_request)
            elif detail.Is(retry_info.DESCRIPTOR) and detail.Unpack(retry_info):
                retry_delay = retry_info.retry_delay.ToNanoseconds() / 1e9
                unpacked.append(retry_info)
    cls = _BY_CODE.get(code, ExprunError)
    return cls(
        code,
        message or "",
        reason=reason,
        domain=domain,
        metadata=metadata,
        field_violations=violations,
        retry_delay=retry_delay,
        details=unpacked,
    )


__all__ = [
    "Aborted",
    "AlreadyExists",
    "Cancelled",
    "DataLoss",
    "DeadlineExceeded",
    "ExprunError",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "NotFound",
    "OutOfRange",
    "PermissionDenied",
    "ResourceExhausted",
    "Unauthenticated",
    "Unavailable",
    "Unimplemented",
    "Unknown",
    "from_rpc_error",
]
