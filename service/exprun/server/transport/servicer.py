"""`exprun.v1.ExperimentRunService`: each method maps the request, calls the core, maps back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import grpc
from exprun.server.core import layouts, limits, streams
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.model import LinkKind, ModelFile
from exprun.server.core.names import parse_run
from exprun.server.core.service import ExperimentRuns
from exprun.server.core.streams import Opened, StreamSession
from exprun.server.core.timeseries import RunTimeSeries
from exprun.server.transport import mappers, stream_codec
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.protobuf import empty_pb2

Context: TypeAlias = "grpc.aio.ServicerContext[Any, Any]"
StreamRequest: TypeAlias = "api.StreamTimeSeriesRequest | stream_codec.EncodedBatch"


async def _sized(requests: AsyncIterator[StreamRequest]) -> AsyncIterator[streams.Encoded]:
    async for request in requests:
        yield stream_codec.sized(request)


def _metadata_store(run: str) -> str:
    return parse_run(run, "parent").parent.parent.metadata_store()


def _store_of_location(location: str) -> str:
    """Called after the core parsed the name, so it is well formed."""
    return f"{location}/metadataStores/default"


def _store_of_resource(name: str) -> str:
    """`projects/P/locations/L/metadataStores/default` of a parsed metadata resource name."""
    return name.rsplit("/", 2)[0]


class ExperimentRunServicer(api_grpc.ExperimentRunServiceServicer):  # type: ignore[misc]
    def __init__(
        self,
        runs: ExperimentRuns,
        series: RunTimeSeries,
        *,
        open_timeout: float = streams.OPEN_TIMEOUT_SECONDS,
    ) -> None:
        self.runs = runs
        self.series = series
        self.open_timeout = open_timeout
        self.draining = asyncio.Event()

    def drain(self) -> None:
        """Graceful shutdown: every open stream acks what it has received, once committed, then
        ends with UNAVAILABLE so its client resumes on another replica; new streams are refused."""
        self.draining.set()

    # -- experiments --------------------------------------------------------------------------
    async def CreateExperiment(self, request: api.CreateExperimentRequest, context: Context) -> pb.Experiment:
        experiment = await self.runs.create_experiment(
            request.parent,
            request.experiment_id,
            request.experiment.description,
            request.experiment.backing_tensorboard,
        )
        return mappers.experiment_to_proto(experiment)

    async def GetExperiment(self, request: api.GetExperimentRequest, context: Context) -> pb.Experiment:
        return mappers.experiment_to_proto(await self.runs.get_experiment(request.name))

    async def ListExperiments(
        self, request: api.ListExperimentsRequest, context: Context
    ) -> api.ListExperimentsResponse:
        items, token = await self.runs.list_experiments(
            request.parent, request.page_size, request.page_token, request.filter, request.order_by
        )
        return api.ListExperimentsResponse(
            experiments=[mappers.experiment_to_proto(e) for e in items], next_page_token=token
        )

    async def DeleteExperiment(
        self, request: api.DeleteExperimentRequest, context: Context
    ) -> empty_pb2.Empty:
        await self.runs.delete_experiment(
            request.name, request.delete_backing_tensorboard_runs, request.delete_artifacts
        )
        return empty_pb2.Empty()

    # -- runs ---------------------------------------------------------------------------------
    async def CreateRun(self, request: api.CreateRunRequest, context: Context) -> pb.Run:
        state = mappers.run_state(request.run.state, "run.state")
        run = await self.runs.create_run(request.parent, request.run_id, state, request.tensorboard)
        return mappers.run_to_proto(run)

    async def GetRun(self, request: api.GetRunRequest, context: Context) -> pb.Run:
        return mappers.run_to_proto(await self.runs.get_run(request.name))

    async def ListRuns(self, request: api.ListRunsRequest, context: Context) -> api.ListRunsResponse:
        items, token = await self.runs.list_runs(
            request.parent, request.page_size, request.page_token, request.filter, request.order_by
        )
        return api.ListRunsResponse(runs=[mappers.run_to_proto(r) for r in items], next_page_token=token)

    async def DeleteRun(self, request: api.DeleteRunRequest, context: Context) -> empty_pb2.Empty:
        await self.runs.delete_run(
            request.name, request.delete_backing_tensorboard_run, request.delete_artifacts
        )
        return empty_pb2.Empty()

    async def UpdateRunState(self, request: api.UpdateRunStateRequest, context: Context) -> pb.Run:
        state = mappers.run_state(request.state, "state")
        return mappers.run_to_proto(await self.runs.update_run_state(request.name, state))

    async def EndRun(self, request: api.EndRunRequest, context: Context) -> pb.Run:
        state = mappers.run_state(request.state, "state")
        return mappers.run_to_proto(await self.runs.end_run(request.name, state))

    async def LogParams(self, request: api.LogParamsRequest, context: Context) -> pb.Run:
        params = mappers.values_from_proto(request.params, "params")
        return mappers.run_to_proto(await self.runs.log_params(request.run, params))

    async def GetParams(self, request: api.GetParamsRequest, context: Context) -> api.GetParamsResponse:
        run = mappers.run_to_proto(await self.runs.get_run(request.run))
        return api.GetParamsResponse(params=run.params)

    async def LogMetrics(self, request: api.LogMetricsRequest, context: Context) -> pb.Run:
        metrics = mappers.values_from_proto(request.metrics, "metrics")
        return mappers.run_to_proto(await self.runs.log_metrics(request.run, metrics))

    async def GetMetrics(self, request: api.GetMetricsRequest, context: Context) -> api.GetMetricsResponse:
        run = mappers.run_to_proto(await self.runs.get_run(request.run))
        return api.GetMetricsResponse(metrics=run.metrics)

    async def AssignBackingTensorboard(
        self, request: api.AssignBackingTensorboardRequest, context: Context
    ) -> pb.Run:
        run = await self.runs.assign_backing_tensorboard(request.run, request.tensorboard)
        return mappers.run_to_proto(run)

    # -- classification metrics ---------------------------------------------------------------
    async def LogClassificationMetrics(
        self, request: api.LogClassificationMetricsRequest, context: Context
    ) -> pb.ClassificationMetrics:
        cm = mappers.classification_metrics_from_proto(request.classification_metrics)
        logged = await self.runs.log_classification_metrics(request.parent, cm)
        return mappers.classification_metrics_to_proto(request.parent, logged)

    async def ListClassificationMetrics(
        self, request: api.ListClassificationMetricsRequest, context: Context
    ) -> api.ListClassificationMetricsResponse:
        items, token = await self.runs.list_classification_metrics(
            request.parent, request.page_size, request.page_token
        )
        return api.ListClassificationMetricsResponse(
            classification_metrics=[
                mappers.classification_metrics_to_proto(request.parent, cm) for cm in items
            ],
            next_page_token=token,
        )

    # -- time series --------------------------------------------------------------------------
    async def WriteTimeSeries(
        self, request: api.WriteTimeSeriesRequest, context: Context
    ) -> api.WriteTimeSeriesResponse:
        result = await self.series.write(
            request.run,
            mappers.series_from_proto(request.batch.series),
            writer_id=request.writer_id,
            sequence=request.sequence,
        )
        return api.WriteTimeSeriesResponse(
            committed_sequence=result.committed_sequence, points_written=result.points_written
        )

    async def StreamTimeSeries(
        self, requests: AsyncIterator[StreamRequest], context: Context
    ) -> AsyncIterator[api.StreamTimeSeriesResponse]:
        """Batches arrive still encoded (see stream_codec); the session takes memory budget for
        them before it decodes them, and yields what to answer."""
        session = StreamSession(self.series, self.draining, open_timeout=self.open_timeout)
        async for event in session.run(_sized(requests), stream_codec.decode):
            committed = event.committed_sequence
            if isinstance(event, Opened):
                yield api.StreamTimeSeriesResponse(opened=api.StreamOpened(committed_sequence=committed))
            else:
                yield api.StreamTimeSeriesResponse(ack=api.StreamAck(committed_sequence=committed))

    async def Heartbeat(self, request: api.HeartbeatRequest, context: Context) -> api.HeartbeatResponse:
        state, deadline = await self.series.heartbeat(request.run)
        return api.HeartbeatResponse(
            state=mappers.state_to_proto(state), liveness_deadline=mappers.timestamp(deadline)
        )

    async def ReadTimeSeries(
        self, request: api.ReadTimeSeriesRequest, context: Context
    ) -> AsyncIterator[api.ReadTimeSeriesResponse]:
        chunks = self.series.read(
            request.run, request.metrics, request.start_step, request.end_step, request.max_points
        )
        pending: list[pb.TimeSeries] = []
        points = 0
        async for series in chunks:
            # Messages stay near READ_MESSAGE_MAX_POINTS (~1.5 MB), under every client's 4 MB default.
            for start in range(0, len(series), limits.READ_MESSAGE_MAX_POINTS):
                piece = mappers.series_slice(series, start, start + limits.READ_MESSAGE_MAX_POINTS)
                pending.append(mappers.series_to_proto(piece))
                points += len(piece)
                if points >= limits.READ_MESSAGE_MAX_POINTS:
                    yield api.ReadTimeSeriesResponse(series=pending)
                    pending, points = [], 0
        if pending:
            yield api.ReadTimeSeriesResponse(series=pending)

    # -- executions, artifacts ----------------------------------------------------------------
    async def AssociateExecution(
        self, request: api.AssociateExecutionRequest, context: Context
    ) -> pb.Execution:
        execution = await self.runs.associate_execution(
            request.run, mappers.execution_from_proto(request.execution), request.execution.name
        )
        return mappers.execution_to_proto(_metadata_store(request.run), execution)

    async def CreateExecution(self, request: api.CreateExecutionRequest, context: Context) -> pb.Execution:
        execution = await self.runs.create_execution(
            request.parent, request.execution_id, mappers.execution_from_proto(request.execution)
        )
        return mappers.execution_to_proto(_store_of_location(request.parent), execution)

    async def GetExecution(self, request: api.GetExecutionRequest, context: Context) -> pb.Execution:
        execution = await self.runs.get_execution(request.name)
        return mappers.execution_to_proto(_store_of_resource(request.name), execution)

    async def UpdateExecution(self, request: api.UpdateExecutionRequest, context: Context) -> pb.Execution:
        execution = await self.runs.update_execution(
            request.execution.name,
            mappers.execution_from_proto(request.execution),
            list(request.update_mask.paths),
        )
        return mappers.execution_to_proto(_store_of_resource(request.execution.name), execution)

    async def AddExecutionEvents(
        self, request: api.AddExecutionEventsRequest, context: Context
    ) -> api.AddExecutionEventsResponse:
        await self.runs.add_execution_events(
            request.execution, list(request.input_artifacts), list(request.output_artifacts)
        )
        return api.AddExecutionEventsResponse()

    async def QueryExecutionInputsAndOutputs(
        self, request: api.QueryExecutionInputsAndOutputsRequest, context: Context
    ) -> api.ExecutionInputsAndOutputs:
        inputs, outputs = await self.runs.execution_artifacts(request.execution)
        store = _store_of_resource(request.execution)
        return api.ExecutionInputsAndOutputs(
            inputs=[mappers.artifact_to_proto(store, a) for a in inputs],
            outputs=[mappers.artifact_to_proto(store, a) for a in outputs],
        )

    async def ListExecutions(
        self, request: api.ListExecutionsRequest, context: Context
    ) -> api.ListExecutionsResponse:
        items, token = await self.runs.list_executions(
            request.parent, request.page_size, request.page_token, request.filter, request.order_by
        )
        # The core accepted the parent: a metadata store, or a run.
        store = request.parent if "/metadataStores/" in request.parent else _metadata_store(request.parent)
        return api.ListExecutionsResponse(
            executions=[mappers.execution_to_proto(store, e) for e in items], next_page_token=token
        )

    async def ListArtifacts(
        self, request: api.ListArtifactsRequest, context: Context
    ) -> api.ListArtifactsResponse:
        items, token = await self.runs.list_artifacts(
            request.parent, request.page_size, request.page_token, request.filter
        )
        store = _metadata_store(request.parent)
        return api.ListArtifactsResponse(
            artifacts=[mappers.artifact_to_proto(store, a) for a in items], next_page_token=token
        )

    # -- models -------------------------------------------------------------------------------
    async def LogModel(
        self, requests: AsyncIterator[api.LogModelRequest], context: Context
    ) -> pb.ExperimentModel:
        first = await anext(aiter(requests), None)
        if first is None or first.WhichOneof("kind") != "header":
            raise InvalidArgument.field("header", "the first message of an upload must be the header")
        header = first.header

        async def chunks() -> AsyncIterator[tuple[str, bytes]]:
            async for request in requests:
                if request.WhichOneof("kind") != "chunk":
                    raise InvalidArgument.field("header", "an upload has one header, first")
                yield request.chunk.path, request.chunk.data

        files: list[ModelFile] = mappers.model_files_from_proto(header.files)
        logged = await self.runs.log_model(
            header.run, mappers.model_from_proto(header.model, "header.model"), files, chunks()
        )
        return mappers.model_to_proto(_metadata_store(header.run), logged)

    async def DownloadModel(
        self, request: api.DownloadModelRequest, context: Context
    ) -> AsyncIterator[api.ModelChunk]:
        async for path, data in self.runs.download_model(request.model):
            yield api.ModelChunk(path=path, data=data)

    async def GetExperimentModel(
        self, request: api.GetExperimentModelRequest, context: Context
    ) -> pb.ExperimentModel:
        found = await self.runs.get_model(request.name)
        return mappers.model_to_proto(request.name.rsplit("/artifacts/", 1)[0], found)

    async def ListExperimentModels(
        self, request: api.ListExperimentModelsRequest, context: Context
    ) -> api.ListExperimentModelsResponse:
        items, token = await self.runs.list_models(request.parent, request.page_size, request.page_token)
        store = _metadata_store(request.parent)
        return api.ListExperimentModelsResponse(
            models=[mappers.model_to_proto(store, m) for m in items], next_page_token=token
        )

    # -- job links ----------------------------------------------------------------------------
    async def LogPipelineJob(
        self, request: api.LogPipelineJobRequest, context: Context
    ) -> pb.PipelineJobLink:
        link = await self.runs.log_pipeline_job(request.run, request.pipeline_job)
        return mappers.pipeline_job_to_proto(link)

    async def ListPipelineJobs(
        self, request: api.ListPipelineJobsRequest, context: Context
    ) -> api.ListPipelineJobsResponse:
        items, token = await self.runs.list_links(
            request.parent, LinkKind.PIPELINE_JOB, request.page_size, request.page_token
        )
        return api.ListPipelineJobsResponse(
            pipeline_jobs=[mappers.pipeline_job_to_proto(link) for link in items], next_page_token=token
        )

    async def LogCustomJob(self, request: api.LogCustomJobRequest, context: Context) -> pb.CustomJobLink:
        link = await self.runs.log_custom_job(request.run, request.custom_job)
        return mappers.custom_job_to_proto(link, layouts.custom_job_console_uri(link.target))

    async def ListCustomJobs(
        self, request: api.ListCustomJobsRequest, context: Context
    ) -> api.ListCustomJobsResponse:
        items, token = await self.runs.list_links(
            request.parent, LinkKind.CUSTOM_JOB, request.page_size, request.page_token
        )
        return api.ListCustomJobsResponse(
            custom_jobs=[
                mappers.custom_job_to_proto(link, layouts.custom_job_console_uri(link.target))
                for link in items
            ],
            next_page_token=token,
        )
