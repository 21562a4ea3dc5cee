"""A run's links to Vertex jobs, where the SDK keeps them (vertex-mapping.md §6.3, §6.4).

Pipeline jobs: the job's `system.PipelineRun` context (made by the Pipelines backend, found in
`job_detail.pipeline_run_context`) becomes a child of the run's context; a link is listed from
those children and its time is the pipeline context's creation. Custom jobs: entries
`{"custom_job_resource_name", "custom_job_console_uri"}` appended to the run's `_custom_jobs`
through the coalesced read-modify-write. Vertex records no time for those entries, so a custom
job link has no create_time.
"""

from __future__ import annotations

import asyncio
from typing import Any

from exprun.server.core import layouts
from exprun.server.core.errors import FailedPrecondition, NotFound
from exprun.server.core.listing import cursor_offset
from exprun.server.core.model import Link, LinkKind, ListQuery, Page
from exprun.server.core.names import RunName
from exprun.server.stores.vertex import codec, layout
from exprun.server.stores.vertex.backend import Backend, quote
from exprun.server.stores.vertex.contexts import RunContexts
from exprun.server.stores.vertex.names import same_resource
from google.cloud.aiplatform_v1.types import metadata_service, pipeline_job

# The Pipelines backend makes a job's run context shortly after the job starts; the SDK polls.
_PIPELINE_CONTEXT_POLLS = 5


class Links:
    def __init__(self, backend: Backend, contexts: RunContexts) -> None:
        self._backend = backend
        self._contexts = contexts

    async def add(self, name: RunName, link: Link) -> Link:
        if link.kind == LinkKind.PIPELINE_JOB:
            return await self._add_pipeline_job(name, link.target)
        return await self._add_custom_job(name, link.target)

    async def list_page(self, name: RunName, kind: LinkKind, query: ListQuery) -> Page[Link]:
        if kind == LinkKind.PIPELINE_JOB:
            return await self._pipeline_jobs(name, query)
        return await self._custom_jobs(name, query)

    # -- pipeline jobs ------------------------------------------------------------------------
    async def _pipeline_context(self, name: RunName, job: str) -> Any:
        client = self._backend.at(name.location).pipeline

        for poll in range(_PIPELINE_CONTEXT_POLLS):
            got = await self._backend.unary(
                client.get_pipeline_job,
                name=job,
                field="link.target",
                missing=NotFound(job, kind="PipelineJob"),
            )
            found = pipeline_job.PipelineJob.pb(got)
            context = found.job_detail.pipeline_run_context
            if context.name:
                return context
            await asyncio.sleep(0.5 * 2**poll)
        raise FailedPrecondition(
            f"pipeline job {job} has no pipeline run context yet; link it once it has started",
            reason="PIPELINE_NOT_STARTED",
            metadata={"pipeline_job": job},
        )

    async def _add_pipeline_job(self, name: RunName, job: str) -> Link:
        ctx = await self._contexts.get(name)
        pipeline_context = await self._pipeline_context(name, job)
        client = self._backend.at(name.location).metadata
        added = await self._backend.unary(  # re-adding is a no-op
            client.add_context_children,
            field="link.target",
            missing=None,
            context=ctx.name,
            child_contexts=[pipeline_context.name],
        )
        if added is None:  # the run's context is gone
            self._contexts.forget(name)
            raise NotFound(name.path, kind="Run")
        return Link(LinkKind.PIPELINE_JOB, job, codec.to_datetime(pipeline_context.create_time))

    async def _pipeline_jobs(self, name: RunName, query: ListQuery) -> Page[Link]:
        ctx = await self._contexts.get(name)
        client = self._backend.at(name.location).metadata
        request = metadata_service.ListContextsRequest(
            parent=self._backend.numbers.store(name.parent.parent),
            filter=f'schema_title = "{layout.SYSTEM_PIPELINE_RUN}" AND parent_contexts:{quote(ctx.name)}',
            order_by="create_time",
            page_size=query.page_size,
            page_token=query.cursor,
        )

        response = metadata_service.ListContextsResponse.pb(
            await self._backend.unary(client.list_contexts, request, field="page_token")
        )
        location = name.parent.parent.path
        items = [
            # The context's display name is the PipelineJob ID, as get_logged_pipeline_jobs() reads it.
            Link(
                LinkKind.PIPELINE_JOB,
                f"{location}/pipelineJobs/{c.display_name}",
                codec.to_datetime(c.create_time),
            )
            for c in response.contexts
        ]
        return Page(items, next_cursor=response.next_page_token)

    # -- custom jobs --------------------------------------------------------------------------
    async def _add_custom_job(self, name: RunName, job: str) -> Link:
        def append(meta: layout.Metadata) -> None:
            if not any(same_resource(known, job) for known in layout.custom_jobs(meta)):
                layout.add_custom_job(meta, job, layouts.custom_job_console_uri(job))

        await self._contexts.update(name, append, field="link.target")
        return Link(LinkKind.CUSTOM_JOB, job)

    async def _custom_jobs(self, name: RunName, query: ListQuery) -> Page[Link]:
        """`_custom_jobs` is one list in the run's metadata: paged here by offset."""
        ctx = await self._contexts.get(name, fresh=True)
        jobs = layout.custom_jobs(codec.from_struct(ctx.metadata))
        start = cursor_offset(query.cursor)
        end = start + query.page_size
        project = name.project
        items = [
            Link(LinkKind.CUSTOM_JOB, self._backend.numbers.client(job, project)) for job in jobs[start:end]
        ]
        return Page(items, next_cursor=str(end) if end < len(jobs) else "")
