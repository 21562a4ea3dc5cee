"""The `default` metadata store of each project and location, made on first use like the SDK does.

The SDK checks it before creating experiments and artifacts (`ensure_default_metadata_store_exists`,
vertex-mapping.md §6.6): GetMetadataStore, and CreateMetadataStore (an LRO) when it is missing.
Stores are never deleted by exprun, so the check runs once per location and process; concurrent
first requests share the one check.
"""

from __future__ import annotations

import asyncio

from exprun.server.core.names import LocationName
from exprun.server.stores.vertex.backend import Backend, finish
from exprun.server.stores.vertex.retry import Attempt
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import metadata_service, metadata_store


class MetadataStores:
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._ready: dict[LocationName, asyncio.Task[None]] = {}

    async def ensure(self, location: LocationName) -> None:
        task = self._ready.get(location)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = asyncio.create_task(self._ensure(location))
            self._ready[location] = task
        await asyncio.shield(task)

    async def _ensure(self, location: LocationName) -> None:
        client = self._backend.at(location.location).metadata
        name = location.metadata_store()

        found = await self._backend.unary(client.get_metadata_store, name=name, missing=None)
        if found is None:
            await self._create(location)
            found = await self._backend.unary(client.get_metadata_store, name=name)
        self._backend.numbers.learn(location.project, found.name)

    async def _create(self, location: LocationName) -> None:
        client = self._backend.at(location.location).metadata
        request = metadata_service.CreateMetadataStoreRequest(
            parent=location.path,
            metadata_store_id="default",
            metadata_store=metadata_store.MetadataStore(),
        )

        async def create(attempt: Attempt) -> None:
            try:
                operation = await client.create_metadata_store(
                    request=request, retry=None, timeout=attempt.timeout
                )
                await finish(operation, attempt)
            except exceptions.AlreadyExists:
                pass  # made meanwhile by another writer: what we wanted

        await self._backend.call(create, "CreateMetadataStore")

    async def learn_number(self, location: LocationName) -> None:
        """Learns the project's number (for filters on stored names) without creating anything."""
        if self._backend.numbers.known(location.project):
            return
        client = self._backend.at(location.location).metadata
        name = location.metadata_store()

        found = await self._backend.unary(client.get_metadata_store, name=name, missing=None)
        if found is not None:
            self._backend.numbers.learn(location.project, found.name)
