"""What every part of the vertex store shares: settings, clients, the retry policy, project numbers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from exprun.server.stores.vertex.clients import Clients, VertexClients
from exprun.server.stores.vertex.config import VertexConfig
from exprun.server.stores.vertex.names import ProjectNumbers
from exprun.server.stores.vertex.retry import Attempt, Retrier

T = TypeVar("T")


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
