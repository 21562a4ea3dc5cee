"""Vertex errors in domain terms.

Callers handle the answers they expect (a NotFound that means "not there yet", an
AlreadyExists that means "someone was first") next to the call. What is left reaches
`translate` at the store's boundary, which maps it to the domain error of the same meaning.
"""

from __future__ import annotations

from exprun.server.core.errors import (
    ExprunError,
    FailedPrecondition,
    InvalidArgument,
    ResourceExhausted,
    Unavailable,
)
from google.api_core import exceptions


def translate(exc: exceptions.GoogleAPICallError, *, field: str = "request") -> ExprunError:
    """The domain error for a Vertex answer that no caller handled.

    PERMISSION_DENIED and UNAUTHENTICATED are the server's own identity lacking IAM rights on
    the project, which the client cannot fix by changing its request: FAILED_PRECONDITION with
    reason VERTEX_PERMISSION_DENIED tells the operator what to grant. A NotFound here is a
    resource the request did not name directly (a TensorBoard of a recorded link, say)."""
    message = exc.message or type(exc).__name__
    if isinstance(exc, exceptions.InvalidArgument | exceptions.OutOfRange):
        return InvalidArgument.field(field, f"Vertex AI refused it: {message}")
    if isinstance(exc, exceptions.PermissionDenied | exceptions.Unauthenticated):
        return FailedPrecondition(
            f"the exprun server may not do this in Vertex AI: {message}", reason="VERTEX_PERMISSION_DENIED"
        )
    if isinstance(exc, exceptions.NotFound):
        return FailedPrecondition(f"a Vertex AI resource is missing: {message}", reason="VERTEX_NOT_FOUND")
    if isinstance(exc, exceptions.FailedPrecondition | exceptions.AlreadyExists | exceptions.Conflict):
        return FailedPrecondition(f"Vertex AI refused it: {message}", reason="VERTEX_FAILED_PRECONDITION")
    if isinstance(exc, exceptions.TooManyRequests):
        return ResourceExhausted(f"Vertex AI quota exhausted: {message}", reason="VERTEX_QUOTA")
    return Unavailable(f"Vertex AI failed: {message}", reason="VERTEX_ERROR")
