"""Plain values the client returns and accepts: states, executions, artifacts, metrics.

Dataclasses rather than protobuf messages, so user code never depends on generated code;
`Execution` also carries the SDK's `aiplatform.Execution` calls.
"""

from __future__ import annotations

import builtins
import datetime
import enum
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from exprun.client import _api, _names
from exprun.client.errors import NotFound
from exprun.client.values import from_struct, from_timestamp, to_struct
from exprun.v1 import experiment_run_service_pb2 as service_pb2
from exprun.v1 import resources_pb2
from google.protobuf import field_mask_pb2


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


@dataclass(init=False)
class Execution:
    """A Vertex Metadata execution, with the SDK's `aiplatform.Execution` members.

    `Execution("id-or-name")` fetches a stored execution, as the SDK's constructor does (NotFound
    when there is none). Built from keyword fields instead it is a value, what
    `associate_execution` accepts and `get_executions` returns: to associate an existing
    execution give its `resource_name` (or pass the name as a string), otherwise the server
    creates one from these fields. `Execution.create/get/list`, `update`,
    `assign_input_artifacts`/`assign_output_artifacts` and `get_input_artifacts`/
    `get_output_artifacts` call the server; used as a context manager (as `start_execution`
    returns it) it ends COMPLETE, or FAILED if the block raises.

    Args:
        execution_name: Optional. An execution ID or full name to fetch; then no value field
            may be given.
        metadata_store_id, project, location, credentials: Optional. For the fetch; see
            `exprun.client`.
        display_name, schema_title, metadata, description, state: Optional. The fields of a
            value.
        resource_name: Optional. The full name of the stored execution a value stands for.
        create_time: Optional. As the server returned it.
    """

    display_name: str
    schema_title: str
    metadata: Mapping[str, Any]
    description: str
    state: RunState
    resource_name: str
    create_time: datetime.datetime | None
    _client: Any = field(repr=False, compare=False)

    def __init__(
        self,
        execution_name: str | None = None,
        *,
        metadata_store_id: str | None = "default",
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
        display_name: str = "",
        schema_title: str = "system.ContainerExecution",
        metadata: Mapping[str, Any] | None = None,
        description: str = "",
        state: RunState = RunState.RUNNING,
        resource_name: str = "",
        create_time: datetime.datetime | None = None,
        _client: Any = None,
    ) -> None:
        self.display_name, self.schema_title = display_name, schema_title
        self.metadata, self.description = dict(metadata or {}), description
        self.state, self.resource_name, self.create_time = state, resource_name, create_time
        self._client = _client
        if execution_name is None:
            return
        if display_name or metadata or description or resource_name or create_time:
            raise ValueError("Execution(execution_name) fetches a stored execution: give no value fields")
        _names.check_metadata_store(metadata_store_id)
        api = _api.current(credentials)
        name = _names.in_metadata_store(execution_name, "executions", project, location)
        proto = api.call(api.stub.GetExecution, service_pb2.GetExecutionRequest(name=name))
        self._client = api
        self.resource_name, self.create_time = proto.name, from_timestamp(proto.create_time)
        self._refresh_from(proto)

    @property
    def name(self) -> str:
        """The execution ID, as the SDK's `Execution.name`."""
        return self.resource_name.rsplit("/", 1)[-1] if self.resource_name else ""

    @classmethod
    def from_proto(cls, proto: resources_pb2.Execution, api: Any = None) -> Execution:
        return cls(
            display_name=proto.display_name,
            schema_title=proto.schema_title,
            metadata=from_struct(proto.metadata),
            description=proto.description,
            state=RunState(proto.state),
            resource_name=proto.name,
            create_time=from_timestamp(proto.create_time),
            _client=api,
        )

    # -- the SDK's class methods --------------------------------------------------------------
    @classmethod
    def create(
        cls,
        schema_title: str = "system.ContainerExecution",
        *,
        state: RunState | int | str = RunState.RUNNING,
        resource_id: str | None = None,
        display_name: str | None = None,
        schema_version: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        description: str | None = None,
        metadata_store_id: str | None = "default",
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> Execution:
        """Raises `AlreadyExists` for a taken `resource_id`, as the SDK does.

        Args:
            schema_title: Optional. The execution's schema, `system.ContainerExecution` by
                default.
            state: Optional. `RUNNING` by default; a `RunState`, an SDK `Execution.State`, its
                number or its name.
            resource_id: Optional. The execution's ID; generated by default.
            display_name, metadata, description: Optional. The execution's fields.
            schema_version: Optional. Ignored: always `0.0.1` on exprun, as every SDK schema
                has it.
            metadata_store_id: Optional. See `exprun.client`.
            project, location, credentials: Optional. See `exprun.client`.
        """
        _names.check_metadata_store(metadata_store_id)
        api = _api.current(credentials)
        proto = api.call(
            api.stub.CreateExecution,
            service_pb2.CreateExecutionRequest(
                parent=_names.location_name(project, location),
                execution_id=resource_id or "",
                execution=resources_pb2.Execution(
                    display_name=display_name or "",
                    schema_title=schema_title,
                    state=to_proto_state(state),
                    metadata=to_struct(metadata or {}),
                    description=description or "",
                ),
            ),
        )
        return cls.from_proto(proto, api)

    @classmethod
    def get(
        cls,
        resource_id: str,
        *,
        metadata_store_id: str | None = "default",
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> Execution | None:
        """None when the execution does not exist, like the SDK's `get`.

        Args:
            resource_id: Required. An execution ID or full name.
            metadata_store_id: Optional. See `exprun.client`.
            project, location, credentials: Optional. See `exprun.client`.
        """
        try:
            return cls(
                resource_id,
                metadata_store_id=metadata_store_id,
                project=project,
                location=location,
                credentials=credentials,
            )
        except NotFound:
            return None

    @classmethod
    def list(
        cls,
        filter: str | None = None,
        metadata_store_id: str | None = "default",
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
        order_by: str | None = None,
    ) -> builtins.list[Execution]:
        """Every execution of the project and location, like the SDK's `Execution.list`.

        Args:
            filter: Optional. `schema_title`, `display_name` and `state` terms (`field="value"`
                or `!=`) joined by AND. Other filter terms of the SDK (`in_context(...)`,
                `create_time>...`, `metadata.*`) raise `InvalidArgument`.
            metadata_store_id: Optional. See `exprun.client`.
            project, location, credentials: Optional. See `exprun.client`.
            order_by: Optional. `create_time` (default, oldest first), optionally followed by
                ` asc` or ` desc`.
        """
        _names.check_metadata_store(metadata_store_id)
        api = _api.current(credentials)
        found: builtins.list[Execution] = api.list_all(
            api.stub.ListExecutions,
            service_pb2.ListExecutionsRequest(
                parent=f"{_names.location_name(project, location)}/{_names.METADATA_STORE}",
                filter=filter or "",
                order_by=order_by or "",
            ),
            lambda response: [cls.from_proto(e, api) for e in response.executions],
        )
        return found

    # -- the SDK's instance methods -------------------------------------------------------------
    def _bound(self) -> Any:
        if not self.resource_name:
            raise ValueError(
                "this Execution is a value, not a stored execution: create it with Execution.create"
            )
        if self._client is None:
            self._client = _api.current()
        return self._client

    def update(
        self,
        state: RunState | int | str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Changes what is given, as the SDK's `update`.

        Args:
            state: Optional. The new state.
            description: Optional. The new description.
            metadata: Optional. Keys to set; merged key by key, as the SDK merges it.
        """
        api = self._bound()
        paths = [
            path
            for path, value in (("state", state), ("description", description), ("metadata", metadata))
            if value is not None
        ]
        if not paths:
            return
        body = resources_pb2.Execution(
            name=self.resource_name,
            state=to_proto_state(state if state is not None else RunState.STATE_UNSPECIFIED),
            description=description or "",
            metadata=to_struct(metadata or {}),
        )
        proto = api.call(
            api.stub.UpdateExecution,
            service_pb2.UpdateExecutionRequest(
                execution=body, update_mask=field_mask_pb2.FieldMask(paths=paths)
            ),
        )
        self._refresh_from(proto)

    def _refresh_from(self, proto: resources_pb2.Execution) -> None:
        fresh = Execution.from_proto(proto, self._client)
        self.display_name, self.schema_title = fresh.display_name, fresh.schema_title
        self.metadata, self.description, self.state = fresh.metadata, fresh.description, fresh.state

    def _artifact_names(self, artifacts: Sequence[Any]) -> builtins.list[str]:
        project, location = (
            _names.segment(self.resource_name, "projects"),
            _names.segment(self.resource_name, "locations"),
        )
        return [
            _names.in_location(
                _names.resource_name_of(a, "artifact"),
                f"{_names.METADATA_STORE}/artifacts",
                project,
                location,
            )
            for a in artifacts
        ]

    def assign_input_artifacts(self, artifacts: Sequence[Any]) -> None:
        """Records artifacts as inputs of this execution.

        Args:
            artifacts: Required. Each an `Artifact`, an `ExperimentModel`, anything with a
                `resource_name`, an artifact ID or a full name.
        """
        api = self._bound()
        api.call(
            api.stub.AddExecutionEvents,
            service_pb2.AddExecutionEventsRequest(
                execution=self.resource_name, input_artifacts=self._artifact_names(artifacts)
            ),
        )

    def assign_output_artifacts(self, artifacts: Sequence[Any]) -> None:
        """Records artifacts as outputs of this execution.

        Args:
            artifacts: Required. As for `assign_input_artifacts`.
        """
        api = self._bound()
        api.call(
            api.stub.AddExecutionEvents,
            service_pb2.AddExecutionEventsRequest(
                execution=self.resource_name, output_artifacts=self._artifact_names(artifacts)
            ),
        )

    def _inputs_and_outputs(self) -> service_pb2.ExecutionInputsAndOutputs:
        api = self._bound()
        result: service_pb2.ExecutionInputsAndOutputs = api.call(
            api.stub.QueryExecutionInputsAndOutputs,
            service_pb2.QueryExecutionInputsAndOutputsRequest(execution=self.resource_name),
        )
        return result

    def get_input_artifacts(self) -> builtins.list[Artifact]:
        return [Artifact.from_proto(a) for a in self._inputs_and_outputs().inputs]

    def get_output_artifacts(self) -> builtins.list[Artifact]:
        return [Artifact.from_proto(a) for a in self._inputs_and_outputs().outputs]

    def __enter__(self) -> Execution:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> None:
        """Ends the execution FAILED if the block raised, else COMPLETE, as the SDK does."""
        self.update(state=RunState.FAILED if exc_type is not None else RunState.COMPLETE)


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
