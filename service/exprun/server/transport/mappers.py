"""Proto ⇄ domain conversion. Malformed messages (an unset oneof, an unknown enum, a NaN inside a
Struct) become INVALID_ARGUMENT here, with the field named, before the core sees them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np
from exprun.server.core import model
from exprun.server.core.errors import FieldViolation, InvalidArgument, collect
from exprun.server.core.quoting import key_path, member_path
from exprun.v1 import resources_pb2 as pb
from google.protobuf import json_format, struct_pb2, timestamp_pb2

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    """Exact to the microsecond, like `FromDatetime`, without its per-call time tuple (a run
    carries three of these in every answer)."""
    if value is None:
        return None
    ts = timestamp_pb2.Timestamp()
    if value.tzinfo is None:  # naive: local time, as astimezone() reads it
        ts.FromDatetime(value.astimezone(UTC))
    else:
        ts.FromMicroseconds((value - _EPOCH) // _MICROSECOND)
    return ts


def run_state(value: int, field: str) -> model.RunState:
    try:
        return model.RunState(value)
    except ValueError:
        raise InvalidArgument.field(field, f"{value} is not a RunState") from None


def state_to_proto(state: model.RunState) -> pb.RunState:
    """Domain and proto share the `Execution.State` numbering."""
    return cast("pb.RunState", int(state))


# -- values ----------------------------------------------------------------------------------
def value_from_proto(value: pb.Value, field: str) -> model.ParamValue:
    kind = value.WhichOneof("kind")
    if kind == "double_value":
        return value.double_value
    if kind == "int_value":
        return value.int_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    raise InvalidArgument.field(
        field, "value must set one of double_value, int_value, string_value, bool_value"
    )


def values_from_proto(values: Mapping[str, pb.Value], field: str) -> dict[str, model.ParamValue]:
    return {key: value_from_proto(v, key_path(field, key)) for key, v in values.items()}


def value_to_proto(value: model.ParamValue) -> pb.Value:
    if isinstance(value, str):
        return pb.Value(string_value=value)
    if isinstance(value, bool):
        return pb.Value(bool_value=value)
    if isinstance(value, int):
        return pb.Value(int_value=value)
    return pb.Value(double_value=value)


def _values_to_proto(values: Mapping[str, model.ParamValue]) -> dict[str, pb.Value]:
    return {key: value_to_proto(v) for key, v in values.items()}


# A Struct's numbers found non-finite before the first error is raised; the rest are not looked for.
_NON_FINITE_REPORTED = 10


def _non_finite(value: struct_pb2.Value, path: str, found: list[FieldViolation]) -> None:
    """JSON has no NaN or infinity, so Vertex (and json_format) cannot store one: every such
    number, at any depth, is named by its path, e.g. `execution.metadata.a.b[2]`."""
    pending = [(value, path)]
    while pending and len(found) < _NON_FINITE_REPORTED:
        item, where = pending.pop()
        kind = item.WhichOneof("kind")
        if kind == "number_value" and not math.isfinite(item.number_value):
            found.append(FieldViolation(where, "must be a finite number (JSON has no NaN or infinity)"))
        elif kind == "struct_value":
            pending.extend(
                (v, member_path(where, k)) for k, v in reversed(sorted(item.struct_value.fields.items()))
            )
        elif kind == "list_value":
            pending.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(item.list_value.values))))


def struct_from_proto(value: struct_pb2.Struct, field: str) -> dict[str, Any]:
    found: list[FieldViolation] = []
    for key, item in sorted(value.fields.items()):
        _non_finite(item, member_path(field, key), found)
    collect(found)
    return json_format.MessageToDict(value)


def json_value_from_proto(value: struct_pb2.Value, field: str) -> Any:
    found: list[FieldViolation] = []
    _non_finite(value, field, found)
    collect(found)
    return json_format.MessageToDict(value)


def dict_to_struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(value))
    return struct


# -- resources -------------------------------------------------------------------------------
def experiment_to_proto(experiment: model.Experiment) -> pb.Experiment:
    return pb.Experiment(
        name=experiment.name.path,
        description=experiment.description,
        backing_tensorboard=experiment.backing_tensorboard,
        create_time=timestamp(experiment.create_time),
        update_time=timestamp(experiment.update_time),
        metadata_context=experiment.name.metadata_context,
    )


def run_to_proto(run: model.Run) -> pb.Run:
    return pb.Run(
        name=run.name.path,
        run_id=run.name.run,
        resource_id=run.name.resource_id,
        metadata_context=run.name.metadata_context,
        state=state_to_proto(run.state),
        params=_values_to_proto(run.params),
        metrics=_values_to_proto(run.metrics),
        backing_tensorboard_run=run.backing_tensorboard_run,
        create_time=timestamp(run.create_time),
        update_time=timestamp(run.update_time),
        time_series_metrics=list(run.time_series_metrics),
        state_reason=run.state_reason,
        liveness_deadline=timestamp(run.liveness_deadline),
    )


def classification_metrics_from_proto(cm: pb.ClassificationMetrics) -> model.ClassificationMetrics:
    return model.ClassificationMetrics(
        display_name=cm.display_name,
        labels=tuple(cm.labels),
        matrix=tuple(tuple(row.values) for row in cm.matrix),
        fpr=tuple(cm.fpr),
        tpr=tuple(cm.tpr),
        threshold=tuple(cm.threshold),
    )


def classification_metrics_to_proto(run: str, cm: model.ClassificationMetrics) -> pb.ClassificationMetrics:
    return pb.ClassificationMetrics(
        name=f"{run}/classificationMetrics/{cm.artifact_id}",
        display_name=cm.display_name,
        labels=list(cm.labels),
        matrix=[pb.MatrixRow(values=list(row)) for row in cm.matrix],
        fpr=list(cm.fpr),
        tpr=list(cm.tpr),
        threshold=list(cm.threshold),
        create_time=timestamp(cm.create_time),
    )


def series_from_proto(series: Iterable[pb.TimeSeries]) -> list[model.Series]:
    """numpy columns straight from the parsed repeated fields: a few nanoseconds a point for the
    three columns, where `array("d", ...)` and friends iterate at about 250. Packed, 8 bytes a
    value, which keeps the ingest budget's memory bound honest; and every later check and
    store step is a whole-column operation."""
    return [
        model.Series(
            metric=s.metric,
            steps=np.array(s.steps, dtype=np.int64) if len(s.steps) else None,
            values=np.array(s.values, dtype=np.float64),
            wall_time_micros=np.array(s.wall_time_micros, dtype=np.int64),
        )
        for s in series
    ]


def series_slice(series: model.Series, start: int, stop: int) -> model.Series:
    if start == 0 and stop >= len(series):
        return series
    return model.Series(
        metric=series.metric,
        steps=None if series.steps is None else series.steps[start:stop],
        values=series.values[start:stop],
        wall_time_micros=series.wall_time_micros[start:stop],
    )


def series_to_proto(series: model.Series) -> pb.TimeSeries:
    return pb.TimeSeries(
        metric=series.metric,
        steps=[] if series.steps is None else _listed(series.steps),
        values=_listed(series.values),
        wall_time_micros=_listed(series.wall_time_micros),
    )


def _listed(column: model.IntColumn | model.FloatColumn) -> Any:
    """A column as protobuf takes it fastest: numpy through `tolist` (its scalars one by one
    cost about twice as much), anything else as it is."""
    return column.tolist() if isinstance(column, np.ndarray) else column


def execution_from_proto(execution: pb.Execution) -> model.Execution:
    return model.Execution(
        execution_id="",
        display_name=execution.display_name,
        schema_title=execution.schema_title,
        state=run_state(execution.state, "execution.state"),
        metadata=struct_from_proto(execution.metadata, "execution.metadata"),
        description=execution.description,
    )


def execution_to_proto(metadata_store: str, execution: model.Execution) -> pb.Execution:
    return pb.Execution(
        name=f"{metadata_store}/executions/{execution.execution_id}",
        display_name=execution.display_name,
        schema_title=execution.schema_title,
        state=state_to_proto(execution.state),
        metadata=dict_to_struct(execution.metadata),
        description=execution.description,
        create_time=timestamp(execution.create_time),
    )


def artifact_to_proto(metadata_store: str, artifact: model.Artifact) -> pb.Artifact:
    return pb.Artifact(
        name=f"{metadata_store}/artifacts/{artifact.artifact_id}",
        display_name=artifact.display_name,
        schema_title=artifact.schema_title,
        uri=artifact.uri,
        metadata=dict_to_struct(artifact.metadata),
        create_time=timestamp(artifact.create_time),
    )


def model_from_proto(m: pb.ExperimentModel, field: str) -> model.ExperimentModel:
    return model.ExperimentModel(
        artifact_id=m.artifact_id,
        framework_name=m.framework_name,
        display_name=m.display_name,
        framework_version=m.framework_version,
        model_file=m.model_file,
        model_class=m.model_class,
        uri=m.uri,
        input_example=(
            json_value_from_proto(m.input_example, f"{field}.input_example")
            if m.HasField("input_example")
            else None
        ),
    )


def model_files_from_proto(files: Iterable[pb.ModelFile]) -> list[model.ModelFile]:
    return [model.ModelFile(f.path, f.size_bytes, f.sha256) for f in files]


def model_to_proto(metadata_store: str, m: model.ExperimentModel) -> pb.ExperimentModel:
    message = pb.ExperimentModel(
        name=f"{metadata_store}/artifacts/{m.artifact_id}",
        artifact_id=m.artifact_id,
        display_name=m.display_name,
        framework_name=m.framework_name,
        framework_version=m.framework_version,
        model_file=m.model_file,
        model_class=m.model_class,
        uri=m.uri,
        files=[pb.ModelFile(path=f.path, size_bytes=f.size_bytes, sha256=f.sha256) for f in m.files],
        create_time=timestamp(m.create_time),
    )
    if m.input_example is not None:
        json_format.ParseDict(m.input_example, message.input_example)
    return message


def pipeline_job_to_proto(link: model.Link) -> pb.PipelineJobLink:
    return pb.PipelineJobLink(pipeline_job=link.target, create_time=timestamp(link.create_time))


def custom_job_to_proto(link: model.Link, console_uri: str) -> pb.CustomJobLink:
    return pb.CustomJobLink(custom_job=link.target, console_uri=console_uri)
