"""`exprun experiments list`, `exprun runs list` and `exprun runs show` against the real server."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest
from exprun.client import Experiment, ExperimentRun
from exprun.server.cli import main

from tests.api.conftest import PROJECT
from tests.support.server_process import ServerProcess, free_port


def _run(capsys: pytest.CaptureFixture[str], server: ServerProcess, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--target", server.target, "--project", PROJECT])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def logged_run(experiment: Experiment) -> ExperimentRun:
    run = ExperimentRun.create("run-1", experiment=experiment)
    run.log_params({"lr": 0.1, "epochs": 3, "opt": "adam"})
    run.log_metrics({"acc": 0.9})
    run.log_time_series({"loss": [0.5, 0.4, 0.3]}, steps=[1, 2, 3])
    run.log_time_series_metrics({"acc": 0.7}, step=7)
    run.end_run()
    return run


def test_experiments_list_prints_an_aligned_table(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, experiment: Experiment
) -> None:
    code, out, err = _run(capsys, client, "experiments", "list")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["EXPERIMENT", "CREATED", "BACKING", "TENSORBOARD", "DESCRIPTION"]
    (row,) = [line for line in lines if line.startswith(experiment.name + " ")]
    assert lines[0].index("CREATED") == row.index(_day(experiment))


def _day(experiment: Experiment) -> str:
    assert experiment.create_time is not None
    return experiment.create_time.strftime("%Y-%m-%d")


def test_experiments_list_json(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, experiment: Experiment
) -> None:
    code, out, _ = _run(capsys, client, "experiments", "list", "--json")

    assert code == 0
    (listed,) = [e for e in json.loads(out) if e["experiment_id"] == experiment.name]
    assert listed["name"] == experiment.exprun_name
    assert datetime.datetime.fromisoformat(listed["create_time"]) == experiment.create_time


def test_runs_list_shows_state_per_run(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, logged_run: ExperimentRun
) -> None:
    ExperimentRun.create("run-2", experiment=logged_run.experiment)

    code, out, _ = _run(capsys, client, "runs", "list", "--experiment", logged_run.experiment)

    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["RUN", "STATE", "CREATED", "UPDATED", "TIME", "SERIES"]
    assert [line.split()[:2] for line in lines[1:]] == [["run-1", "COMPLETE"], ["run-2", "RUNNING"]]


def test_runs_list_takes_the_experiment_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    client: ServerProcess,
    logged_run: ExperimentRun,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXPRUN_EXPERIMENT", logged_run.experiment)

    code, out, _ = _run(capsys, client, "runs", "list", "--json")

    assert code == 0
    assert [r["run_id"] for r in json.loads(out)] == ["run-1"]


def test_runs_show_prints_params_metrics_and_series_summaries(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, logged_run: ExperimentRun
) -> None:
    code, out, _ = _run(capsys, client, "runs", "show", "run-1", "--experiment", logged_run.experiment)

    assert code == 0
    words = [line.split() for line in out.splitlines()]
    assert ["State:", "COMPLETE"] in words
    assert ["Name:", logged_run.exprun_name] in words
    assert ["lr", "0.1"] in words
    assert ["epochs", "3"] in words
    assert ["opt", "adam"] in words
    assert ["acc", "0.9"] in words
    assert ["METRIC", "POINTS", "LAST", "STEP", "LAST", "VALUE"] in words
    assert ["loss", "3", "3", "0.3"] in words
    assert ["acc", "1", "7", "0.7"] in words


def test_runs_show_json_by_full_name(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, logged_run: ExperimentRun
) -> None:
    code, out, _ = _run(capsys, client, "runs", "show", logged_run.exprun_name, "--json")

    shown = json.loads(out)
    assert code == 0
    assert shown["state"] == "COMPLETE"
    assert shown["params"] == {"lr": 0.1, "epochs": 3, "opt": "adam"}
    assert shown["metrics"] == {"acc": 0.9}
    assert shown["time_series"] == [
        {"metric": "acc", "points": 1, "last_step": 7, "last_value": 0.7},
        {"metric": "loss", "points": 3, "last_step": 3, "last_value": 0.3},
    ]


def test_the_default_project_is_local_project(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, unique_name: Callable[[str], str]
) -> None:
    local = Experiment.create(unique_name("e"), project="local-project")

    code = main(["experiments", "list", "--json", "--target", client.target])

    assert code == 0
    assert local.exprun_name in [e["name"] for e in json.loads(capsys.readouterr().out)]


def test_a_missing_run_is_one_line_on_stderr_and_exit_1(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, experiment: Experiment
) -> None:
    code, out, err = _run(capsys, client, "runs", "show", "nope", "--experiment", experiment.name)

    assert (code, out) == (1, "")
    assert err == f"error: NOT_FOUND: Run {experiment.exprun_name}/runs/nope not found\n"


def test_a_missing_experiment_option_is_an_error(
    capsys: pytest.CaptureFixture[str], client: ServerProcess
) -> None:
    code, _, err = _run(capsys, client, "runs", "list")

    assert code == 1
    assert err == "error: --experiment is required (or set EXPRUN_EXPERIMENT)\n"


def test_an_unreachable_server_is_an_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["experiments", "list", "--target", f"127.0.0.1:{free_port()}", "--project", PROJECT])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: UNAVAILABLE: ")
    assert len(err.splitlines()) == 1
