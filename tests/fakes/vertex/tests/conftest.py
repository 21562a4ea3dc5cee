"""Fixtures for the tests of the Vertex fake: a fresh fake per test, GAPIC clients on plaintext channels."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.cloud.aiplatform_v1 import MetadataServiceClient, TensorboardServiceClient
from google.cloud.aiplatform_v1.services.metadata_service.transports.grpc import MetadataServiceGrpcTransport
from google.cloud.aiplatform_v1.services.tensorboard_service.transports.grpc import (
    TensorboardServiceGrpcTransport,
)
from google.protobuf import json_format

from tests.fakes.vertex import VertexFake
from tests.fakes.vertex.sdk import sdk_against

PROJECT = "my-project"
NUMBER = "123456789"
LOCATION = "us-central1"
STORE = f"projects/{PROJECT}/locations/{LOCATION}/metadataStores/default"
STORE_BY_NUMBER = f"projects/{NUMBER}/locations/{LOCATION}/metadataStores/default"


def finish(operation: Any) -> Any:
    """The result of a long-running operation (the GAPIC's `Operation.result` is untyped)."""
    return operation.result()


async def finish_async(operation: Any) -> Any:
    return await operation.result()


def moment(value: object) -> datetime.datetime:
    """A proto-plus timestamp field, which is a datetime at run time (typed as a Timestamp)."""
    assert isinstance(value, datetime.datetime)
    return value


def metadata_of(resource: Any) -> dict[str, Any]:
    """A resource's metadata Struct as plain JSON values."""
    found: dict[str, Any] = json_format.MessageToDict(type(resource).pb(resource).metadata)
    return found


@pytest.fixture
def fake() -> Iterator[VertexFake]:
    with VertexFake(project_numbers={PROJECT: NUMBER}) as running:
        yield running


@pytest.fixture
def channel(fake: VertexFake) -> Iterator[grpc.Channel]:
    assert fake.address is not None
    with grpc.insecure_channel(fake.address) as opened:
        yield opened


@pytest.fixture
def metadata(fake: VertexFake, channel: grpc.Channel) -> MetadataServiceClient:
    fake.create_metadata_store(PROJECT, LOCATION)
    return MetadataServiceClient(transport=MetadataServiceGrpcTransport(channel=channel))


@pytest.fixture
def tensorboard(channel: grpc.Channel) -> TensorboardServiceClient:
    return TensorboardServiceClient(transport=TensorboardServiceGrpcTransport(channel=channel))


@pytest.fixture
def sdk(fake: VertexFake) -> Iterator[VertexFake]:
    """The official SDK pointed at the fake as `my-project` in us-central1."""
    assert fake.address is not None
    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        yield fake
