"""`TracingStore`: the storage port by delegation, with a span and a latency around every call.

One wrapper in front of whichever store was chosen, so neither the core nor the stores know
about telemetry. Spans are named `store.<operation>` and carry `exprun.store.operation` and
`exprun.store.backend`; the `exprun.store.duration` histogram has the same attributes, plus
`error.type` (the exception class, say `NotFound`) when the call failed. No argument value is
recorded: names and counts only.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import datetime

from exprun.server.core.errors import ExprunError
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
from exprun.server.telemetry.instruments import store_duration, tracer
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode

Attributes = Mapping[str, str | int]


class _Measured:
    """One store call in progress: its span (current only inside `current()`) and its clock.

    A call outside any trace (the liveness sweep's, every few seconds) is measured but not
    traced: a trace of its own each time would bury the traces of requests. Neither is a call
    inside a span the sampler dropped: every standard sampler drops its children too (they
    follow the parent, or share its trace ID and ratio), so such a span would only cost time
    (an ID, a context switch) on every call of an unsampled or untraced server; log lines
    inside the call carry the request's span instead."""

    def __init__(self, backend: str, operation: str, attributes: Attributes | None) -> None:
        self.common = {"exprun.store.backend": backend, "exprun.store.operation": operation}
        self.start = time.perf_counter()
        self.span: Span = trace.INVALID_SPAN
        self.context: otel_context.Context | None = None
        if trace.get_current_span().is_recording():
            self.span = tracer.start_span(
                f"store.{operation}", attributes={**self.common, **(attributes or {})}
            )
            self.context = trace.set_span_in_context(self.span)

    @contextlib.contextmanager
    def current(self) -> Iterator[Span]:
        if self.context is None:
            yield self.span
            return
        token = otel_context.attach(self.context)
        try:
            yield self.span
        finally:
            otel_context.detach(token)

    def end(self, error: BaseException | None) -> None:
        attributes: Attributes = self.common
        if error is not None:
            error_type = type(error).__name__
            self.span.set_attribute("error.type", error_type)
            self.span.set_status(Status(StatusCode.ERROR, error_type))
            attributes = {**self.common, "error.type": error_type}
        self.span.end()
        store_duration.record((time.perf_counter() - self.start) * 1000, attributes)


class _Timed:
    """Spans and durations for one backend."""

    def __init__(self, backend: str) -> None:
        self.backend = backend

    def start(self, operation: str, attributes: Attributes | None = None) -> _Measured:
        return _Measured(self.backend, operation, attributes)

    @contextlib.contextmanager
    def call(self, operation: str, attributes: Attributes | None = None) -> Iterator[Span]:
        measured = _Measured(self.backend, operation, attributes)
        error: BaseException | None = None
        try:
            with measured.current() as span:
                yield span
        except BaseException as exc:
            error = exc
            raise
        finally:
            measured.end(error)


class TracingModelUpload(ModelUpload):
    """Commit and abort are traced; each chunk's write is not (a large model has thousands)."""

    def __init__(self, upload: ModelUpload, timed: _Timed) -> None:
        self.inner = upload
        self._timed = timed

    async def write(self, path: str, data: bytes) -> None:
        await self.inner.write(path, data)

    async def commit(self) -> str:
        with self._timed.call("commit_model_upload"):
            return await self.inner.commit()

    async def abort(self) -> None:
        with self._timed.call("abort_model_upload"):
            await self.inner.abort()


class TracingStore(RunStore):
    def __init__(self, store: RunStore, backend: str) -> None:
        self.inner = store
        self.health = store.health
        self.leases = store.leases
        self.ingest_concurrency = store.ingest_concurrency
        self._timed = _Timed(backend)

    # -- experiments --------------------------------------------------------------------------
    async def create_experiment(self, experiment: Experiment) -> Experiment:
        with self._timed.call("create_experiment"):
            return await self.inner.create_experiment(experiment)

    async def get_experiment(self, name: ExperimentName) -> Experiment:
        with self._timed.call("get_experiment"):
            return await self.inner.get_experiment(name)

    async def list_experiments(self, parent: LocationName, query: ListQuery) -> Page[Experiment]:
        with self._timed.call("list_experiments"):
            return await self.inner.list_experiments(parent, query)

    async def delete_experiment(
        self, name: ExperimentName, *, delete_backing_tensorboard_runs: bool, delete_artifacts: bool = False
    ) -> None:
        with self._timed.call("delete_experiment"):
            await self.inner.delete_experiment(
                name,
                delete_backing_tensorboard_runs=delete_backing_tensorboard_runs,
                delete_artifacts=delete_artifacts,
            )

    # -- runs ---------------------------------------------------------------------------------
    async def create_run(self, run: Run) -> Run:
        with self._timed.call("create_run"):
            return await self.inner.create_run(run)

    async def get_run(self, name: RunName) -> Run:
        with self._timed.call("get_run"):
            return await self.inner.get_run(name)

    async def list_runs(self, parent: ExperimentName, query: ListQuery) -> Page[Run]:
        with self._timed.call("list_runs"):
            return await self.inner.list_runs(parent, query)

    async def delete_run(
        self, name: RunName, *, delete_backing_tensorboard_run: bool, delete_artifacts: bool = False
    ) -> None:
        with self._timed.call("delete_run"):
            await self.inner.delete_run(
                name,
                delete_backing_tensorboard_run=delete_backing_tensorboard_run,
                delete_artifacts=delete_artifacts,
            )

    async def update_run_state(self, name: RunName, state: RunState) -> Run:
        with self._timed.call("update_run_state"):
            return await self.inner.update_run_state(name, state)

    async def merge_summary(
        self,
        name: RunName,
        *,
        params: Mapping[str, ParamValue] | None = None,
        metrics: Mapping[str, ParamValue] | None = None,
    ) -> Run:
        with self._timed.call("merge_summary"):
            return await self.inner.merge_summary(name, params=params, metrics=metrics)

    async def keep_alive(self, names: Sequence[RunName], now: datetime) -> dict[RunName, datetime]:
        with self._timed.call("keep_alive", {"exprun.store.runs": len(names)}):
            return await self.inner.keep_alive(names, now)

    async def fail_overdue_runs(self, now: datetime, reason: str) -> list[RunName]:
        with self._timed.call("fail_overdue_runs") as span:
            failed = await self.inner.fail_overdue_runs(now, reason)
            span.set_attribute("exprun.store.runs_failed", len(failed))
            return failed

    async def set_backing_tensorboard_run(self, name: RunName, tensorboard: str) -> Run:
        with self._timed.call("set_backing_tensorboard_run"):
            return await self.inner.set_backing_tensorboard_run(name, tensorboard)

    # -- time series --------------------------------------------------------------------------
    async def write_time_series_batch(
        self, writes: Sequence[TimeSeriesWrite]
    ) -> list[WriteResult | ExprunError]:
        points = sum(w.points for w in writes)
        attributes = {"exprun.ingest.batches": len(writes), "exprun.ingest.points": points}
        with self._timed.call("write_time_series_batch", attributes):
            return await self.inner.write_time_series_batch(writes)

    async def committed_sequence(self, name: RunName, writer_id: str) -> int:
        with self._timed.call("committed_sequence"):
            return await self.inner.committed_sequence(name, writer_id)

    def read_time_series(self, name: RunName, query: SeriesQuery) -> AsyncIterator[Series]:
        return self._traced_read("read_time_series", self.inner.read_time_series(name, query))

    def read_downsampled(self, name: RunName, query: SeriesQuery, max_points: int) -> AsyncIterator[Series]:
        return self._traced_read("read_downsampled", self.inner.read_downsampled(name, query, max_points))

    async def _traced_read(self, operation: str, chunks: AsyncIterator[Series]) -> AsyncIterator[Series]:
        """The span lasts the whole read but is current only while the store produces a chunk,
        never across a `yield` to the reader."""
        measured = self._timed.start(operation)
        error: BaseException | None = None
        try:
            while True:
                with measured.current():
                    try:
                        chunk = await anext(chunks)
                    except StopAsyncIteration:
                        break
                yield chunk
        except BaseException as exc:
            error = exc
            raise
        finally:
            with measured.current():
                aclose = getattr(chunks, "aclose", None)
                if aclose is not None:
                    await aclose()  # a reader that stopped early releases the store's cursor now
            measured.end(error)

    # -- artifacts, executions, links ---------------------------------------------------------
    async def add_artifact(self, name: RunName, artifact: Artifact) -> Artifact:
        with self._timed.call("add_artifact"):
            return await self.inner.add_artifact(name, artifact)

    async def list_artifacts(
        self, name: RunName, query: ListQuery, *, schema_title: str = ""
    ) -> Page[Artifact]:
        with self._timed.call("list_artifacts"):
            return await self.inner.list_artifacts(name, query, schema_title=schema_title)

    async def associate_execution(self, name: RunName, execution: Execution) -> Execution:
        with self._timed.call("associate_execution"):
            return await self.inner.associate_execution(name, execution)

    async def list_location_executions(self, location: LocationName, query: ListQuery) -> Page[Execution]:
        with self._timed.call("list_location_executions"):
            return await self.inner.list_location_executions(location, query)

    async def create_execution(self, location: LocationName, execution: Execution) -> Execution:
        with self._timed.call("create_execution"):
            return await self.inner.create_execution(location, execution)

    async def get_execution(self, location: LocationName, execution_id: str) -> Execution:
        with self._timed.call("get_execution"):
            return await self.inner.get_execution(location, execution_id)

    async def update_execution(self, location: LocationName, change: ExecutionChange) -> Execution:
        with self._timed.call("update_execution"):
            return await self.inner.update_execution(location, change)

    async def add_execution_events(
        self, location: LocationName, execution_id: str, inputs: Sequence[str], outputs: Sequence[str]
    ) -> None:
        with self._timed.call("add_execution_events"):
            await self.inner.add_execution_events(location, execution_id, inputs, outputs)

    async def execution_artifacts(
        self, location: LocationName, execution_id: str
    ) -> tuple[list[Artifact], list[Artifact]]:
        with self._timed.call("execution_artifacts"):
            return await self.inner.execution_artifacts(location, execution_id)

    async def get_artifact(self, location: LocationName, artifact_id: str) -> Artifact:
        with self._timed.call("get_artifact"):
            return await self.inner.get_artifact(location, artifact_id)

    async def read_model_bytes(self, model: ExperimentModel, path: str, offset: int, size: int) -> bytes:
        with self._timed.call("read_model_bytes"):
            return await self.inner.read_model_bytes(model, path, offset, size)

    async def list_executions(self, name: RunName, query: ListQuery) -> Page[Execution]:
        with self._timed.call("list_executions"):
            return await self.inner.list_executions(name, query)

    async def add_link(self, name: RunName, link: Link) -> Link:
        with self._timed.call("add_link"):
            return await self.inner.add_link(name, link)

    async def list_links(self, name: RunName, kind: LinkKind, query: ListQuery) -> Page[Link]:
        with self._timed.call("list_links"):
            return await self.inner.list_links(name, kind, query)

    async def begin_model_upload(self, name: RunName, artifact_id: str) -> ModelUpload:
        with self._timed.call("begin_model_upload"):
            upload = await self.inner.begin_model_upload(name, artifact_id)
        return TracingModelUpload(upload, self._timed)

    # -- lifecycle ----------------------------------------------------------------------------
    async def close(self) -> None:
        await self.inner.close()
