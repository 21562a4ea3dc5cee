"""Raw bytes on the wire: random bytes and mutations of valid serialized requests sent to every
method of the service (unary, client-streaming, server-streaming, bidi). Every answer is OK or
a clear client-error status, never INTERNAL or UNKNOWN; the server stays up and SERVING.

The mutations are the ones that find decoder bugs: flipped bits, cut or grown messages,
overlong and unterminated varints, lengths past the end, invalid wire types, splices of two
requests. They are drawn from a fixed seed, so a failure names a payload that reproduces.
"""

from __future__ import annotations

import collections
import contextlib
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.protobuf import field_mask_pb2, struct_pb2
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.support.server_process import ServerProcess
from tests.support.status_counts import ACCEPTABLE, print_counts

PARENT = "projects/wire-fuzz/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/wire-exp"
RUN = f"{EXPERIMENT}/runs/wire-run"
STORE = f"{PARENT}/metadataStores/default"
EXECUTION = f"{STORE}/executions/wire-ex"
SERVICE = api.DESCRIPTOR.services_by_name["ExperimentRunService"]
# Bounds: calls per method, and the whole fuzz's time (it stops early rather than run long).
CALLS_PER_METHOD = 40
TIME_BUDGET_SECONDS = 120.0
SEED = 20261203
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def _series() -> pb.TimeSeriesBatch:
    return pb.TimeSeriesBatch(series=[pb.TimeSeries(metric="loss", steps=[1, 2], values=[0.5, 0.25])])


def _metadata() -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update({"a": [1.0, "two", {"b": True}]})
    return struct


