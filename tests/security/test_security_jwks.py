"""The JWKS as a rotating issuer publishes it: from a file or an https URL, with new keys picked
up on their first token and no more than one reload per interval for unknown kids."""

from __future__ import annotations

import http.server
import pathlib
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from exprun.v1 import experiment_run_service_pb2 as api

from tests.security.security_support import (
    AUDIENCE,
    ISSUER,
    LOCATION,
    Authority,
    Certificate,
    Issuer,
    bearer,
    stub,
)
from tests.support.rich_status import reason as error_reason
from tests.support.server_process import ServerProcess

SUBJECT = "system:serviceaccount:ns:rotating"
PROJECT = "rotation-project"


class JwksServer:
    """An https endpoint serving the issuer's current JWKS file, counting the fetches."""

    def __init__(self, jwks_path: pathlib.Path, certificate: Certificate) -> None:
        self.fetches = 0
        served = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.fetches += 1
                body = jwks_path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate.cert_path, certificate.key_path)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://localhost:{self.httpd.server_address[1]}/openid/v1/jwks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def start_server(root: pathlib.Path, jwks: str, policy: pathlib.Path) -> ServerProcess:
    policy.write_text('{"principals": {"system:serviceaccount:ns:*": "*"}}')
    process = ServerProcess(
        root / "data",
        root / "server.log",
        "--auth-jwks",
        jwks,
        "--auth-issuer",
        ISSUER,
        "--auth-audience",
        AUDIENCE,
        "--auth-policy",
        str(policy),
    )
    process.start()
    return process


def call(process: ServerProcess, token: str) -> grpc.RpcError | None:
    with grpc.insecure_channel(process.target) as channel:
        try:
            stub(channel).ListExperiments(
                api.ListExperimentsRequest(parent=f"projects/{PROJECT}/locations/{LOCATION}"),
                metadata=bearer(token),
                timeout=10,
            )
        except grpc.RpcError as error:
            return error
    return None


@pytest.fixture
def issuer(tmp_path: pathlib.Path) -> Issuer:
    return Issuer(tmp_path / "jwks.json")


def test_a_key_added_to_the_jwks_file_is_trusted_without_a_restart(
    tmp_path: pathlib.Path, issuer: Issuer
) -> None:
    process = start_server(tmp_path, str(issuer.jwks_path), tmp_path / "policy.json")
    try:
        assert call(process, issuer.mint(SUBJECT)) is None
        issuer.add_key("rsa-2", rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")
        assert call(process, issuer.mint(SUBJECT, kid="rsa-2")) is None
    finally:
        process.terminate()


@pytest.fixture
def jwks_server(issuer: Issuer, server_certificate: Certificate) -> Iterator[JwksServer]:
    served = JwksServer(issuer.jwks_path, server_certificate)
    yield served
    served.close()


def test_a_jwks_url_is_fetched_over_https_and_refetched_once_for_an_unknown_kid(
    tmp_path: pathlib.Path,
    issuer: Issuer,
    jwks_server: JwksServer,
    authority: Authority,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.cert_path))  # the server trusts the test CA
    process = start_server(tmp_path, jwks_server.url, tmp_path / "policy.json")
    try:
        assert jwks_server.fetches == 1
        assert call(process, issuer.mint(SUBJECT, kid="ec-1")) is None
        assert jwks_server.fetches == 1  # known kids are served from the cache

        issuer.add_key("ec-2", ec.generate_private_key(ec.SECP256R1()), "ES256")
        assert call(process, issuer.mint(SUBJECT, kid="ec-2")) is None
        assert jwks_server.fetches == 2

        for attempt in range(5):  # made-up kids do not make the server hammer the issuer
            stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            error = call(process, issuer.mint(SUBJECT, kid=f"made-up-{attempt}", key=stranger))
            assert error is not None
            assert error_reason(error) == "TOKEN_KEY_UNKNOWN"
        assert jwks_server.fetches == 2
    finally:
        process.terminate()
