"""The official SDK writes, exprun reads: a run made with `aiplatform.ExperimentRun` (google-cloud-aiplatform
2.7) against Vertex reads back, member for member, through the exprun client of a server running
`--store vertex` on the same Vertex fake; deleting it through exprun removes it for the SDK too.

One module-scoped scenario writes everything with the SDK; each test reads one part of it with
the exprun client. Known differences are asserted explicitly: Vertex keeps every number as a
double, so the SDK's int 3 reads back through exprun as 3.0 (exprun gives ints back only for
what it logged itself), while the SDK's bool param reads back as a bool; exprun names resources
with the project ID where Vertex returns the project number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from exprun.client import (
    Experiment,
    ExperimentRun,
    NotFound,
    RunState,
)
from google.cloud import aiplatform

from tests.fakes.vertex import VertexFake
from tests.fakes.vertex.sdk import sdk_against
from tests.interop.interop_support import (
    LOCATION,
    NUMBER,
    PROJECT,
    TENSORBOARD,
    unique_experiment,
)
from tests.support.server_process import ServerProcess

State = aiplatform.gapic.Execution.State
PARENT = f"projects/{PROJECT}/locations/{LOCATION}"
CUSTOM_JOB = f"{PARENT}/customJobs/777"


@dataclass(frozen=True)
class Written:
    """What the SDK wrote, for the tests to look for through exprun."""

    experiment: str
    pipeline_job: str
    execution_id: str
    model_id: str
    classification_id: str


@pytest.fixture(scope="module")
def written(fake: VertexFake, vertex_server: ServerProcess) -> Written:
    """Writes every kind of run data with the SDK, once for the module."""
    assert fake.address is not None
    name = unique_experiment("sdk-to-exprun")
    job_id = f"{name}-pipe"
    pipeline_job = fake.add_pipeline_job(PROJECT, LOCATION, job_id)
    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        experiment = aiplatform.Experiment.create(name, description="written by the SDK")
        experiment.assign_backing_tensorboard(TENSORBOARD)
        run = aiplatform.ExperimentRun.create("run-1", experiment=name)
        run.log_params({"lr": 0.1, "epochs": 3, "optimizer": "adam", "flag": True})
        run.log_metrics({"accuracy": 0.93, "examples": 1200, "best": "epoch-3"})
        metrics = run.log_classification_metrics(
            display_name="confusion",
            labels=["cat", "dog"],
            matrix=[[9, 1], [2, 8]],
            fpr=[0.1, 0.5],
            tpr=[0.2, 0.6],
            threshold=[0.9, 0.5],
        )
        run.log_time_series_metrics({"loss": 0.5, "acc": 0.7})
        run.log_time_series_metrics({"loss": 0.4})
        run.log_time_series_metrics({"loss": 0.3}, step=10)
        execution = aiplatform.Execution.create(
            display_name="train", schema_title="system.ContainerExecution", metadata={"epochs": 3}
        )
        run.associate_execution(execution)
        # What `log_model` writes (it needs Cloud Storage for the files themselves), attributed
        # to the run the way `log_model` attributes it.
        model = aiplatform.Artifact.create(
            schema_title="google.ExperimentModel",
            uri="gs://interop-bucket/models/sdk-model",
            display_name="sdk-model",
            metadata={
                "frameworkName": "sklearn",
                "frameworkVersion": "1.5.2",
                "modelFile": "model.pkl",
                "modelClass": "sklearn.linear_model._base.LinearRegression",
            },
        )
        aiplatform.Context(run.resource_name).add_artifacts_and_executions(
            artifact_resource_names=[model.resource_name]
        )
        run.log(pipeline_job=aiplatform.PipelineJob.get(job_id))
        # What the SDK's preview CustomJob writes for a run it trains in (vertex-mapping.md §6.4).
        aiplatform.Context(run.resource_name).update(
            metadata={
                "_custom_jobs": [
                    {
                        "custom_job_resource_name": CUSTOM_JOB,
                        "custom_job_console_uri": "https://console.cloud.google.com/agent-platform/"
                        f"locations/{LOCATION}/training/777?project={PROJECT}",
                    }
                ]
            }
        )
        run.end_run()
        aiplatform.ExperimentRun.create("run-2", experiment=name).log_params({"lr": 0.2})
    return Written(
        experiment=name,
        pipeline_job=pipeline_job,
        execution_id=execution.name,
        model_id=model.name,
        classification_id=metrics.name,
    )


def exprun_run(written: Written, run: str = "run-1") -> ExperimentRun:
    return ExperimentRun(run, experiment=written.experiment)


def test_exprun_gets_the_run_the_sdk_created(written: Written) -> None:
    run = exprun_run(written)
    assert run.name == "run-1"
    assert run.experiment == written.experiment
    assert run.resource_id == f"{written.experiment}-run-1"
    assert run.exprun_name == f"{PARENT}/experiments/{written.experiment}/runs/run-1"
    # Found through the SDK's -tb-run artifact, as the SDK finds it.
    assert run.backing_tensorboard_run is not None
    assert run.backing_tensorboard_run.endswith(
        f"/tensorboards/tb1/experiments/{written.experiment}/runs/run-1"
    )
    assert sorted(run.time_series_metrics) == ["acc", "loss"]
    assert ExperimentRun.get("never-made", experiment=written.experiment) is None


def test_exprun_reads_params_with_sdk_ints_as_floats_and_bools_as_bools(written: Written) -> None:
    params = exprun_run(written).get_params()
    # Known difference: the SDK's int 3 is a double in Vertex and comes back as 3.0. Its bool
    # True is a JSON bool in Vertex and comes back as True, as the SDK reads it.
    assert params == {"lr": 0.1, "epochs": 3.0, "optimizer": "adam", "flag": True}
    assert isinstance(params["epochs"], float)
    assert type(params["flag"]) is bool


def test_exprun_reads_metrics_the_sdk_logged(written: Written) -> None:
    metrics = exprun_run(written).get_metrics()
    assert metrics == {"accuracy": 0.93, "examples": 1200.0, "best": "epoch-3"}
    assert isinstance(metrics["examples"], float)


def test_exprun_reads_the_state_the_sdk_set(written: Written) -> None:
    run = exprun_run(written)
    assert run.state == RunState.COMPLETE
    assert run.get_state() == "COMPLETE"
    assert exprun_run(written, "run-2").get_state() == "RUNNING"


def test_exprun_reads_sdk_classification_metrics_in_the_sdks_shape(written: Written) -> None:
    assert exprun_run(written).get_classification_metrics() == [
        {
            "id": written.classification_id,
            "display_name": "confusion",
            "labels": ["cat", "dog"],
            "matrix": [[9.0, 1.0], [2.0, 8.0]],
            "fpr": [0.1, 0.5],
            "tpr": [0.2, 0.6],
            "threshold": [0.9, 0.5],
        }
    ]


def test_exprun_reads_sdk_time_series_as_the_sdks_data_frame(written: Written, sdk: VertexFake) -> None:
    frame = exprun_run(written).get_time_series_data_frame()
    sdk_frame = aiplatform.ExperimentRun("run-1", experiment=written.experiment).get_time_series_data_frame()
    assert list(frame.columns[:2]) == ["step", "wall_time"]
    assert sorted(frame.columns[2:]) == ["acc", "loss"]
    assert list(frame["step"]) == [1, 2, 10]
    assert list(frame["loss"]) == [0.5, 0.4, 0.3]
    assert frame["acc"][0] == 0.7
    assert math.isnan(frame["acc"][1])
    assert math.isnan(frame["acc"][2])
    assert str(frame["wall_time"].dt.tz) == "UTC"
    # The same wall times as the SDK's own frame, to the millisecond the SDK writes.
    assert list(frame["wall_time"]) == list(sdk_frame["wall_time"])


def test_exprun_default_step_continues_after_sdk_steps(written: Written, fake: VertexFake) -> None:
    """exprun picks a default step from what is stored, the SDK's steps included."""
    name = unique_experiment("exprun-default-step")
    assert fake.address is not None
    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        aiplatform.Experiment.create(name).assign_backing_tensorboard(TENSORBOARD)
        run = aiplatform.ExperimentRun.create("run-1", experiment=name)
        run.log_time_series_metrics({"loss": 1.0})
        run.log_time_series_metrics({"loss": 0.9}, step=30)

    exprun_side = ExperimentRun("run-1", experiment=name)
    exprun_side.log_time_series_metrics({"loss": 0.8})

    assert exprun_side.read_time_series()["loss"].steps == [1, 30, 31]


