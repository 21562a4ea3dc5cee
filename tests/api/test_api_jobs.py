"""LogPipelineJob, ListPipelineJobs, LogCustomJob and ListCustomJobs through the client."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from exprun.client import ExperimentRun, InvalidArgument

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
    experiment_run.log()

    assert experiment_run.get_logged_pipeline_jobs() == [
        f"{JOBS}/pipelineJobs/p1",
        f"{JOBS}/pipelineJobs/p2",
        f"{JOBS}/pipelineJobs/p3",
    ]


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
