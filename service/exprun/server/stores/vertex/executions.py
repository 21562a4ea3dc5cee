"""Executions on their own, as `aiplatform.Execution` keeps them in Vertex Metadata: created in
the location's store (schema version 0.0.1), updated with the SDK's one-level metadata merge,
and given INPUT / OUTPUT events, read back with QueryExecutionInputsAndOutputs.

Associating an execution with a run stays in `artifacts.py`, with the run's other attributions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from exprun.server.core.errors import AlreadyExists, InvalidArgument, NotFound
from exprun.server.core.model import Artifact, Execution, ExecutionChange, FilterTerm, ListQuery, Page
from exprun.server.core.names import LocationName
from exprun.server.stores.vertex import codec
from exprun.server.stores.vertex.artifacts import create_execution_request, to_artifact, to_execution
from exprun.server.stores.vertex.backend import Backend, quote
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.retry import Attempt
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import event as event_types
from google.cloud.aiplatform_v1.types import execution as execution_types
from google.cloud.aiplatform_v1.types import metadata_service
from google.protobuf import field_mask_pb2


class Executions:
    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def _name(self, location: LocationName, execution_id: str) -> str:
        return f"{self._backend.numbers.store(location)}/executions/{execution_id}"

    async def get_artifact(self, location: LocationName, artifact_id: str) -> Artifact:
        """Any artifact of the location's store (lives here beside the events that name them)."""
        client = self._backend.at(location.location).metadata
        found = await self._backend.unary(
            client.get_artifact,
            name=f"{self._backend.numbers.store(location)}/artifacts/{artifact_id}",
            field="model",
            missing=NotFound(f"{location.metadata_store()}/artifacts/{artifact_id}", kind="Artifact"),
        )
        return to_artifact(artifact_pb(found))

    async def create(self, location: LocationName, execution: Execution) -> Execution:
        client = self._backend.at(location.location).metadata
        request = create_execution_request(self._backend.numbers.store(location), execution)

        async def create(attempt: Attempt) -> Any:
            return await client.create_execution(request=request, retry=None, timeout=attempt.timeout)

        try:
            created = await self._backend.call(create, "CreateExecution")
        except exceptions.AlreadyExists:
            raise AlreadyExists(
                f"{location.metadata_store()}/executions/{execution.execution_id}", kind="Execution"
            ) from None
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field="execution_id") from exc
        return to_execution(execution_types.Execution.pb(created))

    async def _get(self, location: LocationName, execution_id: str) -> Any:
        client = self._backend.at(location.location).metadata
        found = await self._backend.unary(
            client.get_execution,
            name=self._name(location, execution_id),
            field="name",
            missing=NotFound(f"{location.metadata_store()}/executions/{execution_id}", kind="Execution"),
        )
        return execution_types.Execution.pb(found)

    async def get(self, location: LocationName, execution_id: str) -> Execution:
        return to_execution(await self._get(location, execution_id))

    async def list_page(self, location: LocationName, query: ListQuery) -> Page[Execution]:
        """ListExecutions on the location's store, as the SDK's `Execution.list` calls it; every
        execution there, the legacy `system.Run` ones included. No store yet: none."""
        response = await self._backend.list_page(
            self._backend.at(location.location).metadata.list_executions,
            metadata_service.ListExecutionsRequest,
            parent=self._backend.numbers.store(location),
            terms=[_term(t) for t in query.filters],
            order_by="create_time" + (" desc" if query.descending else ""),
            query=query,
        )
        if response is None:
            return Page([])
        return Page([to_execution(e) for e in response.executions], next_cursor=response.next_page_token)

    async def update(self, location: LocationName, change: ExecutionChange) -> Execution:
        """Read, merge, write: the SDK's `Execution.update` (metadata merged one level deep)."""
        current = await self._get(location, change.execution_id)
        paths: list[str] = []
        updated = execution_types.Execution.pb(execution_types.Execution())
        updated.name = current.name
        if change.state is not None:
            updated.state = int(change.state)
            paths.append("state")
        if change.display_name is not None:
            updated.display_name = change.display_name
            paths.append("display_name")
        if change.description is not None:
            updated.description = change.description
            paths.append("description")
        if change.metadata is not None:
            merged = codec.from_struct(current.metadata)
            merged.update(change.metadata)
            updated.metadata.CopyFrom(codec.to_struct(merged))
            paths.append("metadata")
        client = self._backend.at(location.location).metadata
        written = await self._backend.unary(
            client.update_execution,
            execution=execution_types.Execution.wrap(updated),
            update_mask=field_mask_pb2.FieldMask(paths=paths),
            field="execution",
        )
        return to_execution(execution_types.Execution.pb(written))

    async def add_events(
        self, location: LocationName, execution_id: str, inputs: Sequence[str], outputs: Sequence[str]
    ) -> None:
        store = self._backend.numbers.store(location)
        events = [
            event_types.Event(artifact=f"{store}/artifacts/{a}", type_=event_types.Event.Type.INPUT)
            for a in inputs
        ] + [
            event_types.Event(artifact=f"{store}/artifacts/{a}", type_=event_types.Event.Type.OUTPUT)
            for a in outputs
        ]
        await self._get(location, execution_id)
        client = self._backend.at(location.location).metadata
        # Each artifact is looked up first, so a missing one is NOT_FOUND naming it, not the
        # FAILED_PRECONDITION a missing referenced resource otherwise translates to.
        await asyncio.gather(
            *(
                self._backend.unary(
                    client.get_artifact,
                    name=f"{store}/artifacts/{a}",
                    field="artifact",
                    missing=NotFound(f"{location.metadata_store()}/artifacts/{a}", kind="Artifact"),
                )
                for a in dict.fromkeys([*inputs, *outputs])
            )
        )
        await self._backend.unary(
            client.add_execution_events,
            execution=self._name(location, execution_id),
            events=events,
            field="input_artifacts" if inputs else "output_artifacts",
        )

    async def artifacts(
        self, location: LocationName, execution_id: str
    ) -> tuple[list[Artifact], list[Artifact]]:
        await self._get(location, execution_id)
        client = self._backend.at(location.location).metadata
        graph = await self._backend.unary(
            client.query_execution_inputs_and_outputs,
            execution=self._name(location, execution_id),
            field="execution",
        )
        by_name = {a.name: a for a in graph.artifacts}
        found: dict[int, list[Artifact]] = {
            event_types.Event.Type.INPUT: [],
            event_types.Event.Type.OUTPUT: [],
        }
        seen: set[tuple[int, str]] = set()
        for event in graph.events:
            artifact = by_name.get(event.artifact)
            # Vertex keeps an event recorded twice twice; exprun records it once.
            if artifact is None or event.type_ not in found or (event.type_, event.artifact) in seen:
                continue
            seen.add((event.type_, event.artifact))
            found[event.type_].append(to_artifact(artifact_pb(artifact)))
        return found[event_types.Event.Type.INPUT], found[event_types.Event.Type.OUTPUT]


def artifact_pb(artifact: Any) -> Any:
    from google.cloud.aiplatform_v1.types import artifact as artifact_types

    return artifact_types.Artifact.pb(artifact)


def _term(term: FilterTerm) -> str:
    if term.field == "state":
        text = f"state = {term.value}"  # an enum name, checked by the core
    elif term.field in ("schema_title", "display_name"):
        text = f"{term.field} = {quote(term.value)}"
    else:
        raise InvalidArgument.field("filter", f"cannot filter on {term.field!r}")
    return f"NOT ({text})" if term.negate else f"({text})"
