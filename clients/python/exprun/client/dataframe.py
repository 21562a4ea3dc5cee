"""`get_experiment_df`: one row per run, with the SDK's columns, to compare the runs of a sweep.

The SDK builds a row per run (`run_type`, `run_name`, `state`, `param.*`, `metric.*`,
`time_series_metric.*` holding each series' last value), adds `experiment_name`, then orders the
columns with its own sort key. The same rows and the same key give the same frame, so
`df.sort_values("metric.accuracy")` and friends port unchanged.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from exprun.client import _api, timeseries
from exprun.client.resources import RunState
from exprun.client.values import ParamValue, from_value_map
from exprun.v1 import experiment_run_service_pb2 as service_pb2
from exprun.v1 import resources_pb2

if TYPE_CHECKING:
    import pandas as pd

# `metadata.constants`: the prefixes of the SDK's column names.
PARAM_PREFIX = "param"
METRIC_PREFIX = "metric"
TIME_SERIES_METRIC_PREFIX = "time_series_metric"
# Every exprun run is what the SDK calls an `ExperimentRun` context.
RUN_TYPE = "system.ExperimentRun"
# The SDK warns above this many runs when it reads every run's time series.
HIGH_RUN_COUNT = 100

# `Experiment.get_data_frame`'s `column_name_sort_map`; the rest sort by prefix (below).
_COLUMN_ORDER = {"experiment_name": -1, "run_name": 1, "run_type": 2, "state": 3}


def column_sort_key(column: str) -> int:
    """The SDK's key, quirks included: a column starting `param`/`metric` sorts with those."""
    order = _COLUMN_ORDER.get(column)
    if order:
        return order
    if column.startswith(PARAM_PREFIX):
        return 5
    if column.startswith(METRIC_PREFIX):
        return 6
    return 7


def run_row(run: resources_pb2.Run, experiment_id: str, latest: Mapping[str, float] | None) -> dict[str, Any]:
    """The SDK's `_ExperimentRow.to_dict()` plus `experiment_name`, in the SDK's key order."""
    row: dict[str, Any] = {"run_type": RUN_TYPE, "run_name": run.run_id, "state": RunState(run.state).name}
    sections: Iterable[tuple[str, Mapping[str, ParamValue] | None]] = (
        (PARAM_PREFIX, from_value_map(run.params)),
        (METRIC_PREFIX, from_value_map(run.metrics)),
        (TIME_SERIES_METRIC_PREFIX, latest),
    )
    for prefix, values in sections:
        if values:
            row.update({f"{prefix}.{key}": value for key, value in values.items()})
    row["experiment_name"] = experiment_id
    return row


def latest_values(api: _api.Api, run_name: str) -> dict[str, float]:
    """Each series' value at its largest step. A downsampled read keeps every series' first and
    last points, so two points a metric are enough however long the run was."""
    request = service_pb2.ReadTimeSeriesRequest(run=run_name, max_points=2)
    series = timeseries.collect(api.stream(api.stub.ReadTimeSeries, request))
    return {metric: data.values[-1] for metric, data in series.items() if data.values}


def experiment_data_frame(
    api: _api.Api, experiment_name: str, *, include_time_series: bool = True
) -> pd.DataFrame:
    pandas = timeseries._pandas()
    experiment_id = experiment_name.rsplit("/", 1)[-1]
    runs: list[resources_pb2.Run] = api.list_all(
        api.stub.ListRuns,
        service_pb2.ListRunsRequest(parent=experiment_name),
        lambda response: list(response.runs),
    )
    if include_time_series and len(runs) > HIGH_RUN_COUNT:
        warnings.warn(
            f"Number of runs {len(runs)} is high. Consider setting include_time_series to False "
            "to improve execution performance",
            stacklevel=3,
        )
    rows = [
        run_row(
            run,
            experiment_id,
            latest_values(api, run.name) if include_time_series and run.time_series_metrics else None,
        )
        for run in runs
    ]
    frame = pandas.DataFrame(rows)
    ordered: pd.DataFrame = frame.reindex(sorted(frame.columns, key=column_sort_key), axis=1)
    return ordered
