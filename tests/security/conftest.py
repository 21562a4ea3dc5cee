"""Fixtures of the security tests: one CA, one JWT issuer, and an `exprun serve` with TLS, static
tokens, JWTs and a policy, shared by the tests that only call it."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.security.security_support import (
    AUDIENCE,
    ISSUER,
    Authority,
    Certificate,
    Issuer,
    new_token,
    write_tokens,
)
from tests.support.server_process import ServerProcess

# Project IDs follow the server's rule: 6-30 characters of [a-z0-9-].
PROJECT_A = "sec-project-a"
PROJECT_B = "sec-project-b"
TRAINER = "system:serviceaccount:ml-training:trainer"


@dataclass
class Tokens:
    project_a: str  # static, inline grant: PROJECT_A
    admin: str  # static, inline grant: every project
    policy_granted: str  # static, no inline grant; the policy gives PROJECT_B
    no_grants: str  # static, known principal with no project at all


@dataclass
class SecuredServer:
    process: ServerProcess
    authority: Authority
    issuer: Issuer
    tokens: Tokens
    directory: pathlib.Path


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return Authority(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def server_certificate(authority: Authority) -> Certificate:
    return authority.issue("server", server=True)


@pytest.fixture(scope="session")
def client_certificate(authority: Authority) -> Certificate:
    return authority.issue("client", server=False)


def write_policy(path: pathlib.Path) -> None:
    path.write_text(
        json.dumps(
            {
                "principals": {
                    "system:serviceaccount:ml-training:*": [PROJECT_A],
                    "policy-granted": [PROJECT_B],
                }
            }
        )
    )


@pytest.fixture(scope="module")
def secured(
    tmp_path_factory: pytest.TempPathFactory, authority: Authority, server_certificate: Certificate
) -> Iterator[SecuredServer]:
    """TLS + static tokens + JWTs (file JWKS) + policy, on loopback, logging at DEBUG."""
    root = tmp_path_factory.mktemp("secured")
    issuer = Issuer(root / "jwks.json")
    tokens = Tokens(new_token(), new_token(), new_token(), new_token())
    write_tokens(
        root / "tokens.json",
        [
            {"token": tokens.project_a, "principal": "project-a-bot", "projects": [PROJECT_A]},
            {"token": tokens.admin, "principal": "admin", "projects": "*"},
            {"token": tokens.policy_granted, "principal": "policy-granted"},
            {"token": tokens.no_grants, "principal": "nobody-in-particular"},
        ],
    )
    write_policy(root / "policy.json")
    process = ServerProcess(
        root / "data",
        root / "server.log",
        "--tls-cert",
        str(server_certificate.cert_path),
        "--tls-key",
        str(server_certificate.key_path),
        "--auth-tokens-file",
        str(root / "tokens.json"),
        "--auth-jwks",
        str(issuer.jwks_path),
        "--auth-issuer",
        ISSUER,
        "--auth-audience",
        AUDIENCE,
        "--auth-policy",
        str(root / "policy.json"),
        "--log-level",
        "DEBUG",
        credentials=authority.channel_credentials(),
    )
    process.start()
    yield SecuredServer(process, authority, issuer, tokens, root)
    if process.process is not None and process.process.poll() is None:
        process.terminate()
