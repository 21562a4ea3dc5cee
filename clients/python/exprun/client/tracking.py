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

from collections.abc import Mapping, Sequence
from typing import Any

from exprun.client import _config, timeseries
from exprun.client.experiment import Experiment
from exprun.client.resources import ClassificationMetrics, RunState
from exprun.client.run import active_run
from exprun.client.values import ParamValue


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
) -> None:
    """Sets the process-wide defaults, like `aiplatform.init`; arguments left out keep their value.

    `target` is `host:port` (default `EXPRUN_TARGET` or `127.0.0.1:50051`). The channel is
    plaintext unless `credentials` (a `grpc.ChannelCredentials`) is given; `token` is sent as
    `authorization: Bearer <token>` on every call, `metadata` as extra headers.

    Like the SDK, naming an `experiment` here creates it if it does not exist (with
    `experiment_description` and `experiment_tensorboard`); that is the one call `init` makes.
    """
    _config.set_defaults(
        target=target,
        project=project,
        location=location,
        experiment=experiment,
        credentials=credentials,
        token=token,
        metadata=metadata,
    )
    if experiment is not None:
        Experiment.get_or_create(
            experiment, description=experiment_description, backing_tensorboard=experiment_tensorboard
        )


def log_params(params: Mapping[str, ParamValue]) -> None:
    active_run().log_params(params)


def log_metrics(metrics: Mapping[str, ParamValue]) -> None:
    active_run().log_metrics(metrics)


def log_time_series_metrics(
    metrics: Mapping[str, float],
    step: int | None = None,
    wall_time: timeseries.WallTime | None = None,
) -> None:
    active_run().log_time_series_metrics(metrics, step=step, wall_time=wall_time)


def log_classification_metrics(
    *,
    labels: Sequence[str] | None = None,
    matrix: Sequence[Sequence[float]] | None = None,
    fpr: Sequence[float] | None = None,
    tpr: Sequence[float] | None = None,
    threshold: Sequence[float] | None = None,
    display_name: str | None = None,
) -> ClassificationMetrics:
    return active_run().log_classification_metrics(
        labels=labels, matrix=matrix, fpr=fpr, tpr=tpr, threshold=threshold, display_name=display_name
    )


def update_state(state: RunState | int | str) -> None:
    active_run().update_state(state)
