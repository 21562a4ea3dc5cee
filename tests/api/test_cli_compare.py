"""`exprun runs compare RUN...`: params and summary metrics side by side, against the real server."""

from __future__ import annotations

import json

import pytest
from exprun.client import Experiment, ExperimentRun
from exprun.server.cli import main

from tests.api.conftest import PROJECT
from tests.support.server_process import ServerProcess


@pytest.fixture
def two_runs(experiment: Experiment) -> Experiment:
    first = ExperimentRun.create("run-1", experiment=experiment)
    first.log_params({"lr": 0.1, "opt": "adam"})
    first.log_metrics({"acc": 0.9})
    first.end_run()
    second = ExperimentRun.create("run-2", experiment=experiment)
    second.log_params({"lr": 0.01, "layers": 4})
    second.log_metrics({"acc": 0.93, "f1": 0.8})
    return experiment


def _compare(capsys: pytest.CaptureFixture[str], server: ServerProcess, *argv: str) -> tuple[int, str, str]:
    code = main(["runs", "compare", *argv, "--target", server.target, "--project", PROJECT])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_compare_prints_each_key_with_one_column_a_run(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, two_runs: Experiment
) -> None:
    code, out, err = _compare(capsys, client, "run-1", "run-2", "--experiment", two_runs.name)

    assert (code, err) == (0, "")
    rows = [line.split() for line in out.splitlines() if line.strip()]
    assert rows[0] == ["run-1", "run-2"]
    assert rows[1] == ["state", "COMPLETE", "RUNNING"]
    assert ["lr", "0.1", "0.01"] in rows
    assert ["layers", "-", "4"] in rows
    assert ["opt", "adam", "-"] in rows
    assert ["acc", "0.9", "0.93"] in rows
    assert ["f1", "-", "0.8"] in rows
    assert out.index("Params") < out.index("layers") < out.index("Metrics") < out.index("f1")


def test_compare_as_json_lines_values_up_by_run(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, two_runs: Experiment
) -> None:
    code, out, _ = _compare(capsys, client, "run-2", "run-1", "--experiment", two_runs.name, "--json")

    assert code == 0
    data = json.loads(out)
    assert data["params"] == {"layers": [4, None], "lr": [0.01, 0.1], "opt": [None, "adam"]}
    assert data["metrics"] == {"acc": [0.93, 0.9], "f1": [0.8, None]}


def test_compare_of_a_missing_run_is_one_error_line(
    capsys: pytest.CaptureFixture[str], client: ServerProcess, two_runs: Experiment
) -> None:
    code, out, err = _compare(capsys, client, "run-1", "no-such-run", "--experiment", two_runs.name)

    assert code == 1
    assert out == ""
    assert err.startswith("error: ")
    assert "no-such-run" in err
