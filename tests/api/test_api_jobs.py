"""LogPipelineJob, ListPipelineJobs, LogCustomJob and ListCustomJobs through the client."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from exprun.client import ExperimentRun, InvalidArgument, PipelineJob

from tests.api.conftest import LOCATION, PROJECT

JOBS = f"projects/{PROJECT}/locations/{LOCATION}"


@dataclass
class SdkLikePipelineJob:
    """What an `aiplatform.PipelineJob` offers the client: its resource name."""

    resource_name: str


def test_pipeline_jobs_are_linked_by_name_object_or_id(experiment_run: ExperimentRun) -> None:
    experiment_run.log(pipeline_job=f"{JOBS}/pipelineJobs/p1")
    experiment_run.log(pipeline_job=SdkLikePipelineJob(f"{JOBS}/pipelineJobs/p2"))
    experiment_run.log(pipeline_job="p3")
    experiment_run.log(pipeline_job=PipelineJob.get("p4"))
    experiment_run.log()

    logged = experiment_run.get_logged_pipeline_jobs()
    assert [job.resource_name for job in logged] == [f"{JOBS}/pipelineJobs/p{i}" for i in range(1, 5)]
    assert [job.name for job in logged] == ["p1", "p2", "p3", "p4"]
    assert logged[3] == PipelineJob.get(f"{JOBS}/pipelineJobs/p4")


def test_a_pipeline_job_is_a_handle_exprun_cannot_build_or_run() -> None:
    with pytest.raises(NotImplementedError, match="does not run pipelines"):
        PipelineJob(display_name="train", template_path="pipeline.yaml")
    with pytest.raises(ValueError, match="resource_name"):
        PipelineJob.get("")


def test_custom_jobs_are_linked(experiment_run: ExperimentRun) -> None:
    experiment_run.log_custom_job(f"{JOBS}/customJobs/123")
    experiment_run.log_custom_job("456")

    assert experiment_run.get_logged_custom_jobs() == [f"{JOBS}/customJobs/123", f"{JOBS}/customJobs/456"]
    assert experiment_run.get_logged_pipeline_jobs() == []


def test_a_job_of_the_wrong_kind_is_invalid(experiment_run: ExperimentRun) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log(pipeline_job=f"{JOBS}/customJobs/123")

    assert caught.value.field_violations[0][0] == "pipeline_job"
    assert experiment_run.get_logged_pipeline_jobs() == []


def test_a_job_that_is_not_a_name_is_a_type_error(experiment_run: ExperimentRun) -> None:
    with pytest.raises(TypeError, match="resource name"):
        experiment_run.log_custom_job(123)
