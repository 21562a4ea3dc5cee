"""The security building blocks in-process: which projects a request names, how grants add up,
static token lookup, and the principal handed to the rest of the request."""

from __future__ import annotations

import asyncio
import hashlib
import json
import pathlib
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from exprun.server.core.errors import PermissionDenied, Unauthenticated
from exprun.server.core.names import ExperimentName
from exprun.server.core.tensorboard import ExperimentIds
from exprun.server.security import context, resources
from exprun.server.security.identity import Identity
from exprun.server.security.interceptor import Authenticator, AuthInterceptor
from exprun.server.security.policy import Policy
from exprun.server.security.tokens import StaticTokens
from exprun.server.tensorboard_proto import data_provider_pb2 as tb
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb

RUN_A = "projects/proj-a/locations/us-central1/experiments/e/runs/r"


# -- the projects a request names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_message", "expected"),
    [
        (api.GetRunRequest(name=RUN_A), {"proj-a"}),
        (api.ListExperimentsRequest(parent="projects/proj-b/locations/l"), {"proj-b"}),
        (api.LogParamsRequest(run=RUN_A), {"proj-a"}),
        (api.StreamTimeSeriesRequest(open=api.StreamOpen(run=RUN_A, writer_id="w")), {"proj-a"}),
        (api.LogModelRequest(header=api.LogModelHeader(run=RUN_A)), {"proj-a"}),
        (
            api.LogPipelineJobRequest(run=RUN_A, pipeline_job="projects/proj-c/locations/l/pipelineJobs/j"),
            {"proj-a", "proj-c"},
        ),
        (
            api.CreateExperimentRequest(
                parent="projects/proj-a/locations/l",
                experiment=pb.Experiment(backing_tensorboard="projects/proj-d/locations/l/tensorboards/1"),
            ),
            {"proj-a", "proj-d"},
        ),
        (api.GetRunRequest(), set()),
    ],
)
def test_every_resource_reference_names_its_project(request_message: Any, expected: set[str]) -> None:
    assert resources.projects(request_message) == expected


def test_user_data_that_looks_like_a_name_is_not_a_reference() -> None:
    """Params, metric names, free text and Struct metadata are the user's, whatever they say."""
    lookalike = "projects/not-a-reference/x"
    params = api.LogParamsRequest(run=RUN_A, params={"p": pb.Value(string_value=lookalike)})
    assert resources.projects(params) == {"proj-a"}
    read = api.ReadTimeSeriesRequest(run=RUN_A, metrics=[lookalike])
    assert resources.projects(read) == {"proj-a"}
    created = api.CreateExperimentRequest(
        parent="projects/proj-a/locations/l", experiment=pb.Experiment(description=lookalike)
    )
    assert resources.projects(created) == {"proj-a"}
    execution = pb.Execution(display_name=lookalike)
    execution.metadata.update({"k": lookalike})
    assert resources.projects(api.AssociateExecutionRequest(run=RUN_A, execution=execution)) == {"proj-a"}


# -- grants -----------------------------------------------------------------------------------


