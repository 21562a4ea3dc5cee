"""The porting suite on the Vertex store: each SDK script (`tests/sdk_scripts/`) runs ported
(import and `init` changed) against `exprun serve --store vertex` on the Vertex fake, and as the
SDK original against the same fake. The real SDK then reads back what the ported script wrote,
and both outcomes must agree."""

from __future__ import annotations

import dataclasses
import math
import pathlib
from typing import Any

import pytest
from google.cloud import aiplatform

from tests.fakes.vertex import VertexFake
from tests.interop.interop_support import LOCATION, PROJECT, TENSORBOARD
from tests.support.sdk_scripts import run_script
from tests.support.server_process import ServerProcess
from tests.unit.client import fake_frameworks


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch, experiment_name: str) -> tuple[str, str]:
    """The ported script's experiment and the SDK original's."""
    monkeypatch.setenv("PORTING_PROJECT", PROJECT)
    return experiment_name, f"{experiment_name}-sdk"


def run_both(
    name: str,
    names: tuple[str, str],
    server: ServerProcess,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ported result, original result); the `sdk` fixture must be active."""
    ported_dir, original_dir = tmp_path / "ported", tmp_path / "original"
    ported_dir.mkdir()
    original_dir.mkdir()
    monkeypatch.setenv("PORTING_EXPERIMENT", names[0])
    ported = run_script(name, ported_dir, target=server.target)
    monkeypatch.setenv("PORTING_EXPERIMENT", names[1])
    original = run_script(name, original_dir)
    return ported, original


def comparable(value: Any) -> Any:
    """Vertex keeps every number as a double: the SDK reads an int 5 back as 5.0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return None if math.isnan(value) else round(float(value), 9)


def rows_by_run(df: Any) -> dict[str, dict[str, Any]]:
    return {
        row["run_name"]: {k: comparable(v) for k, v in row.items() if k != "experiment_name"}
        for row in df.to_dict("records")
    }


