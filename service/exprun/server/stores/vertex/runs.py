"""Runs: `system.ExperimentRun` contexts `{E}-{R}`, children of their experiment's context.

Creation is the SDK's (vertex-mapping.md §2.3): CreateContext with `_params`, `_metrics` and
`_state`, then AddContextChildren under the experiment. A run context that is not yet linked is
not a run (see `summary.belongs`): if linking fails the context is deleted again, and if the
process dies in between, the next `create_run` of that name finds the orphan and completes it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from exprun.server.core.errors import AlreadyExists, InvalidArgument, NotFound
from exprun.server.core.model import FilterTerm, ListQuery, Page, Run
from exprun.server.core.names import ExperimentName, RunName
from exprun.server.stores.vertex import codec, layout
from exprun.server.stores.vertex.backend import Backend, quote
from exprun.server.stores.vertex.contexts import ContextPb, RunContexts
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.experiments import Experiments, order_by
from exprun.server.stores.vertex.names import last_segment
from exprun.server.stores.vertex.retry import Attempt
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import context as context_types
from google.cloud.aiplatform_v1.types import metadata_service

_ORDER = {"create_time": "create_time", "update_time": "update_time", "run_id": "display_name"}


class Runs:
    def __init__(self, backend: Backend, contexts: RunContexts, experiments: Experiments) -> None:
        self._backend = backend
        self._contexts = contexts
        self._experiments = experiments

    def to_domain(
        self,
        name: RunName,
        ctx: ContextPb,
        *,
        tb_run: str | None = None,
        series: tuple[str, ...] | None = None,
    ) -> Run:
        """`tb_run` and `series` default to what the side key records (lists need no lookups)."""
        meta = codec.from_struct(ctx.metadata)
        tb_run = layout.tensorboard_run(meta) if tb_run is None else tb_run
        return Run(
            name=name,
            state=layout.state(meta),
            state_reason=layout.state_reason(meta),
            params=layout.summary(meta, layout.PARAMS),
            metrics=layout.summary(meta, layout.METRICS),
            backing_tensorboard_run=self._backend.numbers.client(tb_run, name.project),
            create_time=codec.to_datetime(ctx.create_time),
            update_time=codec.to_datetime(ctx.update_time),
            time_series_metrics=layout.time_series(meta) if series is None else series,
            liveness_deadline=layout.lease_deadline(meta),
        )

    # -- create -------------------------------------------------------------------------------
    async def create(self, run: Run) -> Run:
        name = run.name
        experiment = await self._experiments.fetch(name.parent)
        clients = self._backend.at(name.location)
        request = metadata_service.CreateContextRequest(
            parent=self._backend.numbers.store(name.parent.parent),
            context_id=name.resource_id,
            context=context_types.Context(
                display_name=name.run,
                schema_title=layout.SYSTEM_EXPERIMENT_RUN,
                schema_version=layout.SCHEMA_VERSION,
                metadata=codec.to_struct(layout.new_run_metadata(run.state)),
            ),
        )

        async def create(attempt: Attempt) -> Any:
            try:
                created = await clients.metadata.create_context(
                    request=request, retry=None, timeout=attempt.timeout
                )
                return context_types.Context.pb(created)
            except exceptions.AlreadyExists:
                orphan = await self._orphan(name, attempt)
                if orphan is None:
                    raise
                return orphan

        try:
            ctx = await self._backend.call(create, "CreateContext")
        except exceptions.AlreadyExists:
            raise AlreadyExists(
                name.path,
                kind="Run",
                detail=f"the context ID {name.resource_id} is taken in the metadata store",
            ) from None
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field="run_id") from exc

        try:
            await self._backend.unary(
                clients.metadata.add_context_children,
                field="parent",
                missing=NotFound(name.parent.path, kind="Experiment"),
                context=experiment.name,
                child_contexts=[ctx.name],
            )
        except BaseException:
            # As the SDK does when its TensorBoard step fails: no half-made run stays behind. If
            # even this fails, the orphan is completed by the next create_run of the name.
            with contextlib.suppress(Exception):
                await self.delete_context(name, ctx.name, missing_ok=True)
            raise
        linked = context_types.Context.pb()()
        linked.CopyFrom(ctx)
        linked.parent_contexts.append(experiment.name)
        self._backend.numbers.learn(name.project, linked.name)
        self._contexts.remember(name, linked)
        return self.to_domain(name, linked)

    async def _orphan(self, name: RunName, attempt: Attempt) -> Any | None:
        """The run's own context left unlinked by a creation that did not finish, else None."""
        client = self._backend.at(name.location).metadata
        try:
            found = context_types.Context.pb(
                await client.get_context(
                    name=self._backend.numbers.run_context(name), retry=None, timeout=attempt.timeout
                )
            )
        except exceptions.NotFound:
            return None
        unlinked = not found.parent_contexts
        mine = found.schema_title == layout.SYSTEM_EXPERIMENT_RUN and found.display_name == name.run
        return found if mine and unlinked else None

    # -- read ---------------------------------------------------------------------------------
    async def list_page(self, parent: ExperimentName, query: ListQuery) -> Page[Run]:
        checked = False
        if not self._backend.numbers.known(parent.project):
            await self._experiments.fetch(parent)  # learns the project number for the filter
            checked = True
        experiment_context = self._backend.numbers.experiment_context(parent)
        terms = [
            f'schema_title = "{layout.SYSTEM_EXPERIMENT_RUN}"',
            f"parent_contexts:{quote(experiment_context)}",
            *(_term(t) for t in query.filters),
        ]
        response = await self._backend.list_page(
            self._backend.at(parent.location).metadata.list_contexts,
            metadata_service.ListContextsRequest,
            parent=self._backend.numbers.store(parent.parent),
            terms=terms,
            order_by=order_by(query, _ORDER),
            query=query,
        )
        if (response is None or not response.contexts) and not checked:
            await self._experiments.fetch(parent)  # an empty page: is there an experiment at all?
        if response is None:
            return Page([])
        prefix = f"{parent.experiment}-"
        items = []
        for ctx in response.contexts:
            context_id = last_segment(ctx.name)
            run_id = context_id[len(prefix) :] if context_id.startswith(prefix) else ctx.display_name
            items.append(self.to_domain(parent.run(run_id), ctx))
        return Page(items, next_cursor=response.next_page_token)

    # -- delete -------------------------------------------------------------------------------
    async def delete_context(self, name: RunName, context_name: str, *, missing_ok: bool = False) -> None:
        self._contexts.forget(name)
        await self._backend.delete(
            self._backend.at(name.location).metadata.delete_context,
            context_name,
            field="name",
            missing=None if missing_ok else NotFound(name.path, kind="Run"),
        )


def _term(term: FilterTerm) -> str:
    if term.field == "state":
        text = f"metadata.{layout.STATE}.string_value = {quote(term.value)}"
    elif term.field == "run_id":
        text = f"display_name = {quote(term.value)}"
    else:
        raise InvalidArgument.field("filter", f"cannot filter on {term.field!r}")
    return f"NOT ({text})" if term.negate else f"({text})"
