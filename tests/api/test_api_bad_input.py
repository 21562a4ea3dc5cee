"""Client input that once reached INTERNAL or UNKNOWN: forged page tokens, huge filters, NaN in
Structs, model paths that cannot share a directory, malformed protobuf bytes and values long
enough to burst the trailers. Each now gets INVALID_ARGUMENT naming its field, over real gRPC,
on both stores: the embedded one and the vertex one (a second server on the Vertex fake)."""

from __future__ import annotations

import base64
import functools
import json
import math
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from exprun.server.core.limits import FILTER_MAX_TERMS
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.protobuf import struct_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from tests.support.server_process import ServerProcess

PARENT = "projects/api-tests/locations/us-central1"
SERVICE = api.DESCRIPTOR.services_by_name["ExperimentRunService"].full_name


@pytest.fixture(params=["embedded", "vertex"])
def store_server(request: pytest.FixtureRequest, server: ServerProcess) -> ServerProcess:
    if request.param == "vertex":
        vertex: ServerProcess = request.getfixturevalue("vertex_store_process")
        return vertex
    return server


@pytest.fixture
def stub(store_server: ServerProcess) -> Iterator[api_grpc.ExperimentRunServiceStub]:
    with grpc.insecure_channel(store_server.target) as channel:
        yield api_grpc.ExperimentRunServiceStub(channel)


@pytest.fixture
def run_name(stub: api_grpc.ExperimentRunServiceStub, unique_name: Callable[[str], str]) -> str:
    experiment = stub.CreateExperiment(
        api.CreateExperimentRequest(parent=PARENT, experiment_id=unique_name("e"))
    )
    for run_id in ("r1", "r2", "r3"):
        stub.CreateRun(api.CreateRunRequest(parent=experiment.name, run_id=run_id))
    return f"{experiment.name}/runs/r1"


def rejection(call: Callable[[], Any]) -> tuple[grpc.StatusCode, str, list[tuple[str, str]], grpc.RpcError]:
    """The code, ErrorInfo reason and BadRequest violations of a call that must fail."""
    with pytest.raises(grpc.RpcError) as caught:
        call()
    error: Any = caught.value
    status = rpc_status.from_call(error)
    reason, violations = "", []
    for detail in status.details if status else []:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations = [(v.field, v.description) for v in bad.field_violations]
    return error.code(), reason, violations, error