# Valid requests of every method, as the messages of one call (a stream may have several).
# Deletions name resources of their own, so the rest keep finding the run.
SEEDS: dict[str, list[Message]] = {
    "CreateExperiment": [api.CreateExperimentRequest(parent=PARENT, experiment_id="wire-new")],
    "GetExperiment": [api.GetExperimentRequest(name=EXPERIMENT)],
    "ListExperiments": [api.ListExperimentsRequest(parent=PARENT, page_size=1, filter='experiment_id = "x"')],
    "DeleteExperiment": [api.DeleteExperimentRequest(name=f"{PARENT}/experiments/wire-gone")],
    "CreateRun": [api.CreateRunRequest(parent=EXPERIMENT, run_id="wire-new")],
    "GetRun": [api.GetRunRequest(name=RUN)],
    "ListRuns": [
        api.ListRunsRequest(parent=EXPERIMENT, page_size=1, filter="state = RUNNING", order_by="run_id")
    ],
    "DeleteRun": [api.DeleteRunRequest(name=f"{EXPERIMENT}/runs/wire-gone")],
    "UpdateRunState": [api.UpdateRunStateRequest(name=RUN, state=pb.RUN_STATE_RUNNING)],
    "EndRun": [api.EndRunRequest(name=f"{EXPERIMENT}/runs/wire-ended")],
    "LogParams": [
        api.LogParamsRequest(
            run=RUN, params={"lr": pb.Value(double_value=0.1), "opt": pb.Value(string_value="sgd")}
        )
    ],
    "GetParams": [api.GetParamsRequest(run=RUN)],
    "LogMetrics": [api.LogMetricsRequest(run=RUN, metrics={"acc": pb.Value(int_value=1)})],
    "GetMetrics": [api.GetMetricsRequest(run=RUN)],
    "LogClassificationMetrics": [
        api.LogClassificationMetricsRequest(
            parent=RUN,
            classification_metrics=pb.ClassificationMetrics(
                labels=["a", "b"], matrix=[pb.MatrixRow(values=[1, 2]), pb.MatrixRow(values=[3, 4])]
            ),
        )
    ],
    "ListClassificationMetrics": [api.ListClassificationMetricsRequest(parent=RUN, page_size=1)],
    "WriteTimeSeries": [api.WriteTimeSeriesRequest(run=RUN, batch=_series())],
    "StreamTimeSeries": [
        api.StreamTimeSeriesRequest(open=api.StreamOpen(run=RUN, writer_id="wire-writer")),
        api.StreamTimeSeriesRequest(batch=api.SequencedBatch(sequence=1, batch=_series())),
        api.StreamTimeSeriesRequest(batch=api.SequencedBatch(sequence=2, batch=_series())),
    ],
    "Heartbeat": [api.HeartbeatRequest(run=RUN)],
    "ReadTimeSeries": [api.ReadTimeSeriesRequest(run=RUN, metrics=["loss"], max_points=10)],
    "AssignBackingTensorboard": [
        api.AssignBackingTensorboardRequest(run=RUN, tensorboard=f"{PARENT}/tensorboards/tb1")
    ],
    "AssociateExecution": [
        api.AssociateExecutionRequest(run=RUN, execution=pb.Execution(metadata=_metadata()))
    ],
    "ListExecutions": [api.ListExecutionsRequest(parent=RUN, page_size=1)],
    "ListArtifacts": [
        api.ListArtifactsRequest(parent=RUN, page_size=1, filter='schema_title = "system.Model"')
    ],
    "CreateExecution": [
        api.CreateExecutionRequest(
            parent=PARENT, execution_id="wire-ex", execution=pb.Execution(metadata=_metadata())
        )
    ],
    "GetExecution": [api.GetExecutionRequest(name=EXECUTION)],
    "UpdateExecution": [
        api.UpdateExecutionRequest(
            execution=pb.Execution(name=EXECUTION, state=pb.RUN_STATE_COMPLETE, metadata=_metadata()),
            update_mask=field_mask_pb2.FieldMask(paths=["state", "metadata"]),
        )
    ],
    "AddExecutionEvents": [
        api.AddExecutionEventsRequest(execution=EXECUTION, input_artifacts=[f"{STORE}/artifacts/wire-art"])
    ],
    "DownloadModel": [api.DownloadModelRequest(model=f"{STORE}/artifacts/wire-art")],
    "GetExperimentModel": [api.GetExperimentModelRequest(name=f"{STORE}/artifacts/wire-art")],
    "QueryExecutionInputsAndOutputs": [api.QueryExecutionInputsAndOutputsRequest(execution=EXECUTION)],
    "LogModel": [
        api.LogModelRequest(
            header=api.LogModelHeader(
                run=RUN,
                model=pb.ExperimentModel(framework_name="custom"),
                files=[
                    pb.ModelFile(path="m/abc.txt", size_bytes=3, sha256=ABC_SHA256),
                    pb.ModelFile(path="empty", size_bytes=0, sha256=EMPTY_SHA256),
                ],
            )
        ),
        api.LogModelRequest(chunk=api.ModelChunk(path="m/abc.txt", data=b"abc")),
    ],
    "ListExperimentModels": [api.ListExperimentModelsRequest(parent=RUN, page_size=1)],
    "LogPipelineJob": [api.LogPipelineJobRequest(run=RUN, pipeline_job=f"{PARENT}/pipelineJobs/job-1")],
    "ListPipelineJobs": [api.ListPipelineJobsRequest(parent=RUN, page_size=1)],
    "LogCustomJob": [api.LogCustomJobRequest(run=RUN, custom_job=f"{PARENT}/customJobs/123")],
    "ListCustomJobs": [api.ListCustomJobsRequest(parent=RUN, page_size=1)],
}

# Byte strings that break decoders: overlong and unterminated varints, a length past the end,
# the deprecated group and invalid wire types, a field number 0.
NASTY = [
    b"\xff" * 11,
    b"\x80",
    b"\x0a\x7f",
    b"\x0a\xff\xff\xff\xff\x0f",
    b"\x0b",
    b"\x0e",
    b"\x0f",
    b"\x00\x00",
    b"\x12\x02\xc3\x28",
]


def _mutate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """One to three random edits of `data`."""
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(data) + 1)
        choice = rng.randrange(8)
        if choice == 0 and data:
            i = min(i, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]
        elif choice == 1 and data:
            i = min(i, len(data) - 1)
            data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
        elif choice == 2:
            data = data[:i]
        elif choice == 3:
            data = data[:i] + rng.randbytes(rng.randint(1, 8)) + data[i:]
        elif choice == 4:
            data = data[:i] + data[i + rng.randint(1, 8) :]
        elif choice == 5:
            j = rng.randrange(len(data) + 1)
            data = data[:i] + data[min(i, j) : max(i, j)] + data[i:]
        elif choice == 6:
            data = data[:i] + rng.choice(NASTY) + data[i:]
        else:
            data = data[:i] + other[rng.randrange(len(other) + 1) :]
    return data


