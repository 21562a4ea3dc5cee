"""Throwaway credentials for the security tests: a CA with a server and a client certificate,
JWT issuers with their JWKS, and static token files — all made here, nothing shipped."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import pathlib
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any

import grpc
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from exprun.v1 import experiment_run_service_pb2_grpc

from tests.support.server_process import ServerProcess

ISSUER = "https://issuer.test"
AUDIENCE = "exprun"
LOCATION = "us-central1"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _pem_key(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass
class Certificate:
    cert_pem: bytes
    key_pem: bytes
    cert_path: pathlib.Path
    key_path: pathlib.Path


class Authority:
    """A CA that signs a server certificate for localhost/127.0.0.1 and client certificates."""

    def __init__(self, directory: pathlib.Path, name: str = "exprun test CA") -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )
        self.cert_pem = self.cert.public_bytes(serialization.Encoding.PEM)
        self.cert_path = directory / "ca.pem"
        self.cert_path.write_bytes(self.cert_pem)

    def issue(self, stem: str, *, server: bool) -> Certificate:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, stem)]))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        else:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
            )
        cert = builder.sign(self.key, hashes.SHA256())
        certificate = Certificate(
            cert.public_bytes(serialization.Encoding.PEM),
            _pem_key(key),
            self.directory / f"{stem}.pem",
            self.directory / f"{stem}-key.pem",
        )
        certificate.cert_path.write_bytes(certificate.cert_pem)
        certificate.key_path.write_bytes(certificate.key_pem)
        return certificate

    def channel_credentials(self, client: Certificate | None = None) -> Any:
        if client is None:
            return grpc.ssl_channel_credentials(root_certificates=self.cert_pem)
        return grpc.ssl_channel_credentials(
            root_certificates=self.cert_pem, private_key=client.key_pem, certificate_chain=client.cert_pem
        )


class Issuer:
    """Signs JWTs like a Kubernetes API server does for projected service-account tokens."""

    def __init__(self, jwks_path: pathlib.Path, *, issuer: str = ISSUER) -> None:
        self.jwks_path = jwks_path
        self.issuer = issuer
        self.keys: dict[str, tuple[PrivateKey, str]] = {}
        self.add_key("rsa-1", rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")
        self.add_key("ec-1", ec.generate_private_key(ec.SECP256R1()), "ES256")

    def add_key(self, kid: str, key: PrivateKey, algorithm: str) -> None:
        self.keys[kid] = (key, algorithm)
        self.write_jwks()

    def write_jwks(self) -> None:
        entries = []
        for kid, (key, algorithm) in self.keys.items():
            jwk = json.loads(jwt.get_algorithm_by_name(algorithm).to_jwk(key.public_key()))
            entries.append({**jwk, "kid": kid, "use": "sig", "alg": algorithm})
        tmp = self.jwks_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"keys": entries}))
        tmp.replace(self.jwks_path)

    def mint(
        self,
        subject: str,
        *,
        kid: str = "rsa-1",
        audience: str = AUDIENCE,
        issuer: str | None = None,
        lifetime: float = 600,
        issued_ago: float = 0,
        key: PrivateKey | None = None,
        claims: dict[str, Any] | None = None,
    ) -> str:
        signing_key, algorithm = self.keys.get(kid, (None, "RS256"))
        now = int(time.time() - issued_ago)
        payload = {
            "iss": issuer or self.issuer,
            "aud": [audience],
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": int(now + lifetime),
            "jti": uuid.uuid4().hex,
            **(claims or {}),
        }
        chosen = key or signing_key
        assert chosen is not None, f"no key {kid}: pass key="
        return jwt.encode(payload, chosen, algorithm=algorithm, headers={"kid": kid})


def new_token() -> str:
    return "exp_" + secrets.token_urlsafe(32)


def write_tokens(path: pathlib.Path, entries: list[dict[str, Any]]) -> None:
    """Entries with a plain `token` are stored by hash, as an operator would."""
    stored = []
    for entry in entries:
        item = {k: v for k, v in entry.items() if k != "token"}
        item["sha256"] = hashlib.sha256(entry["token"].encode()).hexdigest()
        stored.append(item)
    path.write_text(json.dumps({"tokens": stored}))


def stub(channel: Any) -> Any:
    return experiment_run_service_pb2_grpc.ExperimentRunServiceStub(channel)


def bearer(token: str) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {token}"),)


def start_mutual_tls_server(
    root: pathlib.Path,
    authority: Authority,
    server_certificate: Certificate,
    client_certificate: Certificate,
    *extra_args: str,
) -> ServerProcess:
    """A started `exprun serve` that requires client certificates `authority` signed."""
    process = ServerProcess(
        root / "data",
        root / "server.log",
        "--tls-cert",
        str(server_certificate.cert_path),
        "--tls-key",
        str(server_certificate.key_path),
        "--tls-client-ca",
        str(authority.cert_path),
        *extra_args,
        credentials=authority.channel_credentials(client_certificate),
    )
    process.start()
    return process


def serve_command(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """`exprun serve` expected to stop by itself (a refused setting)."""
    return subprocess.run(
        [sys.executable, "-m", "exprun.server", "serve", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
