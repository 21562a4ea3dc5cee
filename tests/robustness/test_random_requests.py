"""Random requests thrown at a real server over gRPC: it answers every one with a status, never
INTERNAL or UNKNOWN, stays up, and a run stored before the storm is unchanged after it.

Beside random values, each field gets the inputs that once broke the server: forged and mutated
page tokens, filters of thousands of terms, NaN and infinity deep inside Structs, model paths that
are both a file and a directory or too long, and values of thousands of characters (whose error
must still fit the client's metadata limit: RESOURCE_EXHAUSTED is not an acceptable answer)."""

from __future__ import annotations

import base64
import collections
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.protobuf import descriptor as d
from google.protobuf import struct_pb2
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.status_counts import ACCEPTABLE, print_counts

PARENT = "projects/fuzz-project/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/fuzz-exp"
RUN = f"{EXPERIMENT}/runs/keep"
SERVICE = api.DESCRIPTOR.services_by_name["ExperimentRunService"]
# Every answer's code, printed when the module ends: the figures of the bad-input note.
STATUS_COUNTS: collections.Counter[str] = collections.Counter()
# A real token of ListRuns on EXPERIMENT (page_size=1) from the server under test, set by the
# `channel` fixture and read when a token is drawn.
REAL_TOKENS: list[str] = [""]

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
# Values long enough that repeating them in an error would burst the trailers.
long_text = st.builds(
    lambda c, n: c * n, st.sampled_from(["a", "\u00e9", "\U0001f600", "/"]), st.integers(5000, 8000)
)

# One string in ten is long, and most resource names are real, so most requests get past their
# first check to the fields behind it.
strings = st.integers(0, 9).flatmap(lambda i: long_text if i == 0 else names)
# The resource a request's parent/name/run names when it is right (the run otherwise).
RESOURCE_OF = {
    "ListExperimentsRequest": PARENT,
    "CreateExperimentRequest": PARENT,
    "ListRunsRequest": EXPERIMENT,
    "CreateRunRequest": EXPERIMENT,
    "GetExperimentRequest": EXPERIMENT,
    "DeleteExperimentRequest": EXPERIMENT,
}


def _unsigned_token(cursor: str) -> str:
    raw = json.dumps({"c": cursor, "f": "0" * 16}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _mutated(token: str, position: int, char: str) -> str:
    if not token:
        return char
    i = position % len(token)
    return token[:i] + char + token[i + 1 :]


page_tokens = st.one_of(
    names,
    long_text,
    st.sampled_from(["²", str(2**70), "9" * 5000, "[" * 5000, "-1"]).map(_unsigned_token),
    st.binary(max_size=200).map(lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")),
)


real_tokens = st.integers(0, 0).map(lambda i: REAL_TOKENS[i])
real_token_mutations = st.builds(
    _mutated, real_tokens, st.integers(0, 200), st.sampled_from(list("AZaz09-_=!~ "))
)


terms = st.sampled_from(['run_id = "r"', "state != RUNNING", "experiment_id = e", 'schema_title = "x"'])
filters = st.one_of(
    names,
    long_text,
    st.builds(lambda term, n: " AND ".join([term] * n), terms, st.integers(0, 12_000)),
    st.lists(terms, max_size=60).map(" AND ".join),
    st.sampled_from(["(state = RUNNING)", "state = RUNNING OR run_id = x", 'run_id = "unterminated']),
)
model_paths = st.one_of(
    st.sampled_from(
        ["x", "x/y", "x/y/z", "a", "a/b", "s" * 255, "s" * 256, "d/" + "é" * 128, "/".join(["p" * 200] * 6)]
    ),
    st.text(max_size=20),
)
json_leaves = st.one_of(st.none(), st.booleans(), doubles, st.text(max_size=10))
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
json_objects = st.dictionaries(st.text(max_size=6), json_values, max_size=5)


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
        keys = st.integers(0, 9).flatmap(lambda i: long_text if i == 0 else st.text(max_size=8))
        return None if values is None else st.dictionaries(keys, values, max_size=4)
    if field.type == t.TYPE_STRING and field.name == "page_token":
        return st.one_of(page_tokens, real_tokens, real_token_mutations)
    if field.type == t.TYPE_STRING and field.name == "filter":
        return filters
    if field.type == t.TYPE_STRING and field.name == "path":
        return model_paths
    if field.type == t.TYPE_STRING and field.name in ("parent", "run", "name"):
        right = st.just(RESOURCE_OF.get(field.containing_type.name, RUN))
        return st.integers(0, 9).flatmap(lambda i: right if i < 8 else strings)
    if field.type == t.TYPE_STRING:
        return strings
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
        if field.message_type.full_name == "google.protobuf.Struct":
            return json_objects
        if field.message_type.full_name == "google.protobuf.Value":
            return json_values
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
        elif field.message_type is not None and field.message_type.full_name == "google.protobuf.Struct":
            target.update(value)
        elif field.message_type is not None and field.message_type.full_name == "google.protobuf.Value":
            holder = struct_pb2.Struct()
            holder.update({"v": value})
            target.CopyFrom(holder.fields["v"])
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


@dataclass(frozen=True)
class Snapshot:
    stored: tuple[bytes, ...]  # the run without its lease fields, its artifacts and its points
    liveness_deadline: bytes
    update_time: bytes


def snapshot(stub: Any) -> Snapshot:
    run = stub.GetRun(api.GetRunRequest(name=RUN))
    lease = Snapshot((), run.liveness_deadline.SerializeToString(), run.update_time.SerializeToString())
    run.ClearField("liveness_deadline")
    run.ClearField("update_time")
    artifacts = stub.ListArtifacts(api.ListArtifactsRequest(parent=RUN, page_size=1000))
    series = list(stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=RUN)))
    stored = (
        run.SerializeToString(deterministic=True),
        artifacts.SerializeToString(deterministic=True),
        *(chunk.SerializeToString(deterministic=True) for chunk in series),
    )
    return Snapshot(stored, lease.liveness_deadline, lease.update_time)