def test_exprun_reads_the_execution_the_sdk_associated(written: Written) -> None:
    [execution] = exprun_run(written).get_executions()
    assert execution.name == written.execution_id
    assert execution.resource_name == f"{PARENT}/metadataStores/default/executions/{written.execution_id}"
    assert execution.display_name == "train"
    assert execution.schema_title == "system.ContainerExecution"
    assert execution.metadata == {"epochs": 3.0}
    assert execution.state == RunState.RUNNING


def test_exprun_lists_every_artifact_the_sdk_attributed(written: Written) -> None:
    artifacts = exprun_run(written).get_artifacts()
    assert sorted(artifact.schema_title for artifact in artifacts) == [
        "google.ClassificationMetrics",
        "google.ExperimentModel",
        "google.VertexTensorboardRun",
    ]
    [tb_run] = [a for a in artifacts if a.schema_title == "google.VertexTensorboardRun"]
    assert tb_run.name == f"{written.experiment}-run-1-tb-run"
    assert tb_run.metadata["resourceName"] == f"{TENSORBOARD}/experiments/{written.experiment}/runs/run-1"


def test_exprun_reads_the_model_the_sdk_recorded(written: Written) -> None:
    [model] = exprun_run(written).get_experiment_models()
    assert model.name == written.model_id
    assert model.resource_name == f"{PARENT}/metadataStores/default/artifacts/{written.model_id}"
    assert model.display_name == "sdk-model"
    assert model.uri == "gs://interop-bucket/models/sdk-model"
    assert (model.framework_name, model.framework_version) == ("sklearn", "1.5.2")
    assert model.model_file == "model.pkl"
    assert model.model_class == "sklearn.linear_model._base.LinearRegression"
    assert model.files == ()  # exprun uploaded nothing: the SDK's files live in Cloud Storage


