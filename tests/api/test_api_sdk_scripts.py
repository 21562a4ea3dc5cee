"""The porting suite on the embedded store: Vertex SDK scripts (`tests/sdk_scripts/`) run with
only their import and `init` changed, against a real `exprun serve` over loopback, and what
they read back is what the SDK would have shown them."""

from __future__ import annotations

import math
import pathlib
from collections.abc import Callable
from typing import Any

import pytest
from exprun import client as exprun_client

from tests.api.conftest import PROJECT
from tests.support.sdk_scripts import (
    EXPRUN_IMPORT,
    SCRIPTS,
    SDK_IMPORT,
    changed_lines,
    original,
    ported,
    run_script,
)
from tests.support.server_process import ServerProcess
from tests.unit.client import fake_frameworks

ALL_SCRIPTS = sorted(p.name for p in SCRIPTS.glob("*.py"))


@pytest.fixture
def porting_experiment(monkeypatch: pytest.MonkeyPatch, unique_name: Callable[[str], str]) -> str:
    experiment = unique_name("p")
    monkeypatch.setenv("PORTING_PROJECT", PROJECT)
    monkeypatch.setenv("PORTING_EXPERIMENT", experiment)
    return experiment


def run_ported(name: str, server: ServerProcess, tmp_path: pathlib.Path) -> dict[str, Any]:
    return run_script(name, tmp_path, target=server.target)


@pytest.mark.parametrize("name", ALL_SCRIPTS)
def test_a_script_ports_by_changing_only_its_import_and_init(name: str) -> None:
    source = original(name)
    changed = changed_lines(source, ported(source, "127.0.0.1:1"))
    assert len(changed) == 4
    assert f"-{SDK_IMPORT}" in changed
    assert f"+{EXPRUN_IMPORT}" in changed
    assert sum(1 for line in changed if "aiplatform.init(" in line) == 2


def sweep_loss(learning_rate: float, dropout: float) -> float:
    loss = 1.0
    for _ in range(5):
        loss = loss * (1 - learning_rate) + dropout / 100
    return loss


def test_sweep_compares_runs_with_the_sdk_columns_and_ends_every_run(
    client: ServerProcess, porting_experiment: str, tmp_path: pathlib.Path
) -> None:
    result = run_ported("sweep_compare.py", client, tmp_path)
    df = result["experiment_df"]

    assert list(df.columns[:4]) == ["experiment_name", "run_name", "run_type", "state"]
    params = {
        "param.learning_rate",
        "param.dropout",
        "param.epochs",
        "param.optimizer",
        "param.use_batch_norm",
    }
    assert set(df.columns[4:9]) == params
    assert list(df.columns[9:]) == ["metric.accuracy", "time_series_metric.loss"]
    rows = {row["run_name"]: row for row in df.to_dict("records")}
    assert set(rows) == {"sweep-0", "sweep-1", "sweep-2"}
    # No end_run between the runs: each start_run ended the previous run COMPLETE.
    assert {row["state"] for row in rows.values()} == {"COMPLETE"}
    assert {row["experiment_name"] for row in rows.values()} == {porting_experiment}
    assert {row["run_type"] for row in rows.values()} == {"system.ExperimentRun"}
    assert [rows[f"sweep-{i}"]["param.use_batch_norm"] for i in range(3)] == [True, False, True]
    assert rows["sweep-2"]["time_series_metric.loss"] == pytest.approx(sweep_loss(0.5, 0.3))
    assert rows["sweep-1"]["metric.accuracy"] == pytest.approx(1 - sweep_loss(0.3, 0.1))
    assert result["best"]["run_name"] == "sweep-2"
    assert result["same_df"].equals(df)


def test_resumed_failed_and_hand_ended_runs_keep_their_states_and_points(
    client: ServerProcess, porting_experiment: str, tmp_path: pathlib.Path
) -> None:
    result = run_ported("resume_context_manager.py", client, tmp_path)

    assert result["states"] == {"train-1": "COMPLETE", "train-2": "FAILED", "train-3": "CANCELLED"}
    assert result["resumed_params"] == {"lr": 0.01, "epochs": 6, "shuffle": True}
    assert result["resumed_metrics"] == {"final_loss": pytest.approx(1 / 6)}
    loss_df = result["loss_df"]
    assert list(loss_df["step"]) == [1, 2, 3, 4, 5, 6]
    assert list(loss_df["loss"]) == pytest.approx([1 / s for s in range(1, 7)])


