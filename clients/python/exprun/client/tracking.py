"""The SDK's module-level workflow: `init`, then `start_run`, then `log_*` on the active run.

```python
import exprun.client as aip
aip.init(project="my-project", experiment="my-experiment")
with aip.start_run("run-1"):
    aip.log_params({"lr": 0.1})
    aip.log_time_series_metrics({"loss": 0.5})
```
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from exprun.client import _config, _names, timeseries, writer
from exprun.client.errors import NotFound
from exprun.client.experiment import Experiment
from exprun.client.models import ExperimentModel
from exprun.client.resources import ClassificationMetrics, Execution, RunState
from exprun.client.run import ExperimentArg, ExperimentRun
from exprun.client.values import ParamValue

if TYPE_CHECKING:
    import pandas as pd


# SDK keywords that configure Google Cloud resources exprun does not create: accepted so SDK
# code runs, and each named once in a warning so nobody relies on them silently.
_NOT_APPLICABLE = {
    "encryption_spec_key_name": "exprun's store decides how data is encrypted at rest",
    "network": "exprun does not launch jobs in a VPC network",
    "service_account": "exprun does not launch jobs",
    "api_key": "exprun authenticates with bearer tokens (credentials= or token=)",
}


class ActiveRunTracker:
    """The run the module-level helpers act on, like the SDK's `_experiment_tracker`.

    `start_run` sets it; `end_run` and the end of the run's `with` block forget it. Only this
    object changes it, so a test that leaves a run active clears it with `clear()`.
    """

    def __init__(self) -> None:
        self._run: ExperimentRun | None = None

    @property
    def run(self) -> ExperimentRun | None:
        return self._run

    def require(self) -> ExperimentRun:
        """The active run, or a `ValueError` saying how to start one."""
        if self._run is None:
            raise ValueError("No run is active: call exprun.client.start_run(...) first.")
        return self._run

    def set(self, run: ExperimentRun) -> None:
        self._run = run
        run._on_exit = self.forget

    def forget(self, run: ExperimentRun) -> None:
        """Forgets `run` if it is the active one (a run started earlier may end later)."""
        if self._run is run:
            self._run = None

    def clear(self) -> None:
        """Forgets the active run without ending it."""
        self._run = None


tracker = ActiveRunTracker()


def init(
    target: str | None = None,
    project: str | None = None,
    location: str | None = None,
    experiment: str | None = None,
    credentials: Any = None,
    token: str | None = None,
    metadata: Sequence[tuple[str, str]] | None = None,
    *,
    experiment_description: str | None = None,
    experiment_tensorboard: Any = None,
    staging_bucket: str | None = None,
    api_endpoint: str | None = None,
    request_metadata: Sequence[tuple[str, str]] | None = None,
    api_transport: str | None = None,
    encryption_spec_key_name: str | None = None,
    network: str | None = None,
    service_account: str | None = None,
    api_key: str | None = None,
) -> None:
    """Sets the process-wide defaults, like `aiplatform.init`; arguments left out keep their value.

    Args:
        target: Optional. The exprun server's `host:port` (default `EXPRUN_TARGET` or
            `127.0.0.1:50051`); `api_endpoint` is the SDK's name for it.
        project, location, experiment: Optional. Defaults for every later call, as in the SDK.
            Naming an `experiment` creates it if it does not exist (with `experiment_description`
            and `experiment_tensorboard`); that is the one call `init` makes.
        credentials: Optional. `google.auth` credentials, whose token (refreshed when it
            expires) is sent as `authorization: Bearer` on every call; or
            `grpc.ChannelCredentials`, which make the channel TLS.
        token: Optional. A static bearer token.
        metadata, request_metadata: Optional. Extra headers on every call.
        staging_bucket: Optional. Accepted with one warning: the server stages model files.
        api_transport: Optional. Only `"grpc"`; `"rest"` is accepted with a warning.
        encryption_spec_key_name, network, service_account, api_key: Optional. Accepted with
            one warning each; they configure Google resources exprun does not create.
    """
    for keyword, value in (
        ("encryption_spec_key_name", encryption_spec_key_name),
        ("network", network),
        ("service_account", service_account),
        ("api_key", api_key),
    ):
        if value is not None:
            warnings.warn(f"{keyword} is ignored: {_NOT_APPLICABLE[keyword]}", stacklevel=2)
    if api_transport not in (None, "grpc"):
        warnings.warn(f"api_transport={api_transport!r} is ignored: exprun speaks gRPC only", stacklevel=2)
    if staging_bucket is not None:
        _config.set_staging_bucket(staging_bucket)
    extra = [*(metadata or ()), *(request_metadata or ())]
    _config.set_defaults(
        target=target or api_endpoint,
        project=project,
        location=location,
        experiment=experiment,
        credentials=credentials,
        token=token,
        metadata=extra if metadata is not None or request_metadata is not None else None,
    )
    if experiment is not None:
        Experiment.get_or_create(
            experiment,
            description=experiment_description,
            # False is the SDK's "no backing TensorBoard": nothing is assigned explicitly.
            backing_tensorboard=experiment_tensorboard or None,
        )


def get_experiment_df(experiment: str | None = None, *, include_time_series: bool = True) -> pd.DataFrame:
    """The SDK's frame of every run of an experiment: `Experiment.get_data_frame`.

    Columns: `experiment_name`, `run_name`, `run_type`, `state`, `param.*`, `metric.*` and
    `time_series_metric.*` (each series' last value). Raises `NotFound` for a missing experiment.

    Args:
        experiment: Optional. An experiment ID; the one from `init` by default.
        include_time_series: Optional. False leaves out the `time_series_metric.*` columns.
    """
    if experiment is None and _config.experiment() is None:
        raise ValueError(
            "No experiment set. Make sure to call aiplatform.init(experiment='my-experiment') "
            "before trying to get_experiment_df. "
        )
    return Experiment(experiment or _config.experiment() or "").get_data_frame(
        include_time_series=include_time_series
    )


def log_params(params: Mapping[str, ParamValue]) -> None:
    """`ExperimentRun.log_params` (see its Args) on the active run."""
    tracker.require().log_params(params)


def log_metrics(metrics: Mapping[str, ParamValue]) -> None:
    """`ExperimentRun.log_metrics` (see its Args) on the active run."""
    tracker.require().log_metrics(metrics)


def log_time_series_metrics(
    metrics: Mapping[str, float],
    step: int | None = None,
    wall_time: timeseries.WallTime | None = None,
) -> None:
    """`ExperimentRun.log_time_series_metrics` (see its Args) on the active run."""
    tracker.require().log_time_series_metrics(metrics, step=step, wall_time=wall_time)


def log_classification_metrics(
    *,
    labels: Sequence[str] | None = None,
    matrix: Sequence[Sequence[float]] | None = None,
    fpr: Sequence[float] | None = None,
    tpr: Sequence[float] | None = None,
    threshold: Sequence[float] | None = None,
    display_name: str | None = None,
) -> ClassificationMetrics:
    """`ExperimentRun.log_classification_metrics` (see its Args) on the active run."""
    return tracker.require().log_classification_metrics(
        labels=labels, matrix=matrix, fpr=fpr, tpr=tpr, threshold=threshold, display_name=display_name
    )


def update_state(state: RunState | int | str) -> None:
    """`ExperimentRun.update_state` (see its Args) on the active run."""
    tracker.require().update_state(state)


def log_model(
    model: Any = None,
    artifact_id: str | None = None,
    *,
    uri: str | None = None,
    input_example: Any = None,
    display_name: str | None = None,
    metadata_store_id: str | None = "default",
    project: str | None = None,
    location: str | None = None,
    credentials: Any = None,
    framework_name: str | None = None,
    framework_version: str | None = None,
) -> ExperimentModel:
    """Logs a model to the active run, like `aiplatform.log_model`.

    Args:
        model, artifact_id, uri, input_example, display_name, framework_name,
            framework_version: As for `ExperimentRun.log_model`.
        metadata_store_id: Optional. See `exprun.client`.
        project, location: Optional. Only the run's own, as in the SDK.
        credentials: Optional. See `exprun.client`.
    """
    _names.check_metadata_store(metadata_store_id)
    with _config.call_credentials(credentials):
        return tracker.require().log_model(
            model,
            artifact_id,
            uri=uri,
            input_example=input_example,
            display_name=display_name,
            framework_name=framework_name,
            framework_version=framework_version,
        )


def log(*, pipeline_job: Any = None) -> None:
    """Links a pipeline job to the active run, like `aiplatform.log(pipeline_job=...)`.

    Args:
        pipeline_job: Optional. As for `ExperimentRun.log`.
    """
    tracker.require().log(pipeline_job=pipeline_job)


def start_execution(
    *,
    schema_title: str | None = None,
    display_name: str | None = None,
    resource_id: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    schema_version: str | None = None,
    description: str | None = None,
    resume: bool = False,
    project: str | None = None,
    location: str | None = None,
    credentials: Any = None,
) -> Execution:
    """Creates (or with `resume=True` reopens and sets RUNNING) an execution, associated with the
    active run if there is one, like `aiplatform.start_execution`.

    Use it as a context manager: the execution ends COMPLETE, or FAILED if the block raises.

    Args:
        schema_title: Required for a new execution; unused with `resume`.
        display_name, metadata, schema_version, description: Optional. As for
            `Execution.create`.
        resource_id: Optional for a new execution (generated by default); required with
            `resume`: the execution to reopen.
        resume: Optional. Reopen an existing execution instead of creating one.
        project, location, credentials: Optional. See `exprun.client`.
    """
    if resume:
        if not resource_id:
            raise ValueError("resource_id is required when resuming an Execution")
        found = Execution.get(resource_id, project=project, location=location, credentials=credentials)
        if found is None:
            raise ValueError(f"Execution {resource_id} does not exist and cannot be resumed")
        execution = found
        execution.update(state=RunState.RUNNING)
    else:
        if not schema_title:
            raise ValueError("schema_title must be provided when starting a new Execution")
        execution = Execution.create(
            schema_title,
            display_name=display_name,
            resource_id=resource_id,
            metadata=metadata,
            schema_version=schema_version,
            description=description,
            project=project,
            location=location,
            credentials=credentials,
        )
    run = tracker.run
    if run is not None:
        run.associate_execution(execution)
    return execution


def start_run(
    run: str,
    experiment: ExperimentArg = None,
    resume: bool = False,
    *,
    tensorboard: Any = None,
    credentials: Any = None,
) -> ExperimentRun:
    """Creates (or with `resume=True` reopens and sets RUNNING) a run and makes it the active one.

    A run still active from an earlier `start_run` is ended COMPLETE first, as the SDK does, so
    a sweep loop without `end_run` leaves no run RUNNING but the last. Use it as a context
    manager: the run ends `FAILED` if the block raises, else `COMPLETE`.

    Args:
        run: Required. The run's ID.
        experiment: Optional. See `exprun.client`.
        resume: Optional. Reopen an existing run instead of creating one.
        tensorboard: Optional. Backs a new run, or is assigned to a resumed one, as in the SDK
            (see `ExperimentRun.create`).
        credentials: Optional. See `exprun.client`.
    """
    if tracker.run is not None:
        end_run()
    with _config.call_credentials(credentials):
        if resume:
            started = ExperimentRun(run, experiment)
            if tensorboard is not None:
                started.assign_backing_tensorboard(tensorboard)
            started.update_state(RunState.RUNNING)
        else:
            started = ExperimentRun.create(run, experiment, tensorboard=tensorboard)
    tracker.set(started)
    return started


def get_active_run() -> ExperimentRun | None:
    return tracker.run


def close_channels() -> None:
    """Flushes and closes every open `TimeSeriesWriter` (the runs' own included), then closes
    every shared channel; later calls open new ones."""
    writer.close_all()
    _config.close_channels()


def end_run(state: RunState | int | str = RunState.COMPLETE) -> None:
    """Ends the active run and forgets it; does nothing when no run is active.

    A run deleted meanwhile is only warned about, as the SDK does, so the next `start_run` of a
    loop still goes ahead.

    Args:
        state: Optional. The final state, `COMPLETE` by default.
    """
    run = tracker.run
    if run is None:
        return
    try:
        run.end_run(state)
    except NotFound:
        warnings.warn(f"Experiment run {run.name} was not found. It may have been deleted", stacklevel=2)
    finally:
        tracker.clear()
