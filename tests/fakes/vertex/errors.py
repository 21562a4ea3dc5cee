"""The one error type of the fake: a canonical gRPC status code and a message."""

from __future__ import annotations

import grpc


class FakeError(Exception):
    """Raised by a handler; the server turns it into the RPC's status, as Vertex would."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> FakeError:
    return FakeError(grpc.StatusCode.INVALID_ARGUMENT, message)


def not_found(kind: str, name: str) -> FakeError:
    return FakeError(grpc.StatusCode.NOT_FOUND, f"{kind} {name} not found.")


def already_exists(kind: str, name: str) -> FakeError:
    return FakeError(grpc.StatusCode.ALREADY_EXISTS, f"{kind} {name} already exists.")


def failed_precondition(message: str) -> FakeError:
    return FakeError(grpc.StatusCode.FAILED_PRECONDITION, message)
