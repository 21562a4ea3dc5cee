"""The official Vertex AI SDK (google-cloud-aiplatform 2.7) against the fake: every ExperimentRun flow works
end to end, with the RPCs and results vertex-mapping.md recorded."""

from __future__ import annotations

import math

import pytest
from google.api_core import exceptions
from google.cloud import aiplatform
from google.cloud.aiplatform import initializer
from google.cloud.aiplatform.metadata import metadata as sdk_metadata
from google.cloud.aiplatform_v1 import Artifact, MetadataServiceClient
from google.cloud.aiplatform_v1.types import AddContextArtifactsAndExecutionsRequest, Context

from tests.fakes.vertex import VertexFake
from tests.fakes.vertex.sdk import sdk_against
from tests.fakes.vertex.tests.conftest import LOCATION, NUMBER, PROJECT, STORE_BY_NUMBER

State = aiplatform.gapic.Execution.State
TB = f"projects/{NUMBER}/locations/{LOCATION}/tensorboards/tb1"


def start_run(fake: VertexFake, run_name: str = "run-1") -> aiplatform.ExperimentRun:
    tensorboard = fake.create_tensorboard(PROJECT, LOCATION, "tb1")
    experiment = aiplatform.Experiment.create("exp1", description="my desc")
    experiment.assign_backing_tensorboard(tensorboard)
    return aiplatform.ExperimentRun.create(run_name, experiment="exp1")


def test_sdk_creates_logs_and_reads_back_a_run(sdk: VertexFake) -> None:
    run = start_run(sdk)
    run.log_params({"lr": 0.1, "epochs": 3, "opt": "adam", "flag": True})
    run.log_metrics({"acc": 0.9})
    run.update_state(State.COMPLETE)
    run.end_run()

    again = aiplatform.ExperimentRun.get("run-1", experiment="exp1")
    assert again is not None
    assert again.resource_name == f"{STORE_BY_NUMBER}/contexts/exp1-run-1"
    assert again.get_params() == {"lr": 0.1, "epochs": 3.0, "opt": "adam", "flag": True}
    assert again.get_metrics() == {"acc": 0.9}
    assert again.get_state() == "COMPLETE"
    assert aiplatform.ExperimentRun.get("nope", experiment="exp1") is None
    assert [listed.name for listed in aiplatform.ExperimentRun.list(experiment="exp1")] == ["run-1"]
    experiment = aiplatform.Experiment("exp1")
    assert experiment.backing_tensorboard_resource_name == TB
    assert sdk.call_names()[:4] == [
        "GetMetadataStore",
        "CreateMetadataStore",
        "GetMetadataStore",
        "CreateContext",
    ]


def test_sdk_creates_the_backing_tensorboard_run_and_reference_artifact(sdk: VertexFake) -> None:
    start_run(sdk)

    calls = sdk.call_names()
    for method in (
        "CreateTensorboardExperiment",
        "CreateTensorboardRun",
        "CreateArtifact",
        "AddContextChildren",
    ):
        assert method in calls
    artifact = next(call.request for call in sdk.calls if call.method == "CreateArtifact")
    assert artifact.artifact_id == "exp1-run-1-tb-run"
    assert artifact.artifact.metadata["resourceName"] == f"{TB}/experiments/exp1/runs/run-1"


def test_sdk_retries_an_update_after_a_concurrent_writer_moved_the_etag(
    sdk: VertexFake, metadata: MetadataServiceClient
) -> None:
    run = start_run(sdk)
    behind_its_back = metadata.get_context(name=run.resource_name)
    behind_its_back.description = "changed elsewhere"
    metadata.update_context(context=behind_its_back)
    sdk.clear_calls()

    run.log_params({"lr": 0.2})

    assert sdk.call_names() == ["UpdateContext", "GetContext", "UpdateContext"]
    stored = metadata.get_context(name=run.resource_name)
    assert stored.metadata["_params"] == {"lr": 0.2}
    assert stored.description == "changed elsewhere"


def test_sdk_classification_metrics_round_trip(sdk: VertexFake) -> None:
    run = start_run(sdk)
    run.log_classification_metrics(
        display_name="cm",
        labels=["cat", "dog"],
        matrix=[[9, 1], [1, 9]],
        fpr=[0.1, 0.5],
        tpr=[0.2, 0.6],
        threshold=[0.9, 0.5],
    )

    [metrics] = run.get_classification_metrics()
    assert len(metrics.pop("id")) == 32  # a server-generated UUID
    assert metrics == {
        "display_name": "cm",
        "labels": ["cat", "dog"],
        "matrix": [[9.0, 1.0], [1.0, 9.0]],
        "fpr": [0.1, 0.5],
        "tpr": [0.2, 0.6],
        "threshold": [0.9, 0.5],
    }


def test_sdk_time_series_default_steps_and_data_frame(sdk: VertexFake) -> None:
    run = start_run(sdk)
    run.log_time_series_metrics({"loss": 0.5, "acc": 0.7})
    run.log_time_series_metrics({"loss": 0.4})
    run.log_time_series_metrics({"loss": 0.3}, step=10)
    fresh = aiplatform.ExperimentRun("run-1", experiment="exp1")
    fresh.log_time_series_metrics({"loss": 0.2})  # a fresh object continues after the largest stored step

    frame = run.get_time_series_data_frame()
    assert list(frame.columns[:2]) == ["step", "wall_time"]
    assert sorted(frame.columns[2:]) == ["acc", "loss"]
    assert list(frame["step"]) == [1, 2, 10, 11]
    assert list(frame["loss"]) == [0.5, 0.4, 0.3, 0.2]
    assert frame["acc"][0] == 0.7
    assert math.isnan(frame["acc"][1])
    assert str(frame["wall_time"].dt.tz) == "UTC"


