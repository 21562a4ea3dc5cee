"""Columns of points and their packed form: the pure part of time-series storage, no SQL.

A chunk stores steps, values and wall times as three little-endian arrays (int64, float64,
int64), except that a chunk whose steps are consecutive (`first_step + i`, the training loop's
case) stores an empty steps blob, its steps following from `first_step` and `count`, and a
chunk whose points share one wall time (a `log_columns` call's) stores that one: each blob left
out was a third of the bytes a point costs SQLite (WAL frame plus checkpoint). Writes work on numpy
`Columns`: ordering, de-duplication, merging into a stored chunk and packing are whole-column
operations, never a Python loop over points. Reads page through `Points` (`array` columns, which
`array.frombytes` fills in C). Each chunk also keeps a packed summary (`summarize`) and the
lowest and highest point of each block of `ChunkTuning.block_points` (`block_extremes`), so a
downsampled read takes a block that lies inside one bucket from those and reads the values of
only the blocks at bucket edges.
"""

from __future__ import annotations

import struct
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from exprun.server.core.downsample import Point, Summary
from exprun.server.core.model import FloatColumn, IntColumn

_Ints = npt.NDArray[np.int64]
_Floats = npt.NDArray[np.float64]
_G = TypeVar("_G", bound=np.generic)
_Blob = npt.NDArray[Any]  # a contiguous little-endian column, which sqlite3 binds as a BLOB


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


@dataclass(frozen=True)
class Columns:
    """One metric's points on their way into a chunk: numpy, sorted by step, each step once."""

    steps: _Ints
    values: _Floats
    wall_times: _Ints

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def first_step(self) -> int:
        return int(self.steps[0])

    @property
    def last_step(self) -> int:
        return int(self.steps[-1])

    def slice(self, start: int, stop: int) -> Columns:
        if start == 0 and stop >= len(self):
            return self
        return Columns(self.steps[start:stop], self.values[start:stop], self.wall_times[start:stop])

    def index(self, step: int, *, after: bool = False) -> int:
        """Where `step` would go: before an equal step, or after it with `after`."""
        return int(np.searchsorted(self.steps, step, side="right" if after else "left"))

    def split(self, max_points: int) -> Iterator[Columns]:
        for start in range(0, len(self), max_points):
            yield self.slice(start, start + max_points)

    def _take(self, indices: npt.NDArray[Any]) -> Columns:
        return Columns(self.steps[indices], self.values[indices], self.wall_times[indices])


def from_batch(steps: IntColumn, values: FloatColumn, wall_times: IntColumn) -> Columns:
    """A written series as Columns; when a step repeats within the batch, its last point wins.

    The columns are used as they are (no copy) when the steps already strictly increase, as a
    writer's nearly always do; otherwise one stable sort orders them and keeps each step's last
    occurrence. A Python int past int64 raises OverflowError."""
    s = np.asarray(steps, dtype=np.int64)
    columns = Columns(s, np.asarray(values, dtype=np.float64), np.asarray(wall_times, dtype=np.int64))
    if len(s) < 2 or bool((s[1:] > s[:-1]).all()):
        return columns
    order = np.argsort(s, kind="stable")
    ordered = s[order]
    last = np.empty(len(s), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=last[:-1])
    last[-1] = True
    return columns._take(order[last])


def joined(parts: Sequence[Columns]) -> Columns:
    """Parts in step order, ranges disjoint."""
    if len(parts) == 1:
        return parts[0]
    return Columns(
        np.concatenate([p.steps for p in parts]),
        np.concatenate([p.values for p in parts]),
        np.concatenate([p.wall_times for p in parts]),
    )


def overlay(old: Columns, new: Columns) -> Columns:
    """The union by step, `new` winning where both have a step: the old points `new` replaces
    are found by one `searchsorted`, and each new point's place among the kept old ones by
    another, so the merge is a few passes over the chunk, whatever the number of new points. A
    rewrite of exactly the stored steps (a retried batch) is one splice."""
    lo, hi = old.index(new.first_step), old.index(new.last_step, after=True)
    if hi - lo == len(new) and np.array_equal(old.steps[lo:hi], new.steps):
        return joined([old.slice(0, lo), new, old.slice(hi, len(old))])
    at = np.searchsorted(old.steps, new.steps)
    found = at < len(old)
    found[found] = old.steps[at[found]] == new.steps[found]
    if found.any():
        keep = np.ones(len(old), dtype=bool)
        keep[at[found]] = False
        old = old._take(np.flatnonzero(keep))
    # Each new point goes after the kept old points below it and the new points before it.
    places = np.searchsorted(old.steps, new.steps) + np.arange(len(new))
    is_new = np.zeros(len(old) + len(new), dtype=bool)
    is_new[places] = True
    return Columns(
        _placed(is_new, new.steps, old.steps),
        _placed(is_new, new.values, old.values),
        _placed(is_new, new.wall_times, old.wall_times),
    )


def _placed(is_new: npt.NDArray[np.bool_], new: npt.NDArray[_G], old: npt.NDArray[_G]) -> npt.NDArray[_G]:
    out = np.empty(len(is_new), dtype=new.dtype)
    out[is_new] = new
    out[~is_new] = old
    return out


def consecutive(first_step: int, last_step: int, count: int) -> bool:
    """Whether a chunk's steps are `first_step + i`: they strictly increase, so exactly when
    its range holds no more steps than it has points."""
    return last_step - first_step + 1 == count


def _shared(column: _Ints) -> bool:
    """Whether every entry equals the first; the ends decide most columns without a pass."""
    return len(column) > 1 and column[0] == column[-1] and bool((column == column[0]).all())


