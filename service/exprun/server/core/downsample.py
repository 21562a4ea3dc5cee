"""Downsampling for `ReadTimeSeries(max_points=...)`.

Min-max buckets: the first and last points, then each bucket's lowest and highest value in
step order. A chart drawn from it keeps every spike a plain stride would skip. numpy does the
bucket scans, so a million points downsample in milliseconds.

`MinMaxBuckets` computes the same points from a store's chunks one at a time: a chunk wholly
inside one bucket gives only its summary (its lowest and highest points), so a store that keeps
summaries reads the values of just the chunks that straddle a bucket edge.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exprun.server.core.model import IntColumn, Series

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def _as_numpy(
    column: Sequence[float] | Sequence[int] | npt.NDArray[Any], dtype: type[np.generic]
) -> npt.NDArray[np.generic]:
    """Zero-copy for the packed arrays stores yield; a copy for plain sequences."""
    import numpy as np

    if isinstance(column, array):
        return np.frombuffer(column, dtype=dtype)
    return np.asarray(column, dtype=dtype)


@dataclass(frozen=True)
class Point:
    step: int
    value: float
    wall_time_micros: int


@dataclass(frozen=True)
class Summary:
    """A chunk's points as a downsampled read needs them: `low` and `high` are the first
    occurrences of its lowest and highest values, as `argmin` and `argmax` pick them."""

    count: int
    first: Point
    last: Point
    low: Point
    high: Point


@dataclass(frozen=True)
class Kept:
    """The points a `MinMaxBuckets` keeps: at `positions` (of the `n`, ascending, each once) with
    `values`, whose steps and wall times the store looks up; and whole points from summaries,
    as (position of their chunk's first point, point), in step order."""

    positions: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    summarised: list[tuple[int, Point]]


def _bucket_count(max_points: int) -> int:
    return 0 if max_points == 1 else (max_points - 2) // 2


def kept_indices(values: npt.NDArray[np.float64], max_points: int) -> npt.NDArray[np.intp]:
    import numpy as np

    n = len(values)
    if max_points == 1:
        return np.array([n - 1])
    buckets = _bucket_count(max_points)
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
        steps[mine] = _as_numpy(_steps(parts[index]), np.int64)[local]
        walls[mine] = _as_numpy(parts[index].wall_time_micros, np.int64)[local]
    return Series(
        metric=parts[0].metric,
        steps=array("q", steps.tobytes()),
        values=array("d", values[keep].tobytes()),
        wall_time_micros=array("q", walls.tobytes()),
    )


def _steps(series: Series) -> IntColumn:
    """A series' steps, none as empty (`or []` would ask a numpy column for its truth value)."""
    return [] if series.steps is None else series.steps


def _join(parts: Sequence[Series]) -> Series:
    steps, values, walls = array("q"), array("d"), array("q")
    for part in parts:
        steps.extend(_steps(part))
        values.extend(part.values)
        walls.extend(part.wall_time_micros)
    return Series(metric=parts[0].metric, steps=steps, values=values, wall_time_micros=walls)


class MinMaxBuckets:
    """`kept_indices` over `n` points that arrive in step order, as runs of values or as
    summaries of chunks, keeping only the best point per bucket so far: memory grows with
    `max_points`, not `n`. Needs `n > max_points >= 1`.

    A later point wins only with a strictly lower (higher) value, so a tie keeps the earliest
    point, as `argmin` does over the joined values."""

    def __init__(self, n: int, max_points: int) -> None:
        import numpy as np

        assert n > max_points >= 1
        self.n = n
        self._keep_first = max_points > 1
        self._buckets = _bucket_count(max_points)
        self._size = -(-(n - 2) // self._buckets) if self._buckets else 0
        self._low = np.full(self._buckets, np.inf)
        self._high = np.full(self._buckets, -np.inf)
        # The position of each bucket's best point so far; _SUMMARISED: see `_summarised`.
        self._low_at = np.full(self._buckets, _NONE, dtype=np.int64)
        self._high_at = np.full(self._buckets, _NONE, dtype=np.int64)
        self._summarised: dict[tuple[str, int], tuple[int, Point]] = {}  # (kind, bucket) -> (offset, point)
        self._ends: list[tuple[int, float]] = []  # (position, value) of the first and last points

    def needs_values(self, offset: int, count: int) -> bool:
        """Whether the `count` points from position `offset` must come as values: they hold the
        first or last point, or straddle a bucket edge."""
        last = offset + count - 1
        if offset == 0 or last == self.n - 1:
            return True
        return bool(self._buckets) and (offset - 1) // self._size != (last - 1) // self._size

    def add_summary(self, offset: int, summary: Summary) -> None:
        """The chunk of points from position `offset`, for which `needs_values` is false."""
        if not self._buckets:
            return
        bucket = (offset - 1) // self._size
        if summary.low.value < self._low[bucket]:
            self._low[bucket] = summary.low.value
            self._low_at[bucket] = _SUMMARISED
            self._summarised[("low", bucket)] = (offset, summary.low)
        if summary.high.value > self._high[bucket]:
            self._high[bucket] = summary.high.value
            self._high_at[bucket] = _SUMMARISED
            self._summarised[("high", bucket)] = (offset, summary.high)

    def add_values(self, offset: int, values: npt.NDArray[np.float64]) -> None:
        """The values of the points from position `offset`: one chunk's or several's in a row."""
        count = len(values)
        if offset == 0 and self._keep_first:
            self._ends.append((0, float(values[0])))
        if offset + count == self.n:
            self._ends.append((self.n - 1, float(values[-1])))
        start, stop = max(offset, 1), min(offset + count, self.n - 1)  # the interior part
        if not self._buckets or start >= stop:
            return
        segment = values[start - offset : stop - offset]
        bucket = (start - 1) // self._size
        # A part row before the first bucket edge, whole buckets as rows of a view (no copy),
        # and a part row after the last edge.
        head = min(len(segment), (bucket + 1) * self._size + 1 - start)
        if head < self._size:
            self._merge(bucket, start, segment[:head].reshape(1, head))
            segment, start, bucket = segment[head:], start + head, bucket + 1
        rows = len(segment) // self._size
        if rows:
            self._merge(bucket, start, segment[: rows * self._size].reshape(rows, self._size))
            segment, start, bucket = segment[rows * self._size :], start + rows * self._size, bucket + rows
        if len(segment):
            self._merge(bucket, start, segment.reshape(1, len(segment)))

    def _merge(self, bucket: int, start: int, grid: npt.NDArray[np.float64]) -> None:
        """Rows of consecutive buckets from `bucket` on, the first row's point at `start`."""
        import numpy as np

        rows = len(grid)
        window = slice(bucket, bucket + rows)
        first = np.arange(rows) * self._size + start
        for columns, best, best_at, wins in (
            (grid.argmin(axis=1), self._low, self._low_at, np.less),
            (grid.argmax(axis=1), self._high, self._high_at, np.greater),
        ):
            found = grid[np.arange(rows), columns]
            better = wins(found, best[window])
            best[window] = np.where(better, found, best[window])
            best_at[window] = np.where(better, first + columns, best_at[window])

    def kept(self) -> Kept:
        import numpy as np

        positions = list(self._ends)
        for best, best_at in ((self._low, self._low_at), (self._high, self._high_at)):
            found = best_at >= 0
            positions.extend(zip(best_at[found].tolist(), best[found].tolist(), strict=True))
        unique = dict(sorted(positions))
        summarised = sorted(set(self._summarised[key] for key in self._summarised_now()), key=_by_step)
        return Kept(
            positions=np.fromiter(unique.keys(), dtype=np.int64, count=len(unique)),
            values=np.fromiter(unique.values(), dtype=np.float64, count=len(unique)),
            summarised=summarised,
        )

    def _summarised_now(self) -> list[tuple[str, int]]:
        """The (kind, bucket) whose best point is still a summary's."""
        out: list[tuple[str, int]] = []
        for kind, best_at in (("low", self._low_at), ("high", self._high_at)):
            out.extend((kind, int(bucket)) for bucket in (best_at == _SUMMARISED).nonzero()[0])
        return out


def _by_step(entry: tuple[int, Point]) -> tuple[int, int]:
    return entry[0], entry[1].step


_NONE = -1
_SUMMARISED = -2
