"""`StreamTimeSeries` batches reach the servicer still encoded, so the stream session can take
memory budget for their exact size before anything parses them.

gRPC deserializes a request before the handler sees it. For this one method the server
registers a deserializer that leaves batch messages (field 2, the first tag on the wire) as
bytes and parses anything else, which is small: the open message, that the authorization
interceptor reads for its project, or a misplaced message the session refuses.
"""

from __future__ import annotations

from typing import Any

import grpc
from exprun.server.core import streams
from exprun.server.core.errors import InvalidArgument
from exprun.server.transport import mappers
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from google.protobuf.message import DecodeError

SERVICE = "exprun.v1.ExperimentRunService"
METHOD = "StreamTimeSeries"
# Field 2 (batch), wire type 2 (length-delimited): how every encoder starts a batch message.
_BATCH_TAG = b"\x12"


class EncodedBatch:
    """A batch message as received: its bytes, parsed only once the budget is held for them.

    grpc.aio's request iterator keeps the last message it yielded referenced until the next one
    is read, which for a stream waiting for budget is a whole batch outside the budget (about
    1 MB a stream, measured). `take` hands the bytes over and leaves that reference empty."""

    __slots__ = ("_data", "_size")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._size = len(data)

    def __len__(self) -> int:
        return self._size

    def take(self) -> bytes:
        data, self._data = self._data, b""
        return data


class ParsedMessage:
    """A (small) message gRPC already parsed, sized for the budget like an encoded one."""

    __slots__ = ("message",)

    def __init__(self, message: api.StreamTimeSeriesRequest) -> None:
        self.message = message

    def __len__(self) -> int:
        return int(self.message.ByteSize())


def deserialize(data: bytes) -> api.StreamTimeSeriesRequest | EncodedBatch:
    if data[:1] == _BATCH_TAG:
        return EncodedBatch(data)
    return api.StreamTimeSeriesRequest.FromString(data)


def sized(message: api.StreamTimeSeriesRequest | EncodedBatch) -> EncodedBatch | ParsedMessage:
    return message if isinstance(message, EncodedBatch) else ParsedMessage(message)


def decode(received: streams.Encoded) -> streams.Open | streams.Batch | None:
    """Parses and maps one message of the stream: the session's `decode`."""
    if isinstance(received, EncodedBatch):
        try:
            request = api.StreamTimeSeriesRequest.FromString(received.take())
        except DecodeError:
            raise InvalidArgument.field(
                "batch", "is not a valid StreamTimeSeriesRequest message", reason="MALFORMED_MESSAGE"
            ) from None
    else:
        assert isinstance(received, ParsedMessage)
        request = received.message
    kind = request.WhichOneof("kind")
    if kind == "open":
        return streams.Open(request.open.run, request.open.writer_id)
    if kind == "batch":
        return streams.Batch(request.batch.sequence, mappers.series_from_proto(request.batch.batch.series))
    return None


class _Registrar:
    """Passes the generated registration through to the server, with this method's handler
    swapped for one that keeps batches encoded."""

    def __init__(self, server: grpc.aio.Server) -> None:
        self._server = server

    def add_registered_method_handlers(self, service: str, handlers: dict[str, Any]) -> None:
        self._server.add_registered_method_handlers(service, _swapped(handlers))

    def add_generic_rpc_handlers(self, handlers: Any) -> None:
        self._server.add_generic_rpc_handlers(tuple(_SwappedGeneric(h) for h in handlers))


def _raw(handler: Any) -> Any:
    return grpc.stream_stream_rpc_method_handler(
        handler.stream_stream,
        request_deserializer=deserialize,
        response_serializer=handler.response_serializer,
    )


def _swapped(handlers: dict[str, Any]) -> dict[str, Any]:
    return {name: _raw(h) if name == METHOD else h for name, h in handlers.items()}


class _SwappedGeneric(grpc.GenericRpcHandler):  # type: ignore[misc]
    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._raw: tuple[Any, Any] | None = None  # (inner handler, its swap), built once

    def service(self, handler_call_details: Any) -> Any:
        handler = self._inner.service(handler_call_details)
        if handler is not None and handler_call_details.method == f"/{SERVICE}/{METHOD}":
            if self._raw is None or self._raw[0] is not handler:
                self._raw = (handler, _raw(handler))
            return self._raw[1]
        return handler


def add_to_server(servicer: api_grpc.ExperimentRunServiceServicer, server: grpc.aio.Server) -> None:
    api_grpc.add_ExperimentRunServiceServicer_to_server(servicer, _Registrar(server))
