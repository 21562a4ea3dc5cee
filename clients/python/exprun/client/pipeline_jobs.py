"""`aiplatform.PipelineJob` as far as experiment code uses it: a handle to a pipeline job that ran
on Vertex AI Pipelines, to link to a run (`log(pipeline_job=...)`) and to read back
(`get_logged_pipeline_jobs()`).

exprun runs no pipelines and never calls the Pipelines API, so a handle is the job's resource
name and nothing else: building, submitting and waiting for a job (the SDK's constructor,
`submit`, `run`, `wait`) and the job's live fields (`state`, `gca_resource`) stay with the SDK.
"""

from __future__ import annotations

from typing import Any

from exprun.client import _config, _names

COLLECTION = "pipelineJobs"


class PipelineJob:
    """A handle to an existing pipeline job: `resource_name` and `name` (the job ID), as in the SDK."""

    __slots__ = ("_resource_name",)
    _resource_name: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            "exprun does not run pipelines: create and submit the PipelineJob with the Vertex SDK, "
            "then link it with PipelineJob.get(job_id_or_name) and log(pipeline_job=...)"
        )

    @classmethod
    def _of(cls, resource_name: str) -> PipelineJob:
        job = object.__new__(cls)
        job._resource_name = resource_name
        return job

    @classmethod
    def get(
        cls,
        resource_name: str,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> PipelineJob:
        """The job by ID (in the project and location of `init`, or those given) or full name.

        Nothing is fetched, so a job that does not exist is not noticed here: on the Vertex
        store, linking it to a run is what fails (NotFound); the embedded store links any name.

        Args:
            resource_name: Required. A pipeline job ID or full name.
            project, location: Optional. See `exprun.client`.
            credentials: Optional. Accepted for the SDK's signature and unused.
        """
        del credentials
        if not resource_name:
            raise ValueError("resource_name is required: a pipeline job ID or full resource name")
        return cls._of(
            _names.in_location(
                resource_name, COLLECTION, _config.project(project), _config.location(location)
            )
        )

    @property
    def resource_name(self) -> str:
        return self._resource_name

    @property
    def name(self) -> str:
        """The job ID, as the SDK's `PipelineJob.name`."""
        return self._resource_name.rsplit("/", 1)[-1]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PipelineJob) and other._resource_name == self._resource_name

    def __hash__(self) -> int:
        return hash(self._resource_name)

    def __repr__(self) -> str:
        return f"PipelineJob(resource_name={self._resource_name!r})"
