r"""The storage port: what the core needs from a backend, nothing more.

Every store (embedded SQLite, Vertex AI) implements this and passes the one conformance suite
in `tests/conformance`. Each method lists the domain errors it may raise; validation of input
shape is the core's job, so stores only raise what depends on stored state.

Lists. Every `list_*` method takes one `ListQuery` and returns one `Page`; this is the one place
that says what their fields mean (`core/listing.py` builds the query from the request):

- `page_size`: 1 to `limits.PAGE_SIZE_MAX` (the core turns 0 into `PAGE_SIZE_DEFAULT` and a
  larger size into the maximum). A page holds at most that many items.
- `cursor`: "" for the first page, else a `Page.next_cursor` this store returned for the same
  parent, filter and order; a `next_cursor` of "" marks the last page. What it holds is the
  store's own business (a row offset in SQLite, Vertex's page token in the vertex store). The
  core hands it to the client inside a signed page token and checks the signature and the
  request's fingerprint before unwrapping it, so a store never sees a forged or edited cursor;
  it may still see one from another of its own lists and refuses that as INVALID_ARGUMENT
  (`listing.cursor_offset` does, for offsets).
- `filters`: terms that must all hold; a `FilterTerm` is `field = value`, or `field != value`
  when `negate`. The fields a method accepts are in its docstring; values arrive normalised to
  the form the store keeps (a state's bare name, a TensorBoard's full name). Clients write
  them in this subset of AIP-160, parsed by `listing.parse_filter`:
      filter = term { " AND " term }        (at most `limits.FILTER_MAX_TERMS` terms)
      term   = field ( "=" | "!=" ) value   (spaces around the operator are optional)
      value  = '"' chars '"'                (`\"` and `\\` escaped)
             | word                         (letters, digits and `_ . : / -`)
  No OR, parentheses, comparisons, functions or `metadata.*` paths: anything else is
  INVALID_ARGUMENT naming the `filter` field.
- `order_by`, `descending`: one of the method's order fields (`create_time` by default), written
  `field [asc|desc]`. A store breaks ties in a fixed order of its own (SQLite: insertion), so
  pages neither repeat nor skip items. Lists without order fields are oldest first.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime

from exprun.server.core.downsample import downsample
from exprun.server.core.errors import ExprunError
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
    WriterPosition,
)
from exprun.server.core.names import ExperimentName, LocationName, RunName
from exprun.server.core.store_health import StoreHealth


class ModelUpload(abc.ABC):
    """Where an uploaded model's files go before the model artifact is recorded.

    The core checks sizes and checksums as bytes arrive; the store only keeps them. Nothing is
    visible to readers until `commit`, and `abort` leaves no trace.
    """

    @abc.abstractmethod
    async def write(self, path: str, data: bytes) -> None: ...

    @abc.abstractmethod
    async def commit(self) -> str:
        """Makes the files durable and returns the URI of the model directory."""

    @abc.abstractmethod
    async def abort(self) -> None:
        """Removes the files; also after `commit` when recording the artifact then failed."""


class RunStore(abc.ABC):
    """The async storage port."""

    # The liveness terms the store renews watched runs by on every write, and the one source
    # `Liveness` takes its timeout from, so the two cannot disagree. Off unless opened with some.
    leases: Leases = Leases()
    # `write_time_series_batch` calls the ingest pipeline may have out at once. More than one
    # only for a store that keeps each writer's checkpoints in order across concurrent calls:
    # a batch's sequence is recorded only once every earlier call's points for that run are
    # durable, and a call whose earlier call failed fails as well.
    ingest_concurrency: int = 1

    @functools.cached_property
    def health(self) -> StoreHealth:
        """Where the store reports storage faults (a full disk, a damaged database) and recovery;
        readiness follows it. A store that detects none keeps this one, which stays healthy."""
        return StoreHealth()

    # -- experiments --------------------------------------------------------------------------
    @abc.abstractmethod
    async def create_experiment(self, experiment: Experiment) -> Experiment:
        """Raises AlreadyExists."""

    @abc.abstractmethod
    async def get_experiment(self, name: ExperimentName) -> Experiment:
        """Raises NotFound."""

    @abc.abstractmethod
    async def list_experiments(self, parent: LocationName, query: ListQuery) -> Page[Experiment]:
        """Filter fields: experiment_id, backing_tensorboard. Order: create_time, update_time,
        experiment_id."""

    @abc.abstractmethod
    async def delete_experiment(
        self, name: ExperimentName, *, delete_backing_tensorboard_runs: bool, delete_artifacts: bool = False
    ) -> None:
        """Deletes the experiment and its runs, as `delete_run` does; with `delete_artifacts`
        also every artifact logged to its runs, those of runs deleted before included.
        Raises NotFound."""

    # -- runs ---------------------------------------------------------------------------------
    @abc.abstractmethod
    async def create_run(self, run: Run) -> Run:
        """Raises NotFound (experiment), AlreadyExists (the run, or another run with the same
        `{E}-{R}` context ID in the project and location)."""

    @abc.abstractmethod
    async def get_run(self, name: RunName) -> Run:
        """Raises NotFound."""

    @abc.abstractmethod
    async def list_runs(self, parent: ExperimentName, query: ListQuery) -> Page[Run]:
        """Filter fields: state (a `RunState` name), run_id. Clients may also filter on
        display_name, which the core rewrites to run_id (a run's display name is its ID), so a
        store never sees it. Order: create_time, update_time, run_id. Raises NotFound (experiment)."""

    @abc.abstractmethod
    async def delete_run(
        self, name: RunName, *, delete_backing_tensorboard_run: bool, delete_artifacts: bool = False
    ) -> None:
        """The run's artifacts (classification metrics, models and their files) stay, readable
        by name, unless `delete_artifacts`, as in the SDK. Raises NotFound."""

    @abc.abstractmethod
    async def update_run_state(self, name: RunName, state: RunState) -> Run:
        """Raises NotFound."""

    @abc.abstractmethod
    async def merge_summary(
        self,
        name: RunName,
        *,
        params: Mapping[str, ParamValue] | None = None,
        metrics: Mapping[str, ParamValue] | None = None,
    ) -> Run:
        """Merges params and/or metrics key by key, atomically. Raises NotFound, and
        InvalidArgument when the merged metadata would pass the Vertex limit (limits.METADATA_MAX_BYTES)."""

    @abc.abstractmethod
    async def keep_alive(self, names: Sequence[RunName], now: datetime) -> dict[RunName, datetime]:
        """Starts or renews (per the store's `Leases`) the liveness lease of those runs that are
        RUNNING, and returns their persisted deadlines; other runs are left alone and left out.

        Leases live in the store, not in a process, so any replica may renew a run and any
        replica may fail it. Beyond this call, every write to a run that holds a lease (params,
        metrics, time series, artifacts, links...) renews it in the store by the same terms."""

    @abc.abstractmethod
    async def fail_overdue_runs(self, now: datetime, reason: str) -> list[RunName]:
        """Moves RUNNING runs whose persisted deadline is at or before `now` to FAILED with
        `reason`, and returns them. The deadline is checked in the same atomic update that
        fails the run, so a lease another replica renewed a moment ago is respected. Runs are
        found through the store, not through what this process saw."""

    @abc.abstractmethod
    async def set_backing_tensorboard_run(self, name: RunName, tensorboard: str) -> Run:
        """Records the TensorBoard run under `tensorboard` that backs the run. Idempotent for the
        same TensorBoard. Raises NotFound, FailedPrecondition (another one is assigned)."""

    # -- time series --------------------------------------------------------------------------
    async def write_time_series(
        self, name: RunName, series: Sequence[Series], position: WriterPosition | None
    ) -> WriteResult:
        """One batch through `write_time_series_batch`, its error raised: for callers with a
        single batch in hand (tests, tools); the server's writes all go through the batch."""
        (result,) = await self.write_time_series_batch([TimeSeriesWrite(name, series, position)])
        if isinstance(result, ExprunError):
            raise result
        return result

    @abc.abstractmethod
    async def write_time_series_batch(
        self, writes: Sequence[TimeSeriesWrite]
    ) -> list[WriteResult | ExprunError]:
        """Writes several batches, in order, each with its own outcome: one batch's error (its
        run was deleted: NotFound) fails that batch only. The ingest pipeline hands coalesced
        batches from many streams here, so a store commits them together where it can (one
        transaction, one fsync; one request).

        Each batch writes points; `(run, metric, step)` overwrites, and `points_written` counts
        distinct (metric, step) points (a step repeated within one series is written once, with
        its last value). Series with `steps is None` get the run's largest step + 1 + i. With a
        position, a sequence at or below the writer's committed one writes nothing; otherwise
        points and sequence commit together.

        A writer's batch is not stored when an earlier batch of the same writer in the call
        failed: its sequence would cover the failed one's (see `ingest.Chain`). The stores keep
        this by the nature of their errors: SQLite's one per-batch error is the run's NotFound,
        and the Vertex store's calls succeed or fail per run."""

    @abc.abstractmethod
    async def committed_sequence(self, name: RunName, writer_id: str) -> int:
        """The writer's highest committed sequence, 0 for a new writer. Raises NotFound."""

    @abc.abstractmethod
    def read_time_series(self, name: RunName, query: SeriesQuery) -> AsyncIterator[Series]:
        """Yields each metric's points in step order, a metric possibly over several chunks of
        at most `limits.READ_CHUNK_MAX_POINTS` points, metrics in name order. Raises NotFound."""

    async def read_downsampled(
        self, name: RunName, query: SeriesQuery, max_points: int
    ) -> AsyncIterator[Series]:
        """Each metric's points downsampled to at most `max_points` (`core.downsample`), one
        Series per metric in name order. Raises NotFound.

        This default reads every point; a store that summarises its chunks reads fewer."""
        pending: list[Series] = []
        async for chunk in self.read_time_series(name, query):
            if pending and pending[0].metric != chunk.metric:
                yield downsample(pending, max_points)
                pending = []
            pending.append(chunk)
        if pending:
            yield downsample(pending, max_points)

    # -- artifacts, executions, links ---------------------------------------------------------
    @abc.abstractmethod
    async def add_artifact(self, name: RunName, artifact: Artifact) -> Artifact:
        """Creates an artifact in the run's context; an empty `artifact_id` is generated.
        Raises NotFound, AlreadyExists."""

    @abc.abstractmethod
    async def list_artifacts(
        self, name: RunName, query: ListQuery, *, schema_title: str = ""
    ) -> Page[Artifact]:
        """Oldest first. Raises NotFound."""

    @abc.abstractmethod
    async def associate_execution(self, name: RunName, execution: Execution) -> Execution:
        """Adds the execution with that ID to the run's context, creating it from the given
        fields if it does not exist. Raises NotFound (the run)."""

    @abc.abstractmethod
    async def list_executions(self, name: RunName, query: ListQuery) -> Page[Execution]:
        """Oldest first. Raises NotFound."""

    @abc.abstractmethod
    async def list_location_executions(self, location: LocationName, query: ListQuery) -> Page[Execution]:
        """Every execution of the location's metadata store. Filter fields: schema_title,
        display_name, state. Order: create_time."""

    @abc.abstractmethod
    async def create_execution(self, location: LocationName, execution: Execution) -> Execution:
        """Creates an execution in the location's metadata store, in no run's context.
        Raises AlreadyExists."""

    @abc.abstractmethod
    async def get_execution(self, location: LocationName, execution_id: str) -> Execution:
        """Raises NotFound(kind="Execution")."""

    @abc.abstractmethod
    async def update_execution(self, location: LocationName, change: ExecutionChange) -> Execution:
        """Applies the fields `change` sets; metadata merges key by key. Raises NotFound."""

    @abc.abstractmethod
    async def add_execution_events(
        self, location: LocationName, execution_id: str, inputs: Sequence[str], outputs: Sequence[str]
    ) -> None:
        """Records artifact IDs as inputs / outputs; an event recorded again is a no-op.
        Raises NotFound (the execution, or an artifact: nothing is recorded then)."""

    @abc.abstractmethod
    async def execution_artifacts(
        self, location: LocationName, execution_id: str
    ) -> tuple[list[Artifact], list[Artifact]]:
        """(inputs, outputs), each in the order recorded. Raises NotFound."""

    @abc.abstractmethod
    async def add_link(self, name: RunName, link: Link) -> Link:
        """Links a job to the run; linking the same job again is a no-op. Raises NotFound."""

    @abc.abstractmethod
    async def list_links(self, name: RunName, kind: LinkKind, query: ListQuery) -> Page[Link]:
        """Oldest first. Raises NotFound."""

    @abc.abstractmethod
    async def get_artifact(self, location: LocationName, artifact_id: str) -> Artifact:
        """Any artifact of the location's metadata store. Raises NotFound(kind="Artifact")."""

    @abc.abstractmethod
    async def read_model_bytes(self, model: ExperimentModel, path: str, offset: int, size: int) -> bytes:
        """Up to `size` bytes at `offset` of one uploaded file of `model`, from where this store
        staged it (`model.uri`). Raises FailedPrecondition when the files are not where this
        store keeps uploads, NotFound when the file is gone."""

    @abc.abstractmethod
    async def begin_model_upload(self, name: RunName, artifact_id: str) -> ModelUpload:
        """Reserves `artifact_id` before any byte arrives. Raises NotFound, AlreadyExists."""

    # -- lifecycle ----------------------------------------------------------------------------
    @abc.abstractmethod
    async def close(self) -> None: ...
