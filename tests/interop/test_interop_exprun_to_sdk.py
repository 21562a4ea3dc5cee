"""exprun writes, the official SDK reads: a run made through `exprun serve --store vertex` is, member
for member, what `aiplatform.ExperimentRun` (google-cloud-aiplatform 2.7) expects to find in Vertex.

One module-scoped scenario writes everything through the exprun client; each test reads one part of
it back with the real SDK against the same Vertex fake. Known differences are asserted explicitly:
Vertex keeps every number as a double, so an int logged through exprun reads back as a float in
the SDK; the SDK's DataFrame holds at most 1000 points per series (BatchRead samples beyond that),
so the scenario stays below it.
"""

from __future__ import annotations

import math
import pathlib
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from exprun.client import Execution, Experiment, ExperimentRun, RunState, _config, init
from google.cloud import aiplatform
from google.cloud.aiplatform import jobs
from google.cloud.aiplatform_v1 import MetadataServiceClient

from tests.fakes.vertex import VertexFake
from tests.interop.interop_support import (
    LOCATION,
    NUMBER,
    PROJECT,
    STORE,
    TENSORBOARD,
    context_metadata,
    unique_experiment,
)
from tests.support.server_process import ServerProcess

State = aiplatform.gapic.Execution.State

# 500 steps streamed after three unary writes: every series stays below BatchRead's 1000 points.
STREAMED_STEPS = range(11, 511)
MODEL_BYTES = b"not really a pickle, but bytes the SDK can find again"


@dataclass(frozen=True)
class Written:
    """What the scenario wrote through exprun, for the tests to look for with the SDK."""

    experiment: str
    pipeline_job: str
    custom_job: str
    execution: str
    classification_ids: tuple[str, str]
    model_uri: str
    uploaded_uri: str


def streamed_loss(step: int) -> float:
    return 1.0 / step


@pytest.fixture(scope="module")
def written(
    vertex_server: ServerProcess,
    fake: VertexFake,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Written]:
    """Writes every kind of run data through exprun, once for the module."""
    _config.reset()
    init(target=vertex_server.target, project=PROJECT, location=LOCATION)
    name = unique_experiment("exprun-to-sdk")
    Experiment.create(name, description="written by exprun", backing_tensorboard="tb1")
    run = ExperimentRun.create("run-1", experiment=name)
    run.log_params({"lr": 0.1, "epochs": 3, "optimizer": "adam"})
    run.log_metrics({"accuracy": 0.93, "examples": 1200, "best": "epoch-3"})
    matrix = run.log_classification_metrics(
        display_name="confusion",
        labels=["cat", "dog"],
        matrix=[[9, 1], [2, 8]],
        fpr=[0.1, 0.5],
        tpr=[0.2, 0.6],
        threshold=[0.9, 0.5],
    )
    curve = run.log_classification_metrics(
        display_name="roc", fpr=[0.0, 1.0], tpr=[0.0, 1.0], threshold=[1, 0]
    )
    # Unary time series: default steps 1 and 2 (the server picks them), then an explicit step.
    run.log_time_series_metrics({"loss": 0.5, "acc": 0.7})
    run.log_time_series_metrics({"loss": 0.4})
    run.log_time_series_metrics({"loss": 0.3}, step=10)
    # Streamed, acknowledged time series, columnar.
    with run.time_series_writer() as writer:
        writer.log_columns(
            list(STREAMED_STEPS),
            {
                "loss": [streamed_loss(step) for step in STREAMED_STEPS],
                "lr-schedule": [0.01 * step for step in STREAMED_STEPS],
            },
        )
    assert writer.points_acked == 2 * len(STREAMED_STEPS)
    execution = run.associate_execution(
        Execution(display_name="train", schema_title="system.ContainerExecution", metadata={"epochs": 3})
    )
    by_uri = run.log_model(
        uri="gs://interop-bucket/models/by-uri",
        display_name="by-uri",
        framework_name="sklearn",
        framework_version="1.5.2",
    )
    model_dir = tmp_path_factory.mktemp("model")
    (model_dir / "model.pkl").write_bytes(MODEL_BYTES)
    uploaded = run.log_model(model_dir / "model.pkl", display_name="uploaded", framework_name="sklearn")
    job_id = f"{name}-pipe"
    pipeline_job = fake.add_pipeline_job(PROJECT, LOCATION, job_id)
    run.log(pipeline_job=pipeline_job)
    custom_job = f"projects/{PROJECT}/locations/{LOCATION}/customJobs/4242"
    run.log_custom_job(custom_job)
    run.end_run()
    ExperimentRun.create("run-2", experiment=name).log_params({"lr": 0.2})
    yield Written(
        experiment=name,
        pipeline_job=pipeline_job,
        custom_job=custom_job,
        execution=execution.resource_name,
        classification_ids=(matrix.id, curve.id),
        model_uri=by_uri.uri,
        uploaded_uri=uploaded.uri,
    )
    _config.reset()


