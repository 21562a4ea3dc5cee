"""Domain errors, one class per canonical code.

The transport maps each class to its gRPC status in one table, so a store or use-case raises
what happened in domain terms and the client still gets a precise, stable code and reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldViolation:
    """One bad field: `field` is the request path, e.g. `params["lr"]` or `batch.series[0].values`."""

    field: str
    description: str


class ExprunError(Exception):
    """Base of every error a client is meant to see.

    `reason` is the UPPER_SNAKE_CASE `ErrorInfo.reason`; `metadata` carries the dynamic values
    (resource names, limits) so clients never parse the message. `retry_delay` (seconds), when
    set, tells the client the condition is transient and how long to wait before retrying.
    """

    reason = "ERROR"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
        retry_delay: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        self.metadata: dict[str, str] = dict(metadata or {})
        self.retry_delay = retry_delay


class InvalidArgument(ExprunError):
    reason = "INVALID_ARGUMENT"

    def __init__(
        self,
        violations: Sequence[FieldViolation],
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        if not violations:
            raise ValueError("InvalidArgument needs at least one field violation")
        self.violations = tuple(violations)
        first = violations[0]
        message = f"{first.field}: {first.description}"
        if len(violations) > 1:
            message += f" (and {len(violations) - 1} more)"
        super().__init__(message, reason=reason, metadata=metadata)

    @classmethod
    def field(cls, field: str, description: str, *, reason: str | None = None) -> InvalidArgument:
        return cls([FieldViolation(field, description)], reason=reason)


class NotFound(ExprunError):
    reason = "NOT_FOUND"

    def __init__(self, resource_name: str, *, kind: str) -> None:
        super().__init__(
            f"{kind} {resource_name} not found",
            reason=f"{kind.upper()}_NOT_FOUND",
            metadata={"resource_name": resource_name},
        )
        self.resource_name = resource_name


class AlreadyExists(ExprunError):
    reason = "ALREADY_EXISTS"

    def __init__(self, resource_name: str, *, kind: str, detail: str = "") -> None:
        message = f"{kind} {resource_name} already exists"
        if detail:
            message += f": {detail}"
        super().__init__(
            message,
            reason=f"{kind.upper()}_ALREADY_EXISTS",
            metadata={"resource_name": resource_name},
        )
        self.resource_name = resource_name


class FailedPrecondition(ExprunError):
    reason = "FAILED_PRECONDITION"


class Aborted(ExprunError):
    reason = "ABORTED"


class Unavailable(ExprunError):
    reason = "UNAVAILABLE"


class ResourceExhausted(ExprunError):
    """A limit is reached; with a `retry_delay` the client should try again after it."""

    reason = "RESOURCE_EXHAUSTED"


class Internal(ExprunError):
    """The server cannot serve the request and retrying will not help (say, its storage is
    damaged); the message names no internals, the server log has them."""

    reason = "INTERNAL"


class Unauthenticated(ExprunError):
    """The caller did not prove who it is: no bearer token, or one that is malformed, unknown,
    expired or meant for another issuer or audience. The message never contains the token."""

    reason = "UNAUTHENTICATED"


class PermissionDenied(ExprunError):
    """The caller is known but may not act on the resource it named."""

    reason = "PERMISSION_DENIED"


def collect(violations: list[FieldViolation]) -> None:
    """Raise all violations found by a validator at once, so a client fixes them in one go."""
    if violations:
        raise InvalidArgument(violations)
