"""Columns of points and their packed form: the pure part of time-series storage, no SQL.

A chunk stores steps, values and wall times as three little-endian arrays (int64, float64,
int64). `array` copies them in C, so a million points pack and unpack in milliseconds
without numpy. Each chunk also keeps a packed summary (`summarize`), so a downsampled read can
skip the columns of a chunk that lies inside one bucket.
"""

from __future__ import annotations

import operator
import struct
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from exprun.server.core.downsample import Point, Summary

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_BIG_ENDIAN = sys.byteorder == "big"


@dataclass(frozen=True)
class Points:
    """One metric's points, sorted by step with each step once."""

    steps: array[int]
    values: array[float]
    wall_times: array[int]

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def first_step(self) -> int:
        return self.steps[0]

    @property
    def last_step(self) -> int:
        return self.steps[-1]

    def slice(self, start: int, stop: int) -> Points:
        return Points(self.steps[start:stop], self.values[start:stop], self.wall_times[start:stop])

    def between(self, start_step: int, end_step: int | None) -> Points:
        """The points with `start_step <= step < end_step` (no end: unbounded)."""
        start = bisect_left(self.steps, start_step)
        stop = len(self) if end_step is None else bisect_left(self.steps, end_step)
        return self if (start, stop) == (0, len(self)) else self.slice(start, stop)

    def split(self, max_points: int) -> Iterator[Points]:
        if len(self) <= max_points:
            yield self
            return
        for start in range(0, len(self), max_points):
            yield self.slice(start, start + max_points)


def empty() -> Points:
    return Points(array("q"), array("d"), array("q"))


def concat(parts: Sequence[Points]) -> Points:
    """Parts in step order, ranges disjoint."""
    if len(parts) == 1:
        return parts[0]
    out = empty()
    for part in parts:
        out.steps.extend(part.steps)
        out.values.extend(part.values)
        out.wall_times.extend(part.wall_times)
    return out


def from_batch(steps: Sequence[int], values: Sequence[float], wall_times: Sequence[int]) -> Points:
    """A written series as Points; when a step repeats within the batch, its last point wins."""
    s, v, w = array("q", steps), array("d", values), array("q", wall_times)
    if all(map(operator.lt, s, islice(s, 1, None))):
        return Points(s, v, w)
    last = dict(zip(s, range(len(s)), strict=True))
    order = [i for _, i in sorted(last.items())]
    return Points(
        array("q", (s[i] for i in order)),
        array("d", (v[i] for i in order)),
        array("q", (w[i] for i in order)),
    )


def overlay(old: Points, new: Points) -> Points:
    """The union by step, `new` winning where both have a step. Copies runs of `old` in slices,
    so a few new points in a large chunk cost a few bisections, not a loop over the chunk; a
    rewrite of exactly the stored steps (a retried batch) is one splice."""
    lo = bisect_left(old.steps, new.first_step)
    hi = bisect_right(old.steps, new.last_step, lo)
    if hi - lo == len(new) and old.steps[lo:hi] == new.steps:
        return concat([old.slice(0, lo), new, old.slice(hi, len(old))])
    out = empty()
    i = 0
    for j in range(len(new)):
        step = new.steps[j]
        k = bisect_left(old.steps, step, i)
        out.steps.extend(old.steps[i:k])
        out.values.extend(old.values[i:k])
        out.wall_times.extend(old.wall_times[i:k])
        out.steps.append(step)
        out.values.append(new.values[j])
        out.wall_times.append(new.wall_times[j])
        i = k + 1 if k < len(old) and old.steps[k] == step else k
    out.steps.extend(old.steps[i:])
    out.values.extend(old.values[i:])
    out.wall_times.extend(old.wall_times[i:])
    return out


def _little_endian(column: array[int] | array[float]) -> bytes:
    if _BIG_ENDIAN:
        column = array(column.typecode, column)
        column.byteswap()
    return column.tobytes()


def pack(points: Points) -> tuple[bytes, bytes, bytes]:
    return _little_endian(points.steps), _little_endian(points.values), _little_endian(points.wall_times)


def column(typecode: str, packed: bytes) -> array[Any]:
    """One packed column ("q": steps or wall times, "d": values) as an array."""
    out = array(typecode)
    out.frombytes(packed)
    if _BIG_ENDIAN:
        out.byteswap()
    return out


def unpack(steps: bytes, values: bytes, wall_times: bytes) -> Points:
    return Points(column("q", steps), column("d", values), column("q", wall_times))


# first (value, wall), last (value, wall), low (step, value, wall), high (step, value, wall);
# the first and last steps are the chunk's own columns.
_SUMMARY = struct.Struct("<dqdqqdqqdq")


def values_of(vals: bytes) -> npt.NDArray[np.float64]:
    """A chunk's packed values as numpy, without a copy."""
    import numpy as np

    return np.frombuffer(vals, dtype="<f8")


def summarize(points: Points) -> bytes:
    """What a downsampled read needs of a chunk that lies inside one bucket, packed: its first
    and last points, and the first occurrence of its lowest and of its highest value (the
    point `argmin`/`argmax` would pick)."""
    import numpy as np

    values = np.frombuffer(points.values, dtype=np.float64)
    low, high = int(values.argmin()), int(values.argmax())
    s, v, w = points.steps, points.values, points.wall_times
    return _SUMMARY.pack(v[0], w[0], v[-1], w[-1], s[low], v[low], w[low], s[high], v[high], w[high])


def unsummarize(first_step: int, last_step: int, count: int, packed: bytes) -> Summary:
    fv, fw, lv, lw, low_s, low_v, low_w, high_s, high_v, high_w = _SUMMARY.unpack(packed)
    return Summary(
        count=count,
        first=Point(first_step, fv, fw),
        last=Point(last_step, lv, lw),
        low=Point(low_s, low_v, low_w),
        high=Point(high_s, high_v, high_w),
    )
