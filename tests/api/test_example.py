"""`examples/train_small.py` logs a complete run against a real server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from exprun.client import ExperimentRun, RunState

from examples import train_small
from tests.api.conftest import PROJECT
from tests.support.server_process import ServerProcess


def test_the_example_logs_a_complete_run_and_prints_how_to_show_it(
    client: ServerProcess, unique_name: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    experiment = unique_name("e")

    code = train_small.main(
        [
            "--target",
            client.target,
            "--project",
            PROJECT,
            "--experiment",
            experiment,
            "--run",
            "demo",
            "--epochs",
            "3",
        ]
    )

    assert code == 0
    run = ExperimentRun("demo", experiment, project=PROJECT)
    assert run.state == RunState.COMPLETE
    assert run.get_params()["model"] == "logistic-regression"
    assert run.get_metrics()["epoch"] == 3
    series = run.read_time_series()
    assert sorted(series) == ["train_accuracy", "train_loss", "val_accuracy", "val_loss"]
    assert len(series["train_loss"]) == 3 * 20
    (metrics,) = run.get_classification_metrics()
    assert metrics["labels"] == ["negative", "positive"]
    assert sum(sum(row) for row in metrics["matrix"]) == 200
    assert [m.model_file for m in run.get_experiment_models()] == ["weights.json"]
    assert f"exprun runs show demo --experiment {experiment}" in capsys.readouterr().out
