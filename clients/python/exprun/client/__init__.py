"""exprun's Python client: the Vertex AI SDK's `ExperimentRun` API, served by exprun over gRPC.

Mirrors `google.cloud.aiplatform` so SDK code ports by changing the import:
`init`, `start_run`, `Experiment`, `ExperimentRun` and the module-level `log_*` helpers, plus
`TimeSeriesWriter` for streamed, acknowledged time series.
Every failed call raises a typed error from `exprun.client.errors`.
"""

from exprun.client import errors
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
from exprun.client.resources import Artifact, ClassificationMetrics, Execution, RunState
from exprun.client.run import ExperimentRun, close_channels, end_run, get_active_run, start_run
from exprun.client.timeseries import SeriesData
from exprun.client.tracking import (
    init,
    log_classification_metrics,
    log_metrics,
    log_params,
    log_time_series_metrics,
    update_state,
)
from exprun.client.writer import BufferFull, TimeSeriesWriter

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
    "ResourceExhausted",
    "RunState",
    "SeriesData",
    "TimeSeriesWriter",
    "Unauthenticated",
    "Unavailable",
    "close_channels",
    "end_run",
    "errors",
    "get_active_run",
    "init",
    "log_classification_metrics",
    "log_metrics",
    "log_params",
    "log_time_series_metrics",
    "start_run",
    "update_state",
]
