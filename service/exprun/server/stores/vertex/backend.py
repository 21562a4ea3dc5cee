"""What every part of the vertex store shares: settings, clients, the retry policy, project numbers."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

from exprun.server.core.errors import ExprunError
from exprun.server.core.model import ListQuery
from exprun.server.stores.vertex.clients import Clients, VertexClients
from exprun.server.stores.vertex.config import VertexConfig
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.names import ProjectNumbers
from exprun.server.stores.vertex.retry import Attempt, Retrier
from google.api_core import exceptions

T = TypeVar("T")
_RAISE: Any = object()


def rpc_name(method: Callable[..., Any]) -> str:
    """`GetTensorboard` for the client method `get_tensorboard`: the name spans and counters use."""
    return "".join(part.title() for part in getattr(method, "__name__", "call").split("_"))


class Backend:
    def __init__(self, config: VertexConfig, clients: VertexClients) -> None:
        self.config = config
        self.clients = clients
        self.retrier = Retrier(config.retry_deadline_seconds)
        self.numbers = ProjectNumbers()

    def at(self, location: str) -> Clients:
        return self.clients.at(location)

    async def call(
        self, fn: Callable[[Attempt], Awaitable[T]], what: str, *, retry_aborted: bool = True
    ) -> T:
        return await self.retrier.call(fn, what, retry_aborted=retry_aborted)

    async def unary(
        self,
        method: Callable[..., Awaitable[Any]],
        request: Any = None,
        *,
        field: str = "request",
        missing: Any = _RAISE,
        retry_aborted: bool = True,
        **fields: Any,
    ) -> Any:
        """One GAPIC call (`request`, or the flattened `fields`) under the retry policy.

        A lasting error is raised as its domain error, naming `field`; NotFound instead gives
        `missing` when one is given (raised if it is an error). A list call gives its first page,
        fetched by this call and not by the pager."""

        async def attempt(attempt: Attempt) -> Any:
            arguments = {"request": request} if request is not None else fields
            result = await method(**arguments, retry=None, timeout=attempt.timeout)
            return await first_page(result) if hasattr(result, "pages") else result

        try:
            return await self.retrier.call(attempt, rpc_name(method), retry_aborted=retry_aborted)
        except exceptions.NotFound as exc:
            if missing is _RAISE:
                raise translate(exc, field=field) from exc
            if isinstance(missing, ExprunError):
                raise missing from None
            return missing
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field=field) from exc

    async def delete(
        self,
        method: Callable[..., Awaitable[Any]],
        name: str,
        *,
        field: str = "request",
        missing: ExprunError | None = None,
    ) -> None:
        """Deletes `name` by a long-running `method` (Vertex's deletes are operations), waiting
        for the operation within each attempt. A resource already gone counts as deleted when it
        is a retry that finds it gone (the first attempt deleted it and its answer was lost);
        on the first attempt `missing` is raised when given."""

        async def attempt(attempt: Attempt) -> None:
            try:
                operation = await method(name=name, retry=None, timeout=attempt.timeout)
                await finish(operation, attempt)
            except exceptions.NotFound:
                if missing is not None and not attempt.is_retry:
                    raise

        try:
            await self.retrier.call(attempt, rpc_name(method))
        except exceptions.NotFound:
            assert missing is not None  # a NotFound is only raised when there is one to give
            raise missing from None
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field=field) from exc

    async def list_page(
        self,
        method: Callable[..., Awaitable[Any]],
        request_type: Callable[..., Any],
        *,
        parent: str,
        terms: Sequence[str],
        order_by: str,
        query: ListQuery,
    ) -> Any | None:
        """One page of a list call filtered by all of `terms`, as its raw protobuf response;
        None when `parent` (a metadata store not created yet) does not exist. An error names
        the cursor when there is one, else the filter, the only parts a client chose."""
        request = request_type(
            parent=parent,
            filter=" AND ".join(terms),
            order_by=order_by,
            page_size=query.page_size,
            page_token=query.cursor,
        )
        page = await self.unary(
            method, request, field="page_token" if query.cursor else "filter", missing=None
        )
        return None if page is None else type(page).pb(page)

    async def pages(
        self, method: Callable[..., Awaitable[Any]], request: Any, *, field: str = "request"
    ) -> AsyncGenerator[Any, None]:
        """Every page of a list call as its raw protobuf response, each page its own retried
        call. A parent that is gone (NotFound) has no pages."""
        while True:
            page = await self.unary(method, request, field=field, missing=None)
            if page is None:
                return
            raw = type(page).pb(page)
            yield raw
            if not raw.next_page_token:
                return
            request.page_token = raw.next_page_token


async def first_page(pager: Any) -> Any:
    """The response a GAPIC pager already holds. Its own iteration would fetch every page, with
    the client's retry rather than ours; exprun pages by token itself."""
    async for page in pager.pages:
        return page
    raise AssertionError("a pager always holds its first response")


async def finish(operation: Any, attempt: Attempt) -> None:
    """Waits for a long-running operation (Vertex's deletes and store creation) within the attempt."""
    await operation.result(timeout=attempt.timeout)


def quote(value: str) -> str:
    """A string literal for an AIP-160 filter."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
