"""The wire bytes of a streamed batch, written field by field from the writer's column buffers.

A `StreamTimeSeriesRequest{batch: SequencedBatch{sequence, batch: TimeSeriesBatch{series...}}}`
where `TimeSeries` is {1: metric, 2: steps (packed varint), 3: values (packed double),
4: wall_time_micros (packed varint)}. Building `TimeSeries` messages from Python numbers costs
far more per point than the rest of the client; here values are one `memcpy` (a strided numpy
copy for row-major buffers), varints are vectorised with numpy when it is installed (protobuf's
own encoder otherwise), and a steps or wall-time column shared by several metrics is encoded
once. Unit tests compare every path's bytes with protobuf's.
"""

from __future__ import annotations

import importlib
import itertools
import sys
from array import array
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from exprun.v1 import resources_pb2

if TYPE_CHECKING:
    from typing_extensions import Buffer

LITTLE_ENDIAN = sys.byteorder == "little"

_INT_FIELDS = {2: "steps", 4: "wall_time_micros"}
# Above this many runs of equal varint length, protobuf's encoder is faster than numpy's loop.
_MAX_NUMPY_RUNS = 64

_numpy: Any = None
_numpy_checked = False
_numpy_thresholds: Any = None


def varint(value: int) -> bytes:
    """A non-negative integer as a protobuf varint."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def bytes_field(number: int, payload: bytes) -> bytes:
    """A length-delimited field: a message, a string or a packed column."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def metric_field(metric: str) -> bytes:
    """The encoded `TimeSeries.metric`, made once per buffered metric."""
    return bytes_field(1, metric.encode("utf-8"))


def numpy_module() -> Any:
    """numpy if it is installed (it is optional for the client), else None; looked up once."""
    global _numpy, _numpy_checked
    if not _numpy_checked:
        try:
            _numpy = importlib.import_module("numpy")
        except ImportError:
            _numpy = None
        _numpy_checked = True
    return _numpy


# A field's encoding as chunks to join once: bytes, or byte-format memoryviews of the buffers
# themselves, so a batch's megabytes are copied once into the request, not once per nesting level.
Chunks = list[bytes | memoryview]


def _length_delimited(number: int, chunks: Chunks) -> Chunks:
    return [varint(number << 3 | 2) + varint(sum(map(len, chunks))), *chunks]


def request(sequence: int, series: Iterable[Chunks]) -> bytes:
    """`StreamTimeSeriesRequest(batch=SequencedBatch(sequence, batch))` around encoded series."""
    entries = [chunk for entry in series for chunk in entry]
    sequenced = [b"\x08" + varint(sequence), *_length_delimited(2, entries)]
    return b"".join(_length_delimited(2, sequenced))


def series(field: bytes, steps: Chunks, values: bytes | memoryview, walls: Chunks) -> Chunks:
    """One `TimeSeriesBatch.series` entry from its encoded fields (`values`: raw doubles)."""
    return _length_delimited(1, [field, *steps, *_length_delimited(3, [values]), *walls])


def doubles(values: Buffer) -> bytes | memoryview:
    """Packed-double payload: the little-endian bytes of a float64 column, without a copy."""
    if not LITTLE_ENDIAN:
        swapped = array("d", memoryview(values).cast("B").cast("d"))
        swapped.byteswap()
        return swapped.tobytes()
    return memoryview(values).cast("B")


class VarintCache:
    """Packed varint fields of the last few int64 columns encoded: the metrics of one
    `log_columns` call share their steps (and wall times) but travel in different batches,
    so each distinct column is encoded once. Bounded: `SIZE` entries, the oldest dropped."""

    SIZE = 8

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[tuple[int, int, int, int], tuple[bytes, Chunks]] = {}

    def packed(self, number: int, column: Buffer) -> Chunks:
        """`packed_varints(number, column)`, from the cache when an equal column was encoded."""
        view = memoryview(column).cast("B").cast("q")
        key = (number, len(view), view[0], view[-1])
        raw = view.tobytes()
        entry = self._entries.get(key)
        if entry is not None and entry[0] == raw:
            return entry[1]
        chunks = packed_varints(number, view)
        self._entries.pop(key, None)
        if len(self._entries) >= self.SIZE:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (raw, chunks)
        return chunks