def pack(columns: Columns) -> tuple[_Blob | bytes, _Blob, _Blob]:
    """The three blobs of a chunk, as buffers SQLite binds (and copies) directly: no copy here
    unless a column must be byte-swapped (a big-endian machine; the stored format is
    little-endian everywhere) or gathered (a strided view). Consecutive steps are the empty
    blob (`consecutive`), a wall time every point shares is stored once: each 8 bytes a point
    fewer to write, twice (WAL, then checkpoint)."""
    steps, walls = columns.steps, columns.wall_times
    return (
        b""
        if consecutive(columns.first_step, columns.last_step, len(steps))
        else np.ascontiguousarray(steps, dtype="<i8"),
        np.ascontiguousarray(columns.values, dtype="<f8"),
        np.ascontiguousarray(walls[:1] if _shared(walls) else walls, dtype="<i8"),
    )


def steps_of(first_step: int, steps: bytes, count: int) -> _Ints:
    """A chunk's `count` steps; an empty blob (with points) means consecutive from `first_step`."""
    if steps or not count:
        return np.frombuffer(steps, dtype="<i8").astype(np.int64, copy=False)
    return np.arange(first_step, first_step + count, dtype=np.int64)


def columns_of(first_step: int, steps: bytes, values: bytes, wall_times: bytes) -> Columns:
    """A stored chunk as Columns, without a copy (read-only views of the blobs) unless a column
    must be rebuilt (consecutive steps, one shared wall time): the one reader of `pack`'s rules."""
    walls = np.frombuffer(wall_times, dtype="<i8").astype(np.int64, copy=False)
    count = len(values) // 8
    return Columns(
        steps_of(first_step, steps, count),
        np.frombuffer(values, dtype="<f8").astype(np.float64, copy=False),
        np.full(count, walls[0]) if len(walls) < count else walls,
    )


def unpack(first_step: int, steps: bytes, values: bytes, wall_times: bytes) -> Points:
    """A stored chunk as Points: `columns_of`, copied into arrays."""
    columns = columns_of(first_step, steps, values, wall_times)
    return Points(_array("q", columns.steps), _array("d", columns.values), _array("q", columns.wall_times))


def _array(typecode: str, column: npt.NDArray[Any]) -> array[Any]:
    """A numpy column (native byte order, as `columns_of` gives) copied into an array."""
    out = array(typecode)
    out.frombytes(np.ascontiguousarray(column).data.cast("B"))
    return out


# first (value, wall), last (value, wall), low (step, value, wall), high (step, value, wall);
# the first and last steps are the chunk's own columns.
_SUMMARY = struct.Struct("<dqdqqdqqdq")


def values_of(vals: bytes) -> npt.NDArray[np.float64]:
    """A chunk's packed values as numpy, without a copy."""
    return np.frombuffer(vals, dtype="<f8")


def summarize(points: Columns | Points) -> bytes:
    """What a downsampled read needs of a chunk that lies inside one bucket, packed: its first
    and last points, and the first occurrence of its lowest and of its highest value (the
    point `argmin`/`argmax` would pick)."""
    values = np.asarray(points.values, dtype=np.float64)
    low, high = int(values.argmin()), int(values.argmax())
    s, v, w = points.steps, values, points.wall_times
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


@dataclass(frozen=True)
class ChunkTuning:
    """How a series is cut into stored chunks and their blocks. The defaults are what the
    store runs with; tests pass tiny ones so that a few points cross every edge."""

    # The largest chunk a write stores; larger writes are split.
    chunk_max_points: int = 16384
    # Tail folding stops here: beyond it, rewriting costs more than another row saves.
    merge_max_points: int = 4096
    # Points per block of `block_extremes`. Buckets of a downsampled read hold n / max_points
    # points (2,000 for a million points to a thousand): a block inside one bucket is read as
    # its two extreme points, so a read decodes about one block per bucket edge. 56 bytes a
    # block: 3.5 KiB for the largest chunk, within what an index entry holds in a 16 KiB page
    # (about 4 KiB), so the index that serves them (schema V5) needs no overflow pages.
    block_points: int = 256


TUNING = ChunkTuning()

# One block's record: its lowest and highest point (the first occurrence, as `argmin`/`argmax`
# pick them), each as where in the chunk it is, its step, value and wall time.
BLOCK = np.dtype(
    [
        ("low", "<f8"),
        ("high", "<f8"),
        ("low_step", "<i8"),
        ("high_step", "<i8"),
        ("low_wall", "<i8"),
        ("high_wall", "<i8"),
        ("low_at", "<i4"),
        ("high_at", "<i4"),
    ]
)


def block_extremes(points: Columns | Points, size: int = TUNING.block_points) -> bytes:
    """A chunk's blocks as packed `BLOCK` records, one per `size` points."""
    v = np.asarray(points.values, dtype=np.float64)
    steps, walls = np.asarray(points.steps, dtype=np.int64), np.asarray(points.wall_times, dtype=np.int64)
    blocks = -(-len(v) // size)
    padded = np.empty(blocks * size)
    padded[: len(v)] = v
    base = np.arange(blocks) * size
    out = np.empty(blocks, dtype=BLOCK)
    for pad, pick, kind in ((np.inf, np.argmin, "low"), (-np.inf, np.argmax, "high")):
        padded[len(v) :] = pad  # finite values only, so padding never wins
        where = base + pick(padded.reshape(blocks, size), axis=1)
        out[kind] = v[where]
        out[f"{kind}_step"] = steps[where]
        out[f"{kind}_wall"] = walls[where]
        out[f"{kind}_at"] = where
    return out.tobytes()