def test_sweep_frame_is_the_same_in_exprun_the_sdk_reading_it_and_the_sdk_original(
    sdk: VertexFake,
    names: tuple[str, str],
    vertex_server: ServerProcess,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ported, original = run_both("sweep_compare.py", names, vertex_server, tmp_path, monkeypatch)

    read_by_sdk = aiplatform.Experiment(names[0]).get_data_frame()
    assert set(read_by_sdk.columns) == set(original["experiment_df"].columns)
    assert set(ported["experiment_df"].columns) == set(original["experiment_df"].columns)
    assert rows_by_run(read_by_sdk) == rows_by_run(original["experiment_df"])
    assert rows_by_run(ported["experiment_df"]) == rows_by_run(original["experiment_df"])
    assert {row["state"] for row in rows_by_run(read_by_sdk).values()} == {"COMPLETE"}
    assert ported["best"]["run_name"] == original["best"]["run_name"] == "sweep-2"


def test_experiment_made_by_exprun_is_backed_by_the_default_tensorboard_for_sdk_runs(
    sdk: VertexFake, names: tuple[str, str], vertex_server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exprun import client as exprun_client

    exprun_client.Experiment.create(names[0])
    experiment = aiplatform.Experiment(names[0])
    assert experiment.backing_tensorboard_resource_name == TENSORBOARD

    run = aiplatform.ExperimentRun.create("sdk-run", experiment=experiment)
    run.log_time_series_metrics({"loss": 0.5}, step=1)
    assert list(run.get_time_series_data_frame()["loss"]) == [0.5]


def test_resumed_failed_and_cancelled_runs_read_the_same_in_the_sdk(
    sdk: VertexFake,
    names: tuple[str, str],
    vertex_server: ServerProcess,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ported, original = run_both("resume_context_manager.py", names, vertex_server, tmp_path, monkeypatch)

    assert (
        ported["states"]
        == original["states"]
        == {
            "train-1": "COMPLETE",
            "train-2": "FAILED",
            "train-3": "CANCELLED",
        }
    )
    sdk_view = aiplatform.ExperimentRun("train-1", experiment=names[0])
    assert sdk_view.get_params() == original["resumed_params"] == {"lr": 0.01, "epochs": 6.0, "shuffle": True}
    assert sdk_view.get_metrics() == original["resumed_metrics"]
    sdk_loss = sdk_view.get_time_series_data_frame()
    assert list(sdk_loss["step"]) == list(original["loss_df"]["step"]) == [1, 2, 3, 4, 5, 6]
    assert list(sdk_loss["loss"]) == pytest.approx(list(original["loss_df"]["loss"]))
    assert list(ported["loss_df"]["loss"]) == pytest.approx(list(original["loss_df"]["loss"]))


def test_classification_metrics_read_the_same_in_the_sdk(
    sdk: VertexFake,
    names: tuple[str, str],
    vertex_server: ServerProcess,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ported, original = run_both("classification_metrics.py", names, vertex_server, tmp_path, monkeypatch)

    def without_ids(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(
            ({k: v for k, v in e.items() if k != "id"} for e in entries), key=lambda e: e["display_name"]
        )

    read_by_sdk = aiplatform.ExperimentRun("eval-1", experiment=names[0]).get_classification_metrics()
    assert without_ids(read_by_sdk) == without_ids(original["logged"])
    assert without_ids(ported["logged"]) == without_ids(original["logged"])


def test_time_series_wall_times_read_the_same_in_the_sdk(
    sdk: VertexFake,
    names: tuple[str, str],
    vertex_server: ServerProcess,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ported, original = run_both("time_series_wall_time.py", names, vertex_server, tmp_path, monkeypatch)

    read_by_sdk = aiplatform.ExperimentRun("replay-1", experiment=names[0]).get_time_series_data_frame()
    expected = original["series_df"]
    for frame in (read_by_sdk, ported["series_df"]):
        assert list(frame["step"]) == list(expected["step"]) == [100, 200, 300, 400]
        assert list(frame["wall_time"]) == list(expected["wall_time"])
        assert list(frame["loss"]) == pytest.approx(list(expected["loss"]))
        assert list(frame["accuracy"]) == pytest.approx(list(expected["accuracy"]))


def test_execution_lineage_written_through_exprun_reads_the_same_in_the_sdk(
    sdk: VertexFake,
    names: tuple[str, str],
    vertex_server: ServerProcess,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only ported: the SDK original's log_model uploads to GCS, which the fake does not serve.
    monkeypatch.setenv("PORTING_EXPERIMENT", names[0])
    with fake_frameworks.installed():
        ported = run_script("execution_model_lineage.py", tmp_path, target=vertex_server.target)

    run = aiplatform.ExperimentRun("train-1", experiment=names[0])
    executions = run.get_executions()
    read_by_sdk = {
        e.display_name: (
            [a.name for a in e.get_input_artifacts()],
            [a.name for a in e.get_output_artifacts()],
        )
        for e in executions
    }
    assert read_by_sdk == ported["lineage"]
    assert read_by_sdk["fine-tune"] == ([f"{names[0]}-base"], [f"{names[0]}-tuned"])
    assert {e.display_name: e.state.name for e in executions} == {
        "train-base": "COMPLETE",
        "fine-tune": "COMPLETE",
    }
    assert {m.name: m.framework_name for m in run.get_experiment_models()} == {
        f"{names[0]}-base": "sklearn",
        f"{names[0]}-tuned": "sklearn",
    }
    assert ported["prediction"] == pytest.approx(ported["tuned"].intercept_ + 6 * ported["tuned"].coef_[0])
    # A client on another machine downloads the files from the server's staging (DownloadModel).
    tuned = ported["models"][f"{names[0]}-tuned"]
    with fake_frameworks.installed():
        remote = dataclasses.replace(tuned, uri="file:///nonexistent/elsewhere").load_model()
    assert remote.predict([[6.0]]) == pytest.approx([ported["prediction"]])


def test_pipeline_jobs_linked_through_exprun_are_found_by_the_sdk(
    sdk: VertexFake,
    names: tuple[str, str],
    vertex_server: ServerProcess,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = []
    for experiment, where in zip(names, ("ported", "original"), strict=True):
        jobs = [f"{experiment}-p{i}" for i in range(3)]
        for job in jobs:
            sdk.add_pipeline_job(PROJECT, LOCATION, job)
        directory = tmp_path / where
        directory.mkdir()
        monkeypatch.setenv("PORTING_EXPERIMENT", experiment)
        monkeypatch.setenv("PORTING_PIPELINE_JOBS", ",".join(jobs))
        target = vertex_server.target if where == "ported" else None
        results.append((jobs, run_script("pipeline_job_logging.py", directory, target=target)))
    (ported_jobs, ported), (original_jobs, original) = results

    def by_position(logged: dict[str, list[str]], jobs: list[str]) -> list[list[int]]:
        return [[jobs.index(job) for job in logged[f"pipeline-{j}"]] for j in jobs]

    assert by_position(ported["logged"], ported_jobs) == by_position(original["logged"], original_jobs)
    assert by_position(ported["logged"], ported_jobs) == [[0], [1], [2]]
    assert ported["best_jobs"] == [ported_jobs[2]]
    assert original["best_jobs"] == [original_jobs[2]]
    # The real SDK follows the links exprun wrote to the jobs in the Pipelines API.
    for job in ported_jobs:
        sdk_run = aiplatform.ExperimentRun(f"pipeline-{job}", experiment=names[0])
        [found] = sdk_run.get_logged_pipeline_jobs()
        assert (found.name, found.state.name) == (job, "PIPELINE_STATE_SUCCEEDED")
        assert sdk_run.get_params()["pipeline_job_id"] == job
    read_by_sdk = aiplatform.Experiment(names[0]).get_data_frame()
    assert set(read_by_sdk.columns) == set(original["experiment_df"].columns)
    assert sorted(read_by_sdk["metric.accuracy"]) == pytest.approx(
        sorted(original["experiment_df"]["metric.accuracy"])
    )
