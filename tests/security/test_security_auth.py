"""Authentication and authorization against a real `exprun serve` with TLS, static tokens, JWTs
and a policy: every failure mode a client can hit, and the allowed paths working end to end."""

from __future__ import annotations

import base64
import json
import pathlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from exprun.client import (
    Experiment,
    ExperimentRun,
    PermissionDenied,
    TimeSeriesWriter,
    Unauthenticated,
    _config,
    init,
)
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from tests.security.conftest import PROJECT_A, PROJECT_B, TRAINER, SecuredServer
from tests.security.security_support import LOCATION, bearer, stub
from tests.support.rich_status import reason as error_reason


def parent(project: str) -> str:
    return f"projects/{project}/locations/{LOCATION}"


def list_experiments(channel: Any, project: str, token: str | None) -> Any:
    metadata = bearer(token) if token is not None else None
    return stub(channel).ListExperiments(
        api.ListExperimentsRequest(parent=parent(project)), metadata=metadata, timeout=10
    )


def rejected(channel: Any, project: str, token: str | None) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as raised:
        list_experiments(channel, project, token)
    return raised.value


@pytest.fixture
def channel(secured: SecuredServer) -> Iterator[Any]:
    with grpc.secure_channel(secured.process.target, secured.authority.channel_credentials()) as opened:
        yield opened


@pytest.fixture
def client_for(secured: SecuredServer) -> Iterator[Any]:
    """Points the exprun client at the secured server with a token and a project."""

    def configure(token: str, project: str) -> None:
        _config.reset()
        init(
            target=secured.process.target,
            project=project,
            location=LOCATION,
            credentials=secured.authority.channel_credentials(),
            token=token,
        )

    yield configure
    _config.reset()


# -- open endpoints ---------------------------------------------------------------------------


def test_health_answers_without_a_token(channel: Any) -> None:
    reply = health_pb2_grpc.HealthStub(channel).Check(
        health_pb2.HealthCheckRequest(service="readiness"), timeout=10
    )
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_needs_a_token_but_no_project(channel: Any, secured: SecuredServer) -> None:
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    with pytest.raises(grpc.RpcError) as raised:
        list(reflection.ServerReflectionInfo(iter([request]), timeout=10))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    replies = list(
        reflection.ServerReflectionInfo(
            iter([request]), metadata=bearer(secured.tokens.no_grants), timeout=10
        )
    )
    services = {s.name for s in replies[0].list_services_response.service}
    assert "exprun.v1.ExperimentRunService" in services


def test_a_plaintext_client_is_refused_by_the_tls_port(secured: SecuredServer) -> None:
    with grpc.insecure_channel(secured.process.target) as plaintext, pytest.raises(grpc.RpcError) as raised:
        health_pb2_grpc.HealthStub(plaintext).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE


# -- authentication failures ------------------------------------------------------------------


def test_a_call_without_a_token_is_unauthenticated(channel: Any) -> None:
    error = rejected(channel, PROJECT_A, None)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_MISSING"
    assert "authorization" in error.details()


def test_an_authorization_header_that_is_not_bearer_is_unauthenticated(channel: Any) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        stub(channel).ListExperiments(
            api.ListExperimentsRequest(parent=parent(PROJECT_A)),
            metadata=(("authorization", "Basic dXNlcjpwYXNz"),),
            timeout=10,
        )
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(raised.value) == "TOKEN_MALFORMED"
    assert "dXNlcjpwYXNz" not in raised.value.details()


def test_an_unknown_static_token_is_unauthenticated_and_not_echoed(channel: Any) -> None:
    token = "exp_not-a-token-the-server-knows"
    error = rejected(channel, PROJECT_A, token)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_INVALID"
    assert token not in error.details()


def test_an_expired_jwt_is_unauthenticated(channel: Any, secured: SecuredServer) -> None:
    token = secured.issuer.mint(TRAINER, lifetime=60, issued_ago=600)
    error = rejected(channel, PROJECT_A, token)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_EXPIRED"
    assert token not in error.details()


def test_a_jwt_expired_within_the_leeway_is_still_accepted(channel: Any, secured: SecuredServer) -> None:
    token = secured.issuer.mint(TRAINER, lifetime=100, issued_ago=110)
    list_experiments(channel, PROJECT_A, token)


def test_a_jwt_not_valid_yet_is_unauthenticated(channel: Any, secured: SecuredServer) -> None:
    error = rejected(channel, PROJECT_A, secured.issuer.mint(TRAINER, issued_ago=-600))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_NOT_YET_VALID"


def test_a_jwt_for_another_audience_is_unauthenticated(channel: Any, secured: SecuredServer) -> None:
    error = rejected(
        channel, PROJECT_A, secured.issuer.mint(TRAINER, audience="https://kubernetes.default.svc")
    )
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_WRONG_AUDIENCE"
    assert '"exprun"' in error.details()