def _payloads(rng: random.Random, seed: list[bytes], corpus: list[bytes]) -> list[bytes]:
    """A call's messages: pure random bytes, or the seed with one or more messages mutated."""
    if rng.random() < 0.2:
        return [rng.randbytes(rng.randint(0, 64)) for _ in range(len(seed))]
    payloads = list(seed)
    for index in rng.sample(range(len(seed)), rng.randint(1, len(seed))):
        payloads[index] = _mutate(rng, payloads[index], rng.choice(corpus))
    return payloads


def _call(channel: grpc.Channel, method: Any, payloads: list[bytes]) -> grpc.StatusCode:
    path = f"/{SERVICE.full_name}/{method.name}"
    try:
        if method.client_streaming and method.server_streaming:
            list(channel.stream_stream(path)(iter(payloads), timeout=20))
        elif method.client_streaming:
            channel.stream_unary(path)(iter(payloads), timeout=20)
        elif method.server_streaming:
            list(channel.unary_stream(path)(payloads[0], timeout=20))
        else:
            channel.unary_unary(path)(payloads[0], timeout=20)
    except grpc.RpcError as exc:
        code: grpc.StatusCode = exc.code()
        return code
    return grpc.StatusCode.OK


@pytest.fixture(scope="module", params=["embedded", "vertex"])
def store_server(request: pytest.FixtureRequest, server: ServerProcess) -> ServerProcess:
    if request.param == "vertex":
        vertex: ServerProcess = request.getfixturevalue("vertex_store_process")
        return vertex
    return server


@pytest.fixture(scope="module")
def channel(store_server: ServerProcess) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(store_server.target) as ch:
        stub = api_grpc.ExperimentRunServiceStub(ch)
        calls: list[Callable[[], Any]] = [
            lambda: stub.CreateExperiment(
                api.CreateExperimentRequest(parent=PARENT, experiment_id="wire-exp")
            ),
            lambda: stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="wire-run")),
            # What the seeds of DeleteExperiment, DeleteRun and EndRun act on.
            lambda: stub.CreateExperiment(
                api.CreateExperimentRequest(parent=PARENT, experiment_id="wire-gone")
            ),
            lambda: stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="wire-gone")),
            lambda: stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="wire-ended")),
            # The artifact the AddExecutionEvents seed names.
            lambda: stub.LogModel(
                iter(
                    [
                        api.LogModelRequest(
                            header=api.LogModelHeader(
                                run=RUN,
                                model=pb.ExperimentModel(artifact_id="wire-art", framework_name="custom"),
                                files=[pb.ModelFile(path="m.txt", size_bytes=3, sha256=ABC_SHA256)],
                            )
                        ),
                        api.LogModelRequest(chunk=api.ModelChunk(path="m.txt", data=b"abc")),
                    ]
                )
            ),
        ]
        for call in calls:
            with contextlib.suppress(grpc.RpcError):  # made by an earlier module run
                call()
        yield ch


def test_random_and_mutated_bytes_get_a_clear_status_on_every_method(
    channel: grpc.Channel, store_server: ServerProcess, request: pytest.FixtureRequest
) -> None:
    server = store_server
    assert set(SEEDS) == {m.name for m in SERVICE.methods}, "every method needs a seed"
    rng = random.Random(SEED)
    seeds = {name: [m.SerializeToString() for m in messages] for name, messages in SEEDS.items()}
    corpus = [payload for payloads in seeds.values() for payload in payloads]
    counts: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    for round_ in range(CALLS_PER_METHOD + 1):
        if time.monotonic() > deadline:
            break
        for method in SERVICE.methods:
            # Round 0 sends the seeds unchanged: they must work, or the mutations test nothing.
            payloads = seeds[method.name] if round_ == 0 else _payloads(rng, seeds[method.name], corpus)
            code = _call(channel, method, payloads)
            counts[code.name] += 1
            if code not in ACCEPTABLE or (round_ == 0 and code != grpc.StatusCode.OK):
                failures.append(f"{method.name} answered {code.name} to {[p.hex() for p in payloads]}")
    print_counts(request.config, f"wire fuzz ({request.node.callspec.id} store)", counts)
    assert not failures, "\n".join(failures[:10])
    assert sum(counts.values()) >= 2 * len(SERVICE.methods), "the time budget ran out before the mutations"
    assert server.process is not None
    assert server.process.poll() is None
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="readiness"))
    assert health.status == health_pb2.HealthCheckResponse.SERVING