def sdk_run(written: Written, run: str = "run-1") -> aiplatform.ExperimentRun:
    found = aiplatform.ExperimentRun.get(run, experiment=written.experiment)
    assert found is not None, f"the SDK does not find {run}"
    return found


def test_sdk_gets_the_run_exprun_created(sdk: VertexFake, written: Written) -> None:
    run = sdk_run(written)
    assert run.name == "run-1"
    assert run.resource_name == f"{STORE}/contexts/{written.experiment}-run-1"
    assert run.project == PROJECT
    assert run.location == LOCATION
    # The backing TensorBoard run exprun made is the one the SDK finds through the -tb-run artifact.
    tb_run = run._backing_tensorboard_run
    assert tb_run is not None
    assert tb_run.resource.resource_name == f"{TENSORBOARD}/experiments/{written.experiment}/runs/run-1"
    assert aiplatform.ExperimentRun.get("never-made", experiment=written.experiment) is None


def test_sdk_reads_params_with_ints_as_floats(sdk: VertexFake, written: Written) -> None:
    params = sdk_run(written).get_params()
    assert params == {"lr": 0.1, "epochs": 3.0, "optimizer": "adam"}
    # Known difference: Vertex stores every number as a double; the SDK reads the int 3 as 3.0.
    assert isinstance(params["epochs"], float)


def test_sdk_reads_metrics_with_ints_as_floats(sdk: VertexFake, written: Written) -> None:
    metrics = sdk_run(written).get_metrics()
    assert metrics == {"accuracy": 0.93, "examples": 1200.0, "best": "epoch-3"}
    assert isinstance(metrics["examples"], float)


def test_sdk_reads_the_state_exprun_ended_the_run_with(sdk: VertexFake, written: Written) -> None:
    run = sdk_run(written)
    assert run.get_state() == "COMPLETE"
    assert run.state == State.COMPLETE
    assert sdk_run(written, "run-2").get_state() == "RUNNING"


def test_sdk_reads_classification_metrics_in_its_exact_shape(sdk: VertexFake, written: Written) -> None:
    found = sdk_run(written).get_classification_metrics()
    matrix_id, curve_id = written.classification_ids
    # The SDK's dicts: "threshold" (not the documented "thresholds"), numbers as floats, and the
    # matrix or curve keys only when they were logged.
    assert sorted(found, key=lambda entry: str(entry["display_name"])) == [
        {
            "id": matrix_id,
            "display_name": "confusion",
            "labels": ["cat", "dog"],
            "matrix": [[9.0, 1.0], [2.0, 8.0]],
            "fpr": [0.1, 0.5],
            "tpr": [0.2, 0.6],
            "threshold": [0.9, 0.5],
        },
        {
            "id": curve_id,
            "display_name": "roc",
            "fpr": [0.0, 1.0],
            "tpr": [0.0, 1.0],
            "threshold": [1.0, 0.0],
        },
    ]


