"""Downsampling for `ReadTimeSeries(max_points=...)`.

Min-max buckets: the first and last points, then each bucket's lowest and highest value in
step order. A chart drawn from it keeps every spike a plain stride would skip. numpy does the
bucket scans, so a million points downsample in milliseconds.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

from exprun.server.core.model import Series

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def _as_numpy(column: Sequence[float] | Sequence[int], dtype: type[np.generic]) -> npt.NDArray[np.generic]:
    """Zero-copy for the packed arrays stores yield; a copy for plain sequences."""
    import numpy as np

    if isinstance(column, array):
        return np.frombuffer(column, dtype=dtype)
    return np.asarray(column, dtype=dtype)


def kept_indices(values: npt.NDArray[np.float64], max_points: int) -> npt.NDArray[np.intp]:
    import numpy as np

    n = len(values)
    if max_points == 1:
        return np.array([n - 1])
    buckets = (max_points - 2) // 2
    if buckets == 0:
        return np.array([0, n - 1])
    interior = values[1:-1]
    size = -(-len(interior) // buckets)  # ceil: every bucket but maybe the last is full
    padded_low = np.full(buckets * size, np.inf)
    padded_high = np.full(buckets * size, -np.inf)
    padded_low[: len(interior)] = interior
    padded_high[: len(interior)] = interior
    offsets = np.arange(buckets) * size + 1
    lows = padded_low.reshape(buckets, size).argmin(axis=1) + offsets
    highs = padded_high.reshape(buckets, size).argmax(axis=1) + offsets
    inside = np.unique(np.concatenate([lows, highs]))
    inside = inside[inside < n - 1]
    return np.concatenate([[0], inside, [n - 1]]).astype(np.intp)


def downsample(parts: Sequence[Series], max_points: int) -> Series:
    """One metric's chunks, in step order, down to at most `max_points` points.

    Only the values are joined (8 bytes a point); steps and wall times are gathered from their
    chunks at the kept positions, so a million points cost one pass, not three copies."""
    n = sum(len(p) for p in parts)
    if max_points <= 0 or n <= max_points:
        return parts[0] if len(parts) == 1 else _join(parts)
    import numpy as np  # only downsampled reads pay numpy's import, not every server start

    values = np.concatenate([_as_numpy(p.values, np.float64) for p in parts])
    keep = kept_indices(values, max_points)
    starts = np.cumsum([0, *(len(p) for p in parts)])
    owner = np.searchsorted(starts, keep, side="right") - 1
    steps, walls = np.empty(len(keep), np.int64), np.empty(len(keep), np.int64)
    for index in np.unique(owner):
        mine = owner == index
        local = keep[mine] - starts[index]
        steps[mine] = _as_numpy(parts[index].steps or [], np.int64)[local]
        walls[mine] = _as_numpy(parts[index].wall_time_micros, np.int64)[local]
    return Series(
        metric=parts[0].metric,
        steps=array("q", steps.tobytes()),
        values=array("d", values[keep].tobytes()),
        wall_time_micros=array("q", walls.tobytes()),
    )


def _join(parts: Sequence[Series]) -> Series:
    steps, values, walls = array("q"), array("d"), array("q")
    for part in parts:
        steps.extend(part.steps or [])
        values.extend(part.values)
        walls.extend(part.wall_time_micros)
    return Series(metric=parts[0].metric, steps=steps, values=values, wall_time_micros=walls)
