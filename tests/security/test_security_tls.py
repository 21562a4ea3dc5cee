"""TLS and mutual TLS on a real `exprun serve`: who can connect at all."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.security.security_support import LOCATION, Authority, Certificate, start_mutual_tls_server, stub
from tests.support.server_process import ServerProcess


@pytest.fixture(scope="module")
def mutual_tls_server(
    tmp_path_factory: pytest.TempPathFactory,
    authority: Authority,
    server_certificate: Certificate,
    client_certificate: Certificate,
) -> Iterator[ServerProcess]:
    process = start_mutual_tls_server(
        tmp_path_factory.mktemp("mtls"), authority, server_certificate, client_certificate
    )
    yield process
    process.terminate()


def check_health(target: str, credentials: Any) -> None:
    with grpc.secure_channel(target, credentials) as channel:
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)


def test_a_client_with_a_certificate_from_the_ca_is_served(
    mutual_tls_server: ServerProcess, authority: Authority, client_certificate: Certificate
) -> None:
    with grpc.secure_channel(
        mutual_tls_server.target, authority.channel_credentials(client_certificate)
    ) as channel:
        reply = stub(channel).ListExperiments(
            api.ListExperimentsRequest(parent=f"projects/mtls-project/locations/{LOCATION}"), timeout=10
        )
    assert list(reply.experiments) == []


def test_a_client_without_a_certificate_is_refused(
    mutual_tls_server: ServerProcess, authority: Authority
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        check_health(mutual_tls_server.target, authority.channel_credentials())
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_client_certificate_from_another_ca_is_refused(
    mutual_tls_server: ServerProcess, authority: Authority, tmp_path: pathlib.Path
) -> None:
    impostor = Authority(tmp_path, name="someone else's CA").issue("impostor", server=False)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=authority.cert_pem,
        private_key=impostor.key_pem,
        certificate_chain=impostor.cert_pem,
    )
    with pytest.raises(grpc.RpcError) as raised:
        check_health(mutual_tls_server.target, credentials)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_plaintext_client_is_refused(mutual_tls_server: ServerProcess) -> None:
    with grpc.insecure_channel(mutual_tls_server.target) as channel, pytest.raises(grpc.RpcError) as raised:
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_client_that_does_not_trust_the_servers_ca_refuses_it(
    mutual_tls_server: ServerProcess, client_certificate: Certificate, tmp_path: pathlib.Path
) -> None:
    other = Authority(tmp_path, name="a CA the server does not use")
    credentials = grpc.ssl_channel_credentials(
        root_certificates=other.cert_pem,
        private_key=client_certificate.key_pem,
        certificate_chain=client_certificate.cert_pem,
    )
    with pytest.raises(grpc.RpcError) as raised:
        check_health(mutual_tls_server.target, credentials)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