def test_sdk_reads_unary_and_streamed_time_series(sdk: VertexFake, written: Written) -> None:
    frame = sdk_run(written).get_time_series_data_frame()

    assert list(frame.columns[:2]) == ["step", "wall_time"]
    assert sorted(frame.columns[2:]) == ["acc", "loss", "lr-schedule"]
    assert str(frame["wall_time"].dt.tz) == "UTC"
    # One wall time per unary call and per streamed row: one DataFrame row per step.
    assert list(frame["step"]) == [1, 2, 10, *STREAMED_STEPS]
    loss = dict(zip(frame["step"], frame["loss"], strict=True))
    assert [loss[1], loss[2], loss[10]] == [0.5, 0.4, 0.3]
    assert all(loss[step] == streamed_loss(step) for step in STREAMED_STEPS)
    schedule = dict(zip(frame["step"], frame["lr-schedule"], strict=True))
    assert all(schedule[step] == 0.01 * step for step in STREAMED_STEPS)
    assert all(math.isnan(schedule[step]) for step in (1, 2, 10))
    acc = frame["acc"].tolist()
    assert acc[0] == 0.7
    assert all(math.isnan(value) for value in acc[1:])


def test_sdk_default_step_continues_after_exprun_steps(sdk: VertexFake, written: Written) -> None:
    """The SDK derives its next default step from what is stored, so exprun's steps count."""
    name = unique_experiment("sdk-default-step")
    run = ExperimentRun.create("run-1", experiment=Experiment.create(name, backing_tensorboard="tb1").name)
    run.log_time_series_metrics({"loss": 1.0}, step=41)

    sdk_side = aiplatform.ExperimentRun("run-1", experiment=name)
    sdk_side.log_time_series_metrics({"loss": 0.5})

    assert list(sdk_side.get_time_series_data_frame()["step"]) == [41, 42]


def test_sdk_reads_the_execution_exprun_associated(sdk: VertexFake, written: Written) -> None:
    [execution] = sdk_run(written).get_executions()
    # Known difference: exprun names resources with the project ID it was asked with, Vertex
    # (and so the SDK) with the project number; the IDs are the same.
    assert (
        written.execution
        == f"projects/{PROJECT}/locations/{LOCATION}/metadataStores/default/executions/{execution.name}"
    )
    assert execution.resource_name == f"{STORE}/executions/{execution.name}"
    assert execution.display_name == "train"
    assert execution.schema_title == "system.ContainerExecution"
    assert execution.metadata == {"epochs": 3.0}


def test_sdk_lists_every_artifact_exprun_attributed(sdk: VertexFake, written: Written) -> None:
    artifacts = sdk_run(written).get_artifacts()
    assert sorted(artifact.schema_title for artifact in artifacts) == [
        "google.ClassificationMetrics",
        "google.ClassificationMetrics",
        "google.ExperimentModel",
        "google.ExperimentModel",
        "google.VertexTensorboardRun",
    ]
    [tb_run] = [a for a in artifacts if a.schema_title == "google.VertexTensorboardRun"]
    assert tb_run.name == f"{written.experiment}-run-1-tb-run"
    assert tb_run.metadata["resourceName"] == f"{TENSORBOARD}/experiments/{written.experiment}/runs/run-1"


def test_sdk_reads_models_logged_by_uri_and_by_upload(
    sdk: VertexFake, written: Written, staging: pathlib.Path
) -> None:
    models = {model.display_name: model for model in sdk_run(written).get_experiment_models()}
    assert sorted(models) == ["by-uri", "uploaded"]

    by_uri = models["by-uri"]
    assert by_uri.uri == "gs://interop-bucket/models/by-uri" == written.model_uri
    assert by_uri.framework_name == "sklearn"
    assert by_uri.framework_version == "1.5.2"
    assert by_uri.schema_title == "google.ExperimentModel"

    uploaded = models["uploaded"]
    assert uploaded.uri == written.uploaded_uri
    assert uploaded.framework_name == "sklearn"
    assert uploaded.metadata["modelFile"] == "model.pkl"
    # The uploaded file landed under the server's --model-staging-uri, where the URI points.
    directory = pathlib.Path(urllib.request.url2pathname(urllib.parse.urlparse(uploaded.uri).path))
    assert directory.is_relative_to(staging.resolve())
    assert (directory / "model.pkl").read_bytes() == MODEL_BYTES


