"""TensorBoard scalar points in protobuf wire format, encoded from columns by numpy.

A `WriteTensorboardRunDataRequest` of 5000 points built message by message (proto-plus, or even
upb's `values.add()`) costs microseconds a point in Python, more than the network. The wire
format of a scalar point is simple enough to lay out for a whole column at once: every point as
one row of a byte matrix, each field a block of columns written for all points at once. Every
point has the same length: each varint column is as wide as its widest value, the shorter ones
padded with continuation bytes, and zero values are written rather than left out. Both are
valid protobuf that every parser reads as the same message (the tests parse the bytes back and
compare with the message built field by field), so the request bytes go to the raw gRPC stub
as they are.

    TimeSeriesDataPoint {wall_time (1): Timestamp {seconds (1), nanos (2)};
                         step (2); scalar (3): Scalar {value (1)}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_U64 = npt.NDArray[np.uint64]
# Encoded bytes or a view of them (`collections.abc.Buffer` is Python 3.12).
Buffer = bytes | memoryview
SCALAR_VALUE_TYPE = 1  # TensorboardTimeSeries.ValueType.SCALAR

# Tags: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
_VALUES_TAG = 0x1A  # TimeSeriesData.values (3)
_WALL_TAG = 0x0A  # TimeSeriesDataPoint.wall_time (1)
_STEP_TAG = 0x10  # TimeSeriesDataPoint.step (2)
_SCALAR_TAG = 0x1A  # TimeSeriesDataPoint.scalar (3)
_SECONDS_TAG = 0x08  # Timestamp.seconds (1)
_NANOS_TAG = 0x10  # Timestamp.nanos (2)
_DOUBLE_TAG = 0x09  # Scalar.value (1), fixed64


def varint(value: int) -> bytes:
    """One varint (negative numbers as their 64-bit two's complement, as int64 fields are)."""
    value &= (1 << 64) - 1
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(tag: int, payload: bytes) -> bytes:
    """A length-delimited field."""
    return bytes((tag,)) + varint(len(payload)) + payload


def _width(top: int) -> int:
    """Bytes of the varint of a column's largest value (unsigned), its widest."""
    return len(varint(top))


def _padded_varint(value: int, width: int) -> bytes:
    """The varint of `value` in exactly `width` bytes, as `_put_varints` writes each row's."""
    return bytes(((value >> 7 * k) & 0x7F) | (0x80 if k < width - 1 else 0) for k in range(width))


def _put_varints(matrix: npt.NDArray[np.uint8], at: int, values: _U64, top: int) -> None:
    """Each value's varint into columns [at, at + width) of its row, every row as wide as the
    column's widest: shorter ones padded with continuation bytes (0x80 ... 0x00), which every
    protobuf parser reads as the same number. One width per column is what lets a whole column
    be laid out without a mask; each byte is written straight into its column of the matrix.

    A byte is the low byte of the shifted value with the continuation bit set, so no mask is
    needed (the last byte is below 0x80 by the width). The shifts go into one reused buffer, in
    32 bits when the column fits: a fresh temporary per byte of a 30,000-point column is a
    fresh mapping, and its page faults cost more than the arithmetic."""
    width = _width(top)
    narrow = values.astype(np.uint32) if top <= 0xFFFFFFFF else values
    kind = narrow.dtype.type
    shifted = np.empty_like(narrow)
    for k in range(width):
        column = matrix[:, at + k]
        source = narrow
        if k:
            source = np.right_shift(narrow, kind(7 * k), out=shifted)
        if k < width - 1:
            np.bitwise_or(source, kind(0x80), out=column, casting="unsafe")
        else:
            column[:] = source  # the low byte: the value is below 0x80 here


def as_int64(column: Sequence[int]) -> npt.NDArray[np.int64]:
    """A column of integers as int64, without a copy for numpy arrays and packed `array('q')`."""
    if isinstance(column, range):
        return np.arange(column.start, column.stop, column.step, dtype=np.int64)
    return np.asarray(column, dtype=np.int64)


def as_float64(column: Sequence[float]) -> npt.NDArray[np.float64]:
    return np.asarray(column, dtype=np.float64)


@dataclass(frozen=True)
class Points:
    """Encoded `TimeSeriesData.values` entries of one series: `data[ends[i-1]:ends[i]]` is point i."""

    data: bytes | bytearray  # never changed once encoded
    ends: npt.NDArray[np.int64]  # cumulative end offset of each point

    def __len__(self) -> int:
        return len(self.ends)

    def span(self, start: int, stop: int) -> memoryview:
        """The entries of points [start, stop), as a view: the request is joined from views in
        one copy (`run_request_of`), not sliced, joined and wrapped a copy at each step."""
        low = int(self.ends[start - 1]) if start else 0
        high = int(self.ends[stop - 1]) if stop > start else low
        return memoryview(self.data)[low:high]


def encode_points(
    steps: npt.NDArray[np.int64], values: npt.NDArray[np.float64], walls: npt.NDArray[np.int64]
) -> Points:
    """Every point of one series as repeated `values` entries (tag, length, point), all the same
    length, every field present."""
    n = len(steps)
    if n == 0:
        return Points(b"", np.zeros(0, dtype=np.int64))
    # Floor division, as divmod: a time before 1970 has negative seconds and nanos in [0, 1e9).
    seconds = np.floor_divide(walls, 1_000_000)
    nanos = (walls - seconds * 1_000_000) * 1000
    columns = (seconds.view(np.uint64), nanos.view(np.uint64), steps.view(np.uint64))
    tops = [int(c.max()) for c in columns]
    sec, nano, step = (_width(top) for top in tops)
    stamp_len = 2 + sec + nano
    point_len = 2 + stamp_len + 1 + step + 11  # wall_time, step, scalar {value}; < 128
    # Where each field's bytes start in a point's row, after its tag (and length).
    sec_at = 5
    nano_at = sec_at + sec + 1
    step_at = nano_at + nano + 1
    value_at = step_at + step + 3
    row = point_len + 2
    template = np.zeros(row, dtype=np.uint8)
    template[[0, 1, 2, 3, 4, nano_at - 1, step_at - 1, value_at - 3, value_at - 2, value_at - 1]] = (
        _VALUES_TAG, point_len, _WALL_TAG, stamp_len, _SECONDS_TAG, _NANOS_TAG,
        _STEP_TAG, _SCALAR_TAG, 9, _DOUBLE_TAG,
    )  # fmt: skip
    assert value_at + 8 == row
    # A column with one value throughout (the wall time of a whole `log_columns` call, say) is
    # part of the template: its bytes are then repeated with the tags, not written row by row.
    varying = []
    for at, width, column, top in zip(
        (sec_at, nano_at, step_at), (sec, nano, step), columns, tops, strict=True
    ):
        if int(column.min()) == top:
            template[at : at + width] = np.frombuffer(_padded_varint(top, width), dtype=np.uint8)
        else:
            varying.append((at, column, top))
    # The tags and lengths, the same in every point: repeating the row's bytes is one memset-like
    # pass, where a broadcast assignment into an (n, row) matrix goes element by element.
    buffer = bytearray(template.tobytes()) * n
    matrix = np.frombuffer(buffer, dtype=np.uint8).reshape(n, row)
    for at, column, top in varying:
        _put_varints(matrix, at, column, top)
    # The value as one unaligned float64 field of each row: a single strided copy.
    value_field = np.dtype({"names": ["value"], "formats": ["<f8"], "offsets": [value_at], "itemsize": row})
    np.frombuffer(buffer, dtype=value_field)["value"] = values
    return Points(buffer, np.arange(1, n + 1, dtype=np.int64) * row)


def run_request_of(tb_run: str, series: Mapping[str, Sequence[Buffer]]) -> bytes:
    """A `WriteTensorboardRunDataRequest` of each series' encoded `values` entries (views into
    `Points`, several per series when a request joins parts of several writes), all SCALAR, in
    one copy: the tags and lengths come from the parts' sizes, then everything is joined once
    rather than sliced, joined and wrapped a copy at each level."""
    pieces: list[Buffer] = [field(0x0A, tb_run.encode())]
    for series_id, parts in series.items():
        head = field(0x0A, series_id.encode()) + bytes((0x10, SCALAR_VALUE_TYPE))
        size = len(head) + sum(len(part) for part in parts)
        pieces += [bytes((0x12,)) + varint(size) + head, *parts]
    return b"".join(pieces)


def experiment_request(tb_experiment: str, runs: Sequence[bytes]) -> bytes:
    """A `WriteTensorboardExperimentDataRequest` of encoded `WriteTensorboardRunDataRequest`s."""
    return field(0x0A, tb_experiment.encode()) + b"".join(field(0x12, r) for r in runs)