def test_sdk_experiment_data_frame(sdk: VertexFake) -> None:
    run = start_run(sdk)
    run.log_params({"lr": 0.1})
    run.log_metrics({"acc": 0.9})
    run.log_time_series_metrics({"loss": 0.5})
    run.log_time_series_metrics({"loss": 0.25})

    frame = aiplatform.Experiment("exp1").get_data_frame()
    [row] = frame.to_dict("records")
    assert row["experiment_name"] == "exp1"
    assert row["run_name"] == "run-1"
    assert row["run_type"] == "system.ExperimentRun"
    assert row["state"] == "RUNNING"
    assert row["param.lr"] == 0.1
    assert row["metric.acc"] == 0.9
    assert row["time_series_metric.loss"] == 0.25


def test_sdk_executions_artifacts_and_models(sdk: VertexFake, metadata: MetadataServiceClient) -> None:
    run = start_run(sdk)
    execution = aiplatform.Execution.create(display_name="train", schema_title="system.ContainerExecution")
    run.associate_execution(execution)
    model = metadata.create_artifact(
        parent=STORE_BY_NUMBER,
        artifact=Artifact(
            schema_title="google.ExperimentModel",
            schema_version="0.0.1",
            display_name="model-1",
            uri="gs://bucket/model",
            state=Artifact.State.LIVE,
            metadata={"frameworkName": "sklearn", "frameworkVersion": "1.5", "modelFile": "model.pkl"},
        ),
    )
    metadata.add_context_artifacts_and_executions(
        request=AddContextArtifactsAndExecutionsRequest(context=run.resource_name, artifacts=[model.name])
    )

    assert [found.display_name for found in run.get_executions()] == ["train"]
    assert sorted(found.schema_title for found in run.get_artifacts()) == [
        "google.ExperimentModel",
        "google.VertexTensorboardRun",
    ]
    [experiment_model] = run.get_experiment_models()
    assert experiment_model.uri == "gs://bucket/model"
    assert experiment_model.display_name == "model-1"


def test_sdk_logs_a_pipeline_job_and_finds_it_again(sdk: VertexFake) -> None:
    run = start_run(sdk)
    job_name = sdk.add_pipeline_job(PROJECT, LOCATION, "pipe-1")

    run.log(pipeline_job=aiplatform.PipelineJob.get("pipe-1"))

    assert [job.resource_name for job in run.get_logged_pipeline_jobs()] == [job_name]
    assert job_name == f"projects/{NUMBER}/locations/{LOCATION}/pipelineJobs/pipe-1"


def test_sdk_deletes_the_run_its_tensorboard_run_and_the_experiment(
    sdk: VertexFake, metadata: MetadataServiceClient
) -> None:
    run = start_run(sdk)
    run.log_time_series_metrics({"loss": 0.5})
    run.delete(delete_backing_tensorboard_run=True)

    assert aiplatform.ExperimentRun.get("run-1", experiment="exp1") is None
    assert "DeleteTensorboardRun" in sdk.call_names()
    assert [context.name for context in metadata.list_contexts(parent=STORE_BY_NUMBER)] == [
        f"{STORE_BY_NUMBER}/contexts/exp1"
    ]
    aiplatform.Experiment("exp1").delete()
    assert list(metadata.list_contexts(parent=STORE_BY_NUMBER)) == []


def test_sdk_rejects_a_duplicate_run_with_already_exists(sdk: VertexFake) -> None:
    start_run(sdk)
    with pytest.raises(exceptions.AlreadyExists):
        aiplatform.ExperimentRun.create("run-1", experiment="exp1")


def test_sdk_start_run_with_a_default_tensorboard_and_restored_globals(fake: VertexFake) -> None:
    before = dict(initializer.global_config.__dict__)
    assert fake.address is not None
    with sdk_against(fake.address, project=PROJECT, location=LOCATION, experiment="exp1"):
        aiplatform.start_run("run-1")
        aiplatform.log_params({"lr": 0.3})
        aiplatform.log_time_series_metrics({"loss": 1.0})
        aiplatform.end_run()
        run = aiplatform.ExperimentRun.get("run-1", experiment="exp1")
        assert run is not None
        assert run.get_params() == {"lr": 0.3}
        assert run.get_state() == "COMPLETE"
        # No default tensorboard existed, so init made one (CreateTensorboard LRO with is_default=True).
        assert "CreateTensorboard" in fake.call_names()
        [board] = aiplatform.Tensorboard.list(filter="is_default=true")
        assert board.resource_name.startswith(f"projects/{NUMBER}/locations/{LOCATION}/tensorboards/")
    assert initializer.global_config.__dict__ == before
    assert sdk_metadata._experiment_tracker.experiment is None


def test_pipeline_run_context_is_what_the_backend_makes(
    fake: VertexFake, metadata: MetadataServiceClient
) -> None:
    fake.add_pipeline_job(PROJECT, LOCATION, "pipe-2")
    context = metadata.get_context(name=f"{STORE_BY_NUMBER}/contexts/pipe-2")
    assert isinstance(context, Context)
    assert (context.schema_title, context.display_name) == ("system.PipelineRun", "pipe-2")
