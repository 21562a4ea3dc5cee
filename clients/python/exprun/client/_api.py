"""The one place that calls the generated stub.

Every call goes through `Api.call` (or `Api.stream`), so call metadata (the bearer token) is
attached once and every `grpc.RpcError` becomes a typed `ExprunError` before user code sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar, cast

import grpc
from exprun.client import _config
from exprun.client.errors import from_rpc_error
from exprun.v1 import experiment_run_service_pb2_grpc as service_grpc
from exprun.v1.typed_stub import Call, ExperimentRunServiceStub

T = TypeVar("T")
Request = TypeVar("Request")
Response = TypeVar("Response")


class _PageRequest(Protocol):
    page_token: str

    def CopyFrom(self, other_msg: Any, /) -> None: ...


class _PageResponse(Protocol):
    @property
    def next_page_token(self) -> str: ...


PageRequest = TypeVar("PageRequest", bound=_PageRequest)
PageResponse = TypeVar("PageResponse", bound=_PageResponse)


class Api:
    """A stub bound to a channel and to the call metadata current when it was made."""

    def __init__(self, channel: Any, metadata: tuple[tuple[str, str], ...], credentials: Any = None) -> None:
        # The generated stub is untyped; typed_stub.py (generated too) gives each method's types.
        self.stub = cast(ExperimentRunServiceStub, service_grpc.ExperimentRunServiceStub(channel))
        self._static = metadata
        self._credentials = credentials

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        """Recomputed per call, so google.auth credentials send a fresh token each time."""
        bearer = _config.bearer_headers(self._credentials)
        if not bearer:
            return self._static
        return tuple(h for h in self._static if h[0] != "authorization") + bearer

    def call(
        self, method: Call[Request, Response], request: Request, timeout: float | None = None
    ) -> Response:
        """A unary or client-streaming call; `request` may be an iterator of messages."""
        try:
            return method(request, metadata=self.metadata, timeout=timeout)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    def stream(self, method: Call[Request, Iterator[Response]], request: Request) -> Iterator[Response]:
        """A server-streaming call; errors surface while iterating, typed like the rest."""
        try:
            yield from method(request, metadata=self.metadata)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    def list_all(
        self,
        method: Call[PageRequest, PageResponse],
        request: PageRequest,
        items: Callable[[PageResponse], Iterable[T]],
    ) -> list[T]:
        """Every item of a paged List call: `request` is sent once per page with that page's token.

        Follows `next_page_token` until it is empty, the API's only end-of-list signal; `items`
        picks (and converts) the items of one response.
        """
        result: list[T] = []
        token = ""
        while True:
            page = type(request)()
            page.CopyFrom(request)
            page.page_token = token
            response = self.call(method, page)
            result.extend(items(response))
            token = response.next_page_token
            if not token:
                return result


def current(credentials: Any = None) -> Api:
    """An `Api` on the shared channel of the configured target, with the credentials in force:
    `credentials` (a method's per-call `credentials=`) when given, else those from `init`."""
    with _config.call_credentials(credentials):
        return Api(_config.channel(), _config.static_metadata(), _config.google_credentials())
