"""TensorBoard's data provider on a secured server (TLS, tokens, policy): the same tokens and
project policy as every other RPC, and `exprun tensorboard`'s forwarder, which lets TensorBoard
(that sends no token) read with one."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from exprun.client import Experiment, ExperimentRun, _config, init
from exprun.server.cli.tensorboard_proxy import Forwarder
from tensorboard import errors as tb_errors
from tensorboard.data import grpc_provider

from tests.security.conftest import PROJECT_A, PROJECT_B, SecuredServer
from tests.security.security_support import LOCATION

SCALARS = "scalars"


@pytest.fixture(scope="module")
def experiment_id(secured: SecuredServer) -> str:
    """An experiment in PROJECT_A with one run and one curve, written with the admin token."""
    _config.reset()
    init(
        target=secured.process.target,
        project=PROJECT_A,
        location=LOCATION,
        credentials=secured.authority.channel_credentials(),
        token=secured.tokens.admin,
    )
    experiment = Experiment.create(f"tb-{uuid.uuid4().hex[:8]}")
    ExperimentRun.create("run-1", experiment=experiment).log_time_series({"loss": [3.0, 2.0, 1.0]})
    _config.reset()
    return f"{PROJECT_A}.{LOCATION}.{experiment.name}"


def _board(channel: Any) -> grpc_provider.GrpcDataProvider:
    return grpc_provider.GrpcDataProvider("test", grpc_provider.make_stub(channel))


@pytest.fixture
def forwarded(secured: SecuredServer) -> Iterator[Any]:
    """`exprun tensorboard`'s forwarder with a given token; TensorBoard's channel to it is plain."""
    opened: list[tuple[Forwarder, grpc.Channel]] = []

    def connect(token: str | None) -> grpc_provider.GrpcDataProvider:
        forwarder = Forwarder(
            secured.process.target,
            token=token,
            tls=True,
            ca_file=secured.authority.cert_path,
            listen="127.0.0.1:0",
        )
        forwarder.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{forwarder.port}")
        opened.append((forwarder, channel))
        return _board(channel)

    yield connect
    for forwarder, channel in opened:
        channel.close()
        forwarder.stop()


def test_tensorboard_without_a_token_is_unauthenticated(secured: SecuredServer, experiment_id: str) -> None:
    credentials = secured.authority.channel_credentials()
    with (
        grpc.secure_channel(secured.process.target, credentials) as channel,
        pytest.raises(grpc.RpcError) as caught,
    ):
        _board(channel).list_runs(None, experiment_id=experiment_id)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_token_for_the_project_reads_through_the_forwarder(
    secured: SecuredServer, experiment_id: str, forwarded: Any
) -> None:
    board = forwarded(secured.tokens.project_a)
    assert [run.run_name for run in board.list_runs(None, experiment_id=experiment_id)] == ["run-1"]
    read = board.read_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=100)
    assert [point.value for point in read["run-1"]["loss"]] == [3.0, 2.0, 1.0]


def test_a_token_for_another_project_is_permission_denied(
    secured: SecuredServer, experiment_id: str, forwarded: Any
) -> None:
    board = forwarded(secured.tokens.policy_granted)  # the policy grants PROJECT_B only
    calls: list[Callable[[], object]] = [
        lambda: board.list_runs(None, experiment_id=experiment_id),
        lambda: board.read_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=10),
        lambda: board.experiment_metadata(None, experiment_id=experiment_id),
    ]
    for call in calls:
        with pytest.raises(tb_errors.PermissionDeniedError, match=PROJECT_A):
            call()
    # Its own project is allowed: an experiment there that does not exist is just not found.
    with pytest.raises(tb_errors.NotFoundError):
        board.list_runs(None, experiment_id=f"{PROJECT_B}.{LOCATION}.no-such-experiment")


def test_a_wrong_token_is_unauthenticated_through_the_forwarder(experiment_id: str, forwarded: Any) -> None:
    board = forwarded("not-a-valid-token")
    with pytest.raises(grpc.RpcError) as caught:
        board.list_runs(None, experiment_id=experiment_id)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
