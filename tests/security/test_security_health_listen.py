"""--health-listen: a plaintext port with only grpc.health.v1 beside a TLS (and mTLS) API port, so
the kubelet's native gRPC probes (plaintext only) can probe a server that serves TLS."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from exprun.v1 import experiment_run_service_pb2 as api
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.security.security_support import (
    LOCATION,
    Authority,
    Certificate,
    serve_command,
    start_mutual_tls_server,
    stub,
)
from tests.support.server_process import ServerProcess, free_port


@pytest.fixture(scope="module")
def tls_with_health_port(
    tmp_path_factory: pytest.TempPathFactory,
    authority: Authority,
    server_certificate: Certificate,
    client_certificate: Certificate,
) -> Iterator[tuple[ServerProcess, str]]:
    health = f"127.0.0.1:{free_port()}"
    process = start_mutual_tls_server(
        tmp_path_factory.mktemp("health-listen"),
        authority,
        server_certificate,
        client_certificate,
        "--health-listen",
        health,
    )
    yield process, health
    process.terminate()


def test_the_health_port_answers_plaintext_health_checks_of_a_tls_server(
    tls_with_health_port: tuple[ServerProcess, str],
) -> None:
    _, health = tls_with_health_port
    with grpc.insecure_channel(health) as channel:
        checks = health_pb2_grpc.HealthStub(channel)
        for service in ("", "readiness", "exprun.v1.ExperimentRunService"):
            reply = checks.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING, service


def test_the_health_port_serves_nothing_but_health(tls_with_health_port: tuple[ServerProcess, str]) -> None:
    _, health = tls_with_health_port
    with grpc.insecure_channel(health) as channel, pytest.raises(grpc.RpcError) as refused:
        stub(channel).ListExperiments(
            api.ListExperimentsRequest(parent=f"projects/health-project/locations/{LOCATION}"),
            timeout=10,
        )
    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_the_api_port_still_requires_tls_and_a_client_certificate(
    tls_with_health_port: tuple[ServerProcess, str], authority: Authority
) -> None:
    server, _ = tls_with_health_port
    with grpc.insecure_channel(server.target) as channel, pytest.raises(grpc.RpcError) as plaintext:
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert plaintext.value.code() == grpc.StatusCode.UNAVAILABLE


def test_the_health_port_may_not_be_the_api_port() -> None:
    address = f"127.0.0.1:{free_port()}"
    result = serve_command("--listen", address, "--health-listen", address)
    assert result.returncode == 2  # a refused setting
    assert "--health-listen / EXPRUN_HEALTH_LISTEN" in result.stderr
    bad = serve_command("--health-listen", "50052")
    assert bad.returncode == 2
    assert "--health-listen / EXPRUN_HEALTH_LISTEN: '50052' is not host:port" in bad.stderr