def _unsigned(cursor: str) -> str:
    """The unsigned token layout of earlier versions, whose fingerprint anyone could compute."""
    raw = json.dumps({"c": cursor, "f": "0" * 16}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


FORGED_TOKENS = [
    _unsigned("²"),
    _unsigned(str(2**70)),
    _unsigned("9" * 5000),
    base64.urlsafe_b64encode(b'{"c":' + b"[" * 5000).decode(),
    "A" * 100_000,
    "not a token",
]


def list_calls(stub: api_grpc.ExperimentRunServiceStub, run: str, token: str) -> dict[str, Callable[[], Any]]:
    experiment = run.rsplit("/runs/", 1)[0]
    return {
        "ListExperiments": lambda: stub.ListExperiments(
            api.ListExperimentsRequest(parent=PARENT, page_token=token)
        ),
        "ListRuns": lambda: stub.ListRuns(api.ListRunsRequest(parent=experiment, page_token=token)),
        "ListArtifacts": lambda: stub.ListArtifacts(api.ListArtifactsRequest(parent=run, page_token=token)),
        "ListExecutions": lambda: stub.ListExecutions(
            api.ListExecutionsRequest(parent=run, page_token=token)
        ),
        "ListClassificationMetrics": lambda: stub.ListClassificationMetrics(
            api.ListClassificationMetricsRequest(parent=run, page_token=token)
        ),
        "ListExperimentModels": lambda: stub.ListExperimentModels(
            api.ListExperimentModelsRequest(parent=run, page_token=token)
        ),
        "ListPipelineJobs": lambda: stub.ListPipelineJobs(
            api.ListPipelineJobsRequest(parent=run, page_token=token)
        ),
        "ListCustomJobs": lambda: stub.ListCustomJobs(
            api.ListCustomJobsRequest(parent=run, page_token=token)
        ),
    }


@pytest.mark.parametrize(
    "token", FORGED_TOKENS, ids=["superscript", "2^70", "5000-digits", "nested", "huge", "text"]
)
def test_forged_page_tokens_are_invalid_argument_on_page_token_for_every_list(
    stub: api_grpc.ExperimentRunServiceStub, run_name: str, token: str
) -> None:
    for method, call in list_calls(stub, run_name, token).items():
        code, _, violations, _ = rejection(call)
        assert code == grpc.StatusCode.INVALID_ARGUMENT, method
        assert [field for field, _ in violations] == ["page_token"], method


def test_a_real_token_pages_on_and_is_refused_for_another_request(
    stub: api_grpc.ExperimentRunServiceStub, run_name: str
) -> None:
    experiment = run_name.rsplit("/runs/", 1)[0]
    first = stub.ListRuns(api.ListRunsRequest(parent=experiment, page_size=2))
    second = stub.ListRuns(
        api.ListRunsRequest(parent=experiment, page_size=2, page_token=first.next_page_token)
    )
    assert [r.run_id for r in [*first.runs, *second.runs]] == ["r1", "r2", "r3"]
    assert second.next_page_token == ""
    code, _, violations, _ = rejection(
        lambda: stub.ListRuns(
            api.ListRunsRequest(parent=experiment, page_token=first.next_page_token, order_by="run_id")
        )
    )
    assert (code, violations[0][0]) == (grpc.StatusCode.INVALID_ARGUMENT, "page_token")
    assert "another parent, filter or order_by" in violations[0][1]


def test_a_filter_of_ten_thousand_terms_is_invalid_argument_on_filter(
    stub: api_grpc.ExperimentRunServiceStub, run_name: str
) -> None:
    experiment = run_name.rsplit("/runs/", 1)[0]
    text = " AND ".join(f'run_id != "r{i}"' for i in range(10_000))
    code, _, violations, _ = rejection(
        lambda: stub.ListRuns(api.ListRunsRequest(parent=experiment, filter=text))
    )
    assert (code, [f for f, _ in violations]) == (grpc.StatusCode.INVALID_ARGUMENT, ["filter"])


def test_a_filter_at_the_term_limit_is_answered(
    stub: api_grpc.ExperimentRunServiceStub, run_name: str
) -> None:
    experiment = run_name.rsplit("/runs/", 1)[0]
    text = " AND ".join(
        ['state = "RUNNING"', *(f'run_id != "r{i}"' for i in range(3, 3 + FILTER_MAX_TERMS - 1))]
    )
    runs = stub.ListRuns(api.ListRunsRequest(parent=experiment, filter=text)).runs
    assert [r.run_id for r in runs] == ["r1", "r2"]


def test_a_backing_tensorboard_filter_that_is_no_tensorboard_name_is_invalid_argument(
    stub: api_grpc.ExperimentRunServiceStub,
) -> None:
    for value in ("tb1", "t" * 5000, "projects/x"):
        request = api.ListExperimentsRequest(parent=PARENT, filter=f'backing_tensorboard = "{value}"')
        code, _, violations, _ = rejection(functools.partial(stub.ListExperiments, request))
        assert (code, [f for f, _ in violations]) == (grpc.StatusCode.INVALID_ARGUMENT, ["filter"])
    none = api.ListExperimentsRequest(parent=PARENT, filter='backing_tensorboard = ""', page_size=1)
    assert stub.ListExperiments(none) is not None


def _struct(value: Any) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({"a": {"b": [1.0, 2.0, math.nan]}}, "execution.metadata.a.b[2]"),
        ({"x": math.inf}, "execution.metadata.x"),
        ({"odd key": [[-math.inf]]}, "execution.metadata['odd key'][0][0]"),
    ],
)
def test_non_finite_numbers_in_execution_metadata_name_their_path(
    stub: api_grpc.ExperimentRunServiceStub, run_name: str, metadata: dict[str, Any], field: str
) -> None:
    request = api.AssociateExecutionRequest(run=run_name, execution=pb.Execution(metadata=_struct(metadata)))
    code, _, violations, _ = rejection(lambda: stub.AssociateExecution(request))
    assert (code, [f for f, _ in violations]) == (grpc.StatusCode.INVALID_ARGUMENT, [field])
    assert list(stub.ListExecutions(api.ListExecutionsRequest(parent=run_name)).executions) == []


def _log_model(
    stub: api_grpc.ExperimentRunServiceStub, header: api.LogModelHeader, *chunks: api.ModelChunk
) -> Any:
    messages = [api.LogModelRequest(header=header), *(api.LogModelRequest(chunk=c) for c in chunks)]
    return stub.LogModel(iter(messages))


def test_a_nan_input_example_is_invalid_argument_naming_it(
    stub: api_grpc.ExperimentRunServiceStub, run_name: str
) -> None:
    example = struct_pb2.Value()
    example.list_value.values.add().number_value = 1.0
    example.list_value.values.add().number_value = math.nan
    header = api.LogModelHeader(
        run=run_name, model=pb.ExperimentModel(framework_name="custom", uri="gs://b/m", input_example=example)
    )
    code, _, violations, _ = rejection(lambda: _log_model(stub, header))
    assert (code, [f for f, _ in violations]) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        ["header.model.input_example[1]"],
    )


EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(
    ("paths", "field"),
    [
        (["x", "x/y"], "header.files[1].path"),
        (["x/y", "x"], "header.files[0].path"),
        (["d/" + "s" * 300], "header.files[0].path"),
    ],
)
def test_model_paths_that_cannot_be_stored_are_invalid_argument(
    stub: api_grpc.ExperimentRunServiceStub, run_name: str, paths: list[str], field: str
) -> None:
    files = [pb.ModelFile(path=p, size_bytes=0, sha256=EMPTY_SHA256) for p in paths]
    header = api.LogModelHeader(run=run_name, model=pb.ExperimentModel(framework_name="custom"), files=files)
    code, _, violations, _ = rejection(lambda: _log_model(stub, header))
    assert (code, [f for f, _ in violations]) == (grpc.StatusCode.INVALID_ARGUMENT, [field])
    assert list(stub.ListExperimentModels(api.ListExperimentModelsRequest(parent=run_name)).models) == []


def _trailer_bytes(error: Any) -> int:
    """What the status costs in trailers: grpc-message percent-encoded (at most 3 bytes a byte)
    plus every other trailer, binary ones base64-encoded as on the wire."""
    total = 3 * len((error.details() or "").encode())
    for key, value in error.trailing_metadata() or ():
        encoded = base64.b64encode(value) if isinstance(value, bytes) else value.encode()
        total += len(key) + len(encoded)
    return total


@pytest.mark.parametrize("char", ["k", "\U0001f600"])
def test_long_values_stay_invalid_argument_and_small_in_the_trailers(
    stub: api_grpc.ExperimentRunServiceStub, run_name: str, char: str
) -> None:
    """200 bad keys of 5,000 characters each: the client must still see INVALID_ARGUMENT (not
    RESOURCE_EXHAUSTED from its 16 KiB metadata limit), the first key named, quoted short."""
    params = {char * 5000 + str(i): pb.Value(double_value=1.0) for i in range(200)}
    code, reason, violations, error = rejection(
        lambda: stub.LogParams(api.LogParamsRequest(run=run_name, params=params))
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert reason == "INVALID_ARGUMENT"
    assert violations[0][0].startswith("params[")
    if char == "k":  # multi-byte text is cut shorter, by bytes, at the edge
        assert re.search(r"'\.\.\. \(500\d characters\)\]$", violations[0][0])
    assert _trailer_bytes(error) < 8192
    for text in ("x" * 6000, f"{PARENT}/experiments/" + "e" * 6000):
        request = api.GetRunRequest(name=text)
        code, _, _, error = rejection(functools.partial(stub.GetRun, request))
        assert code == grpc.StatusCode.INVALID_ARGUMENT
        assert _trailer_bytes(error) < 8192


def _raw(
    server: ServerProcess, method: str, payloads: list[bytes], client_streaming: bool, server_streaming: bool
) -> Any:
    path = f"/{SERVICE}/{method}"
    with grpc.insecure_channel(server.target) as channel:
        if client_streaming and server_streaming:
            return list(channel.stream_stream(path)(iter(payloads), timeout=10))
        if client_streaming:
            return channel.stream_unary(path)(iter(payloads), timeout=10)
        if server_streaming:
            return list(channel.unary_stream(path)(payloads[0], timeout=10))
        return channel.unary_unary(path)(payloads[0], timeout=10)


def _rpc_log_lines(server: ServerProcess, method: str) -> list[dict[str, Any]]:
    lines = []
    for line in server.log_path.read_text(errors="replace").splitlines():
        if line.startswith("{") and f"/{method}" in line:
            entry = json.loads(line)
            if entry.get("event") == "rpc" and entry.get("rpc.method", "").endswith(f"/{method}"):
                lines.append(entry)
    return lines


@pytest.mark.parametrize(
    ("method", "client_streaming", "server_streaming"),
    [
        ("GetRun", False, False),
        ("ReadTimeSeries", False, True),
        ("LogModel", True, False),
        ("StreamTimeSeries", True, True),
    ],
)
def test_malformed_protobuf_is_invalid_argument_and_logged(
    store_server: ServerProcess, method: str, client_streaming: bool, server_streaming: bool
) -> None:
    server = store_server
    before = len(_rpc_log_lines(server, method))
    # Field 1 (a string) announced with 100 bytes that never come: not a parseable message.
    code, reason, violations, error = rejection(
        lambda: _raw(server, method, [b"\x0a\x64truncated"], client_streaming, server_streaming)
    )
    assert (code, reason) == (grpc.StatusCode.INVALID_ARGUMENT, "MALFORMED_REQUEST")
    assert [f for f, _ in violations] == ["request"]
    assert "DecodeError" not in error.details()
    deadline = time.monotonic() + 10
    while len(_rpc_log_lines(server, method)) == before and time.monotonic() < deadline:
        time.sleep(0.05)  # the line is written after the status is sent
    assert _rpc_log_lines(server, method)[-1]["code"] == "INVALID_ARGUMENT"