def test_classification_metrics_read_back_as_logged(
    client: ServerProcess, porting_experiment: str, tmp_path: pathlib.Path
) -> None:
    result = run_ported("classification_metrics.py", client, tmp_path)

    matrix = result["by_name"]["pets-confusion-matrix"]
    assert matrix["labels"] == ["cat", "dog", "fish"]
    assert matrix["matrix"] == [[3, 1, 0], [0, 3, 0], [1, 0, 2]]
    roc = result["by_name"]["cat-vs-rest-roc"]
    assert roc["threshold"] == result["thresholds"]
    assert roc["fpr"] == pytest.approx(result["fpr"])
    assert roc["tpr"] == pytest.approx(result["tpr"])
    assert "matrix" not in roc


def test_time_series_keep_the_wall_times_the_script_gave(
    client: ServerProcess, porting_experiment: str, tmp_path: pathlib.Path
) -> None:
    result = run_ported("time_series_wall_time.py", client, tmp_path)

    df = result["series_df"]
    assert list(df["step"]) == [100, 200, 300, 400]
    assert [t.to_pydatetime() for t in df["wall_time"]] == [
        moment for _, moment, _, _ in result["training_log"]
    ]
    assert list(df["loss"]) == pytest.approx([0.92, 0.64, 0.47, 0.39])
    assert not any(math.isnan(v) for v in df["accuracy"])


def test_executions_record_model_lineage_and_the_tuned_model_loads_back(
    client: ServerProcess, porting_experiment: str, tmp_path: pathlib.Path
) -> None:
    # sklearn is not installed here: the stand-in has its module and class names, fit and predict.
    with fake_frameworks.installed():
        result = run_ported("execution_model_lineage.py", client, tmp_path)

    base, tuned = f"{porting_experiment}-base", f"{porting_experiment}-tuned"
    assert result["lineage"] == {"train-base": ([], [base]), "fine-tune": ([base], [tuned])}
    assert {name: state.name for name, state in result["execution_states"].items()} == {
        "train-base": "COMPLETE",
        "fine-tune": "COMPLETE",
    }
    assert result["prediction"] == pytest.approx(result["tuned"].intercept_ + 6 * result["tuned"].coef_[0])
    assert result["model_info"] == {
        "model_class": "sklearn.linear_model._base.LinearRegression",
        "framework_name": "sklearn",
        "framework_version": "1.5.2",
        "input_example": {"type": "list", "data": [[1.0], [2.0], [3.0], [4.0], [5.0]]},
    }


def test_pipeline_jobs_logged_to_runs_lead_back_from_the_best_run(
    client: ServerProcess, porting_experiment: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The embedded store runs no pipelines and links any job name: the jobs need not exist.
    jobs = ["train-lr-001", "train-lr-005", "train-lr-010"]
    monkeypatch.setenv("PORTING_PIPELINE_JOBS", ",".join(jobs))
    result = run_ported("pipeline_job_logging.py", client, tmp_path)

    assert result["logged"] == {f"pipeline-{job}": [job] for job in jobs}
    assert result["best_jobs"] == ["train-lr-010"]
    df = result["experiment_df"]
    rows = {row["run_name"]: row for row in df.to_dict("records")}
    assert rows["pipeline-train-lr-001"]["param.pipeline_job_id"] == "train-lr-001"
    assert rows["pipeline-train-lr-005"]["param.learning_rate"] == pytest.approx(0.05)
    assert {row["state"] for row in rows.values()} == {"COMPLETE"}
    linked = exprun_client.ExperimentRun("pipeline-train-lr-005", experiment=porting_experiment)
    linked_jobs = linked.get_logged_pipeline_jobs()
    assert [job.resource_name for job in linked_jobs] == [
        f"projects/{PROJECT}/locations/us-central1/pipelineJobs/train-lr-005"
    ]
