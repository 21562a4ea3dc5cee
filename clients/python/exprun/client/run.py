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

    Args:
        run_name: Required. A run ID within `experiment`, or a full
            `projects/.../experiments/E/runs/R` name.
        experiment: Optional. The run's experiment (see `exprun.client`).
        project, location, credentials: Optional. See `exprun.client`.
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
        api = _api.current(credentials)
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

        Args:
            run_name: Required. The new run's ID: 1-128 characters of `[a-z0-9-]`.
            experiment: Optional. The experiment to create it in (see `exprun.client`).
            tensorboard: Optional. The TensorBoard (an ID, a name or an object with
                `.resource_name`) that backs the run's time series; without it the
                experiment's backing TensorBoard is used, if it has one.
            state: Optional. The run's first state, `RUNNING` by default.
            project, location, credentials: Optional. See `exprun.client`.
        """
        api = _api.current(credentials)
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
        """None when the run (or its experiment) does not exist, like the SDK's `get`.

        Args:
            run_name: Required. A run ID within `experiment`, or a full run name.
            experiment: Optional. See `exprun.client`.
            project, location, credentials: Optional. See `exprun.client`.
        """
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

        Args:
            experiment: Optional. See `exprun.client`.
            filter: Optional. `state`, `run_id` and `display_name` terms joined by AND, such as
                `state = RUNNING AND run_id != "baseline"`.
            order_by: Optional. `create_time` (default), `update_time` or `run_id`, optionally
                followed by ` desc`.
            project, location, credentials: Optional. See `exprun.client`.
        """
        api = _api.current(credentials)
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
        """Sets the run's state, as the SDK's `update_state`.

        Args:
            state: Required. A `RunState`, its number or its name (`"RUNNING"`).
        """
        self._proto = self._call(
            self._api.stub.UpdateRunState,
            service_pb2.UpdateRunStateRequest(name=self.exprun_name, state=to_proto_state(state)),
        )

    def end_run(self, state: RunState | int | str = RunState.COMPLETE) -> None:
        """Flushes and closes the run's streamed-time-series writer first, so the run ends with
        its points stored; a writer error is raised after the run is ended.

        Args:
            state: Optional. The final state, `COMPLETE` by default.
        """
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
        unless `delete_artifacts`, as in the SDK, which never deletes them:
        `get_experiment_model(artifact_id)` still loads a model of the deleted run.

        Args:
            delete_backing_tensorboard_run: Optional. Also delete the TensorBoard run that
                holds the run's time series.
            delete_artifacts: Optional (exprun only). Also delete the run's artifacts and
                model files.
        """
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
        """Merges params key by key, as the SDK does.

        Args:
            params: Required. Param names to `float`, `int`, `str` or `bool` values.
        """
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
        """Merges summary metrics key by key, as the SDK does.

        Args:
            metrics: Required. Metric names to `float`, `int`, `str` or `bool` values.
        """
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
        """Logs a confusion matrix, an ROC curve, or both. The server applies the SDK's checks;
        a violation raises `InvalidArgument` (a `ValueError`).

        Args:
            labels: Optional. The class names; set together with `matrix`.
            matrix: Optional. One row of counts per label, one value per label in each row.
            fpr, tpr, threshold: Optional. The ROC curve, three columns of the same length.
            display_name: Optional. The artifact's display name.
        """
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
        """One point per metric at `step`.

        Without `stream`, the server picks a missing step, so it is right even across processes
        (the SDK caches it per object). `stream=True` returns at once and hands the point to a
        `TimeSeriesWriter` owned by this object (created on first use, flushed and closed by
        `end_run`, by leaving `start_run`'s block, by `close_channels` and at interpreter exit);
        its errors surface on a later call.

        Args:
            metrics: Required. Metric names to finite numbers.
            step: Optional. The step of every point; by default the run's largest step so far
                + 1 (with `stream`, the writer's last step + 1, starting after the run's
                largest step when it first needs one).
            wall_time: Optional. A `datetime` (naive means UTC), a protobuf `Timestamp` or
                microseconds since the epoch; by default the server's current UTC time (with
                `stream`, the client's clock).
            stream: Optional (exprun only). Send through the run's own writer.
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
        """A new `TimeSeriesWriter` streaming to this run. The caller owns it: close it (or use
        it as a context manager).

        Args:
            **options: Optional. `TimeSeriesWriter`'s keyword arguments.
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
        """Bulk write of aligned columns: row `i` is `{metric: columns[metric][i]}` at `steps[i]`,
        sent in requests of at most 5000 points. Returns the number of points stored.

        Args:
            columns: Required. Metric names to equally long columns of finite numbers.
            steps: Optional. One step per row; without it rows continue after the run's
                largest step.
            wall_times: Optional. One wall time per row; by default the server's clock.
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
        """Points per metric, in step order.

        Args:
            metrics: Optional. The metrics to read; all of the run's by default.
            start_step: Optional. The first step to read.
            end_step: Optional. The step to stop before (exclusive); no end by default.
            max_points: Optional. When above 0, each metric is downsampled to at most this many
                points.
        """
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
        """Raises `FailedPrecondition` if the run already has a different one, as the SDK refuses.

        Args:
            tensorboard: Required. An ID in the run's project and location, a full name, or an
                object with `.resource_name`.
        """
        self._proto = self._call(
            self._api.stub.AssignBackingTensorboard,
            service_pb2.AssignBackingTensorboardRequest(
                run=self.exprun_name, tensorboard=tensorboard_name(tensorboard, self.project, self.location)
            ),
        )

    # -- executions and artifacts -----------------------------------------------------------------
    def associate_execution(self, execution: Execution | str | Any) -> Execution:
        """Associates an existing execution with the run, or creates one and associates it.

        Args:
            execution: Required. An execution ID, a full name or an object with a
                `resource_name` (an SDK `Execution`); or an `Execution` value without a
                `resource_name`, which is created from its fields.
        """
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
        return _names.in_location(name, f"{_names.METADATA_STORE}/executions", self.project, self.location)

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

        Args:
            model: Optional. A path (a file or a directory, uploaded as is) or an sklearn,
                xgboost or PyTorch object (saved like the SDK does, then uploaded); other
                objects raise `ValueError`. Without it, `uri` is required.
            artifact_id: Optional. The artifact's ID; generated by default.
            uri: Optional. Without `model`, where the model already is: it is logged by
                reference and nothing is uploaded. With `model` (the SDK's "GCS directory to
                save the model in") it is ignored with a warning: the server stages uploads at
                its `--model-staging-uri`.
            input_example: Optional. An example input (a list, a dict, a numpy array or a
                pandas frame), recorded as the SDK records it (at most 5 rows).
            display_name: Optional. The artifact's display name.
            metadata_store_id: Optional. See `exprun.client`.
            staging_bucket: Optional. Ignored with a warning, as `uri` is with a model.
            project, location: Optional. Only the run's own, as in the SDK.
            credentials: Optional. See `exprun.client`.
            framework_name, framework_version: Optional. Detected from `model` by default.
            model_file: Optional (exprun only; the SDK always saves the model itself). The
                file under `uri`, or in an uploaded directory, that holds the model.
        """
        _names.check_metadata_store(metadata_store_id)
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
        """Links a pipeline job to the run.

        Args:
            pipeline_job: Optional. A full name, an ID in the run's project and location, or an
                object with `.resource_name` (an SDK `PipelineJob`). None does nothing, as in
                the SDK.
        """
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
        """Links a custom job, as the SDK's `CustomJob` does for a run it trains in.

        Args:
            custom_job: Required. A full name, an ID in the run's project and location, or an
                object with `.resource_name` (an SDK `CustomJob`).
        """
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
