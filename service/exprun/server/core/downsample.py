"""Downsampling for `ReadTimeSeries(max_points=...)`.

Min-max buckets: the first and last points, then each bucket's lowest and highest value in
step order. A chart drawn from it keeps every spike a plain stride would skip. numpy does the
bucket scans, so a million points downsample in milliseconds.

`Buckets` computes the same points from a store's pieces: a run of points wholly inside one
bucket gives only its lowest and highest points, so a store that keeps those per block of
points reads the values of just the blocks that straddle a bucket edge.
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
    """The points a `Buckets` keeps: at `positions` (of the `n`, ascending, each once) with
    `values`, whose steps and wall times the store looks up."""

    positions: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]


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


class Buckets:
    """`kept_indices` over `n` points that a store holds in pieces: it offers each run of
    points either as values or, when the run lies inside one bucket (`whole`), as just its
    lowest and highest points. Needs `n > max_points >= 1`.

    Ties keep the earliest position, as `argmin` does over the joined values, whatever the
    order the pieces came in: every candidate carries its position."""

    def __init__(self, n: int, max_points: int) -> None:
        assert n > max_points >= 1
        self.n = n
        self._keep_first = max_points > 1
        self._buckets = _bucket_count(max_points)
        self._size = -(-(n - 2) // self._buckets) if self._buckets else 0

    def whole(self, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Which runs (positions `first` to `last`) may come as their extremes alone: interior
        (neither the first nor the last point) and inside one bucket."""
        interior: npt.NDArray[np.bool_] = (first >= 1) & (last <= self.n - 2)
        if not self._buckets:
            return interior  # no buckets: only the first and last points are kept
        one_bucket: npt.NDArray[np.bool_] = (first - 1) // self._size == (last - 1) // self._size
        return interior & one_bucket

    def kept(self, extremes: Extremes, points: Candidates) -> Kept:
        """The kept points from the `whole` runs' extremes and the values of all other points
        (which hold the first and the last), each list in ascending position."""
        import numpy as np

        ends = np.array([0, self.n - 1] if self._keep_first else [self.n - 1], dtype=np.int64)
        at = np.searchsorted(points.positions, ends)
        found = [Candidates(ends, points.values[at])]
        if self._buckets:
            interior = slice(*np.searchsorted(points.positions, [1, self.n - 1]).tolist())
            inner = Candidates(points.positions[interior], points.values[interior])
            grouped = self._grouped(inner.positions)
            for of_blocks, lowest in ((extremes.low, True), (extremes.high, False)):
                best = _Best(self._buckets, self.n, lowest)
                best.offer(of_blocks, *self._grouped(of_blocks.positions))
                best.offer(inner, *grouped)
                found.append(best.found())
        positions = np.concatenate([c.positions for c in found])
        values = np.concatenate([c.values for c in found])
        unique, first = np.unique(positions, return_index=True)
        return Kept(positions=unique, values=values[first])

    def _grouped(
        self, positions: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """For ascending interior positions: the buckets that have some, where each such
        bucket's run of positions starts, and each position's run."""
        import numpy as np

        edges = np.arange(self._buckets + 1, dtype=np.int64) * self._size + 1  # bucket b from 1 + b * size
        bounds = np.searchsorted(positions, edges)
        filled = np.flatnonzero(bounds[1:] > bounds[:-1])
        starts = bounds[filled]
        marks = np.zeros(len(positions), dtype=np.intp)
        marks[starts[1:]] = 1
        return filled, starts, np.cumsum(marks)


class _Best:
    """Each bucket's lowest (or highest) candidate so far, the earliest position on a tie."""

    def __init__(self, buckets: int, n: int, lowest: bool) -> None:
        import numpy as np

        self._n = n
        self._lowest = lowest
        self._value = np.full(buckets, np.inf if lowest else -np.inf)
        self._at = np.full(buckets, n, dtype=np.int64)  # past every position: none yet

    def offer(
        self,
        source: Candidates,
        filled: npt.NDArray[np.intp],
        starts: npt.NDArray[np.intp],
        run: npt.NDArray[np.intp],
    ) -> None:
        """Candidates in ascending position, grouped by bucket (`Buckets._grouped`)."""
        import numpy as np

        if not len(source.positions):
            return
        extreme = (np.minimum if self._lowest else np.maximum).reduceat(source.values, starts)
        hits = np.flatnonzero(source.values == extreme[run])
        first = source.positions[hits[np.searchsorted(hits, starts)]]  # earliest in each bucket
        value, at = self._value[filled], self._at[filled]
        better = (extreme < value) if self._lowest else (extreme > value)
        take = better | ((extreme == value) & (first < at))
        self._value[filled[take]] = extreme[take]
        self._at[filled[take]] = first[take]

    def found(self) -> Candidates:
        found = self._at < self._n
        return Candidates(self._at[found], self._value[found])


@dataclass(frozen=True)
class Candidates:
    """Points by position (ascending) and value."""

    positions: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]


@dataclass(frozen=True)
class Extremes:
    """The lowest and the highest point of each run offered whole, runs in position order."""

    low: Candidates
    high: Candidates
