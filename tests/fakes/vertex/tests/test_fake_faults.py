"""Fault injection, the call log, reset and the standalone command of the Vertex fake."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from google.api_core import exceptions
from google.cloud.aiplatform_v1 import Context, MetadataServiceClient, TensorboardServiceClient
from google.cloud.aiplatform_v1.services.tensorboard_service.transports.grpc import (
    TensorboardServiceGrpcTransport,
)
from google.cloud.aiplatform_v1.types import GetContextRequest

from tests.fakes.vertex import Call, Fault, Faults, VertexFake
from tests.fakes.vertex.__main__ import parse_args
from tests.fakes.vertex.tests.conftest import LOCATION, PROJECT, STORE

ROOT = Path(__file__).resolve().parents[4]


def outcomes(client: MetadataServiceClient, name: str, count: int) -> list[bool]:
    """True for each call that succeeded; GAPIC retries are off so every injected error is seen."""
    results = []
    for _ in range(count):
        try:
            client.get_context(name=name, retry=None)
            results.append(True)
        except exceptions.ServiceUnavailable:
            results.append(False)
    return results


def test_error_rate_is_per_method_seeded_and_counted(
    fake: VertexFake, metadata: MetadataServiceClient
) -> None:
    name = metadata.create_context(parent=STORE, context_id="exp1", context=Context()).name
    fake.faults = Faults({"GetContext": Fault(error_rate=0.3)}, seed=7)

    first = outcomes(metadata, name, 200)

    failures = first.count(False)
    assert fake.faults.injected == {"GetContext": failures}
    assert 30 <= failures <= 90
    metadata.list_contexts(parent=STORE)  # no rule for ListContexts: never fails
    fake.faults = Faults({"GetContext": Fault(error_rate=0.3)}, seed=7)
    assert outcomes(metadata, name, 200) == first  # same seed, same sequence
    fake.faults = Faults()
    assert all(outcomes(metadata, name, 20))


def test_a_method_rule_overrides_the_wildcard_and_codes_are_configurable(
    fake: VertexFake, metadata: MetadataServiceClient
) -> None:
    fake.faults = Faults(
        {
            "*": Fault(error_rate=1.0),
            "GetMetadataStore": Fault(error_rate=1.0, code=grpc.StatusCode.RESOURCE_EXHAUSTED),
        }
    )
    with pytest.raises(exceptions.ResourceExhausted):
        metadata.get_metadata_store(name=STORE, retry=None)
    with pytest.raises(exceptions.ServiceUnavailable):
        metadata.list_contexts(parent=STORE, retry=None)
    assert fake.faults.injected == {"GetMetadataStore": 1, "ListContexts": 1}


def test_an_error_after_the_call_took_effect_keeps_the_effect(
    fake: VertexFake, metadata: MetadataServiceClient
) -> None:
    fake.faults = Faults({"CreateContext": Fault(error_rate=1.0, after=True)})
    with pytest.raises(exceptions.ServiceUnavailable):
        metadata.create_context(parent=STORE, context_id="exp1", context=Context(), retry=None)
    fake.faults = Faults()
    assert metadata.get_context(name=f"{STORE}/contexts/exp1").etag == "1"
    with pytest.raises(exceptions.AlreadyExists):  # what a client retrying a create must expect
        metadata.create_context(parent=STORE, context_id="exp1", context=Context())


def test_latency_is_applied_to_every_call_of_the_method(
    fake: VertexFake, metadata: MetadataServiceClient
) -> None:
    fake.faults = Faults({"GetMetadataStore": Fault(latency=0.05)})
    started = time.monotonic()
    for _ in range(3):
        metadata.get_metadata_store(name=STORE)
    assert time.monotonic() - started >= 0.15
    assert fake.faults.delayed == {"GetMetadataStore": 3}
    assert fake.faults.injected == {}


def test_uniform_faults_as_the_command_line_builds_them() -> None:
    faults = Faults.uniform(latency=0.025, error_rate=0.2, methods=("WriteTensorboardRunData",))
    assert faults.rule("WriteTensorboardRunData") == Fault(latency=0.025, error_rate=0.2)
    assert faults.rule("GetContext") == Fault(latency=0.025)
    with pytest.raises(ValueError, match="error_rate"):
        Fault(error_rate=1.5)


def test_the_call_log_is_bounded_records_requests_and_can_be_cleared() -> None:
    fake = VertexFake(max_calls=3)
    with fake:
        assert fake.address is not None
        with grpc.insecure_channel(fake.address) as channel:
            client = TensorboardServiceClient(transport=TensorboardServiceGrpcTransport(channel=channel))
            for index in range(5):
                with pytest.raises(exceptions.NotFound):
                    client.get_tensorboard(name=f"projects/p/locations/{LOCATION}/tensorboards/tb{index}")
        assert [call.method for call in fake.calls] == ["GetTensorboard"] * 3
        method, request = fake.calls[-1]
        assert method == "GetTensorboard"
        assert request.name.endswith("/tb4")
        assert isinstance(fake.calls[0], Call)
        fake.clear_calls()
        assert fake.calls == []
    silent = VertexFake(max_calls=0)
    silent.create_tensorboard(PROJECT, LOCATION)
    with silent:
        assert silent.address is not None
        with grpc.insecure_channel(silent.address) as channel:
            client = TensorboardServiceClient(transport=TensorboardServiceGrpcTransport(channel=channel))
            client.get_tensorboard(name=f"projects/{PROJECT}/locations/{LOCATION}/tensorboards/tb1")
        assert silent.calls == []


def test_reset_forgets_resources_and_calls(fake: VertexFake, metadata: MetadataServiceClient) -> None:
    metadata.create_context(parent=STORE, context_id="exp1", context=Context())
    fake.reset()
    assert fake.calls == []
    with pytest.raises(exceptions.NotFound):
        metadata.get_context(request=GetContextRequest(name=f"{STORE}/contexts/exp1"))


def test_command_line_arguments() -> None:
    args = parse_args(
        ["--latency-ms", "25", "--error-rate", "0.2", "--error-methods", "WriteTensorboardRunData",
         "--project", "my-project=123", "--tensorboard", "my-project/us-central1/tb1"]
    )  # fmt: skip
    assert (args.latency_ms, args.error_rate, args.project, args.tensorboard) == (
        25.0,
        0.2,
        [("my-project", "123")],
        [("my-project", "us-central1", "tb1")],
    )
    with pytest.raises(SystemExit):
        parse_args(["--project", "my-project"])


def test_the_fake_runs_standalone() -> None:
    command = [sys.executable, "-m", "tests.fakes.vertex", "--project", f"{PROJECT}=42", "--tensorboard"]
    command.append(f"{PROJECT}/{LOCATION}/tb1")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        board = process.stdout.readline().split()[-1]
        address = process.stdout.readline().split()[-1]
        assert board == f"projects/42/locations/{LOCATION}/tensorboards/tb1"
        with grpc.insecure_channel(address) as channel:
            client = TensorboardServiceClient(transport=TensorboardServiceGrpcTransport(channel=channel))
            assert (
                client.get_tensorboard(name=f"projects/{PROJECT}/locations/{LOCATION}/tensorboards/tb1").name
                == board
            )
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
