"""`exprun tensorboard` and the server's TensorBoard settings, as a user runs them."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import grpc
import pytest
from exprun.client import Experiment, ExperimentRun
from tensorboard.data import grpc_provider

from tests.api.conftest import LOCATION, PROJECT
from tests.support.server_process import ServerProcess, free_port
from tests.support.tensorboard_process import TensorBoardProcess


def test_without_tensorboard_it_prints_the_install_line() -> None:
    hide_tensorboard = (
        "import sys; sys.modules['tensorboard'] = None; "
        "from exprun.server.cli import main; sys.exit(main(['tensorboard']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", hide_tensorboard], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert "pip install 'exprun[tensorboard]'" in done.stderr


@pytest.fixture
def tensorboard(
    server: ServerProcess, tmp_path: pathlib.Path, experiment: Experiment
) -> Iterator[TensorBoardProcess]:
    process = TensorBoardProcess(
        server.target, tmp_path / "tensorboard.log", "--experiment", experiment.name, "--project", PROJECT
    )
    process.start()
    yield process
    process.stop()


def test_tensorboard_serves_the_experiment_it_was_given(
    tensorboard: TensorBoardProcess, experiment: Experiment
) -> None:
    ExperimentRun.create("run-1", experiment=experiment).log_time_series({"loss": [0.5, 0.25]}, steps=[1, 2])
    experiment_id = f"{PROJECT}.{LOCATION}.{experiment.name}"
    assert tensorboard.page_url == f"{tensorboard.url}experiment/{experiment_id}/"

    with urllib.request.urlopen(
        f"{tensorboard.page_url}data/plugin/scalars/scalars?run=run-1&tag=loss"
    ) as reply:
        points = json.load(reply)
    assert [(step, value) for _, step, value in points] == [(1, 0.5), (2, 0.25)]


def test_params_and_summary_metrics_reach_the_hparams_dashboard(
    tensorboard: TensorBoardProcess, experiment: Experiment
) -> None:
    for run_id, lr, acc in (("run-1", 0.1, 0.9), ("run-2", 0.01, 0.95)):
        run = ExperimentRun.create(run_id, experiment=experiment)
        run.log_params({"lr": lr, "opt": "adam"})
        run.log_metrics({"acc": acc})
    query = {"experimentName": "", "allowedStatuses": ["STATUS_UNKNOWN"], "colParams": [], "sliceSize": 10}
    request = urllib.request.Request(
        f"{tensorboard.page_url}data/plugin/hparams/session_groups",
        data=json.dumps(query).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as reply:
        groups = json.load(reply)["sessionGroups"]
    found = {
        group["name"]: (group["hparams"], {m["name"]["tag"]: m["value"] for m in group["metricValues"]})
        for group in groups
    }
    assert found == {
        "run-1": ({"lr": 0.1, "opt": "adam"}, {"summary/acc": pytest.approx(0.9)}),
        "run-2": ({"lr": 0.01, "opt": "adam"}, {"summary/acc": pytest.approx(0.95)}),
    }


def test_the_data_provider_can_be_turned_off(tmp_path: pathlib.Path) -> None:
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--no-tensorboard-data-provider")
    process.start()
    try:
        with grpc.insecure_channel(process.target) as channel:
            board = grpc_provider.GrpcDataProvider(process.target, grpc_provider.make_stub(channel))
            with pytest.raises(grpc.RpcError) as caught:
                board.list_runs(None, experiment_id=f"{PROJECT}.{LOCATION}.any-experiment")
        assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        process.terminate()


def test_a_default_experiment_that_is_no_experiment_name_is_refused_at_start() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "exprun.server",
            "serve",
            "--listen",
            f"127.0.0.1:{free_port()}",
            "--tensorboard-experiment",
            "churn-model",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--tensorboard-experiment" in done.stderr
    assert "EXPRUN_TENSORBOARD_EXPERIMENT" in done.stderr
