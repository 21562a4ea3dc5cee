"""The rich details of a refused call (`google.rpc.ErrorInfo`, `RetryInfo`), as tests read them."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

Details = tuple[error_details_pb2.ErrorInfo, error_details_pb2.RetryInfo | None]


def unpack(status: status_pb2.Status) -> Details:
    """The status's ErrorInfo (every exprun error has one) and its RetryInfo, if any."""
    info, retry = error_details_pb2.ErrorInfo(), error_details_pb2.RetryInfo()
    assert any(d.Is(info.DESCRIPTOR) and d.Unpack(info) for d in status.details), f"no ErrorInfo in {status}"
    has_retry = any(d.Is(retry.DESCRIPTOR) and d.Unpack(retry) for d in status.details)
    return info, retry if has_retry else None


def details(error: grpc.RpcError) -> Details:
    status = rpc_status.from_call(error)
    assert status is not None, f"no rich status on {error}"
    return unpack(status)


def reason(error: grpc.RpcError) -> str:
    return str(details(error)[0].reason)


def reason_and_delay(error: grpc.RpcError) -> tuple[str, float | None]:
    """ErrorInfo reason and RetryInfo delay (seconds) of a refused call."""
    info, retry = details(error)
    return str(info.reason), None if retry is None else retry.retry_delay.ToNanoseconds() / 1e9
