"""Point the official Vertex AI SDK (`google.cloud.aiplatform`) at a plaintext fake, and undo it after.

    with sdk_against(fake.address, project="my-project"):
        aiplatform.Experiment.create("exp1")

The SDK always opens TLS channels; this patches `create_channel` of the sync gRPC transports it uses
(v1 Metadata, Tensorboard and Pipeline, and v1beta1 Tensorboard, which the SDK builds eagerly) to open a
plaintext channel to the fake instead (vertex-mapping.md §8.3, option 2), then calls `aiplatform.init`.
The SDK keeps its settings and the current experiment/run in module globals; they are saved before and
restored after, so tests do not leak into each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import grpc
from google.auth.credentials import AnonymousCredentials
from google.cloud import aiplatform
from google.cloud.aiplatform import initializer
from google.cloud.aiplatform.metadata import metadata as sdk_metadata
from google.cloud.aiplatform_v1.services.metadata_service.transports.grpc import MetadataServiceGrpcTransport
from google.cloud.aiplatform_v1.services.pipeline_service.transports.grpc import PipelineServiceGrpcTransport
from google.cloud.aiplatform_v1.services.tensorboard_service.transports.grpc import (
    TensorboardServiceGrpcTransport,
)
from google.cloud.aiplatform_v1beta1.services.tensorboard_service.transports.grpc import (
    TensorboardServiceGrpcTransport as TensorboardServiceGrpcTransportV1Beta1,
)

TRANSPORTS: tuple[type[Any], ...] = (
    MetadataServiceGrpcTransport,
    TensorboardServiceGrpcTransport,
    PipelineServiceGrpcTransport,
    TensorboardServiceGrpcTransportV1Beta1,
)


@contextmanager
def sdk_against(
    address: str, *, project: str = "my-project", location: str = "us-central1", **init_options: Any
) -> Iterator[None]:
    """Within the block, `aiplatform` talks to the fake at `address` as `project` in `location`."""
    saved_channels = {transport: transport.__dict__["create_channel"] for transport in TRANSPORTS}
    saved_config = dict(initializer.global_config.__dict__)
    saved_tracker = dict(sdk_metadata._experiment_tracker.__dict__)

    def plaintext_channel(cls: type[Any], /, host: str = "", **_: Any) -> grpc.Channel:
        return grpc.insecure_channel(address)

    try:
        for transport in TRANSPORTS:
            transport.create_channel = classmethod(plaintext_channel)
        aiplatform.init(
            project=project,
            location=location,
            api_endpoint=address,
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            **init_options,
        )
        yield
    finally:
        for transport, original in saved_channels.items():
            transport.create_channel = original
        initializer.global_config.__dict__.clear()
        initializer.global_config.__dict__.update(saved_config)
        sdk_metadata._experiment_tracker.__dict__.clear()
        sdk_metadata._experiment_tracker.__dict__.update(saved_tracker)
