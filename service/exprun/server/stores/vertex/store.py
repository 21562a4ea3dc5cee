"""`VertexRunStore`: the `RunStore` port on Vertex AI Metadata and TensorBoard.

The modules of this package each do one part; this class composes them and is the error
boundary, where a Vertex error no part handled becomes the domain error of the same meaning.
Every Vertex call goes through `retry.Retrier` (one policy, transient errors retried with
backoff within `retry_deadline_seconds`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Self

from exprun.server.core import layouts, limits
from exprun.server.core.errors import AlreadyExists, ExprunError, FailedPrecondition, NotFound
from exprun.server.core.lease import Leases
from exprun.server.core.model import (
    Artifact,
    Execution,
    ExecutionChange,
    Experiment,
    ExperimentModel,
    Link,
    LinkKind,
    ListQuery,
    Page,
    ParamValue,
    Run,
    RunState,
    Series,
    SeriesQuery,
    TimeSeriesWrite,
    WriteResult,
)
from exprun.server.core.names import ExperimentName, LocationName, RunName
from exprun.server.core.store import ModelUpload, RunStore
from exprun.server.stores.vertex import layout
from exprun.server.stores.vertex.artifacts import Artifacts
from exprun.server.stores.vertex.backend import Backend
from exprun.server.stores.vertex.clients import VertexClients
from exprun.server.stores.vertex.config import VertexConfig
from exprun.server.stores.vertex.contexts import RunContexts
from exprun.server.stores.vertex.errors import translate
from exprun.server.stores.vertex.executions import Executions
from exprun.server.stores.vertex.experiments import Experiments
from exprun.server.stores.vertex.links import Links
from exprun.server.stores.vertex.liveness import RunLiveness
from exprun.server.stores.vertex.metadata_store import MetadataStores
from exprun.server.stores.vertex.models import LocalStaging, Staging, VertexModelUpload, open_staging
from exprun.server.stores.vertex.runs import Runs
from exprun.server.stores.vertex.tensorboard import Tensorboards
from exprun.server.stores.vertex.timeseries import WRITES_AT_ONCE, TimeSeries
from google.api_core import exceptions

# Runs deleted at once when their experiment is deleted.
_PARALLEL_DELETES = 8


@contextlib.contextmanager
def _boundary() -> Iterator[None]:
    try:
        yield
    except exceptions.GoogleAPICallError as exc:
        raise translate(exc) from exc


class VertexRunStore(RunStore):
    """The vertex store. Stateless apart from caches: any number of replicas may serve the same
    projects, since every change is a create or an etag-checked read-modify-write in Vertex,
    liveness leases included (`liveness.py`)."""

    ingest_concurrency = WRITES_AT_ONCE  # `TimeSeries.write_many` keeps checkpoints in order

    def __init__(self, backend: Backend, staging: Staging | None, leases: Leases | None = None) -> None:
        self._backend = backend
        self._staging = staging
        stores = MetadataStores(backend)
        self.leases = leases or Leases()
        self._contexts = RunContexts(backend, self.leases)
        self._liveness = RunLiveness(backend, self._contexts)
        self._experiments = Experiments(backend, stores)
        self._runs = Runs(backend, self._contexts, self._experiments)
        self._tensorboards = Tensorboards(backend, self._contexts, self._experiments)
        self._timeseries = TimeSeries(backend, self._contexts, self._tensorboards)
        self._artifacts = Artifacts(backend, self._contexts)
        self._executions = Executions(backend)
        self._links = Links(backend, self._contexts)
        # Model artifact IDs with an upload in progress in this process.
        self._reserved: set[tuple[LocationName, str]] = set()

    @classmethod
    async def open(cls, config: VertexConfig, leases: Leases | None = None) -> Self:
        """The composition root's entry: clients (and credentials, unless plaintext) and staging.
        `leases` are the liveness terms writes renew watched runs by (default: off)."""
        clients = await VertexClients.open(config)
        staging = open_staging(config.model_staging_uri) if config.model_staging_uri else None
        if isinstance(staging, LocalStaging):
            await asyncio.to_thread(staging.sweep)
        return cls(Backend(config, clients), staging, leases)

    # -- experiments --------------------------------------------------------------------------
    async def create_experiment(self, experiment: Experiment) -> Experiment:
        with _boundary():
            tensorboard = ""
            if experiment.backing_tensorboard:
                tensorboard = await self._tensorboards.get_tensorboard(
                    experiment.backing_tensorboard, experiment.name.location
                )
            elif default := self._tensorboards.configured_default(experiment.name.parent):
                # As `aiplatform.init(experiment=..., experiment_tensorboard=...)` does, so SDK
                # code creating runs in this experiment gets time series. A default that does
                # not exist in this project is skipped, not an error of the create.
                with contextlib.suppress(NotFound):
                    tensorboard = await self._tensorboards.get_tensorboard(default, experiment.name.location)
            return await self._experiments.create(experiment, tensorboard)

    async def get_experiment(self, name: ExperimentName) -> Experiment:
        with _boundary():
            return await self._experiments.get(name)

    async def list_experiments(self, parent: LocationName, query: ListQuery) -> Page[Experiment]:
        with _boundary():
            return await self._experiments.list_page(parent, query)

    async def delete_experiment(
        self, name: ExperimentName, *, delete_backing_tensorboard_runs: bool, delete_artifacts: bool = False
    ) -> None:
        """Runs first, then the experiment, as `Experiment.delete` does, each as `delete_run`
        deletes it. Artifacts of runs deleted earlier are in no context any more, so even
        `delete_artifacts` cannot find them (the embedded store can)."""
        with _boundary():
            await self._experiments.fetch(name)
            gate = asyncio.Semaphore(_PARALLEL_DELETES)

            async def delete(run: Run) -> None:
                async with gate:
                    await self.delete_run(
                        run.name,
                        delete_backing_tensorboard_run=delete_backing_tensorboard_runs,
                        delete_artifacts=delete_artifacts,
                    )

            # Always the first page: the runs of the previous one are gone.
            while page := (await self._runs.list_page(name, ListQuery(page_size=limits.PAGE_SIZE_MAX))).items:
                await asyncio.gather(*(delete(r) for r in page))
            await self._experiments.delete_context(name)

    # -- runs ---------------------------------------------------------------------------------
    async def create_run(self, run: Run) -> Run:
        with _boundary():
            return await self._runs.create(run)

    async def get_run(self, name: RunName) -> Run:
        """Fresh from Vertex, with what the SDK's `ExperimentRun.get` finds: the TensorBoard run
        from the `-tb-run` artifact when exprun recorded none, and the series that exist."""
        with _boundary():
            ctx = await self._contexts.get(name, fresh=True)
            tb_run = await self._tensorboards.backing_run(name, ctx)
            series = await self._timeseries.metric_names(name, tb_run) if tb_run else ()
            return self._runs.to_domain(name, ctx, tb_run=tb_run, series=series)

    async def list_runs(self, parent: ExperimentName, query: ListQuery) -> Page[Run]:
        with _boundary():
            return await self._runs.list_page(parent, query)

    async def delete_run(
        self, name: RunName, *, delete_backing_tensorboard_run: bool, delete_artifacts: bool = False
    ) -> None:
        """The TensorBoard run (when asked), the `-tb-run` reference (a run created again under
        the name would otherwise find it), with `delete_artifacts` the other artifacts the run
        owns (classification metrics and models, with model files exprun staged), then the
        run's context. Without it those artifacts stay, as the SDK leaves them: a model is
        still read by its artifact name. Executions and pipeline contexts stay: other runs may
        share them."""
        with _boundary():
            ctx = await self._contexts.get(name, fresh=True)
            tb_run = await self._tensorboards.backing_run(name, ctx)
            if delete_backing_tensorboard_run and tb_run:
                await self._tensorboards.delete_run(name, tb_run)
            for artifact in await self._artifacts.owned(name, ctx.name):
                if artifact.schema_title != layouts.TENSORBOARD_RUN and not delete_artifacts:
                    continue
                await self._artifacts.delete(name, artifact.name)
                if artifact.schema_title == layouts.EXPERIMENT_MODEL and self._staging is not None:
                    await self._staging.remove(artifact.uri)
            self._timeseries.forget(name)
            self._tensorboards.forget(name)
            await self._runs.delete_context(name, ctx.name)

    async def update_run_state(self, name: RunName, state: RunState) -> Run:
        with _boundary():
            ctx = await self._contexts.update(name, lambda m: layout.set_state(m, state), field="state")
            return self._runs.to_domain(name, ctx)

    async def keep_alive(self, names: Sequence[RunName], now: datetime) -> dict[RunName, datetime]:
        with _boundary():
            return await self._liveness.keep_alive(names, now)

    async def fail_overdue_runs(self, now: datetime, reason: str) -> list[RunName]:
        with _boundary():
            return await self._liveness.fail_overdue(now, reason)

    async def merge_summary(
        self,
        name: RunName,
        *,
        params: Mapping[str, ParamValue] | None = None,
        metrics: Mapping[str, ParamValue] | None = None,
    ) -> Run:
        with _boundary():
            ctx = await self._contexts.update(
                name,
                lambda m: layout.merge_summary(m, params, metrics),
                field="params" if params else "metrics",
            )
            return self._runs.to_domain(name, ctx)

    async def set_backing_tensorboard_run(self, name: RunName, tensorboard: str) -> Run:
        with _boundary():
            ctx = await self._tensorboards.assign(name, tensorboard)
            return self._runs.to_domain(name, ctx)

    # -- time series --------------------------------------------------------------------------
    async def write_time_series_batch(
        self, writes: Sequence[TimeSeriesWrite]
    ) -> list[WriteResult | ExprunError]:
        """The ingest pipeline's coalesced batches: each run's batches go out together (one
        metadata update), runs concurrently, their points in shared write requests. A run's
        error fails that run's batches only."""
        results: list[WriteResult | ExprunError | None] = [None] * len(writes)
        by_run: dict[RunName, list[int]] = {}
        for i, write in enumerate(writes):
            by_run.setdefault(write.name, []).append(i)

        async def run_batches(name: RunName, indices: list[int]) -> None:
            try:
                with _boundary():
                    done = await self._timeseries.write_many(
                        name, [(writes[i].series, writes[i].position) for i in indices]
                    )
            except ExprunError as error:
                for i in indices:
                    results[i] = error
                return
            for i, result in zip(indices, done, strict=True):
                results[i] = result

        await asyncio.gather(*(run_batches(name, indices) for name, indices in by_run.items()))
        return [r for r in results if r is not None]

    async def committed_sequence(self, name: RunName, writer_id: str) -> int:
        with _boundary():
            return await self._timeseries.committed(name, writer_id)

    async def read_time_series(self, name: RunName, query: SeriesQuery) -> AsyncIterator[Series]:
        with _boundary():
            async for chunk in self._timeseries.read(name, query):
                yield chunk

    # -- artifacts, executions, links ---------------------------------------------------------
    async def add_artifact(self, name: RunName, artifact: Artifact) -> Artifact:
        with _boundary():
            added = await self._artifacts.add(name, artifact)
            await self._contexts.renew_lease(name)
            # From here the artifact itself keeps its ID taken.
            self._reserved.discard((name.parent.parent, added.artifact_id))
            return added

    async def list_artifacts(
        self, name: RunName, query: ListQuery, *, schema_title: str = ""
    ) -> Page[Artifact]:
        with _boundary():
            return await self._artifacts.list_page(name, query, schema_title)

    async def associate_execution(self, name: RunName, execution: Execution) -> Execution:
        with _boundary():
            associated = await self._artifacts.associate_execution(name, execution)
            await self._contexts.renew_lease(name)
            return associated

    async def list_executions(self, name: RunName, query: ListQuery) -> Page[Execution]:
        with _boundary():
            return await self._artifacts.list_executions(name, query)

    async def list_location_executions(self, location: LocationName, query: ListQuery) -> Page[Execution]:
        with _boundary():
            return await self._executions.list_page(location, query)

    async def create_execution(self, location: LocationName, execution: Execution) -> Execution:
        with _boundary():
            return await self._executions.create(location, execution)

    async def get_execution(self, location: LocationName, execution_id: str) -> Execution:
        with _boundary():
            return await self._executions.get(location, execution_id)

    async def update_execution(self, location: LocationName, change: ExecutionChange) -> Execution:
        with _boundary():
            return await self._executions.update(location, change)

    async def add_execution_events(
        self, location: LocationName, execution_id: str, inputs: Sequence[str], outputs: Sequence[str]
    ) -> None:
        with _boundary():
            await self._executions.add_events(location, execution_id, inputs, outputs)

    async def execution_artifacts(
        self, location: LocationName, execution_id: str
    ) -> tuple[list[Artifact], list[Artifact]]:
        with _boundary():
            return await self._executions.artifacts(location, execution_id)

    async def get_artifact(self, location: LocationName, artifact_id: str) -> Artifact:
        with _boundary():
            return await self._executions.get_artifact(location, artifact_id)

    async def read_model_bytes(self, model: ExperimentModel, path: str, offset: int, size: int) -> bytes:
        if self._staging is None or not self._staging.owns(model.uri):
            raise FailedPrecondition(
                f"the model's files at {model.uri} are not kept by this server", reason="MODEL_NOT_UPLOADED"
            )
        with _boundary():
            return await self._staging.read(model.uri, path, offset, size)

    async def add_link(self, name: RunName, link: Link) -> Link:
        with _boundary():
            added = await self._links.add(name, link)
            await self._contexts.renew_lease(name)
            return added

    async def list_links(self, name: RunName, kind: LinkKind, query: ListQuery) -> Page[Link]:
        with _boundary():
            return await self._links.list_page(name, kind, query)

    async def begin_model_upload(self, name: RunName, artifact_id: str) -> ModelUpload:
        """Raises FailedPrecondition when no staging URI is configured, NotFound, AlreadyExists."""
        with _boundary():
            if self._staging is None:
                raise FailedPrecondition(
                    "the server has no place for model files: set model_staging_uri "
                    "(--model-staging-uri / EXPRUN_MODEL_STAGING_URI)",
                    reason="NO_MODEL_STAGING",
                )
            await self._contexts.get(name)
            location = name.parent.parent
            key = (location, artifact_id)
            taken = f"{location.metadata_store()}/artifacts/{artifact_id}"
            if key in self._reserved or await self._artifacts.exists(name, artifact_id) is not None:
                raise AlreadyExists(taken, kind="Artifact")
            self._reserved.add(key)

            async def recorded(uri: str) -> bool:
                found = await self._artifacts.exists(name, artifact_id)
                return found is not None and found.uri == uri

            return VertexModelUpload(
                self._staging.begin(location, artifact_id),
                recorded,
                lambda: self._reserved.discard(key),
            )

    # -- lifecycle ----------------------------------------------------------------------------
    async def close(self) -> None:
        await self._backend.clients.close()
