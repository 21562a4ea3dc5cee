"""Typed errors and call settings, over a real gRPC round trip to a scripted in-process server.

The scripted server answers `GetRun` with whatever status a test asks for, so every mapping of
a rich status to a typed exception is exercised on the wire, independently of the exprun server.
"""

from __future__ import annotations

import concurrent.futures
import datetime
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from exprun.client import ExperimentRun, _config, errors, init
from exprun.v1 import experiment_run_service_pb2 as service_pb2
from exprun.v1 import resources_pb2
from google.api_core import exceptions as api_exceptions
from google.auth import credentials as google_credentials
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from tests.support.server_process import free_port

Behaviour = Callable[[service_pb2.GetRunRequest, Any], resources_pb2.Run]


class ScriptedServer:
    def __init__(self) -> None:
        self.behaviour: Behaviour = lambda request, context: resources_pb2.Run(name=request.name)
        self.target = f"127.0.0.1:{free_port()}"
        self.server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=2))
        handler = grpc.unary_unary_rpc_method_handler(
            lambda request, context: self.behaviour(request, context),
            request_deserializer=service_pb2.GetRunRequest.FromString,
            response_serializer=resources_pb2.Run.SerializeToString,
        )
        self.server.add_generic_rpc_handlers(
            [grpc.method_handlers_generic_handler("exprun.v1.ExperimentRunService", {"GetRun": handler})]
        )
        self.server.add_insecure_port(self.target)


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    server.server.start()
    yield server
    server.server.stop(None)


@pytest.fixture(autouse=True)
def settings(scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("EXPRUN_TARGET", "EXPRUN_PROJECT", "EXPRUN_LOCATION", "EXPRUN_EXPERIMENT"):
        monkeypatch.delenv(name, raising=False)
    _config.reset()
    init(target=scripted.target, project="my-project", experiment=None)
    yield
    _config.reset()


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def _abort_with(code: int, message: str, *details: Any) -> Behaviour:
    def behaviour(request: service_pb2.GetRunRequest, context: Any) -> resources_pb2.Run:
        status = status_pb2.Status(code=code, message=message, details=[_pack(d) for d in details])
        context.abort_with_status(rpc_status.to_status(status))
        raise AssertionError("abort_with_status returns only by raising")

    return behaviour


def test_rich_status_details_land_on_the_typed_error(scripted: ScriptedServer) -> None:
    scripted.behaviour = _abort_with(
        code_pb2.INVALID_ARGUMENT,
        "name: run ID 'Run.1' is not valid",
        error_details_pb2.ErrorInfo(reason="BAD_RUN_ID", domain="exprun.dev", metadata={"k": "v"}),
        error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field="name", description="bad id"),
                error_details_pb2.BadRequest.FieldViolation(field="other", description="also bad"),
            ]
        ),
    )

    with pytest.raises(errors.InvalidArgument) as caught:
        ExperimentRun("Run.1", "exp1")

    error = caught.value
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert (error.reason, error.domain, error.metadata) == ("BAD_RUN_ID", "exprun.dev", {"k": "v"})
    assert error.field_violations == [("name", "bad id"), ("other", "also bad")]
    assert str(error) == "INVALID_ARGUMENT: name: run ID 'Run.1' is not valid"
    assert isinstance(error, ValueError)
    assert isinstance(error, api_exceptions.InvalidArgument)
    assert error.http_code == 400
    assert [type(d).__name__ for d in error.details] == ["ErrorInfo", "BadRequest"]


def test_an_sdk_style_not_found_handler_catches_a_missing_run(scripted: ScriptedServer) -> None:
    scripted.behaviour = _abort_with(code_pb2.NOT_FOUND, "Run run-1 not found")

    try:
        ExperimentRun("run-1", "exp1")
    except api_exceptions.NotFound as missing:
        caught: Exception = missing
    assert isinstance(caught, errors.NotFound)
    assert caught.grpc_status_code == grpc.StatusCode.NOT_FOUND


def grpc_code(code: int) -> grpc.StatusCode:
    return next(c for c in grpc.StatusCode if c.value[0] == code)