def test_exprun_finds_the_pipeline_job_the_sdk_logged(written: Written) -> None:
    [job] = exprun_run(written).get_logged_pipeline_jobs()
    # Known difference: exprun names the job with the project ID, Vertex with the number.
    assert job.resource_name == f"{PARENT}/pipelineJobs/{written.experiment}-pipe"
    assert job.name == f"{written.experiment}-pipe"
    assert (
        written.pipeline_job
        == f"projects/{NUMBER}/locations/{LOCATION}/pipelineJobs/{written.experiment}-pipe"
    )


def test_exprun_finds_the_custom_job_the_sdk_recorded(written: Written) -> None:
    assert exprun_run(written).get_logged_custom_jobs() == [CUSTOM_JOB]


def test_exprun_lists_the_runs_and_the_experiment_the_sdk_made(written: Written) -> None:
    runs = ExperimentRun.list(experiment=written.experiment)
    assert sorted(run.name for run in runs) == ["run-1", "run-2"]
    assert {run.name: run.state for run in runs} == {"run-1": RunState.COMPLETE, "run-2": RunState.RUNNING}

    [experiment] = [e for e in Experiment.list() if e.name == written.experiment]
    assert experiment.description == "written by the SDK"
    # Known difference: exprun gives the TensorBoard in the project-ID form.
    assert experiment.backing_tensorboard_resource_name == f"{PARENT}/tensorboards/tb1"
    assert Experiment(written.experiment) == experiment


def test_exprun_deletes_a_run_the_sdk_made_and_the_sdk_sees_it_gone(
    fake: VertexFake, experiment_name: str
) -> None:
    assert fake.address is not None
    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        aiplatform.Experiment.create(experiment_name).assign_backing_tensorboard(TENSORBOARD)
        doomed = aiplatform.ExperimentRun.create("doomed", experiment=experiment_name)
        doomed.log_params({"lr": 0.1})
        doomed.log_time_series_metrics({"loss": 0.5})
        aiplatform.ExperimentRun.create("kept", experiment=experiment_name)

    ExperimentRun("doomed", experiment=experiment_name).delete(delete_backing_tensorboard_run=True)

    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        assert aiplatform.ExperimentRun.get("doomed", experiment=experiment_name) is None
        assert [r.name for r in aiplatform.ExperimentRun.list(experiment=experiment_name)] == ["kept"]
        tb_runs = aiplatform.TensorboardRun.list(
            tensorboard_experiment_name=f"{TENSORBOARD}/experiments/{experiment_name}"
        )
        assert [tb_run.display_name for tb_run in tb_runs] == ["kept"]
    with pytest.raises(NotFound):
        ExperimentRun("doomed", experiment=experiment_name)


def test_exprun_deletes_an_experiment_the_sdk_made(fake: VertexFake, experiment_name: str) -> None:
    assert fake.address is not None
    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        aiplatform.Experiment.create(experiment_name)
        aiplatform.ExperimentRun.create("run-1", experiment=experiment_name)

    Experiment(experiment_name).delete()

    with sdk_against(fake.address, project=PROJECT, location=LOCATION):
        assert aiplatform.Experiment.get(experiment_name) is None
        assert aiplatform.ExperimentRun.get("run-1", experiment=experiment_name) is None
    assert experiment_name not in [e.name for e in Experiment.list()]