def test_a_jwt_from_another_issuer_is_unauthenticated(channel: Any, secured: SecuredServer) -> None:
    error = rejected(channel, PROJECT_A, secured.issuer.mint(TRAINER, issuer="https://elsewhere.test"))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_WRONG_ISSUER"


def test_a_jwt_signed_by_a_key_not_in_the_jwks_is_unauthenticated(
    channel: Any, secured: SecuredServer
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    error = rejected(channel, PROJECT_A, secured.issuer.mint(TRAINER, kid="rsa-unknown", key=stranger))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_KEY_UNKNOWN"


def test_a_forged_jwt_naming_a_trusted_kid_is_unauthenticated(channel: Any, secured: SecuredServer) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    error = rejected(channel, PROJECT_A, secured.issuer.mint(TRAINER, kid="rsa-1", key=forger))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_INVALID"


def _unsigned_jwt(header: dict[str, Any], claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def test_an_unsigned_jwt_is_unauthenticated(channel: Any, secured: SecuredServer) -> None:
    now = int(time.time())
    claims = {"iss": secured.issuer.issuer, "aud": "exprun", "sub": TRAINER, "iat": now, "exp": now + 600}
    error = rejected(channel, PROJECT_A, _unsigned_jwt({"alg": "none", "kid": "rsa-1"}, claims))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_INVALID"


def test_a_jwt_whose_algorithm_does_not_match_its_key_is_unauthenticated(
    channel: Any, secured: SecuredServer
) -> None:
    """RS256 header, ES256 key: no algorithm confusion."""
    rsa_signed = secured.issuer.mint(TRAINER, kid="rsa-1")
    _, payload, signature = rsa_signed.split(".")
    relabelled = base64.urlsafe_b64encode(json.dumps({"alg": "RS256", "kid": "ec-1"}).encode()).rstrip(b"=")
    error = rejected(channel, PROJECT_A, f"{relabelled.decode()}.{payload}.{signature}")
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(error) == "TOKEN_INVALID"


# -- authorization ----------------------------------------------------------------------------


def test_a_static_token_acts_only_in_its_projects(channel: Any, secured: SecuredServer) -> None:
    list_experiments(channel, PROJECT_A, secured.tokens.project_a)
    error = rejected(channel, PROJECT_B, secured.tokens.project_a)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_reason(error) == "PROJECT_NOT_ALLOWED"
    assert PROJECT_B in error.details()
    assert "project-a-bot" in error.details()


def test_the_policy_grants_projects_to_a_static_token_without_inline_ones(
    channel: Any, secured: SecuredServer
) -> None:
    list_experiments(channel, PROJECT_B, secured.tokens.policy_granted)
    assert (
        rejected(channel, PROJECT_A, secured.tokens.policy_granted).code()
        == grpc.StatusCode.PERMISSION_DENIED
    )


def test_a_principal_with_no_grants_is_denied_everywhere(channel: Any, secured: SecuredServer) -> None:
    for project in (PROJECT_A, PROJECT_B):
        assert (
            rejected(channel, project, secured.tokens.no_grants).code() == grpc.StatusCode.PERMISSION_DENIED
        )


def test_a_wildcard_grant_allows_every_project(channel: Any, secured: SecuredServer) -> None:
    for project in (PROJECT_A, PROJECT_B, "any-other-project"):
        list_experiments(channel, project, secured.tokens.admin)


def test_a_reference_to_another_projects_resource_is_denied(channel: Any, secured: SecuredServer) -> None:
    """Not only the target: a field pointing the server at another project's resource counts too."""
    request = api.CreateRunRequest(
        parent=f"{parent(PROJECT_A)}/experiments/e-x",
        run_id="r-1",
        tensorboard=f"{parent(PROJECT_B)}/tensorboards/123",
    )
    with pytest.raises(grpc.RpcError) as raised:
        stub(channel).CreateRun(request, metadata=bearer(secured.tokens.project_a), timeout=10)
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert PROJECT_B in raised.value.details()


def test_a_service_account_jwt_works_through_the_client_in_its_projects(
    secured: SecuredServer, client_for: Any
) -> None:
    client_for(secured.issuer.mint(TRAINER), PROJECT_A)
    experiment = Experiment.create(f"e-{uuid.uuid4().hex[:8]}")
    run = ExperimentRun.create("run-1", experiment=experiment)
    run.log_params({"lr": 0.1})
    assert run.get_params() == {"lr": 0.1}
    client_for(secured.issuer.mint(TRAINER), PROJECT_B)
    with pytest.raises(PermissionDenied) as raised:
        Experiment.create(f"e-{uuid.uuid4().hex[:8]}")
    assert raised.value.reason == "PROJECT_NOT_ALLOWED"


def test_an_es256_jwt_is_accepted(channel: Any, secured: SecuredServer) -> None:
    list_experiments(channel, PROJECT_A, secured.issuer.mint(TRAINER, kid="ec-1"))


def test_the_client_reports_an_expired_token_as_unauthenticated(
    secured: SecuredServer, client_for: Any
) -> None:
    client_for(secured.issuer.mint(TRAINER, lifetime=10, issued_ago=3600), PROJECT_A)
    with pytest.raises(Unauthenticated) as raised:
        Experiment.create(f"e-{uuid.uuid4().hex[:8]}")
    assert raised.value.reason == "TOKEN_EXPIRED"


# -- streams ----------------------------------------------------------------------------------


def _run_in(project: str, client_for: Any, token: str) -> ExperimentRun:
    client_for(token, project)
    experiment = Experiment.create(f"e-{uuid.uuid4().hex[:8]}")
    return ExperimentRun.create("run-1", experiment=experiment)


def test_a_stream_opened_for_another_project_is_denied(channel: Any, secured: SecuredServer) -> None:
    other_run = f"{parent(PROJECT_B)}/experiments/e-x/runs/r-1"
    requests = iter([api.StreamTimeSeriesRequest(open=api.StreamOpen(run=other_run, writer_id="w-1"))])
    with pytest.raises(grpc.RpcError) as raised:
        list(stub(channel).StreamTimeSeries(requests, metadata=bearer(secured.tokens.project_a), timeout=10))
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_reason(raised.value) == "PROJECT_NOT_ALLOWED"


def test_a_stream_without_a_token_is_unauthenticated(channel: Any) -> None:
    other_run = f"{parent(PROJECT_A)}/experiments/e-x/runs/r-1"
    requests = iter([api.StreamTimeSeriesRequest(open=api.StreamOpen(run=other_run, writer_id="w-1"))])
    with pytest.raises(grpc.RpcError) as raised:
        list(stub(channel).StreamTimeSeries(requests, timeout=10))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_the_writer_streams_into_an_allowed_project(secured: SecuredServer, client_for: Any) -> None:
    run = _run_in(PROJECT_A, client_for, secured.tokens.project_a)
    with TimeSeriesWriter(run) as writer:
        writer.log_columns(range(100), {"loss": [0.5] * 100})
    assert writer.points_acked == 100
    assert len(run.read_time_series()["loss"].steps) == 100


def test_the_writer_fails_with_permission_denied_for_another_project(
    secured: SecuredServer, client_for: Any
) -> None:
    client_for(secured.tokens.project_a, PROJECT_A)
    writer = TimeSeriesWriter(f"{parent(PROJECT_B)}/experiments/e-x/runs/r-1")
    writer.log({"loss": 1.0}, step=1)
    with pytest.raises(PermissionDenied):
        writer.close(timeout=10)


def test_log_model_uploads_into_an_allowed_project(
    secured: SecuredServer, client_for: Any, tmp_path: pathlib.Path
) -> None:
    run = _run_in(PROJECT_A, client_for, secured.tokens.project_a)
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"\x00" * 4096)
    model = run.log_model(str(weights))
    assert model.resource_name.startswith(f"projects/{PROJECT_A}/")


def test_log_model_for_another_project_is_denied(channel: Any, secured: SecuredServer) -> None:
    header = api.LogModelHeader(
        run=f"{parent(PROJECT_B)}/experiments/e-x/runs/r-1",
        model=pb.ExperimentModel(framework_name="custom", uri="gs://bucket/model"),
    )
    with pytest.raises(grpc.RpcError) as raised:
        stub(channel).LogModel(
            iter([api.LogModelRequest(header=header)]), metadata=bearer(secured.tokens.project_a), timeout=10
        )
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_reason(raised.value) == "PROJECT_NOT_ALLOWED"


# -- secrets stay out of the log --------------------------------------------------------------


def test_no_token_used_against_the_server_appears_in_its_log(channel: Any, secured: SecuredServer) -> None:
    """Every kind of token, accepted or refused, on a server logging at DEBUG."""
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tokens = [
        *vars(secured.tokens).values(),
        "exp_a-token-nobody-issued",
        secured.issuer.mint(TRAINER),
        secured.issuer.mint(TRAINER, kid="ec-1"),
        secured.issuer.mint(TRAINER, issued_ago=3600, lifetime=60),
        secured.issuer.mint(TRAINER, audience="someone-else"),
        secured.issuer.mint(TRAINER, kid="rsa-1", key=stranger),
    ]
    messages = []
    for token in tokens:
        for project in (PROJECT_A, PROJECT_B):
            try:
                list_experiments(channel, project, token)
            except grpc.RpcError as error:
                messages.append(error.details() or "")
    log = secured.process.log_path.read_text()
    assert "security: TLS, 4 static tokens" in log  # the log is the one this server writes
    for token in tokens:
        assert not any(token in message for message in messages)
        assert token not in log
        for piece in token.split("."):  # nor a JWT's payload or signature on its own
            if len(piece) > 16:
                assert piece not in log
