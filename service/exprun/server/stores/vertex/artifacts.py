"""Artifacts and executions in a run's context, attributed as the SDK attributes them.

An artifact is created (state LIVE, schema version 0.0.1) and then added to the run's context
with AddContextArtifactsAndExecutions,
with no Execution and no Event (vertex-mapping.md §4). An execution is got, or created from
the given fields, and added the same way. Lists filter on `in_context("<run context>")`,
oldest first.

Where the SDK leaves an artifact's ID to Vertex, exprun picks it: a 32-hex UUID, the shape Vertex
generates. A retry after a lost answer then meets the artifact its first attempt made instead
of making a second one nobody would ever attribute.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from exprun.server.core import layouts
from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import Artifact, Execution, ListQuery, Page, RunState
from exprun.server.core.names import RunName
from exprun.server.stores.vertex import codec, layout
from exprun.server.stores.vertex.backend import Backend, quote
from exprun.server.stores.vertex.contexts import RunContexts
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.names import last_segment
from exprun.server.stores.vertex.retry import Attempt
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import artifact as artifact_types
from google.cloud.aiplatform_v1.types import execution as execution_types
from google.cloud.aiplatform_v1.types import metadata_service

# What a run owns and takes with it when deleted; anything else in its context may be shared.
RUN_OWNED_SCHEMAS = frozenset(
    {layouts.TENSORBOARD_RUN, layouts.CLASSIFICATION_METRICS, layouts.EXPERIMENT_MODEL}
)


def to_artifact(pb: Any) -> Artifact:
    return Artifact(
        artifact_id=last_segment(pb.name),
        schema_title=pb.schema_title,
        display_name=pb.display_name,
        uri=pb.uri,
        metadata=codec.from_struct(pb.metadata),
        create_time=codec.to_datetime(pb.create_time),
    )


def _state(value: int) -> RunState:
    try:
        return RunState(value)
    except ValueError:
        return RunState.STATE_UNSPECIFIED


def to_execution(pb: Any) -> Execution:
    return Execution(
        execution_id=last_segment(pb.name),
        display_name=pb.display_name,
        schema_title=pb.schema_title,
        state=_state(pb.state),
        metadata=codec.from_struct(pb.metadata),
        description=pb.description,
        create_time=codec.to_datetime(pb.create_time),
    )


def create_execution_request(store: str, execution: Execution) -> metadata_service.CreateExecutionRequest:
    """The execution in the metadata `store` as the SDK's `Execution.create` makes it."""
    return metadata_service.CreateExecutionRequest(
        parent=store,
        execution_id=execution.execution_id,
        execution=execution_types.Execution(
            display_name=execution.display_name,
            schema_title=execution.schema_title,
            schema_version=layout.SCHEMA_VERSION,
            state=int(execution.state),
            metadata=codec.to_struct(execution.metadata),
            description=execution.description,
        ),
    )


