"""A run's backing TensorBoard run, assigned the way `ExperimentRun._assign_backing_tensorboard` does.

Steps (vertex-mapping.md §5.1): GetTensorboard; the TensorBoard experiment `E` (labelled as made
for a Vertex experiment) and run `R`, each got or created; the `{E}-{R}-tb-run` artifact of
schema `google.VertexTensorboardRun` holding the TensorBoard run's name; and that artifact added
to the run's context. The SDK finds a run's TensorBoard run through that artifact, so it sees
exprun's runs. exprun also records the name in the run's `_exprun` side key, so lists of runs
need no lookup per run.

Only the run is changed: an experiment's `backing_tensorboard_resource` is set when the
experiment is created, as `aiplatform.init(experiment_tensorboard=...)` would, never as a side
effect of assigning one run.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import Any

from exprun.server.core import layouts
from exprun.server.core.errors import FailedPrecondition, NotFound
from exprun.server.core.names import LocationName, RunName
from exprun.server.stores.vertex import codec, layout
from exprun.server.stores.vertex.backend import Backend
from exprun.server.stores.vertex.contexts import ContextPb, RunContexts
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.experiments import Experiments
from exprun.server.stores.vertex.names import same_resource, tb_run_artifact_id, tensorboard_of
from exprun.server.stores.vertex.retry import Attempt
from google.api_core import exceptions
from google.cloud.aiplatform_v1.types import artifact as artifact_types
from google.cloud.aiplatform_v1.types import (
    metadata_service,
    tensorboard_experiment,
    tensorboard_run,
    tensorboard_service,
)

TB_EXPERIMENT_LABELS = {"vertex_tensorboard_experiment_source": "vertex_experiment"}


class Tensorboards:
    def __init__(self, backend: Backend, contexts: RunContexts, experiments: Experiments) -> None:
        self._backend = backend
        self._contexts = contexts
        self._experiments = experiments
        # Held while in use only: a run that is not being assigned costs no entry.
        self._locks: weakref.WeakValueDictionary[RunName, asyncio.Lock] = weakref.WeakValueDictionary()

    def forget(self, name: RunName) -> None:
        self._locks.pop(name, None)

    # -- lookups ------------------------------------------------------------------------------
    async def get_tensorboard(self, tensorboard: str, location: str) -> str:
        """The TensorBoard's name as Vertex returns it. Raises NotFound(kind="Tensorboard")."""
        client = self._backend.at(location).tensorboard

        found = await self._backend.unary(
            client.get_tensorboard,
            name=tensorboard,
            field="tensorboard",
            missing=NotFound(tensorboard, kind="Tensorboard"),
        )
        self._backend.numbers.learn(tensorboard.split("/")[1], found.name)
        return str(found.name)

    async def backing_run(self, name: RunName, ctx: ContextPb) -> str:
        """The run's TensorBoard run (server name) or "": from the side key, else from the
        `-tb-run` artifact, as `ExperimentRun.get` finds it (runs the SDK wrote)."""
        recorded = layout.tensorboard_run(codec.from_struct(ctx.metadata))
        if recorded:
            return recorded
        found = await self._artifact(name)
        return "" if found is None else _artifact_tb_run(found)

    async def _artifact(self, name: RunName) -> Any | None:
        client = self._backend.at(name.location).metadata
        artifact_name = self._backend.numbers.server(
            f"{name.parent.parent.metadata_store()}/artifacts/{tb_run_artifact_id(name)}", name.project
        )

        got = await self._backend.unary(client.get_artifact, name=artifact_name, missing=None)
        if got is None:
            return None
        found = artifact_types.Artifact.pb(got)
        return found if _artifact_tb_run(found) else None

    async def default_for(self, name: RunName) -> str:
        """What backs a run that has nothing yet: its experiment's TensorBoard, else the configured
        default (an ID is taken in the run's project and location), else ""."""
        experiment = await self._experiments.fetch(name.parent)
        backing = codec.from_struct(experiment.metadata).get(layout.BACKING_TENSORBOARD)
        if isinstance(backing, str) and backing:
            return backing
        return self.configured_default(name.parent.parent)

    def configured_default(self, location: LocationName) -> str:
        """`--vertex-tensorboard` as a full name (an ID is taken in `location`), or ""."""
        default = self._backend.config.default_tensorboard or ""
        if default and "/" not in default:
            default = f"{location.path}/tensorboards/{default}"
        return default

    # -- assignment ---------------------------------------------------------------------------
    async def assign(self, name: RunName, tensorboard: str) -> ContextPb:
        """Backs the run with a TensorBoard run under `tensorboard`; returns the run's context.
        Idempotent for the same TensorBoard; FailedPrecondition when another one backs it."""
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = asyncio.Lock()
        async with lock:
            ctx = await self._contexts.get(name)
            existing = await self.backing_run(name, ctx)
            if existing:
                if not same_resource(tensorboard_of(existing), tensorboard):
                    shown = self._backend.numbers.client(existing, name.project)
                    raise FailedPrecondition(
                        f"run {name.run} is already associated to tensorboard resource {shown}",
                        reason="TENSORBOARD_ALREADY_ASSIGNED",
                        metadata={
                            "resource_name": name.path,
                            "backing_tensorboard_run": shown,
                            "requested_tensorboard": tensorboard,
                        },
                    )
                if layout.tensorboard_run(codec.from_struct(ctx.metadata)) == existing:
                    return ctx
                tb_run = existing
            else:
                board = await self.get_tensorboard(tensorboard, name.location)
                tb_run = await self._tensorboard_run(name, board)
                await self._record(name, ctx, tb_run)
            return await self._contexts.update(
                name, lambda meta: layout.set_tensorboard_run(meta, tb_run), field="tensorboard"
            )

    async def _tensorboard_run(self, name: RunName, board: str) -> str:
        """Gets or creates TensorBoard experiment `E` and run `R`; returns the run's name."""
        client = self._backend.at(name.location).tensorboard
        experiment_name = f"{board}/experiments/{name.experiment}"
        run_name = f"{experiment_name}/runs/{name.run}"

        async def experiment(attempt: Attempt) -> None:
            try:
                await client.get_tensorboard_experiment(
                    name=experiment_name, retry=None, timeout=attempt.timeout
                )
                return
            except exceptions.NotFound:
                pass
            with contextlib.suppress(exceptions.AlreadyExists):  # made meanwhile: what we wanted
                await client.create_tensorboard_experiment(
                    request=tensorboard_service.CreateTensorboardExperimentRequest(
                        parent=board,
                        tensorboard_experiment_id=name.experiment,
                        tensorboard_experiment=tensorboard_experiment.TensorboardExperiment(
                            display_name=name.experiment, labels=TB_EXPERIMENT_LABELS
                        ),
                    ),
                    retry=None,
                    timeout=attempt.timeout,
                )

        async def run(attempt: Attempt) -> str:
            try:
                found = await client.get_tensorboard_run(name=run_name, retry=None, timeout=attempt.timeout)
                return str(found.name)
            except exceptions.NotFound:
                pass
            try:
                created = await client.create_tensorboard_run(
                    request=tensorboard_service.CreateTensorboardRunRequest(
                        parent=experiment_name,
                        tensorboard_run_id=name.run,
                        tensorboard_run=tensorboard_run.TensorboardRun(display_name=name.run),
                    ),
                    retry=None,
                    timeout=attempt.timeout,
                )
                return str(created.name)
            except exceptions.AlreadyExists:
                found = await client.get_tensorboard_run(name=run_name, retry=None, timeout=attempt.timeout)
                return str(found.name)

        try:
            await self._backend.call(experiment, "CreateTensorboardExperiment")
            return await self._backend.call(run, "CreateTensorboardRun")
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field="tensorboard") from exc

    async def _record(self, name: RunName, ctx: ContextPb, tb_run: str) -> None:
        """The `-tb-run` artifact, attributed to the run's context."""
        clients = self._backend.at(name.location)
        store = self._backend.numbers.store(name.parent.parent)
        artifact_id = tb_run_artifact_id(name)
        request = metadata_service.CreateArtifactRequest(
            parent=store,
            artifact_id=artifact_id,
            artifact=artifact_types.Artifact(
                schema_title=layouts.TENSORBOARD_RUN,
                schema_version=layout.SCHEMA_VERSION,
                state=artifact_types.Artifact.State.LIVE,
                uri=f"https://{clients.api_host}/v1/{tb_run}",
                metadata=codec.to_struct({"resourceName": tb_run, "vertex_experiment_tracking": True}),
            ),
        )

        async def create(attempt: Attempt) -> str:
            try:
                created = await clients.metadata.create_artifact(
                    request=request, retry=None, timeout=attempt.timeout
                )
                return str(created.name)
            except exceptions.AlreadyExists:
                found = await self._artifact(name)
                if found is None or not same_resource(_artifact_tb_run(found), tb_run):
                    raise
                return str(found.name)

        async def attribute(attempt: Attempt) -> None:
            await clients.metadata.add_context_artifacts_and_executions(
                context=ctx.name, artifacts=[artifact_name], retry=None, timeout=attempt.timeout
            )

        try:
            artifact_name = await self._backend.call(create, "CreateArtifact")
            await self._backend.call(attribute, "AddContextArtifactsAndExecutions")
        except exceptions.AlreadyExists:
            raise FailedPrecondition(
                f"artifact {artifact_id} already records another TensorBoard run for run {name.run}",
                reason="TENSORBOARD_ALREADY_ASSIGNED",
                metadata={"resource_name": name.path},
            ) from None
        except exceptions.NotFound:
            self._contexts.forget(name)
            raise NotFound(name.path, kind="Run") from None
        except exceptions.GoogleAPICallError as exc:
            raise translate(exc, field="tensorboard") from exc

    async def delete_run(self, name: RunName, tb_run: str) -> None:
        """DeleteTensorboardRun (an LRO); a TensorBoard run already gone is fine."""
        await self._backend.delete(self._backend.at(name.location).tensorboard.delete_tensorboard_run, tb_run)


def _artifact_tb_run(artifact: Any) -> str:
    """The SDK's `_is_backing_tensorboard_run_artifact` check; the TensorBoard run or ""."""
    meta = codec.from_struct(artifact.metadata)
    resource = meta.get("resourceName")
    valid = (
        artifact.schema_title == layouts.TENSORBOARD_RUN
        and bool(meta.get("vertex_experiment_tracking"))
        and isinstance(resource, str)
    )
    return str(resource) if valid else ""
