"""The GAPIC async clients, one set per Vertex endpoint, sharing one gRPC channel.

Without a configured endpoint each request goes to its location's regional endpoint
(`us-central1-aiplatform.googleapis.com`), as the SDK's clients do, so a server can serve
several regions. Plaintext builds an insecure `grpc.aio` channel (emulators, the test fake);
otherwise the channel is TLS with Application Default Credentials, fetched once at start-up.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import grpc
from exprun.server.stores.vertex.config import VertexConfig
from google.cloud.aiplatform_v1.services.metadata_service import MetadataServiceAsyncClient
from google.cloud.aiplatform_v1.services.metadata_service.transports.grpc_asyncio import (
    MetadataServiceGrpcAsyncIOTransport,
)
from google.cloud.aiplatform_v1.services.pipeline_service import PipelineServiceAsyncClient
from google.cloud.aiplatform_v1.services.pipeline_service.transports.grpc_asyncio import (
    PipelineServiceGrpcAsyncIOTransport,
)
from google.cloud.aiplatform_v1.services.tensorboard_service import TensorboardServiceAsyncClient
from google.cloud.aiplatform_v1.services.tensorboard_service.transports.grpc_asyncio import (
    TensorboardServiceGrpcAsyncIOTransport,
)

_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
# Export pages (10,000 points) and write requests (5,000 points) stay far below this.
_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
]


@dataclass(frozen=True)
class Clients:
    """The three services on one endpoint. `api_host` is the endpoint without its port: the SDK
    writes it into the `-tb-run` artifact's URI."""

    metadata: MetadataServiceAsyncClient
    tensorboard: TensorboardServiceAsyncClient
    pipeline: PipelineServiceAsyncClient
    api_host: str
    channel: Any


class VertexClients:
    def __init__(self, config: VertexConfig, credentials: Any) -> None:
        self._config = config
        self._credentials = credentials
        self._by_endpoint: dict[str, Clients] = {}

    @classmethod
    async def open(cls, config: VertexConfig) -> VertexClients:
        """ADC lookup may ask the metadata server (GKE): done once, off the event loop."""
        credentials = None
        if not config.plaintext:
            import google.auth

            credentials, _ = await asyncio.to_thread(google.auth.default, scopes=_SCOPES)
        return cls(config, credentials)

    def endpoint(self, location: str) -> str:
        return self._config.api_endpoint or f"{location}-aiplatform.googleapis.com"

    def at(self, location: str) -> Clients:
        endpoint = self.endpoint(location)
        clients = self._by_endpoint.get(endpoint)
        if clients is None:
            clients = self._build(endpoint)
            self._by_endpoint[endpoint] = clients
        return clients

    def _build(self, endpoint: str) -> Clients:
        host = endpoint.rsplit(":", 1)[0] if endpoint.rsplit(":", 1)[-1].isdigit() else endpoint
        if self._config.plaintext:
            channel = grpc.aio.insecure_channel(endpoint, options=_CHANNEL_OPTIONS)
        else:
            target = endpoint if ":" in endpoint else f"{endpoint}:443"
            channel = MetadataServiceGrpcAsyncIOTransport.create_channel(
                target, credentials=self._credentials, scopes=_SCOPES, options=_CHANNEL_OPTIONS
            )
        return Clients(
            metadata=MetadataServiceAsyncClient(
                transport=MetadataServiceGrpcAsyncIOTransport(host=endpoint, channel=channel)
            ),
            tensorboard=TensorboardServiceAsyncClient(
                transport=TensorboardServiceGrpcAsyncIOTransport(host=endpoint, channel=channel)
            ),
            pipeline=PipelineServiceAsyncClient(
                transport=PipelineServiceGrpcAsyncIOTransport(host=endpoint, channel=channel)
            ),
            api_host=host,
            channel=channel,
        )

    async def close(self) -> None:
        clients, self._by_endpoint = list(self._by_endpoint.values()), {}
        for c in clients:
            await c.channel.close()
