"""A streamed batch: the writer's buffers, how they are cut into batches, and the wire bytes.

`TimeSeriesWriter` appends points to `Column`s (per metric) and `Rows` (row blocks of per-step
`log` calls); `plan_batches`/`plan_rows` cut them into `Parts` of at most one batch, which
`encode_request` writes field by field. Columns handed to `log_columns` are taken in here too
(`as_array`, `refuse_non_finite`), since they become these buffers as they are.

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
import math
import struct
import sys
from array import array
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import grpc
from exprun.client.errors import InvalidArgument
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


# -- the writer's buffers and how they are cut into batches ------------------------------------------
Appenders = tuple[Callable[[float], None], Callable[[int], None], Callable[[int], None]]


class Column:
    """One metric's buffered points, column-major like the wire format."""

    __slots__ = ("appenders", "field", "steps", "values", "walls")

    def __init__(self, metric: str) -> None:
        self.field = metric_field(metric)
        self.steps: array[int] = array("q")
        self.values: array[float] = array("d")
        self.walls: array[int] = array("q")
        # Bound once: `log` appends through these without attribute lookups.
        self.appenders = (self.values.append, self.steps.append, self.walls.append)


class Rows:
    """Rows of per-step `log` calls with the same metrics, in the order `metrics`: row-major,
    so that a row is one `extend` of the dict's values, and its step and wall time are stored
    once for all its metrics. Points here are always later than the same metrics' points in
    the `Column`s; rows move into the columns when that could change."""

    __slots__ = ("fields", "metrics", "pack", "steps", "values", "walls")

    def __init__(self, metrics: tuple[str, ...]) -> None:
        self.metrics = metrics
        # A row's values as native doubles: one C call that takes exactly what array("d") takes.
        self.pack = struct.Struct(f"={len(metrics)}d").pack
        self.fields = tuple(metric_field(metric) for metric in metrics)
        self.values: array[float] = array("d")
        self.steps: array[int] = array("q")
        self.walls: array[int] = array("q")


@dataclass(frozen=True)
class RowSlice:
    """Rows `start:end` of a `Rows` block: one batch of per-step points."""

    rows: Rows
    start: int
    end: int


Parts = list[tuple[Column, int, int]] | RowSlice


def plan_batches(columns: Mapping[str, Column], max_points: int) -> list[list[tuple[Column, int, int]]]:
    """Slices of columns, at most `max_points` per batch and each metric at most once per batch."""
    batches: list[list[tuple[Column, int, int]]] = []
    current: list[tuple[Column, int, int]] = []
    room = max_points
    for column in columns.values():
        length = len(column.values)
        start = 0
        while start < length:
            take = min(room, length - start)
            current.append((column, start, start + take))
            start += take
            room -= take
            if room == 0:
                batches.append(current)
                current, room = [], max_points
    if current:
        batches.append(current)
    return batches


def plan_rows(rows: Rows, max_points: int) -> list[RowSlice]:
    """Slices of a row block of at most `max_points` points each (a block is never wider)."""
    per_batch = max_points // len(rows.metrics)
    count = len(rows.steps)
    return [RowSlice(rows, start, min(count, start + per_batch)) for start in range(0, count, per_batch)]


# -- columns handed to `log_columns` ---------------------------------------------------------------
_FORMATS = {"d": ("d", "<d", "=d", "@d"), "q": ("q", "l", "<q", "<l", "=q", "=l", "@q", "@l")}


def refuse_non_finite(columns: Mapping[str, Collection[float]], where: str) -> None:
    """Raises InvalidArgument naming the first metric holding a NaN or an infinity, before
    anything of the call is buffered: the server would refuse the whole batch, and the points
    logged with it, long after the call returned. numpy checks a column at memory speed when it
    is installed; without it one sum per column finds the columns to look through."""
    numpy = numpy_module()
    for metric, column in columns.items():
        if numpy is not None and isinstance(column, array):
            finite = numpy.isfinite(numpy.frombuffer(column, dtype=numpy.float64))
            if finite.all():
                continue
            index = int(numpy.argmin(finite))
        else:
            if math.isfinite(sum(column)):
                continue
            index = next((i for i, value in enumerate(column) if not math.isfinite(value)), -1)
            if index < 0:
                continue  # the sum overflowed; every value is finite
        field = f"{where}[{metric!r}]"
        value = list(column)[index]
        raise InvalidArgument(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"{field}: {value!r} is not a finite number; nothing of this call was logged",
            reason="INVALID_VALUE",
            domain="exprun.client",
            metadata={"metric": metric},
            field_violations=[(field, "values must be finite (not NaN or infinity)")],
        )


def as_array(data: Any, typecode: Literal["d", "q"], what: str) -> array[Any]:
    """A private copy of `data` as `array(typecode)`: one `memcpy` for matching buffers."""
    if isinstance(data, array):
        if data.typecode == typecode or (typecode == "q" and data.typecode == "l" and data.itemsize == 8):
            copy: array[Any] = array(typecode)
            copy.frombytes(memoryview(data).cast("B"))
            return copy
        data = data.tolist()
    elif not isinstance(data, list | tuple | range):
        try:
            view = memoryview(data)
        except TypeError:
            view = None
        if view is not None:
            if view.ndim != 1:
                raise ValueError(f"{what} must be one-dimensional")
            native = view.format in _FORMATS[typecode] and view.itemsize == 8 and LITTLE_ENDIAN
            if native and view.c_contiguous:
                copy = array(typecode)
                copy.frombytes(view.cast("B"))
                return copy
            to_list = getattr(data, "tolist", None)
            data = to_list() if callable(to_list) else view.tolist()
    try:
        return array(typecode, data)
    except TypeError as error:
        kind = "integers" if typecode == "q" else "numbers"
        raise TypeError(f"{what} must hold {kind}: {error}") from None
    except OverflowError as error:
        raise ValueError(f"{what} holds a value out of the int64 range: {error}") from None


# -- a planned batch as wire bytes ----------------------------------------------------------------
def encode_request(sequence: int, parts: Parts, cache: VarintCache | None = None) -> bytes:
    """The wire bytes of `StreamTimeSeriesRequest(batch=SequencedBatch(sequence, batch))`.

    `cache` keeps varint columns between the batches of one stream (a fresh one by default).
    """
    if isinstance(parts, RowSlice):
        rows = parts.rows
        return request(
            sequence,
            row_series(rows.fields, rows.values, rows.steps, rows.walls, parts.start, parts.end),
        )
    cache = VarintCache() if cache is None else cache
    return request(
        sequence,
        (
            column_series(column.field, *_column_slices(column, start, end), cache)
            for column, start, end in parts
        ),
    )


def _column_slices(column: Column, start: int, end: int) -> tuple[memoryview, memoryview, memoryview]:
    """Views, not copies: a cut column is never appended to again."""
    return (
        memoryview(column.steps)[start:end],
        memoryview(column.values)[start:end],
        memoryview(column.walls)[start:end],
    )
