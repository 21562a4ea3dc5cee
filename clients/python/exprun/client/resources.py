"""Plain values the client returns and accepts: states, executions, artifacts, metrics.

Frozen dataclasses rather than protobuf messages, so user code never depends on generated code.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from exprun.client.values import from_struct, from_timestamp
from exprun.v1 import resources_pb2


class RunState(enum.IntEnum):
    """The names and numbers of `aiplatform.gapic.Execution.State`, which the SDK stores as `_state`.

    Being an `IntEnum` with the same numbers, an SDK `Execution.State` value can be passed wherever
    a `RunState` is expected.
    """

    STATE_UNSPECIFIED = 0
    NEW = 1
    RUNNING = 2
    COMPLETE = 3
    FAILED = 4
    CACHED = 5
    CANCELLED = 6


def run_state(value: RunState | int | str) -> RunState:
    """Accepts a `RunState`, an SDK `Execution.State`, its number or its name."""
    if isinstance(value, str):
        return RunState[value.upper().removeprefix("RUN_STATE_")]
    return RunState(int(value))


def to_proto_state(value: RunState | int | str) -> resources_pb2.RunState:
    # Same numbering on both sides; the cast only tells mypy the int is a proto enum value.
    return cast("resources_pb2.RunState", int(run_state(value)))


@dataclass(frozen=True)
class Execution:
    """A Vertex Metadata execution: what `associate_execution` accepts and `get_executions` returns.

    To associate an existing execution, give its `resource_name` (or pass the name as a string);
    otherwise the server creates one from these fields.
    """

    display_name: str = ""
    schema_title: str = "system.ContainerExecution"
    metadata: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    state: RunState = RunState.RUNNING
    resource_name: str = ""
    create_time: datetime.datetime | None = None

    @property
    def name(self) -> str:
        """The execution ID, as the SDK's `Execution.name`."""
        return self.resource_name.rsplit("/", 1)[-1] if self.resource_name else ""

    @classmethod
    def from_proto(cls, proto: resources_pb2.Execution) -> Execution:
        return cls(
            display_name=proto.display_name,
            schema_title=proto.schema_title,
            metadata=from_struct(proto.metadata),
            description=proto.description,
            state=RunState(proto.state),
            resource_name=proto.name,
            create_time=from_timestamp(proto.create_time),
        )


@dataclass(frozen=True)
class Artifact:
    """A Vertex Metadata artifact attributed to a run (`get_artifacts`).

    `name` is the artifact ID and `resource_name` the full name, as in the SDK.
    """

    resource_name: str
    display_name: str
    schema_title: str
    uri: str
    metadata: Mapping[str, Any]
    create_time: datetime.datetime | None

    @property
    def name(self) -> str:
        return self.resource_name.rsplit("/", 1)[-1]

    @classmethod
    def from_proto(cls, proto: resources_pb2.Artifact) -> Artifact:
        return cls(
            resource_name=proto.name,
            display_name=proto.display_name,
            schema_title=proto.schema_title,
            uri=proto.uri,
            metadata=from_struct(proto.metadata),
            create_time=from_timestamp(proto.create_time),
        )


@dataclass(frozen=True)
class ClassificationMetrics:
    """A logged confusion matrix and/or ROC curve. `id` is the Vertex artifact ID."""

    id: str
    resource_name: str
    display_name: str
    labels: list[str]
    matrix: list[list[float]]
    fpr: list[float]
    tpr: list[float]
    threshold: list[float]
    create_time: datetime.datetime | None

    @classmethod
    def from_proto(cls, proto: resources_pb2.ClassificationMetrics) -> ClassificationMetrics:
        return cls(
            id=proto.name.rsplit("/", 1)[-1],
            resource_name=proto.name,
            display_name=proto.display_name,
            labels=list(proto.labels),
            matrix=[list(row.values) for row in proto.matrix],
            fpr=list(proto.fpr),
            tpr=list(proto.tpr),
            threshold=list(proto.threshold),
            create_time=from_timestamp(proto.create_time),
        )

    def to_dict(self) -> dict[str, Any]:
        """The SDK's `get_classification_metrics()` entry: curve and matrix keys only when logged."""
        result: dict[str, Any] = {"id": self.id, "display_name": self.display_name}
        if self.labels:
            result["labels"] = list(self.labels)
            result["matrix"] = [list(row) for row in self.matrix]
        if self.fpr:
            result["fpr"] = list(self.fpr)
            result["tpr"] = list(self.tpr)
            result["threshold"] = list(self.threshold)
        return result
