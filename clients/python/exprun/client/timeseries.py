"""Time series: building write requests, reading them back, and the SDK's data frame.

Points travel column-major (one message per metric holding arrays), so bulk writers should use
`ExperimentRun.log_time_series` with whole arrays; `log_time_series_metrics` is the SDK's
one-step-at-a-time shape on top of the same message.
"""

from __future__ import annotations

import datetime
import numbers
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from exprun.client._limits import MAX_POINTS_PER_WRITE
from exprun.client.values import from_micros, to_micros
from exprun.v1 import experiment_run_service_pb2 as service_pb2
from exprun.v1 import resources_pb2
from google.protobuf import timestamp_pb2

if TYPE_CHECKING:
    import pandas as pd


WallTime = datetime.datetime | timestamp_pb2.Timestamp | int
"""A datetime (naive means UTC), a protobuf Timestamp, or microseconds since the epoch."""


@dataclass
class SeriesData:
    """One metric's points in step order, column-major like the wire format."""

    metric: str
    steps: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    wall_time_micros: list[int] = field(default_factory=list)

    @property
    def wall_times(self) -> list[datetime.datetime]:
        return [from_micros(m) for m in self.wall_time_micros]

    def __len__(self) -> int:
        return len(self.values)


def _number(metric: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Value for metric {metric} is of type {type(value).__name__} but must be a number")
    return float(value)


def step_series(
    metrics: Mapping[str, Any], step: int | None, wall_time: WallTime | None
) -> list[resources_pb2.TimeSeries]:
    """One point per metric. No step means "the run's largest step + 1", assigned by the server."""
    micros = [] if wall_time is None else [to_micros(wall_time)]
    steps = [] if step is None else [step]
    return [
        resources_pb2.TimeSeries(
            metric=metric, steps=steps, values=[_number(metric, value)], wall_time_micros=micros
        )
        for metric, value in metrics.items()
    ]


def columnar_requests(
    run: str,
    columns: Mapping[str, Sequence[Any]],
    steps: Sequence[int] | None,
    wall_times: Sequence[WallTime] | None,
) -> Iterator[service_pb2.WriteTimeSeriesRequest]:
    """Splits aligned columns into requests of at most `MAX_POINTS_PER_WRITE` points.

    Rows are kept whole across metrics, so with `steps=None` the server gives every metric of a
    row the same step, and the next request continues where the previous one ended.
    """
    if not columns:
        raise ValueError("columns must hold at least one metric")
    lengths = {metric: len(values) for metric, values in columns.items()}
    rows = next(iter(lengths.values()))
    if any(n != rows for n in lengths.values()):
        raise ValueError(f"all columns must have the same length; got {lengths}")
    if steps is not None and len(steps) != rows:
        raise ValueError(f"steps has {len(steps)} entries but the columns have {rows}")
    if wall_times is not None and len(wall_times) != rows:
        raise ValueError(f"wall_times has {len(wall_times)} entries but the columns have {rows}")
    rows_per_request = MAX_POINTS_PER_WRITE // len(columns)
    if rows_per_request == 0:
        raise ValueError(f"at most {MAX_POINTS_PER_WRITE} metrics can be written together")
    micros = None if wall_times is None else [to_micros(w) for w in wall_times]
    for start in range(0, rows, rows_per_request):
        end = min(start + rows_per_request, rows)
        batch = resources_pb2.TimeSeriesBatch(
            series=[
                resources_pb2.TimeSeries(
                    metric=metric,
                    steps=[] if steps is None else [int(s) for s in steps[start:end]],
                    values=[_number(metric, v) for v in values[start:end]],
                    wall_time_micros=[] if micros is None else micros[start:end],
                )
                for metric, values in columns.items()
            ]
        )
        yield service_pb2.WriteTimeSeriesRequest(run=run, batch=batch)


def collect(chunks: Iterator[service_pb2.ReadTimeSeriesResponse]) -> dict[str, SeriesData]:
    """Joins `ReadTimeSeries` chunks; a metric may span several, and keeps first-seen order."""
    result: dict[str, SeriesData] = {}
    for chunk in chunks:
        for series in chunk.series:
            data = result.setdefault(series.metric, SeriesData(series.metric))
            data.steps.extend(series.steps)
            data.values.extend(series.values)
            data.wall_time_micros.extend(series.wall_time_micros)
    return result


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "pandas is not installed and is required for data frames; "
            "install it with: pip install 'exprun-client[pandas]'"
        ) from None
    return pandas


def data_frame(series: Mapping[str, SeriesData]) -> pd.DataFrame:
    """The SDK's `get_time_series_data_frame` shape, built column-wise instead of per point.

    The SDK makes one row per point (`{metric: value, "step": ..., "wall_time": ...}`) and then
    `groupby(["step", "wall_time"]).first().reset_index()`. Concatenating one frame per metric and
    grouping the same way gives the same columns (`step`, `wall_time`, metrics in first-seen
    order), the same rows and the same NaNs, without a Python dict per point.
    """
    pandas = _pandas()
    frames = [
        pandas.DataFrame(
            {
                "step": pandas.Series(data.steps, dtype="int64"),
                "wall_time": pandas.to_datetime(
                    pandas.Series(data.wall_time_micros, dtype="int64"), unit="us", utc=True
                ),
                data.metric: pandas.Series(data.values, dtype="float64"),
            }
        )
        for data in series.values()
        if len(data)
    ]
    if not frames:
        empty: pd.DataFrame = pandas.DataFrame({})
        return empty
    combined: pd.DataFrame = pandas.concat(frames, ignore_index=True)
    grouped: pd.DataFrame = combined.groupby(["step", "wall_time"]).first().reset_index()
    return grouped
