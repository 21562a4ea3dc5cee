"""The client's copies of server values match the server's: a limit raised on one side only
would make the client split requests the server then refuses, or waste round trips."""

from __future__ import annotations

from exprun.client import _limits
from exprun.server.core import limits
from exprun.server.settings import Settings
from exprun.server.transport import stream_codec
from exprun.v1 import experiment_run_service_pb2 as api


def test_the_client_splits_writes_and_batches_at_the_servers_limits() -> None:
    assert _limits.MAX_POINTS_PER_WRITE == limits.UNARY_WRITE_MAX_POINTS
    assert _limits.MAX_STREAM_BATCH_POINTS == limits.STREAM_BATCH_MAX_POINTS


def test_the_client_calls_the_default_address_and_the_stream_method_the_server_serves() -> None:
    assert Settings().listen == _limits.DEFAULT_TARGET
    method = api.DESCRIPTOR.services_by_name["ExperimentRunService"].methods_by_name[stream_codec.METHOD]
    assert f"/{method.containing_service.full_name}/{method.name}" == _limits.STREAM_METHOD
    assert f"/{stream_codec.SERVICE}/{stream_codec.METHOD}" == _limits.STREAM_METHOD
