"""Clients per endpoint: regional by default, TLS with credentials unless plaintext."""

from __future__ import annotations

import pytest
from exprun.server.stores.vertex.clients import VertexClients
from exprun.server.stores.vertex.config import VertexConfig
from google.auth.credentials import AnonymousCredentials

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def test_each_location_gets_its_regional_endpoint_over_tls() -> None:
    clients = VertexClients(VertexConfig(), AnonymousCredentials())  # type: ignore[no-untyped-call]
    try:
        central = clients.at("us-central1")
        assert central.api_host == "us-central1-aiplatform.googleapis.com"
        assert clients.at("europe-west4").api_host == "europe-west4-aiplatform.googleapis.com"
        assert clients.at("us-central1") is central
        assert central.metadata.transport._host == "us-central1-aiplatform.googleapis.com:443"
    finally:
        await clients.close()


async def test_a_configured_endpoint_serves_every_location() -> None:
    clients = VertexClients(VertexConfig(api_endpoint="localhost:8443", plaintext=True), None)
    try:
        assert clients.at("us-central1") is clients.at("asia-east1")
        assert clients.at("us-central1").api_host == "localhost"
    finally:
        await clients.close()
