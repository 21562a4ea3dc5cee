"""`ExperimentRun`: the SDK's class, member for member, over the exprun API.

The common `aiplatform.ExperimentRun` workflow ports by changing the import; where gRPC forces
a difference (models travel as files, jobs as names) the method's docstring says so.
The object caches the `Run` returned by its last call, as the SDK caches its context: the
properties read that cache, the `get_*` methods always ask the server.
"""

from __future__ import annotations

import builtins
import datetime
import os
import tempfile
import types
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exprun.client import _api, _config, _names, models, timeseries, writer
from exprun.client.errors import NotFound
from exprun.client.experiment import Experiment, tensorboard_name
from exprun.client.pipeline_jobs import PipelineJob
from exprun.client.resources import (
    Artifact,
    ClassificationMetrics,
    Execution,
    RunState,
    to_proto_state,
)
from exprun.client.values import ParamValue, from_timestamp, from_value_map, to_struct, to_value_map
from exprun.v1 import experiment_run_service_pb2 as service_pb2
from exprun.v1 import resources_pb2

if TYPE_CHECKING:
    import pandas as pd

ExperimentArg = str | Experiment | None


class ExperimentRun(_names.NamedResource):
    """A run of an experiment. `ExperimentRun("run-1")` fetches it and raises `NotFound` if missing.

    `run_name` is a run ID within `experiment` (default: the one from `init`) or a full
    `projects/.../experiments/E/runs/R` name.
    """

    # The writer behind `log_time_series_metrics(..., stream=True)`, made on first use.
    _owned_writer: writer.TimeSeriesWriter | None = None
    # Told when the run's `with` block has ended it: how the active-run tracker of
    # `tracking.start_run` forgets it without this module knowing the tracker.
    _on_exit: Callable[[ExperimentRun], None] | None = None

    def __init__(
        self,
        run_name: str,
        experiment: ExperimentArg = None,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> None:
        with _config.call_credentials(credentials):
            api = _api.current()
        name = _names.run_name(run_name, experiment, project, location)
        self._api = api
        self._proto: resources_pb2.Run = api.call(api.stub.GetRun, service_pb2.GetRunRequest(name=name))

    # -- constructors -----------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        run_name: str,
        experiment: ExperimentArg = None,
        tensorboard: Any = None,
        state: RunState | int | str = RunState.RUNNING,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> ExperimentRun:
        """Raises `AlreadyExists` for an existing run and `NotFound` for a missing experiment.

        `tensorboard` (an ID, a name or an object with `.resource_name`) backs the run's time
        series; without it the experiment's backing TensorBoard is used, if it has one.
        """
        with _config.call_credentials(credentials):
            api = _api.current()
        parent = _names.experiment_name(experiment, project, location)
        request = service_pb2.CreateRunRequest(
            parent=parent, run_id=run_name, run=resources_pb2.Run(state=to_proto_state(state))
        )
        if tensorboard is not None:
            request.tensorboard = tensorboard_name(
                tensorboard, _names.segment(parent, "projects"), _names.segment(parent, "locations")
            )
        return cls._wrap(api, api.call(api.stub.CreateRun, request))

    @classmethod
    def get(
        cls,
        run_name: str,
        experiment: ExperimentArg = None,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> ExperimentRun | None:
        """None when the run (or its experiment) does not exist, like the SDK's `get`."""
        try:
            return cls(run_name, experiment, project=project, location=location, credentials=credentials)
        except NotFound:
            return None

    @classmethod
    def list(
        cls,
        experiment: ExperimentArg = None,
        filter: str | None = None,
        order_by: str | None = None,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> builtins.list[ExperimentRun]:
        """Every run of the experiment, all pages read.

        `filter` is the API's (`state = RUNNING AND run_id != "baseline"`); `order_by` is
        `create_time` (default), `update_time` or `run_id`, optionally followed by ` desc`.
        """
        with _config.call_credentials(credentials):
            api = _api.current()
        request = service_pb2.ListRunsRequest(
            parent=_names.experiment_name(experiment, project, location),
            filter=filter or "",
            order_by=order_by or "",
        )
        return api.list_all(
            api.stub.ListRuns, request, lambda response: [cls._wrap(api, r) for r in response.runs]
        )

    def refresh(self) -> ExperimentRun:
        """Re-reads the run, e.g. to see `time_series_metrics` after writes or another writer's changes."""
        self._proto = self._call(self._api.stub.GetRun, service_pb2.GetRunRequest(name=self.exprun_name))
        return self

    # -- lifecycle --------------------------------------------------------------------------------
    def update_state(self, state: RunState | int | str) -> None:
        self._proto = self._call(
            self._api.stub.UpdateRunState,
            service_pb2.UpdateRunStateRequest(name=self.exprun_name, state=to_proto_state(state)),
        )

    def end_run(self, state: RunState | int | str = RunState.COMPLETE) -> None:
        """Flushes and closes the run's streamed-time-series writer first, so the run ends with
        its points stored; a writer error is raised after the run is ended."""
        try:
            self._close_stream_writer()
        finally:
            self._proto = self._call(
                self._api.stub.EndRun,
                service_pb2.EndRunRequest(name=self.exprun_name, state=to_proto_state(state)),
            )

    def get_state(self) -> str:
        """The state's name from the server, as the SDK's `get_state()` returns it."""
        return self.refresh().state.name

    def delete(self, delete_backing_tensorboard_run: bool = False, *, delete_artifacts: bool = False) -> None:
        """Deletes the run with its time series and links. Its artifacts and model files stay
        unless `delete_artifacts` (an exprun keyword), as in the SDK, which never deletes them:
        `get_experiment_model(artifact_id)` still loads a model of the deleted run."""
        self._call(
            self._api.stub.DeleteRun,
            service_pb2.DeleteRunRequest(
                name=self.exprun_name,
                delete_backing_tensorboard_run=delete_backing_tensorboard_run,
                delete_artifacts=delete_artifacts,
            ),
        )

    def __enter__(self) -> ExperimentRun:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> None:
        """Ends the run `FAILED` if the block raised, else `COMPLETE`, as the SDK does."""
        self.end_run(RunState.FAILED if exc_type is not None else RunState.COMPLETE)
        if self._on_exit is not None:
            self._on_exit(self)

    # -- params and summary metrics ---------------------------------------------------------------
    def log_params(self, params: Mapping[str, ParamValue]) -> None:
        """Merges params key by key; values are `float`, `int`, `str` or `bool`, as in the SDK."""
        self._proto = self._call(
            self._api.stub.LogParams,
            service_pb2.LogParamsRequest(run=self.exprun_name, params=to_value_map(params)),
        )

    def get_params(self) -> dict[str, ParamValue]:
        """Params as logged: an `int` reads back as `int` (Vertex itself would return a float)."""
        response: service_pb2.GetParamsResponse = self._call(
            self._api.stub.GetParams, service_pb2.GetParamsRequest(run=self.exprun_name)
        )
        return from_value_map(response.params)

    def log_metrics(self, metrics: Mapping[str, ParamValue]) -> None:
        self._proto = self._call(
            self._api.stub.LogMetrics,
            service_pb2.LogMetricsRequest(run=self.exprun_name, metrics=to_value_map(metrics)),
        )

    def get_metrics(self) -> dict[str, ParamValue]:
        response: service_pb2.GetMetricsResponse = self._call(
            self._api.stub.GetMetrics, service_pb2.GetMetricsRequest(run=self.exprun_name)
        )
        return from_value_map(response.metrics)

    # -- classification metrics -------------------------------------------------------------------
    def log_classification_metrics(
        self,
        *,
        labels: Sequence[str] | None = None,
        matrix: Sequence[Sequence[float]] | None = None,
        fpr: Sequence[float] | None = None,
        tpr: Sequence[float] | None = None,
        threshold: Sequence[float] | None = None,
        display_name: str | None = None,
    ) -> ClassificationMetrics:
        """The server applies the SDK's checks; a violation raises `InvalidArgument` (a `ValueError`)."""
        body = resources_pb2.ClassificationMetrics(
            display_name=display_name or "",
            labels=builtins.list(labels or []),
            matrix=[resources_pb2.MatrixRow(values=[float(v) for v in row]) for row in matrix or []],
            fpr=[float(v) for v in fpr or []],
            tpr=[float(v) for v in tpr or []],
            threshold=[float(v) for v in threshold or []],
        )
        proto = self._call(
            self._api.stub.LogClassificationMetrics,
            service_pb2.LogClassificationMetricsRequest(parent=self.exprun_name, classification_metrics=body),
        )
        return ClassificationMetrics.from_proto(proto)

    def get_classification_metrics(self) -> builtins.list[dict[str, Any]]:
        """Dicts exactly like the SDK's: `id, display_name[, labels, matrix][, fpr, tpr, threshold]`."""
        return self._api.list_all(
            self._api.stub.ListClassificationMetrics,
            service_pb2.ListClassificationMetricsRequest(parent=self.exprun_name),
            lambda response: [
                ClassificationMetrics.from_proto(c).to_dict() for c in response.classification_metrics
            ],
        )

    # -- time series ------------------------------------------------------------------------------
    def log_time_series_metrics(
        self,
        metrics: Mapping[str, float],
        step: int | None = None,
        wall_time: timeseries.WallTime | None = None,
        *,
        stream: bool = False,
    ) -> None:
        """One point per metric at `step`; with no step, the run's largest step so far + 1.

        The server picks that step, so it is right even across processes (the SDK caches it per
        object). No `wall_time` means the server's current UTC time.

        `stream=True` returns at once and hands the point to a `TimeSeriesWriter` owned by this
        object (created on first use, flushed and closed by `end_run`, by leaving `start_run`'s
        block, by `close_channels` and at interpreter exit). Its default step is that writer's
        last step + 1, starting after the run's largest step when it first needs one; its
        default wall time is the client's clock. Errors surface on a later call.
        """
        if stream:
            self._stream_writer().log(metrics, step, wall_time)
            return
        batch = resources_pb2.TimeSeriesBatch(series=timeseries.step_series(metrics, step, wall_time))
        self._call(
            self._api.stub.WriteTimeSeries,
            service_pb2.WriteTimeSeriesRequest(run=self.exprun_name, batch=batch),
        )

    def time_series_writer(self, **options: Any) -> writer.TimeSeriesWriter:
        """A new `TimeSeriesWriter` streaming to this run; `options` are its keyword arguments.

        The caller owns it: close it (or use it as a context manager).
        """
        return writer.TimeSeriesWriter(self, **options)

    def _stream_writer(self) -> writer.TimeSeriesWriter:
        current = self._owned_writer
        if current is None:
            current = self._owned_writer = writer.TimeSeriesWriter(self)
        return current

    def _close_stream_writer(self) -> None:
        current = self._owned_writer
        if current is not None:
            self._owned_writer = None
            current.close()

    def log_time_series(
        self,
        columns: Mapping[str, Sequence[float]],
        steps: Sequence[int] | None = None,
        wall_times: Sequence[timeseries.WallTime] | None = None,
    ) -> int:
        """Bulk write of aligned columns: row `i` is `{metric: columns[metric][i]}` at `steps[i]`.

        Sent in requests of at most 5000 points. Without `steps`, rows continue after the run's
        largest step. Returns the number of points stored.
        """
        written = 0
        for request in timeseries.columnar_requests(self.exprun_name, columns, steps, wall_times):
            response: service_pb2.WriteTimeSeriesResponse = self._call(
                self._api.stub.WriteTimeSeries, request
            )
            written += response.points_written
        return written

    def read_time_series(
        self,
        metrics: Sequence[str] | None = None,
        *,
        start_step: int = 0,
        end_step: int | None = None,
        max_points: int = 0,
    ) -> dict[str, timeseries.SeriesData]:
        """Points per metric in step order; `end_step` is exclusive; `max_points` > 0 downsamples."""
        request = service_pb2.ReadTimeSeriesRequest(
            run=self.exprun_name,
            metrics=builtins.list(metrics or []),
            start_step=start_step,
            end_step=end_step or 0,
            max_points=max_points,
        )
        return timeseries.collect(self._api.stream(self._api.stub.ReadTimeSeries, request))

    def get_time_series_data_frame(self) -> pd.DataFrame:
        """The SDK's frame: `step`, `wall_time` (UTC), then one column per metric.

        Needs pandas (`pip install 'exprun-client[pandas]'`).
        """
        return timeseries.data_frame(self.read_time_series())

    def assign_backing_tensorboard(self, tensorboard: Any) -> None:
        """Raises `FailedPrecondition` if the run already has a different one, as the SDK refuses."""
        self._proto = self._call(
            self._api.stub.AssignBackingTensorboard,
            service_pb2.AssignBackingTensorboardRequest(
                run=self.exprun_name, tensorboard=tensorboard_name(tensorboard, self.project, self.location)
            ),
        )

    # -- executions and artifacts -----------------------------------------------------------------
    def associate_execution(self, execution: Execution | str | Any) -> Execution:
        """Associates an execution by name (ID or full name, or an SDK `Execution`), or creates
        one from an `Execution` value without a `resource_name`."""
        if isinstance(execution, Execution):
            body = resources_pb2.Execution(
                name=self._execution_name(execution.resource_name) if execution.resource_name else "",
                display_name=execution.display_name,
                schema_title=execution.schema_title,
                state=to_proto_state(execution.state),
                metadata=to_struct(execution.metadata),
                description=execution.description,
            )
        else:
            body = resources_pb2.Execution(
                name=self._execution_name(_names.resource_name_of(execution, "execution"))
            )
        proto = self._call(
            self._api.stub.AssociateExecution,
            service_pb2.AssociateExecutionRequest(run=self.exprun_name, execution=body),
        )
        return Execution.from_proto(proto, self._api)

    def _execution_name(self, name: str) -> str:
        return _names.in_location(name, "metadataStores/default/executions", self.project, self.location)

    def get_executions(self) -> builtins.list[Execution]:
        return self._api.list_all(
            self._api.stub.ListExecutions,
            service_pb2.ListExecutionsRequest(parent=self.exprun_name),
            lambda response: [Execution.from_proto(e, self._api) for e in response.executions],
        )

    def get_artifacts(self) -> builtins.list[Artifact]:
        """Every artifact of the run: the `-tb-run` link, classification metrics, models."""
        return self._api.list_all(
            self._api.stub.ListArtifacts,
            service_pb2.ListArtifactsRequest(parent=self.exprun_name),
            lambda response: [Artifact.from_proto(a) for a in response.artifacts],
        )

    # -- models -----------------------------------------------------------------------------------
    def log_model(
        self,
        model: Any = None,
        artifact_id: str | None = None,
        *,
        uri: str | None = None,
        input_example: Any = None,
        display_name: str | None = None,
        metadata_store_id: str | None = "default",
        staging_bucket: str | None = None,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
        framework_name: str | None = None,
        framework_version: str | None = None,
        model_file: str | None = None,
    ) -> models.ExperimentModel:
        """Logs a model as a `google.ExperimentModel` artifact.

        `model` is a path (a file or a directory, uploaded as is) or an sklearn, xgboost or
        PyTorch object (saved like the SDK does, then uploaded). With only `uri=`, the model is
        logged by reference and nothing is uploaded. Other objects raise `ValueError`.
        With both, `uri` (the SDK's "GCS directory to save the model in") is ignored with a
        warning, as is `staging_bucket`: the server stages uploads at its `--model-staging-uri`.
        `project` and `location` are the run's own, as in the SDK; `credentials` are used for
        this call. `model_file` (not in the SDK, which always saves the model itself) names the
        file under `uri` or in an uploaded directory that holds the model, as the SDK records it.
        """
        if metadata_store_id not in (None, "default"):
            raise ValueError("exprun has one metadata store: metadata_store_id must be 'default'")
        if project not in (None, self.project) or location not in (None, self.location):
            raise ValueError("a run logs models in its own project and location")
        if staging_bucket is not None:
            warnings.warn(
                "log_model(staging_bucket=...) is ignored: the exprun server stages model files "
                "at its --model-staging-uri",
                stacklevel=2,
            )
        if credentials is not None:
            with _config.call_credentials(credentials):
                return self.log_model(
                    model,
                    artifact_id,
                    uri=uri,
                    input_example=input_example,
                    display_name=display_name,
                    framework_name=framework_name,
                    framework_version=framework_version,
                    model_file=model_file,
                )
        if model is not None and uri is not None:
            warnings.warn(
                "log_model(uri=...) with a model is ignored: the exprun server stages model files "
                "at its --model-staging-uri",
                stacklevel=2,
            )
            uri = None
        body = resources_pb2.ExperimentModel(
            artifact_id=artifact_id or "",
            display_name=display_name or "",
            framework_name=framework_name or "custom",
            framework_version=framework_version or "",
            uri=uri or "",
            model_file=model_file or "",
        )
        example = None
        if input_example is not None:
            example = models.input_example_value(input_example)
            body.input_example.CopyFrom(example)
        if model is None:
            if uri is None:
                raise ValueError("pass a model object, a path to its files, or uri=")
            return self._upload_model(body, [])
        if isinstance(model, str | os.PathLike):
            path = Path(model)
            files = models.scan(path)
            if path.is_file():
                body.model_file = path.name
            with tempfile.TemporaryDirectory(prefix="exprun-instance-") as tmp:
                if example is not None and all(f.path != models.INSTANCE_FILE for f in files):
                    files.append(models.write_instance_file(Path(tmp), example))
                return self._upload_model(body, files)
        framework = models.detect_framework(model)
        body.framework_name = framework_name or framework.name
        body.framework_version = framework_version or framework.version
        body.model_file = framework.model_file
        body.model_class = framework.model_class
        serialized, files = models.serialized(model, framework, example)
        with serialized:
            return self._upload_model(body, files)

    def _upload_model(
        self, body: resources_pb2.ExperimentModel, files: Sequence[models.LocalFile]
    ) -> models.ExperimentModel:
        requests = models.upload_requests(models.header(self.exprun_name, body, files), files)
        return models.ExperimentModel.from_proto(self._call(self._api.stub.LogModel, requests))

    def get_experiment_models(self) -> builtins.list[models.ExperimentModel]:
        return self._api.list_all(
            self._api.stub.ListExperimentModels,
            service_pb2.ListExperimentModelsRequest(parent=self.exprun_name),
            lambda response: [models.ExperimentModel.from_proto(m) for m in response.models],
        )

    # -- pipeline and custom jobs -----------------------------------------------------------------
    def log(self, *, pipeline_job: Any = None) -> None:
        """Links a pipeline job: a name, an ID in the run's project and location, or an object
        with `.resource_name` (an SDK `PipelineJob`). None does nothing, as in the SDK."""
        if pipeline_job is None:
            return
        self._call(
            self._api.stub.LogPipelineJob,
            service_pb2.LogPipelineJobRequest(
                run=self.exprun_name, pipeline_job=self._job_name(pipeline_job, "pipelineJobs")
            ),
        )

    def get_logged_pipeline_jobs(self) -> builtins.list[PipelineJob]:
        """The linked jobs as `PipelineJob` handles (`resource_name`, `name`); the SDK fetches
        each job from the Pipelines API, exprun does not (see `pipeline_jobs`)."""
        return self._api.list_all(
            self._api.stub.ListPipelineJobs,
            service_pb2.ListPipelineJobsRequest(parent=self.exprun_name),
            lambda response: [PipelineJob._of(j.pipeline_job) for j in response.pipeline_jobs],
        )

    def log_custom_job(self, custom_job: Any) -> None:
        """Links a custom job, as the SDK's `CustomJob` does for a run it trains in."""
        self._call(
            self._api.stub.LogCustomJob,
            service_pb2.LogCustomJobRequest(
                run=self.exprun_name, custom_job=self._job_name(custom_job, "customJobs")
            ),
        )

    def get_logged_custom_jobs(self) -> builtins.list[str]:
        """Custom job resource names (the SDK returns `CustomJob` objects)."""
        return self._api.list_all(
            self._api.stub.ListCustomJobs,
            service_pb2.ListCustomJobsRequest(parent=self.exprun_name),
            lambda response: [j.custom_job for j in response.custom_jobs],
        )

    def _job_name(self, job: Any, collection: str) -> str:
        return _names.in_location(
            _names.resource_name_of(job, collection), collection, self.project, self.location
        )

    # -- properties -------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The run ID, as the SDK's `ExperimentRun.name`."""
        return self._proto.run_id

    @property
    def resource_id(self) -> str:
        """`{experiment}-{run}`: the Vertex Metadata context ID."""
        return self._proto.resource_id

    @property
    def experiment(self) -> str:
        """The experiment ID."""
        return _names.segment(self._proto.name, "experiments")

    @property
    def state(self) -> RunState:
        """The state as of this object's last call (`get_state()` asks the server)."""
        return RunState(self._proto.state)

    @property
    def backing_tensorboard_run(self) -> str | None:
        return self._proto.backing_tensorboard_run or None

    @property
    def time_series_metrics(self) -> builtins.list[str]:
        return builtins.list(self._proto.time_series_metrics)

    @property
    def create_time(self) -> datetime.datetime | None:
        return from_timestamp(self._proto.create_time)

    @property
    def update_time(self) -> datetime.datetime | None:
        return from_timestamp(self._proto.update_time)

    def _call(self, method: Any, request: Any) -> Any:
        return self._api.call(method, request)

    def __repr__(self) -> str:
        return f"ExperimentRun({self.exprun_name!r}, state={self.state.name})"