def test_policy_globs_and_inline_grants_add_up(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(
        json.dumps(
            {
                "principals": {
                    "system:serviceaccount:team-a:*": ["proj-a"],
                    "system:serviceaccount:*:auditor": "*",
                    "ci-bot": ["proj-ci"],
                }
            }
        )
    )
    policy = Policy.load(path)
    trainer = Identity("system:serviceaccount:team-a:trainer", frozenset({"proj-x"}))
    assert policy.projects(trainer) == {"proj-a", "proj-x"}
    assert policy.allows(trainer, "proj-x")
    assert not policy.allows(trainer, "proj-ci")
    assert policy.allows(Identity("system:serviceaccount:team-b:auditor"), "anything-at-all")
    assert not policy.allows(Identity("system:serviceaccount:team-a-evil:trainer"), "proj-a")
    assert not policy.allows(Identity("CI-BOT"), "proj-ci")  # case-sensitive


def test_static_tokens_are_found_by_hash_and_nothing_else(tmp_path: pathlib.Path) -> None:
    token = "exp_the-real-token"
    digest = hashlib.sha256(token.encode()).hexdigest()
    path = tmp_path / "tokens.json"
    path.write_text(
        json.dumps({"tokens": [{"sha256": digest.upper(), "principal": "bot", "projects": ["proj-a"]}]})
    )
    tokens = StaticTokens.load(path)
    assert tokens.lookup(token) == Identity("bot", frozenset({"proj-a"}))
    assert tokens.lookup(digest) is None  # the hash itself is no token
    assert tokens.lookup(token + " ") is None


# -- the interceptor --------------------------------------------------------------------------


@dataclass
class CallDetails:
    method: str
    invocation_metadata: tuple[tuple[str, str], ...]


@dataclass
class ServicerContext:
    """What the interceptor reads of grpc.aio's servicer context: the call's own metadata."""

    metadata: tuple[tuple[str, str], ...]

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return self.metadata


def tokens_for(tmp_path: pathlib.Path, **principals: str) -> StaticTokens:
    entries = [
        {"sha256": hashlib.sha256(token.encode()).hexdigest(), "principal": name, "projects": ["proj-a"]}
        for name, token in principals.items()
    ]
    (tmp_path / "tokens.json").write_text(json.dumps({"tokens": entries}))
    return StaticTokens.load(tmp_path / "tokens.json")


async def intercepted(
    interceptor: AuthInterceptor, method: str, metadata: tuple[tuple[str, str], ...]
) -> Any:
    seen: dict[str, Any] = {}

    async def behaviour(request: Any, ctx: Any) -> str:
        seen["principal"] = context.principal.get()
        return "ok"

    async def continuation(details: Any) -> Any:
        return grpc.unary_unary_rpc_method_handler(behaviour)

    handler = await interceptor.intercept_service(continuation, CallDetails(method, metadata))
    return handler, seen, ServicerContext(metadata)


@pytest.fixture
def interceptor(tmp_path: pathlib.Path) -> AuthInterceptor:
    return AuthInterceptor(Authenticator(tokens_for(tmp_path, bot="exp_bot-token"), None), Policy.empty())


async def test_the_principal_is_visible_to_the_handler_and_after_it(interceptor: AuthInterceptor) -> None:
    async def call() -> tuple[Any, Any, str | None]:
        handler, seen, ctx = await intercepted(
            interceptor,
            "/exprun.v1.ExperimentRunService/GetRun",
            (("authorization", "Bearer exp_bot-token"),),
        )
        result = await handler.unary_unary(api.GetRunRequest(name=RUN_A), ctx)
        return result, seen, context.principal.get()

    result, seen, after = await asyncio.create_task(call())  # a task per RPC, as in grpc.aio
    assert result == "ok"
    assert seen["principal"] == "bot"
    assert after == "bot"  # an outer interceptor's end-of-request log line still sees it
    assert context.principal.get() is None  # and it never leaks out of the RPC's task


async def test_each_call_is_checked_with_its_own_token(tmp_path: pathlib.Path) -> None:
    """The wrapped handler is built once per method and reused; the token must still be each
    call's own, never the first caller's."""
    interceptor = AuthInterceptor(
        Authenticator(tokens_for(tmp_path, bot="exp_bot-token", other="exp_other-token"), None),
        Policy.empty(),
    )
    method = "/exprun.v1.ExperimentRunService/GetRun"
    served = grpc.unary_unary_rpc_method_handler(lambda request, ctx: _principal())

    async def continuation(details: Any) -> Any:
        return served  # grpc's generic handler: the same object for every call of a method

    async def call(metadata: tuple[tuple[str, str], ...]) -> Any:
        handler = await interceptor.intercept_service(continuation, CallDetails(method, metadata))
        return handler, await asyncio.create_task(
            handler.unary_unary(api.GetRunRequest(name=RUN_A), ServicerContext(metadata))
        )

    first, principal = await call((("authorization", "Bearer exp_bot-token"),))
    second, other = await call((("authorization", "Bearer exp_other-token"),))
    assert second is first
    assert (principal, other) == ("bot", "other")
    with pytest.raises(Unauthenticated):
        await call(())


async def _principal() -> str | None:
    return context.principal.get()


async def test_health_is_passed_through_untouched(interceptor: AuthInterceptor) -> None:
    handler, seen, ctx = await intercepted(interceptor, "/grpc.health.v1.Health/Check", ())
    assert await handler.unary_unary(object(), ctx) == "ok"
    assert seen["principal"] is None


async def test_a_denied_call_never_reaches_the_handler(interceptor: AuthInterceptor) -> None:
    handler, seen, ctx = await intercepted(
        interceptor, "/exprun.v1.ExperimentRunService/GetRun", (("authorization", "Bearer exp_bot-token"),)
    )
    with pytest.raises(PermissionDenied):
        await handler.unary_unary(
            api.GetRunRequest(name="projects/proj-b/locations/l/experiments/e/runs/r"), ctx
        )
    assert seen == {}


async def test_two_authorization_entries_are_refused(interceptor: AuthInterceptor) -> None:
    metadata = (("authorization", "Bearer exp_bot-token"), ("authorization", "Bearer exp_other"))
    with pytest.raises(Unauthenticated) as raised:
        await interceptor.authenticator.authenticate(metadata)
    assert raised.value.reason == "TOKEN_MALFORMED"


# -- TensorBoard's data provider names its experiment by ID -----------------------------------


@pytest.mark.parametrize(
    ("experiment_id", "expected"),
    [
        ("proj-a.us-central1.exp-1", {"proj-a"}),
        ("", {"proj-default"}),  # the server's --tensorboard-experiment
        ("no.such.Experiment", set()),  # names nothing: NOT_FOUND after authentication
        ("projects/proj-a", set()),
    ],
)
def test_a_tensorboard_experiment_id_names_its_project(experiment_id: str, expected: set[str]) -> None:
    ids = ExperimentIds(ExperimentName("proj-default", "us-central1", "exp-default"))
    for request in (
        tb.ReadScalarsRequest(experiment_id=experiment_id),
        tb.ListRunsRequest(experiment_id=experiment_id),
        tb.GetExperimentRequest(experiment_id=experiment_id),
    ):
        assert resources.projects(request, ids) == expected
    assert resources.projects(tb.ReadBlobRequest(blob_key="projects/proj-a"), ids) == set()
