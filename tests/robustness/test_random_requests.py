"""Random requests thrown at a real server over gRPC: it answers every one with a status, never
INTERNAL or UNKNOWN, stays up, and a run stored before the storm is unchanged after it."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.protobuf import descriptor as d
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARENT = "projects/fuzz-project/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/fuzz-exp"
RUN = f"{EXPERIMENT}/runs/keep"
ACCEPTABLE = {
    grpc.StatusCode.OK,
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.ALREADY_EXISTS,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.OUT_OF_RANGE,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
}
SERVICE = api.DESCRIPTOR.services_by_name["ExperimentRunService"]

# Names near the valid shapes find deeper bugs than pure noise does.
names = st.one_of(
    st.sampled_from(
        [
            "",
            PARENT,
            EXPERIMENT,
            RUN,
            f"{EXPERIMENT}/runs/other",
            f"{EXPERIMENT}/runs/Bad.Name",
            f"{PARENT}/experiments/x",
            f"{EXPERIMENT}/runs/" + "r" * 200,
            "projects//locations/us-central1",
            f"{PARENT}/tensorboards/tb1",
            f"{PARENT}/pipelineJobs/job-1",
            f"{PARENT}/customJobs/123",
            f"{PARENT}/metadataStores/default/executions/ex-1",
        ]
    ),
    st.text(max_size=40),
)
doubles = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([math.nan, math.inf, -0.0])
)


def message_strategy(descriptor: Any, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Random field values for any message, by walking its descriptor."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in descriptor.fields:
        value = field_strategy(field, depth)
        if value is None:
            continue
        if field.is_repeated and not _is_map(field):
            value = st.lists(value, max_size=4)
        fields[field.name] = value
    return st.fixed_dictionaries({}, optional=fields)


def _is_map(field: Any) -> bool:
    return bool(field.message_type is not None and field.message_type.GetOptions().map_entry)


def field_strategy(field: Any, depth: int) -> st.SearchStrategy[Any] | None:
    t = d.FieldDescriptor
    if _is_map(field):
        value_field = field.message_type.fields_by_name["value"]
        values = field_strategy(value_field, depth + 1)
        return None if values is None else st.dictionaries(st.text(max_size=8), values, max_size=4)
    if field.type == t.TYPE_STRING:
        return names
    if field.type == t.TYPE_BYTES:
        return st.binary(max_size=64)
    if field.type == t.TYPE_BOOL:
        return st.booleans()
    if field.type in (t.TYPE_INT64, t.TYPE_SINT64, t.TYPE_SFIXED64):
        return st.integers(-(2**63), 2**63 - 1)
    if field.type in (t.TYPE_INT32, t.TYPE_SINT32, t.TYPE_SFIXED32):
        return st.integers(-(2**31), 2**31 - 1)
    if field.type in (t.TYPE_DOUBLE, t.TYPE_FLOAT):
        return doubles
    if field.type == t.TYPE_ENUM:
        return st.integers(-3, 10)
    if field.type == t.TYPE_MESSAGE:
        if depth >= 3 or field.message_type.full_name.startswith("google.protobuf"):
            return None
        return message_strategy(field.message_type, depth + 1)
    return None


def build(message_class: type[Message], values: dict[str, Any]) -> Message:
    message = message_class()
    _fill(message, values)
    return message


def _fill(message: Message, values: dict[str, Any]) -> None:
    for name, value in values.items():
        field: Any = message.DESCRIPTOR.fields_by_name[name]
        target = getattr(message, name)
        if _is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            for key, item in value.items():
                if value_field.message_type is not None:
                    _fill(target[key], item)
                else:
                    target[key] = item
        elif field.is_repeated:
            for item in value:
                if field.message_type is not None:
                    _fill(target.add(), item)
                else:
                    target.append(item)
        elif field.message_type is not None:
            _fill(target, value)
            target.SetInParent()
        elif field.enum_type is not None:
            setattr(message, name, value)
        else:
            setattr(message, name, value)


message_class = {
    m.name: getattr(api, m.input_type.name, None) or getattr(pb, m.input_type.name) for m in SERVICE.methods
}


def ensure_sentinel(stub: Any) -> None:
    """The run whose stored state every rejected request must leave alone; recreated if a valid
    random request deleted it."""
    requests = (
        (stub.CreateExperiment, api.CreateExperimentRequest(parent=PARENT, experiment_id="fuzz-exp")),
        (stub.CreateRun, api.CreateRunRequest(parent=EXPERIMENT, run_id="keep")),
    )
    for method, request in requests:
        try:
            method(request)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.ALREADY_EXISTS:
                raise


def snapshot(stub: Any) -> tuple[bytes, ...]:
    run = stub.GetRun(api.GetRunRequest(name=RUN))
    artifacts = stub.ListArtifacts(api.ListArtifactsRequest(parent=RUN, page_size=1000))
    series = list(stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=RUN)))
    return (
        run.SerializeToString(deterministic=True),
        artifacts.SerializeToString(deterministic=True),
        *(chunk.SerializeToString(deterministic=True) for chunk in series),
    )


@pytest.fixture(scope="module")
def channel(server: Any) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server.target) as ch:
        stub = api_grpc.ExperimentRunServiceStub(ch)
        ensure_sentinel(stub)
        stub.LogParams(api.LogParamsRequest(run=RUN, params={"lr": pb.Value(double_value=0.1)}))
        stub.WriteTimeSeries(
            api.WriteTimeSeriesRequest(
                run=RUN, batch=pb.TimeSeriesBatch(series=[pb.TimeSeries(metric="loss", values=[1.0, 0.5])])
            )
        )
        yield ch


def _call(ch: grpc.Channel, method: d.MethodDescriptor, request: Message) -> grpc.StatusCode:
    path = f"/{SERVICE.full_name}/{method.name}"
    output = getattr(api, method.output_type.name, None) or getattr(pb, method.output_type.name, None)
    deserializer = output.FromString if output else (lambda b: b)
    kwargs = {"request_serializer": lambda m: m.SerializeToString(), "response_deserializer": deserializer}
    try:
        if method.client_streaming and method.server_streaming:
            list(ch.stream_stream(path, **kwargs)(iter([request, request]), timeout=10))
        elif method.client_streaming:
            ch.stream_unary(path, **kwargs)(iter([request, request]), timeout=10)
        elif method.server_streaming:
            list(ch.unary_stream(path, **kwargs)(request, timeout=10))
        else:
            ch.unary_unary(path, **kwargs)(request, timeout=10)
    except grpc.RpcError as exc:
        code: grpc.StatusCode = exc.code()
        return code
    return grpc.StatusCode.OK


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_requests_get_a_clear_status_and_rejected_ones_change_nothing(
    data: st.DataObject, channel: grpc.Channel
) -> None:
    stub = api_grpc.ExperimentRunServiceStub(channel)
    ensure_sentinel(stub)
    method = data.draw(st.sampled_from(list(SERVICE.methods)), label="method")
    values = data.draw(message_strategy(method.input_type), label="request")
    request = build(message_class[method.name], values)
    before = snapshot(stub)
    code = _call(channel, method, request)
    assert code in ACCEPTABLE, f"{method.name} answered {code} to {request}"
    if code != grpc.StatusCode.OK:
        assert snapshot(stub) == before, f"rejected {method.name} changed the stored run"
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="readiness"))
    assert health.status == health_pb2.HealthCheckResponse.SERVING