def test_sdk_finds_the_pipeline_job_exprun_linked(sdk: VertexFake, written: Written) -> None:
    [job] = sdk_run(written).get_logged_pipeline_jobs()
    assert job.resource_name == written.pipeline_job
    assert (
        job.resource_name == f"projects/{NUMBER}/locations/{LOCATION}/pipelineJobs/{written.experiment}-pipe"
    )


def test_sdk_finds_the_custom_job_exprun_linked(
    sdk: VertexFake, written: Written, metadata: MetadataServiceClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fake has no JobService, so `CustomJob.get` (which `get_logged_custom_jobs` calls per
    entry) is replaced by a recorder: the SDK's own code reads `_custom_jobs` and asks for exactly
    the job exprun linked. The entry itself is checked in the run context as the SDK wrote it."""
    asked: list[str] = []

    def get(resource_name: str, **_: Any) -> str:
        asked.append(resource_name)
        return resource_name

    monkeypatch.setattr(jobs.CustomJob, "get", get)
    assert sdk_run(written).get_logged_custom_jobs() == [written.custom_job]
    assert asked == [written.custom_job]
    entries = context_metadata(metadata, written.experiment, "run-1")["_custom_jobs"]
    assert entries == [
        {
            "custom_job_resource_name": written.custom_job,
            "custom_job_console_uri": "https://console.cloud.google.com/agent-platform/locations/"
            f"{LOCATION}/training/4242?project={PROJECT}",
        }
    ]


def test_sdk_lists_the_runs_exprun_created(sdk: VertexFake, written: Written) -> None:
    runs = aiplatform.ExperimentRun.list(experiment=written.experiment)
    assert sorted(run.name for run in runs) == ["run-1", "run-2"]
    assert {run.name: run.get_state() for run in runs} == {"run-1": "COMPLETE", "run-2": "RUNNING"}


def test_sdk_experiment_and_its_data_frame(sdk: VertexFake, written: Written) -> None:
    experiment = aiplatform.Experiment(written.experiment)
    assert experiment.backing_tensorboard_resource_name == TENSORBOARD
    assert written.experiment in [e.name for e in aiplatform.Experiment.list()]

    rows = {row["run_name"]: row for row in experiment.get_data_frame().to_dict("records")}
    assert sorted(rows) == ["run-1", "run-2"]
    first = rows["run-1"]
    assert first["experiment_name"] == written.experiment
    assert first["run_type"] == "system.ExperimentRun"
    assert first["state"] == "COMPLETE"
    assert (first["param.lr"], first["param.epochs"], first["param.optimizer"]) == (0.1, 3.0, "adam")
    assert (first["metric.accuracy"], first["metric.examples"]) == (0.93, 1200.0)
    # The last stored point of each series.
    assert first["time_series_metric.loss"] == streamed_loss(STREAMED_STEPS[-1])
    assert first["time_series_metric.acc"] == 0.7
    assert rows["run-2"]["param.lr"] == 0.2
    assert rows["run-2"]["state"] == "RUNNING"


def test_sdk_deletes_a_run_exprun_made(sdk: VertexFake, experiment_name: str) -> None:
    Experiment.create(experiment_name, backing_tensorboard="tb1")
    made = ExperimentRun.create("doomed", experiment=experiment_name)
    made.log_params({"lr": 0.1})
    made.log_time_series_metrics({"loss": 0.5})
    ExperimentRun.create("kept", experiment=experiment_name)

    sdk_run_ = aiplatform.ExperimentRun("doomed", experiment=experiment_name)
    sdk_run_.delete(delete_backing_tensorboard_run=True)

    assert aiplatform.ExperimentRun.get("doomed", experiment=experiment_name) is None
    assert ExperimentRun.get("doomed", experiment=experiment_name) is None
    assert [run.name for run in ExperimentRun.list(experiment=experiment_name)] == ["kept"]
    # The SDK deleted the TensorBoard run too: a run made again under the name starts empty.
    again = ExperimentRun.create("doomed", experiment=experiment_name, state=RunState.NEW)
    assert again.get_params() == {}
    assert again.read_time_series() == {}
