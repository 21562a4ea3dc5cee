import datetime

from exprun.v1 import resources_pb2 as _resources_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateExperimentRequest(_message.Message):
    __slots__ = ("parent", "experiment_id", "experiment")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    EXPERIMENT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPERIMENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    experiment_id: str
    experiment: _resources_pb2.Experiment
    def __init__(self, parent: _Optional[str] = ..., experiment_id: _Optional[str] = ..., experiment: _Optional[_Union[_resources_pb2.Experiment, _Mapping]] = ...) -> None: ...

class GetExperimentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListExperimentsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter", "order_by")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListExperimentsResponse(_message.Message):
    __slots__ = ("experiments", "next_page_token")
    EXPERIMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    experiments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Experiment]
    next_page_token: str
    def __init__(self, experiments: _Optional[_Iterable[_Union[_resources_pb2.Experiment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteExperimentRequest(_message.Message):
    __slots__ = ("name", "delete_backing_tensorboard_runs", "delete_artifacts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DELETE_BACKING_TENSORBOARD_RUNS_FIELD_NUMBER: _ClassVar[int]
    DELETE_ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    delete_backing_tensorboard_runs: bool
    delete_artifacts: bool
    def __init__(self, name: _Optional[str] = ..., delete_backing_tensorboard_runs: _Optional[bool] = ..., delete_artifacts: _Optional[bool] = ...) -> None: ...

class CreateRunRequest(_message.Message):
    __slots__ = ("parent", "run_id", "run", "tensorboard")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    TENSORBOARD_FIELD_NUMBER: _ClassVar[int]
    parent: str
    run_id: str
    run: _resources_pb2.Run
    tensorboard: str
    def __init__(self, parent: _Optional[str] = ..., run_id: _Optional[str] = ..., run: _Optional[_Union[_resources_pb2.Run, _Mapping]] = ..., tensorboard: _Optional[str] = ...) -> None: ...

class GetRunRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListRunsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter", "order_by")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListRunsResponse(_message.Message):
    __slots__ = ("runs", "next_page_token")
    RUNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Run]
    next_page_token: str
    def __init__(self, runs: _Optional[_Iterable[_Union[_resources_pb2.Run, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteRunRequest(_message.Message):
    __slots__ = ("name", "delete_backing_tensorboard_run", "delete_artifacts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DELETE_BACKING_TENSORBOARD_RUN_FIELD_NUMBER: _ClassVar[int]
    DELETE_ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    delete_backing_tensorboard_run: bool
    delete_artifacts: bool
    def __init__(self, name: _Optional[str] = ..., delete_backing_tensorboard_run: _Optional[bool] = ..., delete_artifacts: _Optional[bool] = ...) -> None: ...

class UpdateRunStateRequest(_message.Message):
    __slots__ = ("name", "state")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: _resources_pb2.RunState
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[_resources_pb2.RunState, str]] = ...) -> None: ...

class EndRunRequest(_message.Message):
    __slots__ = ("name", "state")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: _resources_pb2.RunState
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[_resources_pb2.RunState, str]] = ...) -> None: ...

class LogParamsRequest(_message.Message):
    __slots__ = ("run", "params")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _resources_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_resources_pb2.Value, _Mapping]] = ...) -> None: ...
    RUN_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    run: str
    params: _containers.MessageMap[str, _resources_pb2.Value]
    def __init__(self, run: _Optional[str] = ..., params: _Optional[_Mapping[str, _resources_pb2.Value]] = ...) -> None: ...

class GetParamsRequest(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: str
    def __init__(self, run: _Optional[str] = ...) -> None: ...

class GetParamsResponse(_message.Message):
    __slots__ = ("params",)
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _resources_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_resources_pb2.Value, _Mapping]] = ...) -> None: ...
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: _containers.MessageMap[str, _resources_pb2.Value]
    def __init__(self, params: _Optional[_Mapping[str, _resources_pb2.Value]] = ...) -> None: ...

