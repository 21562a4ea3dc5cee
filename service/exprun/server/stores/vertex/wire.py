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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_U64 = npt.NDArray[np.uint64]
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


def _width(values: _U64) -> int:
    """Bytes of the widest varint of a column."""
    return len(varint(int(values.max()))) if len(values) else 1


def _put_varints(matrix: npt.NDArray[np.uint8], at: int, values: _U64, width: int) -> None:
    """Each value's varint into columns [at, at + width) of its row, every row as wide as the
    column's widest: shorter ones padded with continuation bytes (0x80 ... 0x00), which every
    protobuf parser reads as the same number. One width per column is what lets a whole column
    be laid out without a mask; each byte is written straight into its column of the matrix."""
    for k in range(width):
        column = matrix[:, at + k]
        np.bitwise_and(values >> np.uint64(7 * k), np.uint64(0x7F), out=column, casting="unsafe")
        if k < width - 1:
            column |= np.uint8(0x80)


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

    data: bytes
    ends: npt.NDArray[np.int64]  # cumulative end offset of each point

    def __len__(self) -> int:
        return len(self.ends)

    def span(self, start: int, stop: int) -> bytes:
        """The entries of points [start, stop)."""
        low = int(self.ends[start - 1]) if start else 0
        return self.data[low : int(self.ends[stop - 1])] if stop > start else b""


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
    sec, nano, step = (_width(c) for c in columns)
    stamp_len = 2 + sec + nano
    point_len = 2 + stamp_len + 1 + step + 11  # wall_time, step, scalar {value}; < 128
    # Where each field's bytes start in a point's row, after its tag (and length).
    sec_at = 5
    nano_at = sec_at + sec + 1
    step_at = nano_at + nano + 1
    value_at = step_at + step + 3
    template = np.zeros(point_len + 2, dtype=np.uint8)
    template[[0, 1, 2, 3, 4, nano_at - 1, step_at - 1, value_at - 3, value_at - 2, value_at - 1]] = (
        _VALUES_TAG, point_len, _WALL_TAG, stamp_len, _SECONDS_TAG, _NANOS_TAG,
        _STEP_TAG, _SCALAR_TAG, 9, _DOUBLE_TAG,
    )  # fmt: skip
    assert value_at + 8 == point_len + 2
    matrix = np.empty((n, point_len + 2), dtype=np.uint8)
    matrix[:] = template  # the tags and lengths, the same in every point
    for at, column, width in zip((sec_at, nano_at, step_at), columns, (sec, nano, step), strict=True):
        _put_varints(matrix, at, column, width)
    matrix[:, value_at:] = values.astype("<f8", copy=False).view(np.uint8).reshape(n, 8)
    return Points(matrix.tobytes(), np.arange(1, n + 1, dtype=np.int64) * (point_len + 2))


def series_data(series_id: str, entries: bytes) -> bytes:
    """One `TimeSeriesData` (a SCALAR series) holding already encoded `values` entries."""
    ident = series_id.encode()
    return field(0x0A, ident) + bytes((0x10, SCALAR_VALUE_TYPE)) + entries


def run_request(tb_run: str, series: Sequence[bytes]) -> bytes:
    """A `WriteTensorboardRunDataRequest` of encoded `TimeSeriesData`."""
    return field(0x0A, tb_run.encode()) + b"".join(field(0x12, s) for s in series)


def experiment_request(tb_experiment: str, runs: Sequence[bytes]) -> bytes:
    """A `WriteTensorboardExperimentDataRequest` of encoded `WriteTensorboardRunDataRequest`s."""
    return field(0x0A, tb_experiment.encode()) + b"".join(field(0x12, r) for r in runs)
