"""PipelineService: GetPipelineJob, over jobs that tests add as the Pipelines backend would have made them.

A job comes with its `system.PipelineRun` context in the default metadata store (ID and display_name =
the job ID), and `job_detail.pipeline_run_context` holds that context, which is what the SDK's
`ExperimentRun.log(pipeline_job=...)` reads and `get_logged_pipeline_jobs()` maps back to the job.
"""

from __future__ import annotations

from typing import Any

from google.cloud.aiplatform_v1.types import (
    Context,
    GetPipelineJobRequest,
    PipelineJob,
    PipelineJobDetail,
)

from tests.fakes.vertex import clock, names
from tests.fakes.vertex.errors import already_exists, not_found
from tests.fakes.vertex.metadata import MetadataService, clone
from tests.fakes.vertex.methods import Method

SERVICE = "google.cloud.aiplatform.v1.PipelineService"
PIPELINE_RUN_SCHEMA = "system.PipelineRun"


class PipelineService:
    def __init__(self, projects: names.Projects, metadata: MetadataService) -> None:
        self._projects = projects
        self._metadata = metadata
        self._jobs: dict[names.Key, PipelineJob] = {}

    def reset(self) -> None:
        self._jobs.clear()

    def add_job(self, project: str, location: str, job_id: str, state: int, context_id: str) -> str:
        names.check_id(job_id, names.SERVER_ID, "pipeline job ID", names.SERVER_ID_RULE)
        key = (self._projects.number(project), location, job_id)
        name = names.format_name(key, names.PIPELINE_JOB)
        if key in self._jobs:
            raise already_exists("PipelineJob", name)
        store = self._metadata.ensure_store(project, location)
        run_context = self._metadata.put_context(
            store,
            context_id,
            Context(display_name=job_id, schema_title=PIPELINE_RUN_SCHEMA, schema_version="0.0.1"),
        )
        now = clock.now()
        self._jobs[key] = PipelineJob(
            name=name,
            display_name=job_id,
            state=state,
            create_time=now,
            start_time=now,
            end_time=now,
            update_time=now,
            job_detail=PipelineJobDetail(pipeline_run_context=run_context),
        )
        return name

    def get_pipeline_job(self, request: GetPipelineJobRequest) -> PipelineJob:
        key = names.parse(request.name, names.PIPELINE_JOB, self._projects)
        job = self._jobs.get(key)
        if job is None:
            raise not_found("PipelineJob", request.name)
        return clone(job)

    def methods(self) -> list[Method]:
        serialize: Any = PipelineJob.serialize
        return [
            Method(
                SERVICE, "GetPipelineJob", self.get_pipeline_job, GetPipelineJobRequest.deserialize, serialize
            )
        ]