class LogMetricsRequest(_message.Message):
    __slots__ = ("run", "metrics")
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _resources_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_resources_pb2.Value, _Mapping]] = ...) -> None: ...
    RUN_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    run: str
    metrics: _containers.MessageMap[str, _resources_pb2.Value]
    def __init__(self, run: _Optional[str] = ..., metrics: _Optional[_Mapping[str, _resources_pb2.Value]] = ...) -> None: ...

class GetMetricsRequest(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: str
    def __init__(self, run: _Optional[str] = ...) -> None: ...

class GetMetricsResponse(_message.Message):
    __slots__ = ("metrics",)
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _resources_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_resources_pb2.Value, _Mapping]] = ...) -> None: ...
    METRICS_FIELD_NUMBER: _ClassVar[int]
    metrics: _containers.MessageMap[str, _resources_pb2.Value]
    def __init__(self, metrics: _Optional[_Mapping[str, _resources_pb2.Value]] = ...) -> None: ...

class LogClassificationMetricsRequest(_message.Message):
    __slots__ = ("parent", "classification_metrics")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CLASSIFICATION_METRICS_FIELD_NUMBER: _ClassVar[int]
    parent: str
    classification_metrics: _resources_pb2.ClassificationMetrics
    def __init__(self, parent: _Optional[str] = ..., classification_metrics: _Optional[_Union[_resources_pb2.ClassificationMetrics, _Mapping]] = ...) -> None: ...

class ListClassificationMetricsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListClassificationMetricsResponse(_message.Message):
    __slots__ = ("classification_metrics", "next_page_token")
    CLASSIFICATION_METRICS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    classification_metrics: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ClassificationMetrics]
    next_page_token: str
    def __init__(self, classification_metrics: _Optional[_Iterable[_Union[_resources_pb2.ClassificationMetrics, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class WriteTimeSeriesRequest(_message.Message):
    __slots__ = ("run", "writer_id", "sequence", "batch")
    RUN_FIELD_NUMBER: _ClassVar[int]
    WRITER_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    run: str
    writer_id: str
    sequence: int
    batch: _resources_pb2.TimeSeriesBatch
    def __init__(self, run: _Optional[str] = ..., writer_id: _Optional[str] = ..., sequence: _Optional[int] = ..., batch: _Optional[_Union[_resources_pb2.TimeSeriesBatch, _Mapping]] = ...) -> None: ...

class WriteTimeSeriesResponse(_message.Message):
    __slots__ = ("committed_sequence", "points_written")
    COMMITTED_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    POINTS_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    committed_sequence: int
    points_written: int
    def __init__(self, committed_sequence: _Optional[int] = ..., points_written: _Optional[int] = ...) -> None: ...

class StreamTimeSeriesRequest(_message.Message):
    __slots__ = ("open", "batch")
    OPEN_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    open: StreamOpen
    batch: SequencedBatch
    def __init__(self, open: _Optional[_Union[StreamOpen, _Mapping]] = ..., batch: _Optional[_Union[SequencedBatch, _Mapping]] = ...) -> None: ...

class StreamOpen(_message.Message):
    __slots__ = ("run", "writer_id")
    RUN_FIELD_NUMBER: _ClassVar[int]
    WRITER_ID_FIELD_NUMBER: _ClassVar[int]
    run: str
    writer_id: str
    def __init__(self, run: _Optional[str] = ..., writer_id: _Optional[str] = ...) -> None: ...

class SequencedBatch(_message.Message):
    __slots__ = ("sequence", "batch")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    batch: _resources_pb2.TimeSeriesBatch
    def __init__(self, sequence: _Optional[int] = ..., batch: _Optional[_Union[_resources_pb2.TimeSeriesBatch, _Mapping]] = ...) -> None: ...

class StreamTimeSeriesResponse(_message.Message):
    __slots__ = ("opened", "ack")
    OPENED_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    opened: StreamOpened
    ack: StreamAck
    def __init__(self, opened: _Optional[_Union[StreamOpened, _Mapping]] = ..., ack: _Optional[_Union[StreamAck, _Mapping]] = ...) -> None: ...

class StreamOpened(_message.Message):
    __slots__ = ("committed_sequence",)
    COMMITTED_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    committed_sequence: int
    def __init__(self, committed_sequence: _Optional[int] = ...) -> None: ...

class StreamAck(_message.Message):
    __slots__ = ("committed_sequence",)
    COMMITTED_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    committed_sequence: int
    def __init__(self, committed_sequence: _Optional[int] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: str
    def __init__(self, run: _Optional[str] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ("state", "liveness_deadline")
    STATE_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    state: _resources_pb2.RunState
    liveness_deadline: _timestamp_pb2.Timestamp
    def __init__(self, state: _Optional[_Union[_resources_pb2.RunState, str]] = ..., liveness_deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReadTimeSeriesRequest(_message.Message):
    __slots__ = ("run", "metrics", "start_step", "end_step", "max_points")
    RUN_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    START_STEP_FIELD_NUMBER: _ClassVar[int]
    END_STEP_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    run: str
    metrics: _containers.RepeatedScalarFieldContainer[str]
    start_step: int
    end_step: int
    max_points: int
    def __init__(self, run: _Optional[str] = ..., metrics: _Optional[_Iterable[str]] = ..., start_step: _Optional[int] = ..., end_step: _Optional[int] = ..., max_points: _Optional[int] = ...) -> None: ...

class ReadTimeSeriesResponse(_message.Message):
    __slots__ = ("series",)
    SERIES_FIELD_NUMBER: _ClassVar[int]
    series: _containers.RepeatedCompositeFieldContainer[_resources_pb2.TimeSeries]
    def __init__(self, series: _Optional[_Iterable[_Union[_resources_pb2.TimeSeries, _Mapping]]] = ...) -> None: ...

class AssignBackingTensorboardRequest(_message.Message):
    __slots__ = ("run", "tensorboard")
    RUN_FIELD_NUMBER: _ClassVar[int]
    TENSORBOARD_FIELD_NUMBER: _ClassVar[int]
    run: str
    tensorboard: str
    def __init__(self, run: _Optional[str] = ..., tensorboard: _Optional[str] = ...) -> None: ...

class AssociateExecutionRequest(_message.Message):
    __slots__ = ("run", "execution")
    RUN_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    run: str
    execution: _resources_pb2.Execution
    def __init__(self, run: _Optional[str] = ..., execution: _Optional[_Union[_resources_pb2.Execution, _Mapping]] = ...) -> None: ...

class ListExecutionsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter", "order_by")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListExecutionsResponse(_message.Message):
    __slots__ = ("executions", "next_page_token")
    EXECUTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    executions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Execution]
    next_page_token: str
    def __init__(self, executions: _Optional[_Iterable[_Union[_resources_pb2.Execution, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListArtifactsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListArtifactsResponse(_message.Message):
    __slots__ = ("artifacts", "next_page_token")
    ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    artifacts: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Artifact]
    next_page_token: str
    def __init__(self, artifacts: _Optional[_Iterable[_Union[_resources_pb2.Artifact, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateExecutionRequest(_message.Message):
    __slots__ = ("parent", "execution_id", "execution")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    parent: str
    execution_id: str
    execution: _resources_pb2.Execution
    def __init__(self, parent: _Optional[str] = ..., execution_id: _Optional[str] = ..., execution: _Optional[_Union[_resources_pb2.Execution, _Mapping]] = ...) -> None: ...

class GetExecutionRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateExecutionRequest(_message.Message):
    __slots__ = ("execution", "update_mask")
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    execution: _resources_pb2.Execution
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, execution: _Optional[_Union[_resources_pb2.Execution, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class AddExecutionEventsRequest(_message.Message):
    __slots__ = ("execution", "input_artifacts", "output_artifacts")
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    INPUT_ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    execution: str
    input_artifacts: _containers.RepeatedScalarFieldContainer[str]
    output_artifacts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, execution: _Optional[str] = ..., input_artifacts: _Optional[_Iterable[str]] = ..., output_artifacts: _Optional[_Iterable[str]] = ...) -> None: ...

class AddExecutionEventsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryExecutionInputsAndOutputsRequest(_message.Message):
    __slots__ = ("execution",)
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    execution: str
    def __init__(self, execution: _Optional[str] = ...) -> None: ...

class ExecutionInputsAndOutputs(_message.Message):
    __slots__ = ("inputs", "outputs")
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    inputs: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Artifact]
    outputs: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Artifact]
    def __init__(self, inputs: _Optional[_Iterable[_Union[_resources_pb2.Artifact, _Mapping]]] = ..., outputs: _Optional[_Iterable[_Union[_resources_pb2.Artifact, _Mapping]]] = ...) -> None: ...

class DownloadModelRequest(_message.Message):
    __slots__ = ("model",)
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: str
    def __init__(self, model: _Optional[str] = ...) -> None: ...

class LogModelRequest(_message.Message):
    __slots__ = ("header", "chunk")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    header: LogModelHeader
    chunk: ModelChunk
    def __init__(self, header: _Optional[_Union[LogModelHeader, _Mapping]] = ..., chunk: _Optional[_Union[ModelChunk, _Mapping]] = ...) -> None: ...

class LogModelHeader(_message.Message):
    __slots__ = ("run", "model", "files")
    RUN_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    run: str
    model: _resources_pb2.ExperimentModel
    files: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ModelFile]
    def __init__(self, run: _Optional[str] = ..., model: _Optional[_Union[_resources_pb2.ExperimentModel, _Mapping]] = ..., files: _Optional[_Iterable[_Union[_resources_pb2.ModelFile, _Mapping]]] = ...) -> None: ...

class ModelChunk(_message.Message):
    __slots__ = ("path", "data")
    PATH_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    path: str
    data: bytes
    def __init__(self, path: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class GetExperimentModelRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListExperimentModelsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListExperimentModelsResponse(_message.Message):
    __slots__ = ("models", "next_page_token")
    MODELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ExperimentModel]
    next_page_token: str
    def __init__(self, models: _Optional[_Iterable[_Union[_resources_pb2.ExperimentModel, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LogPipelineJobRequest(_message.Message):
    __slots__ = ("run", "pipeline_job")
    RUN_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_JOB_FIELD_NUMBER: _ClassVar[int]
    run: str
    pipeline_job: str
    def __init__(self, run: _Optional[str] = ..., pipeline_job: _Optional[str] = ...) -> None: ...

class ListPipelineJobsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPipelineJobsResponse(_message.Message):
    __slots__ = ("pipeline_jobs", "next_page_token")
    PIPELINE_JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    pipeline_jobs: _containers.RepeatedCompositeFieldContainer[_resources_pb2.PipelineJobLink]
    next_page_token: str
    def __init__(self, pipeline_jobs: _Optional[_Iterable[_Union[_resources_pb2.PipelineJobLink, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LogCustomJobRequest(_message.Message):
    __slots__ = ("run", "custom_job")
    RUN_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_JOB_FIELD_NUMBER: _ClassVar[int]
    run: str
    custom_job: str
    def __init__(self, run: _Optional[str] = ..., custom_job: _Optional[str] = ...) -> None: ...

class ListCustomJobsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCustomJobsResponse(_message.Message):
    __slots__ = ("custom_jobs", "next_page_token")
    CUSTOM_JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    custom_jobs: _containers.RepeatedCompositeFieldContainer[_resources_pb2.CustomJobLink]
    next_page_token: str
    def __init__(self, custom_jobs: _Optional[_Iterable[_Union[_resources_pb2.CustomJobLink, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
