"""A loopback forwarder that lets TensorBoard read from a secured exprun server.

TensorBoard's `--grpc_data_provider` channel sends no bearer token and presents no client
certificate. `exprun tensorboard` therefore points TensorBoard at this forwarder on 127.0.0.1,
which passes the data-provider calls through unchanged (bytes in, bytes out: it parses nothing)
over its own channel, adding `authorization: Bearer <token>` and TLS. The server then checks the
token and its project policy as for any other client. Only TensorBoard's service is forwarded.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc

SERVICE = "tensorboard.data.TensorBoardDataProvider"
STREAMING_METHODS = frozenset({"ReadBlob"})
NO_DEADLINE = 10**9  # seconds; more than this is what grpc reports for a call without a deadline
# TensorBoard reads whole responses in one message (its own channel allows 256 MiB); the server
# sends at most 32 MiB.
OPTIONS = [("grpc.max_receive_message_length", 64 * 1024**2), ("grpc.max_send_message_length", 64 * 1024**2)]


class Forwarder:
    def __init__(
        self, target: str, *, token: str | None, tls: bool, ca_file: pathlib.Path | None, listen: str
    ) -> None:
        if tls or ca_file is not None:
            roots = ca_file.read_bytes() if ca_file is not None else None
            self._channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(roots), options=OPTIONS)
        else:
            self._channel = grpc.insecure_channel(target, options=OPTIONS)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=OPTIONS)
        self._server.add_generic_rpc_handlers((_Handler(self),))
        self.port: int = self._server.add_insecure_port(listen)
        if self.port == 0:
            raise OSError(f"cannot listen on {listen}")

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop(0)
        self._channel.close()

    def unary(self, method: str) -> Any:
        call = self._channel.unary_unary(method)

        def forward(request: bytes, context: grpc.ServicerContext) -> bytes:
            try:
                response: bytes = call(request, metadata=self._metadata, timeout=_remaining(context))
            except grpc.RpcError as error:
                context.abort(error.code(), error.details())
            return response

        return forward

    def streaming(self, method: str) -> Any:
        call = self._channel.unary_stream(method)

        def forward(request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
            try:
                yield from call(request, metadata=self._metadata, timeout=_remaining(context))
            except grpc.RpcError as error:
                context.abort(error.code(), error.details())

        return forward


def _remaining(context: grpc.ServicerContext) -> float | None:
    """The caller's deadline, passed on; grpc reports "none" as ~9e18 seconds, which as a
    timeout would overflow into an immediate DEADLINE_EXCEEDED."""
    remaining: float | None = context.time_remaining()
    return remaining if remaining is not None and remaining < NO_DEADLINE else None


class _Handler(grpc.GenericRpcHandler):  # type: ignore[misc]  # grpc is untyped
    def __init__(self, forwarder: Forwarder) -> None:
        self._forwarder = forwarder

    def service(self, handler_call_details: Any) -> Any:
        method: str = handler_call_details.method
        service, _, name = method.lstrip("/").partition("/")
        if service != SERVICE:
            return None
        if name in STREAMING_METHODS:
            return grpc.unary_stream_rpc_method_handler(self._forwarder.streaming(method))
        return grpc.unary_unary_rpc_method_handler(self._forwarder.unary(method))