class Artifacts:
    def __init__(self, backend: Backend, contexts: RunContexts) -> None:
        self._backend = backend
        self._contexts = contexts

    async def _attribute(
        self, name: RunName, context: str, *, artifacts: Sequence[str] = (), executions: Sequence[str] = ()
    ) -> None:
        client = self._backend.at(name.location).metadata

        async def add(attempt: Attempt) -> None:
            await client.add_context_artifacts_and_executions(
                context=context,
                artifacts=list(artifacts),
                executions=list(executions),
                retry=None,
                timeout=attempt.timeout,
            )

        try:
            await self._backend.call(add, "AddContextArtifactsAndExecutions")
        except exceptions.NotFound:
            self._contexts.forget(name)
            raise NotFound(name.path, kind="Run") from None

    # -- artifacts ----------------------------------------------------------------------------
    async def add(self, name: RunName, artifact: Artifact) -> Artifact:
        ctx = await self._contexts.get(name)
        artifact = replace(artifact, artifact_id=artifact.artifact_id or uuid.uuid4().hex)
        client = self._backend.at(name.location).metadata
        store = self._backend.numbers.store(name.parent.parent)
        request = metadata_service.CreateArtifactRequest(
            parent=store,
            artifact_id=artifact.artifact_id,
            artifact=artifact_types.Artifact(
                display_name=artifact.display_name,
                uri=artifact.uri,
                schema_title=artifact.schema_title,
                schema_version=layout.SCHEMA_VERSION,
                state=artifact_types.Artifact.State.LIVE,
                metadata=codec.to_struct(artifact.metadata),
            ),
        )

        async def create(attempt: Attempt) -> Any:
            try:
                created = await client.create_artifact(request=request, retry=None, timeout=attempt.timeout)
                return artifact_types.Artifact.pb(created)
            except exceptions.AlreadyExists:
                if attempt.is_retry:  # our lost first attempt, if it is what we sent
                    found = await self._get_artifact(name, artifact.artifact_id, attempt)
                    if found.schema_title == artifact.schema_title and found.uri == artifact.uri:
                        return found
                raise

        shown = f"{name.parent.parent.metadata_store()}/artifacts/{artifact.artifact_id}"
        try:
            created = await self._backend.call(create, "CreateArtifact")
        except exceptions.AlreadyExists:
            raise AlreadyExists(shown, kind="Artifact") from None
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field="artifact") from exc
        try:
            await self._attribute(name, ctx.name, artifacts=[created.name])
        except BaseException:
            # Not attributed, the artifact would be nobody's: take it back.
            with contextlib.suppress(Exception):
                await self.delete(name, created.name)
            raise
        return to_artifact(created)

    def _artifact_name(self, name: RunName, artifact_id: str) -> str:
        return self._backend.numbers.server(
            f"{name.parent.parent.metadata_store()}/artifacts/{artifact_id}", name.project
        )

    async def _get_artifact(self, name: RunName, artifact_id: str, attempt: Attempt) -> Any:
        client = self._backend.at(name.location).metadata
        found = await client.get_artifact(
            name=self._artifact_name(name, artifact_id), retry=None, timeout=attempt.timeout
        )
        return artifact_types.Artifact.pb(found)

    async def exists(self, name: RunName, artifact_id: str) -> Any | None:
        """The artifact with that ID in the run's metadata store, or None."""
        client = self._backend.at(name.location).metadata
        found = await self._backend.unary(
            client.get_artifact,
            field="artifact_id",
            missing=None,
            name=self._artifact_name(name, artifact_id),
        )
        return None if found is None else artifact_types.Artifact.pb(found)

    async def list_page(self, name: RunName, query: ListQuery, schema_title: str = "") -> Page[Artifact]:
        ctx = await self._contexts.get(name)
        text = f"in_context({quote(ctx.name)})"
        if schema_title:
            text += f" AND schema_title = {quote(schema_title)}"
        response = await self._list_artifacts(name, text, query.page_size, query.cursor)
        return Page([to_artifact(a) for a in response.artifacts], next_cursor=response.next_page_token)

    async def _list_artifacts(self, name: RunName, text: str, page_size: int, token: str) -> Any:
        client = self._backend.at(name.location).metadata
        request = metadata_service.ListArtifactsRequest(
            parent=self._backend.numbers.store(name.parent.parent),
            filter=text,
            order_by="create_time",
            page_size=page_size,
            page_token=token,
        )

        field = "page_token" if token else "filter"
        page = await self._backend.unary(client.list_artifacts, request, field=field)
        return metadata_service.ListArtifactsResponse.pb(page)

    async def owned(self, name: RunName, context: str) -> list[Any]:
        """Every artifact in the run's context that the run owns (see RUN_OWNED_SCHEMAS)."""
        text = f"in_context({quote(context)})"
        found: list[Any] = []
        token = ""
        while True:
            response = await self._list_artifacts(name, text, 1000, token)
            found += [a for a in response.artifacts if a.schema_title in RUN_OWNED_SCHEMAS]
            token = response.next_page_token
            if not token:
                return found

    async def delete(self, name: RunName, artifact_name: str) -> None:
        await self._backend.delete(self._backend.at(name.location).metadata.delete_artifact, artifact_name)

    # -- executions ---------------------------------------------------------------------------
    async def associate_execution(self, name: RunName, execution: Execution) -> Execution:
        """An existing execution is associated as stored, whatever the request's fields say."""
        ctx = await self._contexts.get(name)
        client = self._backend.at(name.location).metadata
        store = self._backend.numbers.store(name.parent.parent)
        execution_name = f"{store}/executions/{execution.execution_id}"
        request = create_execution_request(store, execution)

        async def get_or_create(attempt: Attempt) -> Any:
            try:
                found = await client.get_execution(name=execution_name, retry=None, timeout=attempt.timeout)
                return execution_types.Execution.pb(found)
            except exceptions.NotFound:
                pass
            try:
                created = await client.create_execution(request=request, retry=None, timeout=attempt.timeout)
            except exceptions.AlreadyExists:  # created meanwhile: take that one
                created = await client.get_execution(name=execution_name, retry=None, timeout=attempt.timeout)
            return execution_types.Execution.pb(created)

        try:
            stored = await self._backend.call(get_or_create, "CreateExecution")
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field="execution") from exc
        await self._attribute(name, ctx.name, executions=[stored.name])
        return to_execution(stored)

    async def list_executions(self, name: RunName, query: ListQuery) -> Page[Execution]:
        ctx = await self._contexts.get(name)
        client = self._backend.at(name.location).metadata
        request = metadata_service.ListExecutionsRequest(
            parent=self._backend.numbers.store(name.parent.parent),
            filter=f"in_context({quote(ctx.name)})",
            order_by="create_time",
            page_size=query.page_size,
            page_token=query.cursor,
        )

        page = await self._backend.unary(
            client.list_executions, request, field="page_token" if query.cursor else "parent"
        )
        response = metadata_service.ListExecutionsResponse.pb(page)
        return Page([to_execution(e) for e in response.executions], next_cursor=response.next_page_token)
