"""The generated stub's type on a blocking channel, written by scripts/generate.py
from the service descriptor. Do not edit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, TypeVar

import exprun.v1.experiment_run_service_pb2 as exprun_v1_experiment_run_service_pb2
import exprun.v1.resources_pb2 as exprun_v1_resources_pb2
import google.protobuf.empty_pb2 as google_protobuf_empty_pb2

_Request = TypeVar("_Request", contravariant=True)
_Response = TypeVar("_Response", covariant=True)


class Call(Protocol[_Request, _Response]):
    def __call__(
        self,
        request: _Request,
        timeout: float | None = ...,
        metadata: Sequence[tuple[str, str]] | None = ...,
        credentials: Any = ...,
        wait_for_ready: bool | None = ...,
        compression: Any = ...,
    ) -> _Response: ...


class ExperimentRunServiceStub(Protocol):
    CreateExperiment: Call[exprun_v1_experiment_run_service_pb2.CreateExperimentRequest, exprun_v1_resources_pb2.Experiment]
    GetExperiment: Call[exprun_v1_experiment_run_service_pb2.GetExperimentRequest, exprun_v1_resources_pb2.Experiment]
    ListExperiments: Call[exprun_v1_experiment_run_service_pb2.ListExperimentsRequest, exprun_v1_experiment_run_service_pb2.ListExperimentsResponse]
    DeleteExperiment: Call[exprun_v1_experiment_run_service_pb2.DeleteExperimentRequest, google_protobuf_empty_pb2.Empty]
    CreateRun: Call[exprun_v1_experiment_run_service_pb2.CreateRunRequest, exprun_v1_resources_pb2.Run]
    GetRun: Call[exprun_v1_experiment_run_service_pb2.GetRunRequest, exprun_v1_resources_pb2.Run]
    ListRuns: Call[exprun_v1_experiment_run_service_pb2.ListRunsRequest, exprun_v1_experiment_run_service_pb2.ListRunsResponse]
    DeleteRun: Call[exprun_v1_experiment_run_service_pb2.DeleteRunRequest, google_protobuf_empty_pb2.Empty]
    UpdateRunState: Call[exprun_v1_experiment_run_service_pb2.UpdateRunStateRequest, exprun_v1_resources_pb2.Run]
    EndRun: Call[exprun_v1_experiment_run_service_pb2.EndRunRequest, exprun_v1_resources_pb2.Run]
    LogParams: Call[exprun_v1_experiment_run_service_pb2.LogParamsRequest, exprun_v1_resources_pb2.Run]
    GetParams: Call[exprun_v1_experiment_run_service_pb2.GetParamsRequest, exprun_v1_experiment_run_service_pb2.GetParamsResponse]
    LogMetrics: Call[exprun_v1_experiment_run_service_pb2.LogMetricsRequest, exprun_v1_resources_pb2.Run]
    GetMetrics: Call[exprun_v1_experiment_run_service_pb2.GetMetricsRequest, exprun_v1_experiment_run_service_pb2.GetMetricsResponse]
    LogClassificationMetrics: Call[exprun_v1_experiment_run_service_pb2.LogClassificationMetricsRequest, exprun_v1_resources_pb2.ClassificationMetrics]
    ListClassificationMetrics: Call[exprun_v1_experiment_run_service_pb2.ListClassificationMetricsRequest, exprun_v1_experiment_run_service_pb2.ListClassificationMetricsResponse]
    WriteTimeSeries: Call[exprun_v1_experiment_run_service_pb2.WriteTimeSeriesRequest, exprun_v1_experiment_run_service_pb2.WriteTimeSeriesResponse]
    StreamTimeSeries: Call[Iterator[exprun_v1_experiment_run_service_pb2.StreamTimeSeriesRequest], Iterator[exprun_v1_experiment_run_service_pb2.StreamTimeSeriesResponse]]
    Heartbeat: Call[exprun_v1_experiment_run_service_pb2.HeartbeatRequest, exprun_v1_experiment_run_service_pb2.HeartbeatResponse]
    ReadTimeSeries: Call[exprun_v1_experiment_run_service_pb2.ReadTimeSeriesRequest, Iterator[exprun_v1_experiment_run_service_pb2.ReadTimeSeriesResponse]]
    AssignBackingTensorboard: Call[exprun_v1_experiment_run_service_pb2.AssignBackingTensorboardRequest, exprun_v1_resources_pb2.Run]
    AssociateExecution: Call[exprun_v1_experiment_run_service_pb2.AssociateExecutionRequest, exprun_v1_resources_pb2.Execution]
    ListExecutions: Call[exprun_v1_experiment_run_service_pb2.ListExecutionsRequest, exprun_v1_experiment_run_service_pb2.ListExecutionsResponse]
    ListArtifacts: Call[exprun_v1_experiment_run_service_pb2.ListArtifactsRequest, exprun_v1_experiment_run_service_pb2.ListArtifactsResponse]
    CreateExecution: Call[exprun_v1_experiment_run_service_pb2.CreateExecutionRequest, exprun_v1_resources_pb2.Execution]
    GetExecution: Call[exprun_v1_experiment_run_service_pb2.GetExecutionRequest, exprun_v1_resources_pb2.Execution]
    UpdateExecution: Call[exprun_v1_experiment_run_service_pb2.UpdateExecutionRequest, exprun_v1_resources_pb2.Execution]
    AddExecutionEvents: Call[exprun_v1_experiment_run_service_pb2.AddExecutionEventsRequest, exprun_v1_experiment_run_service_pb2.AddExecutionEventsResponse]
    QueryExecutionInputsAndOutputs: Call[exprun_v1_experiment_run_service_pb2.QueryExecutionInputsAndOutputsRequest, exprun_v1_experiment_run_service_pb2.ExecutionInputsAndOutputs]
    LogModel: Call[Iterator[exprun_v1_experiment_run_service_pb2.LogModelRequest], exprun_v1_resources_pb2.ExperimentModel]
    DownloadModel: Call[exprun_v1_experiment_run_service_pb2.DownloadModelRequest, Iterator[exprun_v1_experiment_run_service_pb2.ModelChunk]]
    GetExperimentModel: Call[exprun_v1_experiment_run_service_pb2.GetExperimentModelRequest, exprun_v1_resources_pb2.ExperimentModel]
    ListExperimentModels: Call[exprun_v1_experiment_run_service_pb2.ListExperimentModelsRequest, exprun_v1_experiment_run_service_pb2.ListExperimentModelsResponse]
    LogPipelineJob: Call[exprun_v1_experiment_run_service_pb2.LogPipelineJobRequest, exprun_v1_resources_pb2.PipelineJobLink]
    ListPipelineJobs: Call[exprun_v1_experiment_run_service_pb2.ListPipelineJobsRequest, exprun_v1_experiment_run_service_pb2.ListPipelineJobsResponse]
    LogCustomJob: Call[exprun_v1_experiment_run_service_pb2.LogCustomJobRequest, exprun_v1_resources_pb2.CustomJobLink]
    ListCustomJobs: Call[exprun_v1_experiment_run_service_pb2.ListCustomJobsRequest, exprun_v1_experiment_run_service_pb2.ListCustomJobsResponse]
