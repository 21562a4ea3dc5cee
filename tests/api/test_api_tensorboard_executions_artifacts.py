"""AssignBackingTensorboard, AssociateExecution, ListExecutions and ListArtifacts through the client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from exprun.client import (
    Execution,
    Experiment,
    ExperimentRun,
    FailedPrecondition,
    InvalidArgument,
    RunState,
)

from tests.api.conftest import LOCATION, PROJECT

TB = f"projects/{PROJECT}/locations/{LOCATION}/tensorboards"
STORE = f"projects/{PROJECT}/locations/{LOCATION}/metadataStores/default"


@dataclass
class SdkLikeTensorboard:
    """What an `aiplatform.Tensorboard` offers the client: its resource name."""

    resource_name: str


def test_assigning_a_tensorboard_links_a_tensorboard_run_and_writes_the_tb_run_artifact(
    experiment_run: ExperimentRun, experiment: Experiment
) -> None:
    experiment_run.assign_backing_tensorboard("tb1")

    e = experiment.name
    assert experiment_run.backing_tensorboard_run == f"{TB}/tb1/experiments/{e}/runs/run-1"
    (artifact,) = experiment_run.get_artifacts()
    assert artifact.name == f"{e}-run-1-tb-run"
    assert artifact.resource_name == f"{STORE}/artifacts/{e}-run-1-tb-run"
    assert artifact.schema_title == "google.VertexTensorboardRun"
    assert artifact.metadata == {
        "resourceName": f"{TB}/tb1/experiments/{e}/runs/run-1",
        "vertex_experiment_tracking": True,
    }


def test_assigning_the_same_tensorboard_again_is_a_no_op(experiment_run: ExperimentRun) -> None:
    experiment_run.assign_backing_tensorboard(SdkLikeTensorboard(f"{TB}/tb1"))
    experiment_run.assign_backing_tensorboard(f"{TB}/tb1")

    assert len(experiment_run.get_artifacts()) == 1


def test_a_different_tensorboard_is_refused(experiment_run: ExperimentRun) -> None:
    experiment_run.assign_backing_tensorboard("tb1")

    with pytest.raises(FailedPrecondition) as caught:
        experiment_run.assign_backing_tensorboard("tb2")

    assert caught.value.reason == "TENSORBOARD_ALREADY_ASSIGNED"
    reread = ExperimentRun(experiment_run.exprun_name)
    assert reread.backing_tensorboard_run == f"{TB}/tb1/experiments/{experiment_run.experiment}/runs/run-1"


def test_a_tensorboard_in_another_location_is_invalid(experiment_run: ExperimentRun) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.assign_backing_tensorboard(
            f"projects/{PROJECT}/locations/europe-west4/tensorboards/tb1"
        )

    assert caught.value.reason == "TENSORBOARD_LOCATION_MISMATCH"
    assert caught.value.field_violations[0][0] == "tensorboard"


def test_runs_get_the_tensorboard_given_at_create_or_the_experiments(
    unique_name: Callable[[str], str],
) -> None:
    backed = Experiment.create(unique_name("e"), backing_tensorboard="tb-exp")

    inherited = ExperimentRun.create("inherits", experiment=backed)
    explicit = ExperimentRun.create("explicit", experiment=backed, tensorboard="tb-run")

    assert inherited.backing_tensorboard_run == f"{TB}/tb-exp/experiments/{backed.name}/runs/inherits"
    assert explicit.backing_tensorboard_run == f"{TB}/tb-run/experiments/{backed.name}/runs/explicit"


def test_an_execution_is_created_and_associated(experiment_run: ExperimentRun) -> None:
    created = experiment_run.associate_execution(
        Execution(display_name="train", schema_title="system.ContainerExecution", metadata={"epochs": 3})
    )

    (listed,) = experiment_run.get_executions()
    assert listed == created
    assert listed.display_name == "train"
    assert listed.metadata == {"epochs": 3}
    assert listed.state == RunState.RUNNING
    assert listed.resource_name.startswith(f"{STORE}/executions/")


def test_an_existing_execution_is_associated_by_name_with_another_run(
    experiment_run: ExperimentRun, experiment: Experiment, artifact_id: str
) -> None:
    other = ExperimentRun.create("run-2", experiment=experiment)
    execution = experiment_run.associate_execution(
        Execution(display_name="shared", resource_name=artifact_id)
    )

    by_id = other.associate_execution(artifact_id)
    by_name = other.associate_execution(execution.resource_name)

    assert execution.name == artifact_id
    assert by_id.resource_name == by_name.resource_name == f"{STORE}/executions/{artifact_id}"
    assert [e.display_name for e in other.get_executions()] == ["shared"]


def test_artifacts_include_metrics_models_and_the_tb_run_link(experiment_run: ExperimentRun) -> None:
    experiment_run.assign_backing_tensorboard("tb1")
    metrics = experiment_run.log_classification_metrics(
        display_name="cm", labels=["a", "b"], matrix=[[1, 0], [0, 1]]
    )
    model = experiment_run.log_model(uri="gs://bucket/model")

    artifacts = {a.schema_title: a for a in experiment_run.get_artifacts()}

    assert set(artifacts) == {
        "google.VertexTensorboardRun",
        "google.ClassificationMetrics",
        "google.ExperimentModel",
    }
    assert artifacts["google.ClassificationMetrics"].name == metrics.id
    assert artifacts["google.ClassificationMetrics"].metadata == {
        "confusionMatrix": {
            "annotationSpecs": [{"displayName": "a"}, {"displayName": "b"}],
            "rows": [[1, 0], [0, 1]],
        }
    }
    assert artifacts["google.ExperimentModel"].resource_name == model.resource_name
    assert artifacts["google.ExperimentModel"].uri == "gs://bucket/model"