class RotatingCredentials(google_credentials.Credentials):
    """google.auth credentials whose every refresh hands out the next token, like a
    service account's short-lived access tokens."""

    def __init__(self, tokens: list[str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.tokens = list(tokens)
        self.refreshes = 0

    def refresh(self, request: Any) -> None:
        self.token = self.tokens[self.refreshes]
        self.refreshes += 1
        self.expiry = None

    def expire(self) -> None:
        self.expiry = datetime.datetime(2000, 1, 1)


def recorded_tokens(scripted: ScriptedServer) -> list[str]:
    seen: list[str] = []

    def record(request: service_pb2.GetRunRequest, context: Any) -> resources_pb2.Run:
        seen.append(dict(context.invocation_metadata()).get("authorization", ""))
        return resources_pb2.Run(name=request.name)

    scripted.behaviour = record
    return seen


def test_google_credentials_send_their_token_refreshed_when_it_expires(scripted: ScriptedServer) -> None:
    seen = recorded_tokens(scripted)
    credentials = RotatingCredentials(["first", "second"])
    init(credentials=credentials)

    run = ExperimentRun("run-1", "exp1")
    run.refresh()
    credentials.expire()
    run.refresh()

    assert seen == ["Bearer first", "Bearer first", "Bearer second"]
    assert credentials.refreshes == 2


def test_per_call_credentials_override_those_from_init_for_that_object(scripted: ScriptedServer) -> None:
    seen = recorded_tokens(scripted)
    init(credentials=RotatingCredentials(["from-init"]))

    ExperimentRun("run-1", "exp1", credentials=RotatingCredentials(["per-call"])).refresh()
    ExperimentRun("run-1", "exp1")

    assert seen == ["Bearer per-call", "Bearer per-call", "Bearer from-init"]


def test_anonymous_credentials_send_no_token(scripted: ScriptedServer) -> None:
    seen = recorded_tokens(scripted)
    init(credentials=google_credentials.AnonymousCredentials())  # type: ignore[no-untyped-call]

    ExperimentRun("run-1", "exp1")

    assert seen == [""]


def test_other_credentials_objects_are_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"google.auth credentials .* or grpc.ChannelCredentials"):
        init(credentials="token")


def test_sdk_only_init_keywords_are_accepted_with_one_warning_each(scripted: ScriptedServer) -> None:
    with pytest.warns(UserWarning, match="ignored") as warned:
        init(
            staging_bucket="gs://my-bucket",
            encryption_spec_key_name="projects/p/locations/l/keyRings/r/cryptoKeys/k",
            network="projects/1/global/networks/n",
            service_account="trainer@p.iam.gserviceaccount.com",
            api_transport="rest",
            request_metadata=[("x-team", "ml")],
        )

    messages = sorted(str(w.message).split(" ")[0] for w in warned)
    assert messages == [
        "api_transport='rest'",
        "encryption_spec_key_name",
        "network",
        "service_account",
        "staging_bucket",
    ]
    assert ("x-team", "ml") in _config.static_metadata()


def test_a_full_server_disk_is_resource_exhausted_with_its_reason_and_retry_delay(
    scripted: ScriptedServer,
) -> None:
    delay = duration_pb2.Duration(seconds=2, nanos=500_000_000)
    scripted.behaviour = _abort_with(
        code_pb2.RESOURCE_EXHAUSTED,
        "the server's storage is full",
        error_details_pb2.ErrorInfo(reason="STORAGE_FULL", domain="exprun.dev"),
        error_details_pb2.RetryInfo(retry_delay=delay),
    )

    with pytest.raises(errors.ResourceExhausted) as caught:
        ExperimentRun("run-1", "exp1")

    assert caught.value.reason == "STORAGE_FULL"
    assert caught.value.retry_delay == 2.5


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (code_pb2.NOT_FOUND, errors.NotFound),
        (code_pb2.ALREADY_EXISTS, errors.AlreadyExists),
        (code_pb2.FAILED_PRECONDITION, errors.FailedPrecondition),
        (code_pb2.PERMISSION_DENIED, errors.PermissionDenied),
        (code_pb2.UNAUTHENTICATED, errors.Unauthenticated),
        (code_pb2.RESOURCE_EXHAUSTED, errors.ResourceExhausted),
        (code_pb2.ABORTED, errors.Aborted),
        (code_pb2.INTERNAL, errors.Internal),
        (code_pb2.UNAVAILABLE, errors.Unavailable),
        (code_pb2.DATA_LOSS, errors.DataLoss),
        (code_pb2.DEADLINE_EXCEEDED, errors.DeadlineExceeded),
        (code_pb2.UNIMPLEMENTED, errors.Unimplemented),
    ],
)
def test_each_code_raises_its_own_class(
    scripted: ScriptedServer, code: int, expected: type[errors.ExprunError]
) -> None:
    scripted.behaviour = _abort_with(code, "boom")

    with pytest.raises(errors.ExprunError) as caught:
        ExperimentRun("run-1", "exp1")

    assert type(caught.value) is expected
    # Code written against the SDK catches it by the google.api_core class of the same code.
    assert isinstance(
        caught.value,
        api_exceptions.exception_class_for_grpc_status(grpc_code(code)),  # type: ignore[no-untyped-call]
    )
    assert caught.value.message == "boom"
    assert caught.value.field_violations == []
    assert caught.value.retry_delay is None


