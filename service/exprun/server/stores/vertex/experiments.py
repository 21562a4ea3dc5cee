"""Experiments: `system.Experiment` contexts, exactly as `aiplatform.Experiment.create` writes them.

Context ID and display name are the experiment ID, the description is `Context.description`,
and the metadata is `{"experiment_deleted": false}` plus `backing_tensorboard_resource` (the
TensorBoard's name as Vertex returns it) when the experiment has one (vertex-mapping.md §2.2).
"""

from __future__ import annotations

from typing import Any

from exprun.server.core.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from exprun.server.core.model import Experiment, FilterTerm, ListQuery, Page
from exprun.server.core.names import ExperimentName, LocationName
from exprun.server.stores.vertex import codec, layout
from exprun.server.stores.vertex.backend import Backend, quote
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.metadata_store import MetadataStores
from exprun.server.stores.vertex.names import last_segment
from exprun.server.stores.vertex.retry import Attempt
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import context as context_types
from google.cloud.aiplatform_v1.types import metadata_service

# exprun order fields -> Vertex's. Ties keep Vertex's own order.
_ORDER = {"create_time": "create_time", "update_time": "update_time", "experiment_id": "display_name"}


def _metadata_string_term(key: str, value: str) -> str:
    """`key = value` on a metadata string; "" means the key is unset (missing, null or empty)."""
    path = f"metadata.{key}.string_value"
    if value:
        return f"{path} = {quote(value)}"
    return f'NOT ({path} != "")'


def order_by(query: ListQuery, fields: dict[str, str]) -> str:
    return fields[query.order_by] + (" desc" if query.descending else "")


class Experiments:
    def __init__(self, backend: Backend, stores: MetadataStores) -> None:
        self._backend = backend
        self._stores = stores

    def to_domain(self, name: ExperimentName, ctx: Any) -> Experiment:
        meta = codec.from_struct(ctx.metadata)
        tensorboard = meta.get(layout.BACKING_TENSORBOARD)
        return Experiment(
            name=name,
            description=ctx.description,
            backing_tensorboard=self._backend.numbers.client(
                tensorboard if isinstance(tensorboard, str) else "", name.project
            ),
            create_time=codec.to_datetime(ctx.create_time),
            update_time=codec.to_datetime(ctx.update_time),
        )

    async def create(self, experiment: Experiment, tensorboard: str) -> Experiment:
        """`tensorboard` is the backing TensorBoard's name as Vertex returned it, or ""."""
        name = experiment.name
        await self._stores.ensure(name.parent)
        metadata: dict[str, Any] = dict(layout.EXPERIMENT_METADATA)
        if tensorboard:
            metadata[layout.BACKING_TENSORBOARD] = tensorboard
        request = metadata_service.CreateContextRequest(
            parent=self._backend.numbers.store(name.parent),
            context_id=name.experiment,
            context=context_types.Context(
                display_name=name.experiment,
                schema_title=layout.SYSTEM_EXPERIMENT,
                schema_version=layout.SCHEMA_VERSION,
                description=experiment.description,
                metadata=codec.to_struct(metadata),
            ),
        )
        client = self._backend.at(name.location).metadata

        async def create(attempt: Attempt) -> Any:
            try:
                return context_types.Context.pb(
                    await client.create_context(request=request, retry=None, timeout=attempt.timeout)
                )
            except exceptions.AlreadyExists:
                if attempt.is_retry:
                    # Our first attempt may have made it before its answer was lost.
                    found = await self.fetch(name)
                    if found.description == experiment.description:
                        return found
                raise

        try:
            ctx = await self._backend.call(create, "CreateContext")
        except exceptions.AlreadyExists:
            raise AlreadyExists(name.path, kind="Experiment") from None
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field="experiment") from exc
        self._backend.numbers.learn(name.project, ctx.name)
        return self.to_domain(name, ctx)

    async def fetch(self, name: ExperimentName) -> Any:
        """The experiment's context, checked as the SDK checks it. Raises NotFound, and
        FailedPrecondition for a context of the same ID that is not an experiment."""
        client = self._backend.at(name.location).metadata
        context_name = self._backend.numbers.experiment_context(name)

        found = await self._backend.unary(
            client.get_context,
            name=context_name,
            field="name",
            missing=NotFound(name.path, kind="Experiment"),
        )
        ctx = context_types.Context.pb(found)
        self._backend.numbers.learn(name.project, ctx.name)
        if ctx.schema_title != layout.SYSTEM_EXPERIMENT:
            raise FailedPrecondition(
                f"{name.experiment} is a {ctx.schema_title} context in this metadata store, not a "
                "system.Experiment",
                reason="NOT_AN_EXPERIMENT",
                metadata={"resource_name": name.path, "schema_title": ctx.schema_title},
            )
        if layout.TENSORBOARD_LINK in ctx.metadata.fields:
            raise FailedPrecondition(
                f"{name.experiment} is a CustomJob's TensorBoard experiment context, not a Vertex AI "
                "experiment",
                reason="NOT_AN_EXPERIMENT",
                metadata={"resource_name": name.path, "schema_title": ctx.schema_title},
            )
        return ctx

    async def get(self, name: ExperimentName) -> Experiment:
        return self.to_domain(name, await self.fetch(name))

    async def list_page(self, parent: LocationName, query: ListQuery) -> Page[Experiment]:
        terms = [f'schema_title = "{layout.SYSTEM_EXPERIMENT}"']
        for term in query.filters:
            terms.append(await self._term(parent, term))
        response = await self._backend.list_page(
            self._backend.at(parent.location).metadata.list_contexts,
            metadata_service.ListContextsRequest,
            parent=parent.metadata_store(),
            terms=terms,
            order_by=order_by(query, _ORDER),
            query=query,
        )
        if response is None:
            return Page([])  # no metadata store in this location yet: no experiments
        for ctx in response.contexts[:1]:
            self._backend.numbers.learn(parent.project, ctx.name)
        items = [
            self.to_domain(
                ExperimentName(parent.project, parent.location, last_segment(ctx.name)),
                ctx,
            )
            for ctx in response.contexts
            # The SDK's Experiment.list drops CustomJob TensorBoard contexts the same way.
            if layout.TENSORBOARD_LINK not in ctx.metadata.fields
        ]
        return Page(items, next_cursor=response.next_page_token)

    async def _term(self, parent: LocationName, term: FilterTerm) -> str:
        if term.field == "experiment_id":
            text = f"display_name = {quote(term.value)}"
        elif term.field == "backing_tensorboard":
            value = term.value
            if value:
                await self._stores.learn_number(parent)
                value = self._backend.numbers.server(value, parent.project)
            text = _metadata_string_term(layout.BACKING_TENSORBOARD, value)
        else:
            raise InvalidArgument.field("filter", f"cannot filter on {term.field!r}")
        return f"NOT ({text})" if term.negate else f"({text})"

    async def delete_context(self, name: ExperimentName) -> None:
        await self._backend.delete(
            self._backend.at(name.location).metadata.delete_context,
            self._backend.numbers.experiment_context(name),
            field="name",
            missing=NotFound(name.path, kind="Experiment"),
        )
