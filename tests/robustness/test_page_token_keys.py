"""Page tokens are signed with a key every replica shares: a token from one server pages on at
another with the same key (and after a restart), and is refused by one with another key."""

from __future__ import annotations

import logging
import pathlib
import stat
import subprocess
import sys

import grpc
import pytest
from exprun.server.core.errors import InvalidArgument
from exprun.server.security.page_token_key import DATA_DIR_KEY, page_tokens
from exprun.server.settings import Settings
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc

from tests.support.server_process import ServerProcess

PARENT = "projects/token-tests/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/paged"


def _fill(server: ServerProcess) -> None:
    with grpc.insecure_channel(server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="paged"))
        for run_id in ("r1", "r2", "r3"):
            stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id=run_id))


def _page(server: ServerProcess, token: str = "") -> api.ListRunsResponse:
    with grpc.insecure_channel(server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        response: api.ListRunsResponse = stub.ListRuns(
            api.ListRunsRequest(parent=EXPERIMENT, page_size=2, page_token=token), timeout=10
        )
        return response


def _server(tmp_path: pathlib.Path, name: str, *args: str) -> ServerProcess:
    server = ServerProcess(tmp_path / name, tmp_path / f"{name}.log", *args)
    server.start()
    _fill(server)
    return server


def test_replicas_sharing_a_key_file_accept_each_others_tokens(tmp_path: pathlib.Path) -> None:
    key = tmp_path / "page-token-key"
    key.write_text("k" * 48 + "\n")
    servers = [
        _server(tmp_path, "a", "--page-token-key-file", str(key)),
        _server(tmp_path, "b", "--page-token-key-file", str(key)),
        _server(tmp_path, "c"),
    ]
    try:
        token = _page(servers[0]).next_page_token
        assert [r.run_id for r in _page(servers[1], token).runs] == ["r3"]
        with pytest.raises(grpc.RpcError) as refused:
            _page(servers[2], token)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "page_token" in (refused.value.details() or "")
    finally:
        for server in servers:
            server.terminate()


def test_the_embedded_store_keeps_its_key_private_and_across_restarts(tmp_path: pathlib.Path) -> None:
    server = _server(tmp_path, "data")
    try:
        token = _page(server).next_page_token
        server.restart_after_kill()
        assert [r.run_id for r in _page(server, token).runs] == ["r3"]
    finally:
        server.terminate()
    mode = (tmp_path / "data" / DATA_DIR_KEY).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


@pytest.mark.parametrize("content", [None, "too short\n"])
def test_an_unusable_key_file_stops_serve_naming_the_setting(
    tmp_path: pathlib.Path, content: str | None
) -> None:
    key = tmp_path / "key"
    if content is not None:
        key.write_text(content)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "exprun.server",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--page-token-key-file",
            str(key),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "--page-token-key-file / EXPRUN_PAGE_TOKEN_KEY_FILE" in result.stderr


def test_a_vertex_replica_without_a_key_file_warns_that_tokens_stay_with_it(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="exprun.server.security"):
        tokens = page_tokens(Settings(store="vertex", data_dir=tmp_path / "unused"))
    assert "refused by other replicas" in caplog.text
    assert not (tmp_path / "unused").exists()
    other = page_tokens(Settings(store="vertex", data_dir=tmp_path / "unused"))
    token = tokens.encode("10", "scope")
    assert tokens.decode(token, "scope") == "10"
    with pytest.raises(InvalidArgument) as refused:
        other.decode(token, "scope")
    assert refused.value.violations[0].field == "page_token"
