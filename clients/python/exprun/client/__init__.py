"""exprun's Python client: the Vertex AI SDK's `ExperimentRun` API, served by exprun over gRPC.

Mirrors `google.cloud.aiplatform` so SDK code ports by changing the import
(`from exprun import client as aiplatform`) and adding `target=` to `init`: `init`,
`start_run`, `Experiment`, `ExperimentRun`, `Execution`, the module-level `log_*` helpers,
`get_experiment_df`, `get_experiment_model`, `PipelineJob.get`, `gapic.Execution.State`, plus
`TimeSeriesWriter` for streamed, acknowledged time series. Every failed call raises a typed
error from `exprun.client.errors`, each a subclass of the matching `google.api_core.exceptions`
class.

Keywords that many methods take, in their `Args:` sections as "see `exprun.client`":
- `project`, `location`: default to those set by `init` (or `EXPRUN_PROJECT`/`EXPRUN_LOCATION`).
- `experiment`: an experiment ID or an `Experiment`; defaults to the one set by `init`.
- `credentials`: `google.auth` credentials used for this one call instead of those set by
  `init`.
- `metadata_store_id`: exprun has one metadata store, so only `"default"` (or None) is accepted.
"""

from exprun.client import errors, gapic
from exprun.client.errors import (
    Aborted,
    AlreadyExists,
    ExprunError,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)
from exprun.client.experiment import Experiment
from exprun.client.models import ExperimentModel, ModelFile
from exprun.client.pipeline_jobs import PipelineJob
from exprun.client.resources import Artifact, ClassificationMetrics, Execution, RunState
from exprun.client.run import ExperimentRun
from exprun.client.timeseries import SeriesData
from exprun.client.tracking import (
    close_channels,
    end_run,
    get_active_run,
    get_experiment_df,
    init,
    log,
    log_classification_metrics,
    log_metrics,
    log_model,
    log_params,
    log_time_series_metrics,
    start_execution,
    start_run,
    update_state,
)
from exprun.client.writer import BufferFull, TimeSeriesWriter

# As the SDK exposes it: `aiplatform.get_experiment_model(artifact_id)`.
get_experiment_model = ExperimentModel.get

__all__ = [
    "Aborted",
    "AlreadyExists",
    "Artifact",
    "BufferFull",
    "ClassificationMetrics",
    "Execution",
    "Experiment",
    "ExperimentModel",
    "ExperimentRun",
    "ExprunError",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "ModelFile",
    "NotFound",
    "PermissionDenied",
    "PipelineJob",
    "ResourceExhausted",
    "RunState",
    "SeriesData",
    "TimeSeriesWriter",
    "Unauthenticated",
    "Unavailable",
    "close_channels",
    "end_run",
    "errors",
    "gapic",
    "get_active_run",
    "get_experiment_df",
    "get_experiment_model",
    "init",
    "log",
    "log_classification_metrics",
    "log_metrics",
    "log_model",
    "log_params",
    "log_time_series_metrics",
    "start_execution",
    "start_run",
    "update_state",
]