def test_a_plain_status_without_details_still_has_code_and_message(scripted: ScriptedServer) -> None:
    def plain(request: service_pb2.GetRunRequest, context: Any) -> resources_pb2.Run:
        context.abort(grpc.StatusCode.NOT_FOUND, "Run x not found")
        raise AssertionError("abort returns only by raising")

    scripted.behaviour = plain

    assert ExperimentRun.get("run-1", "exp1") is None
    with pytest.raises(errors.NotFound, match=r"^NOT_FOUND: Run x not found$") as caught:
        ExperimentRun("run-1", "exp1")
    assert caught.value.reason == ""


def test_an_unreachable_server_is_unavailable() -> None:
    init(target=f"127.0.0.1:{free_port()}")

    with pytest.raises(errors.Unavailable):
        ExperimentRun("run-1", "exp1")


def test_bare_ids_are_completed_from_defaults_and_the_token_is_sent(
    scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, str] = {}

    def record(request: service_pb2.GetRunRequest, context: Any) -> resources_pb2.Run:
        seen.update(dict(context.invocation_metadata()))
        return resources_pb2.Run(name=request.name)

    scripted.behaviour = record
    monkeypatch.setenv("EXPRUN_EXPERIMENT", "exp1")
    init(location="europe-west4", token="s3cret", metadata=[("x-team", "ml")])

    run = ExperimentRun("run-1")

    assert run.exprun_name == "projects/my-project/locations/europe-west4/experiments/exp1/runs/run-1"
    assert seen["authorization"] == "Bearer s3cret"
    assert seen["x-team"] == "ml"


def test_a_full_run_name_is_used_as_given(scripted: ScriptedServer) -> None:
    name = "projects/other-project/locations/us-east1/experiments/e2/runs/r2"

    run = ExperimentRun(name)

    assert (run.exprun_name, run.project, run.location, run.experiment) == (
        name,
        "other-project",
        "us-east1",
        "e2",
    )


def test_environment_variables_are_the_defaults(
    monkeypatch: pytest.MonkeyPatch, scripted: ScriptedServer
) -> None:
    _config.reset()
    monkeypatch.setenv("EXPRUN_TARGET", scripted.target)
    monkeypatch.setenv("EXPRUN_PROJECT", "env-project")
    monkeypatch.setenv("EXPRUN_LOCATION", "asia-east1")
    monkeypatch.setenv("EXPRUN_EXPERIMENT", "env-exp")

    run = ExperimentRun("run-1")

    assert run.exprun_name == "projects/env-project/locations/asia-east1/experiments/env-exp/runs/run-1"


def test_a_missing_project_is_a_clear_error() -> None:
    _config.reset()

    with pytest.raises(ValueError, match="No project is set"):
        ExperimentRun("run-1", "exp1")


def test_a_missing_experiment_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="No experiment is set"):
        ExperimentRun("run-1")


def test_init_changes_only_what_it_is_given() -> None:
    init(location="europe-west4")
    init(project="second-project")

    assert (_config.project(), _config.location()) == ("second-project", "europe-west4")


def test_one_channel_is_shared_per_target() -> None:
    assert _config.channel("127.0.0.1:1") is _config.channel("127.0.0.1:1")
    assert _config.channel("127.0.0.1:1") is not _config.channel("127.0.0.1:2")