def assert_unchanged(before: Snapshot, after: Snapshot, method: str) -> None:
    """A stream whose open was accepted opts the run into liveness watching (its deadline moves)
    even when a later message of that stream is rejected: the open's effect, not the rejection's.
    On Vertex that lease is context metadata, so its write moves the run's update time too;
    without a new deadline the update time must stay."""
    assert after.stored == before.stored, f"rejected {method} changed the stored run"
    if after.liveness_deadline == before.liveness_deadline:
        assert after.update_time == before.update_time, f"rejected {method} changed the run's update time"


@pytest.fixture(scope="module", params=["embedded", "vertex"])
def channel(server: Any, request: pytest.FixtureRequest) -> Iterator[grpc.Channel]:
    """A channel to the server of one store, with the sentinel run and real page tokens."""
    if request.param == "vertex":
        server = request.getfixturevalue("vertex_store_process")
    STATUS_COUNTS.clear()
    with grpc.insecure_channel(server.target) as ch:
        stub = api_grpc.ExperimentRunServiceStub(ch)
        ensure_sentinel(stub)
        for run_id in ("other-1", "other-2"):
            try:
                stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id=run_id))
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.ALREADY_EXISTS:
                    raise
        REAL_TOKENS[:] = [stub.ListRuns(api.ListRunsRequest(parent=EXPERIMENT, page_size=1)).next_page_token]
        stub.LogParams(api.LogParamsRequest(run=RUN, params={"lr": pb.Value(double_value=0.1)}))
        stub.WriteTimeSeries(
            api.WriteTimeSeriesRequest(
                run=RUN, batch=pb.TimeSeriesBatch(series=[pb.TimeSeries(metric="loss", values=[1.0, 0.5])])
            )
        )
        yield ch
    print_counts(request.config, f"random requests ({request.param} store)", STATUS_COUNTS)


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
    max_examples=400,
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
    STATUS_COUNTS[code.name] += 1
    assert code in ACCEPTABLE, f"{method.name} answered {code} to {str(request)[:2000]}"
    if code != grpc.StatusCode.OK:
        assert_unchanged(before, snapshot(stub), method.name)
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="readiness"))
    assert health.status == health_pb2.HealthCheckResponse.SERVING