def packed_varints(number: int, column: Buffer) -> Chunks:
    """Field `number` as packed varints of the int64 `column` (non-empty, native order)."""
    view = memoryview(column).cast("B").cast("q")
    count = len(view)
    first = view[0]
    if first >= 0 and view[-1] == first and view.tobytes() == view[:1].tobytes() * count:
        # One value repeated: the wall times of one log_columns call.
        return _length_delimited(number, [varint(first) * count])
    numpy = numpy_module()
    if numpy is not None:
        payload = _numpy_varints(numpy, view)
        if payload is not None:
            return _length_delimited(number, payload)
    message = resources_pb2.TimeSeries()
    getattr(message, _INT_FIELDS[number]).extend(view.tolist())
    return [message.SerializeToString()]


def _numpy_varints(numpy: Any, column: memoryview) -> Chunks | None:
    """Varints of int64s, vectorised: each run of equal encoded length is one 2-D byte block.

    None when the lengths change too often (random values), for the caller to fall back.
    """
    global _numpy_thresholds
    if _numpy_thresholds is None:
        _numpy_thresholds = numpy.array([1 << (7 * k) for k in range(1, 10)], dtype=numpy.uint64)
    values = numpy.frombuffer(column, dtype=numpy.uint64)
    count = len(values)
    if count < 2 or bool((values[1:] >= values[:-1]).all()):
        # Ascending (steps, wall times): the runs start where the thresholds fall, found by
        # nine binary searches instead of one per value.
        starts = numpy.searchsorted(values, _numpy_thresholds).tolist()
        bounds = sorted({0, count, *starts})
    else:
        lengths = numpy.searchsorted(_numpy_thresholds, values, side="right")
        edges = numpy.flatnonzero(lengths[1:] != lengths[:-1]) + 1
        if len(edges) > _MAX_NUMPY_RUNS:
            return None
        bounds = [0, *edges.tolist(), count]
    parts: Chunks = []
    for start, end in itertools.pairwise(bounds):
        if start == end:
            continue
        run = values[start:end]
        width = int(numpy.searchsorted(_numpy_thresholds, run[:1], side="right")[0]) + 1
        block = numpy.empty((end - start, width), dtype=numpy.uint8)
        shifted = numpy.empty(end - start, dtype=numpy.uint64)
        for k in range(width - 1):
            numpy.right_shift(run, numpy.uint64(7 * k), out=shifted)
            numpy.bitwise_and(shifted, numpy.uint64(0x7F), out=shifted)
            numpy.bitwise_or(shifted, numpy.uint64(0x80), out=shifted)
            block[:, k] = shifted
        numpy.right_shift(run, numpy.uint64(7 * (width - 1)), out=shifted)
        block[:, width - 1] = shifted
        parts.append(memoryview(block).cast("B"))
    return parts


def column_series(
    field: bytes,
    steps: Buffer,
    values: Buffer,
    walls: Buffer,
    cache: VarintCache,
) -> Chunks:
    """One metric's buffered column slice (equal, non-empty lengths) as a series entry."""
    return series(field, cache.packed(2, steps), doubles(values), cache.packed(4, walls))


def row_series(
    fields: Sequence[bytes],
    values: array[float],
    steps: array[int],
    walls: array[int],
    start: int,
    end: int,
) -> list[Chunks]:
    """The series entries of rows `start:end` of a row-major block: `values` holds one row of
    `len(fields)` values per step, as per-step `log` appends them. Steps and wall times are
    shared by every metric of the block, so they are encoded once."""
    width = len(fields)
    steps_field = packed_varints(2, memoryview(steps)[start:end])
    walls_field = packed_varints(4, memoryview(walls)[start:end])
    numpy = numpy_module()
    columns: list[bytes | memoryview]
    if numpy is not None:
        matrix = numpy.frombuffer(values, dtype=numpy.float64).reshape(-1, width)[start:end]
        columns = [doubles(numpy.ascontiguousarray(matrix[:, j])) for j in range(width)]
    else:
        columns = [doubles(values[start * width + j : end * width : width]) for j in range(width)]
    return [
        series(field, steps_field, column, walls_field) for field, column in zip(fields, columns, strict=True)
    ]
