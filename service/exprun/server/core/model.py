"""Domain types. Frozen dataclasses: proto types never pass the transport layer."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
from exprun.server.core.names import ExperimentName, RunName

# The SDK's `Union[float, int, str]`, plus the bool it lets through (Vertex stores a JSON bool and
# the SDK reads it back as one). `bool` is an `int` subclass: check it first wherever they differ.
ParamValue = bool | float | int | str
JsonValue = Any

T = TypeVar("T")

# A series' columns. The ingest path carries numpy arrays, built straight from the parsed request,
# so validation and the stores work on whole columns; reads and tests may hand any sequence.
# `np.asarray` takes either without a copy (numpy arrays, `array.array`).
IntColumn = npt.NDArray[np.int64] | Sequence[int]
FloatColumn = npt.NDArray[np.float64] | Sequence[float]


class RunState(enum.IntEnum):
    """`google.cloud.aiplatform.v1.Execution.State`, stored by the SDK as its name in `_state`."""

    STATE_UNSPECIFIED = 0
    NEW = 1
    RUNNING = 2
    COMPLETE = 3
    FAILED = 4
    CACHED = 5
    CANCELLED = 6


@dataclass(frozen=True)
class Experiment:
    name: ExperimentName
    description: str = ""
    backing_tensorboard: str = ""
    create_time: datetime | None = None
    update_time: datetime | None = None


@dataclass(frozen=True)
class Run:
    name: RunName
    state: RunState = RunState.RUNNING
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    metrics: Mapping[str, ParamValue] = field(default_factory=dict)
    backing_tensorboard_run: str = ""
    create_time: datetime | None = None
    update_time: datetime | None = None
    time_series_metrics: tuple[str, ...] = ()
    state_reason: str = ""
    liveness_deadline: datetime | None = None


@dataclass(frozen=True)
class Series:
    """One metric's points, column-major. `steps is None` asks the store for the next steps."""

    metric: str
    steps: IntColumn | None
    values: FloatColumn
    wall_time_micros: IntColumn

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class WriterPosition:
    """A writer's place in its stream: `sequence` commits in the same transaction as its points."""

    writer_id: str
    sequence: int


@dataclass(frozen=True)
class TimeSeriesWrite:
    """One validated batch for one run, as the ingest pipeline hands it to the store."""

    name: RunName
    series: Sequence[Series]
    position: WriterPosition | None

    @property
    def points(self) -> int:
        return sum(len(s) for s in self.series)


@dataclass(frozen=True)
class WriteResult:
    committed_sequence: int
    points_written: int


@dataclass(frozen=True)
class SeriesQuery:
    metrics: tuple[str, ...] = ()
    start_step: int = 0
    end_step: int | None = None


@dataclass(frozen=True)
class ClassificationMetrics:
    display_name: str
    labels: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    fpr: tuple[float, ...]
    tpr: tuple[float, ...]
    threshold: tuple[float, ...]
    artifact_id: str = ""
    create_time: datetime | None = None


@dataclass(frozen=True)
class Artifact:
    """A Vertex Metadata artifact in a run's context, with metadata in the SDK's layout."""

    artifact_id: str
    schema_title: str
    display_name: str = ""
    uri: str = ""
    metadata: Mapping[str, JsonValue] = field(default_factory=dict)
    create_time: datetime | None = None


@dataclass(frozen=True)
class Execution:
    execution_id: str
    display_name: str = ""
    schema_title: str = "system.ContainerExecution"
    state: RunState = RunState.RUNNING
    metadata: Mapping[str, JsonValue] = field(default_factory=dict)
    description: str = ""
    create_time: datetime | None = None


@dataclass(frozen=True)
class ExecutionChange:
    """What `UpdateExecution` changes: the fields that are not None; `metadata` merges."""

    execution_id: str
    state: RunState | None = None
    display_name: str | None = None
    description: str | None = None
    metadata: Mapping[str, JsonValue] | None = None


@dataclass(frozen=True)
class ModelFile:
    path: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class ExperimentModel:
    artifact_id: str
    framework_name: str
    display_name: str = ""
    framework_version: str = ""
    model_file: str = ""
    model_class: str = ""
    uri: str = ""
    input_example: JsonValue = None
    files: tuple[ModelFile, ...] = ()
    create_time: datetime | None = None


class LinkKind(enum.StrEnum):
    PIPELINE_JOB = "pipeline_job"
    CUSTOM_JOB = "custom_job"


@dataclass(frozen=True)
class Link:
    """A run's link to a Vertex job: pipeline runs as child contexts, custom jobs in `_custom_jobs`."""

    kind: LinkKind
    target: str
    create_time: datetime | None = None


@dataclass(frozen=True)
class ListQuery:
    """A validated List request; what each field means to a store, the cursor and the filter
    grammar included, is spelled out once in `core/store.py`'s docstring ("Lists")."""

    page_size: int
    cursor: str = ""
    filters: tuple[FilterTerm, ...] = ()
    order_by: str = "create_time"
    descending: bool = False


@dataclass(frozen=True)
class FilterTerm:
    field: str
    value: str
    negate: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str = ""

    @property
    def has_more(self) -> bool:
        return bool(self.next_cursor)
