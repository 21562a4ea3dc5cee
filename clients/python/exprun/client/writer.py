"""`TimeSeriesWriter`: streamed time series that never block the training loop for long.

`log` and `log_columns` only append to buffers (`array.array`, no protobuf on the caller's
thread): per-metric columns, and for per-step `log` calls that repeat the same metrics a row-major
block, where a row costs one `struct` pack of its values plus one step and one wall time (a Python
loop over the metrics costs twice as much). A background thread owns one `StreamTimeSeries` call:
it cuts the buffers into batches by size and by age, numbers them, sends at most
`max_unacked_batches` ahead of the server's cumulative ack, and keeps every batch until it is
acknowledged. When the connection fails with a transient status (UNAVAILABLE, a torn connection, a
server draining for shutdown) it reopens the stream with backoff and jitter, learns the committed
sequence from `opened`, drops what the server already has and resends the rest in order; `(run,
metric, step)` overwrites, so even a resend the server did not recognise is harmless. A full disk
on the server (RESOURCE_EXHAUSTED `STORAGE_FULL`) is retried the same way, without a cap and no
sooner than the server's `RetryInfo` delay, until space is freed. A permanent status
(INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, PERMISSION_DENIED, UNAUTHENTICATED, ...) stops
the writer and is raised, typed, from the next `log`, `flush` or `close`.

Threading: the sync gRPC API. The background thread iterates the call's responses (acks) and
supervises reconnects; gRPC's own request thread pulls batches from a generator that cuts and
encodes them. The sync API was chosen over a `grpc.aio` loop thread because there are only
~20 messages a second at a million points a second, so per-message overhead does not matter,
while the sync API needs no event loop (no clash with a user's asyncio loop or Jupyter) and does
its I/O in the C core with the GIL released. Batches are encoded straight to protobuf wire
bytes (`_batch_encoding`: values are one copy; varints are vectorised with numpy when it is
installed, and encoded once for metrics that share them), which is several times cheaper than
building `TimeSeries` messages from Python numbers.

Memory: buffered plus unacknowledged points never exceed `max_buffered_points`. When full,
`log` blocks until acks free room (`on_full="block"`) or raises `BufferFull`
(`on_full="raise"`). Nothing is ever dropped silently: points are only released when acked.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import math
import operator
import os
import random
import re
import socket
import struct
import threading
import time
import types
import uuid
import weakref
from array import array
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import grpc
from exprun.client import _api, _config, _names
from exprun.client import _batch_encoding as _encoding
from exprun.client._limits import MAX_STREAM_BATCH_POINTS, STREAM_METHOD
from exprun.client.errors import (
    ExprunError,
    FailedPrecondition,
    ResourceExhausted,
    from_rpc_error,
)
from exprun.client.values import to_micros
from exprun.v1 import experiment_run_service_pb2 as service_pb2

if TYPE_CHECKING:
    from exprun.client.timeseries import WallTime

logger = logging.getLogger("exprun.client.writer")
_isfinite = math.isfinite

# How long interpreter exit waits for each writer that was never closed.
EXIT_FLUSH_TIMEOUT_SECONDS = 30.0

# Statuses after which the stream is reopened. UNAVAILABLE is what a refused or torn connection
# and a draining server give; ABORTED and DEADLINE_EXCEEDED are transient by definition.
_RETRY_ALWAYS = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED, grpc.StatusCode.DEADLINE_EXCEEDED}
)
# Statuses that are usually transient (a proxy resetting a stream shows as INTERNAL or UNKNOWN)
# but could also be a server bug that repeats forever: retried, but only this many times in a row.
_RETRY_LIMITED = frozenset(
    {
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.CANCELLED,
    }
)
_LIMITED_RETRIES = 5
# Reasons retried however long they last: the server's disk is full, which an operator fixes
# (minutes, not milliseconds). Memory stays bounded meanwhile: `log` blocks or raises BufferFull.
_RETRY_ALWAYS_REASONS = frozenset({"STORAGE_FULL"})


class BufferFull(ResourceExhausted):
    """`log` found `max_buffered_points` points buffered or unacknowledged with `on_full="raise"`.

    Nothing of the call was buffered; retry it later or lower the logging rate.
    """


@dataclass
class _Batch:
    """A numbered batch, kept until acknowledged. Encoded on first send, then resent as is."""

    sequence: int
    points: int
    parts: _encoding.Parts | None
    payload: bytes | None = None


@dataclass
class _Connection:
    opened: bool = False
    done: bool = False
    last_sent: int = 0
    call: Any = None
    dropped: bool = False  # by `reconnect()`, not by a fault


class TimeSeriesWriter:
    """Streams a run's time series in acknowledged batches; see the module docstring.

    `log` may be called from any thread (one producer thread is the fast case); rows from
    several threads interleave in arbitrary order.

    Args:
        run: Required. An `ExperimentRun`, or a run name (an ID in the `init` experiment, or a
            full name).
        writer_id: Optional. Names this writer to the server, which remembers the highest batch
            it committed for it. The default is derived from the run, host, pid and a random
            suffix, so it is stable across this writer's reconnects but new for every writer.
            Pass your own stable ID (for example the training job's ID) to make a restarted
            process continue the same writer: it learns the committed sequence when it opens
            and numbers its batches after it. Two live writers must never share an ID.
        max_batch_points: Optional. Points per batch, at most `MAX_STREAM_BATCH_POINTS`.
        max_batch_delay: Optional. Seconds a point may wait for its batch to fill.
        max_unacked_batches: Optional. Batches sent ahead of the server's acknowledgement.
        max_buffered_points: Optional. Points buffered or unacknowledged at the most; at least
            `max_batch_points`.
        on_full: Optional. What `log` does when that many are pending: `"block"` until acks
            free room, or `"raise"` `BufferFull`.
        reconnect_backoff: Optional. `(min, max)` seconds between reconnect attempts, doubled
            after each failure, with jitter.
    """

    def __init__(
        self,
        run: _names.NamedResource | str,
        *,
        writer_id: str | None = None,
        max_batch_points: int = 50_000,
        max_batch_delay: float = 0.05,
        max_unacked_batches: int = 16,
        max_buffered_points: int = 2_000_000,
        on_full: Literal["block", "raise"] = "block",
        reconnect_backoff: tuple[float, float] = (0.05, 5.0),
    ) -> None:
        if not 1 <= max_batch_points <= MAX_STREAM_BATCH_POINTS:
            raise ValueError(f"max_batch_points must be between 1 and {MAX_STREAM_BATCH_POINTS}")
        if max_batch_delay < 0:
            raise ValueError("max_batch_delay must be >= 0")
        if max_unacked_batches < 1:
            raise ValueError("max_unacked_batches must be >= 1")
        if max_buffered_points < max_batch_points:
            raise ValueError("max_buffered_points must be >= max_batch_points")
        if on_full not in ("block", "raise"):
            raise ValueError('on_full must be "block" or "raise"')
        low, high = reconnect_backoff
        if not 0 < low <= high:
            raise ValueError("reconnect_backoff must be (min, max) with 0 < min <= max")
        if isinstance(run, str):
            self.run = _names.run_name(run)
            self._api = _api.current()
        else:
            self.run = run.exprun_name
            self._api = run._api
        self.writer_id = writer_id if writer_id is not None else default_writer_id(self.run)
        self.max_batch_points = max_batch_points
        self.max_batch_delay = max_batch_delay
        self.max_unacked_batches = max_unacked_batches
        self.max_buffered_points = max_buffered_points
        self.on_full = on_full
        self._backoff = (float(low), float(high))
        # The shared channel of the configured target, as run objects use; the stream gets its own
        # multi-callable because batches travel as pre-encoded bytes.
        self._method: Any = _config.channel().stream_stream(
            STREAM_METHOD,
            request_serializer=bytes,
            response_deserializer=service_pb2.StreamTimeSeriesResponse.FromString,
        )
        self._open_payload = service_pb2.StreamTimeSeriesRequest(
            open=service_pb2.StreamOpen(run=self.run, writer_id=self.writer_id)
        ).SerializeToString()

        # One lock for all state; `log` takes it directly, waiters use the condition on it.
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._open = True  # False once closing or failed: `log` checks one flag
        # max_buffered_points - unacknowledged points: `log` may buffer while `_buffered` is below.
        self._limit = max_buffered_points
        # Producer side.
        self._columns: dict[str, _encoding.Column] = {}
        self._appenders: dict[str, _encoding.Appenders] = {}
        self._rows: _encoding.Rows | None = None  # rows of per-step `log` calls, after the columns' points
        self._last_shape: tuple[str, ...] | None = None  # the metrics of the last slow-path row
        self._buffered = 0
        self._first_buffered_at = 0.0
        self._next_step: int | None = None
        self._step_lock = threading.Lock()
        # Pipeline side.
        self._unacked: deque[_Batch] = deque()
        self._unacked_points = 0
        self._swapped = 0
        self._next_sequence = 0  # 0 until the first `opened` tells where to start
        self._last_assigned = 0
        self._committed = 0
        self._acked_points = 0
        self._cut_now = False
        self._connection: _Connection | None = None
        # Lifecycle.
        self._closing = False
        self._closed = False
        self._aborted = False
        self._error: ExprunError | None = None
        self._error_raised_by_close = False

        self._thread = threading.Thread(
            target=self._run_stream, name=f"exprun-writer-{self.writer_id[:40]}", daemon=True
        )
        _register(self)
        self._thread.start()

    # -- counters ---------------------------------------------------------------------------------
    @property
    def committed_sequence(self) -> int:
        """The highest batch sequence the server has acknowledged for this writer."""
        return self._committed

    @property
    def points_acked(self) -> int:
        """Points of this writer acknowledged as durable so far."""
        return self._acked_points

    @property
    def points_logged(self) -> int:
        """Points handed to `log`/`log_columns` so far."""
        return self._swapped + self._buffered

    @property
    def points_pending(self) -> int:
        """Points buffered or sent but not yet acknowledged."""
        with self._cond:
            return self._buffered + self._unacked_points

    # -- producer API -----------------------------------------------------------------------------
    def log(
        self, metrics: Mapping[str, float], step: int | None = None, wall_time: WallTime | None = None
    ) -> None:
        """Buffers one point per metric at `step` and returns at once.

        Blocks only when `max_buffered_points` are pending and `on_full="block"`. The one read
        behind the first default step is the only call that talks to the server on the
        caller's thread, and raises that read's error if it fails.

        Args:
            metrics: Required. Metric names to finite numbers.
            step: Optional. By default this writer's last logged step + 1; before the writer
                has logged anything, the run's largest step + 1, asked of the server once (1
                for an empty run).
            wall_time: Optional. A `datetime` (naive means UTC), a protobuf `Timestamp` or
                microseconds since the epoch; now by default.
        """
        # The hot path of per-step logging: keep it to plain appends under one lock.
        micros = _time_ns() // 1000 if wall_time is None else _checked_micros(wall_time)
        if step is None:
            if self._next_step is None:
                self._start_default_steps()
        elif step.__class__ is not int or not 0 <= step <= _INT64_MAX:
            step = _checked_step(step)
        count = len(metrics)
        lock = self._lock
        lock.acquire()
        try:
            if not self._open or self._buffered + count > self._limit:
                self._make_room(count)
            if step is None:
                step = self._next_step
                assert step is not None
            rows = self._rows
            # The fast path: the same metrics, in the same order, as the rows being buffered.
            if rows is not None and tuple(metrics) == rows.metrics:
                try:
                    packed = rows.pack(*metrics.values())
                except Exception:
                    rows = None  # not a number: the slow path names the metric
                else:
                    # A NaN or an infinity has the top byte 0x7F or 0xFF, as only a finite value
                    # beyond 2**1008 also has: the slow path checks those value by value.
                    # A bool packs as 1.0 or 0.0, so only a row holding one of those needs the
                    # (slower) type check.
                    top = packed[7::8]
                    if 0x7F in top or 0xFF in top:
                        rows = None
                    elif (packed.find(_PACKED_ONE) < 0 and packed.find(_PACKED_ZERO) < 0) or bool not in map(
                        type, metrics.values()
                    ):
                        rows.values.frombytes(packed)
                        rows.steps.append(step)
                        rows.walls.append(micros)
                    else:
                        rows = None  # the slow path refuses the bool
            else:
                rows = None
            if rows is None:
                self._append_row(metrics, step, micros)
            self._next_step = step + 1
            before = self._buffered
            self._buffered = before + count
            if before == 0 or before < self.max_batch_points <= before + count:
                self._wake_sender(before)
        finally:
            lock.release()

    def _append_row(self, metrics: Mapping[str, float], step: int, micros: int) -> None:
        """One row appended to the columns, metric by metric (lock held); all or nothing.

        A row of the same metrics as the previous one starts a row block for the rows after it.
        """
        if self._rows is not None:
            self._rows_to_columns()
            self._rows = None
        appenders = self._appenders
        done = 0
        try:
            for metric, value in metrics.items():
                append = appenders.get(metric)
                if append is None:
                    append = self._add_column(metric).appenders
                if value.__class__ is bool:
                    raise TypeError(f"Value for metric {metric} is a bool but must be a number")
                append_value, append_step, append_wall = append
                try:
                    append_value(value)
                except TypeError:
                    kind = type(value).__name__
                    message = f"Value for metric {metric} is of type {kind} but must be a number"
                    raise TypeError(message) from None
                if not _isfinite(value):
                    append_step(step)  # so that the row's take-back below removes this value too
                    append_wall(micros)
                    done += 1
                    _encoding.refuse_non_finite({metric: (value,)}, "metrics")
                append_step(step)
                append_wall(micros)
                done += 1
        except BaseException:
            # A row is all or nothing: take back the metrics of this call already appended.
            for metric in itertools.islice(metrics, done):
                column = self._columns[metric]
                del column.values[-1], column.steps[-1], column.walls[-1]
            raise
        shape = tuple(metrics)
        if shape == self._last_shape and 0 < len(shape) <= self.max_batch_points:
            self._rows = _encoding.Rows(shape)
        else:
            self._last_shape = shape

    def _rows_to_columns(self) -> None:
        """Moves the buffered rows into the columns, after their points there (lock held)."""
        rows = self._rows
        if rows is None or not rows.steps:
            return
        width = len(rows.metrics)
        for index, metric in enumerate(rows.metrics):
            column = self._columns.get(metric)
            if column is None:
                column = self._add_column(metric)
            column.values.extend(rows.values[index::width])
            column.steps.extend(rows.steps)
            column.walls.extend(rows.walls)
        self._rows = _encoding.Rows(rows.metrics)

    def log_columns(
        self,
        steps: Collection[int],
        columns: Mapping[str, Collection[float]],
        wall_time_micros: Collection[int] | int | None = None,
    ) -> None:
        """Buffers aligned columns: row `i` is `{metric: columns[metric][i]}` at `steps[i]`.

        The fast path: lists, `array.array` and numpy arrays are accepted (numpy is never
        required); float64/int64 arrays are copied with one `memcpy`. A call larger than the
        free room is admitted in slices as acks free room (or refused whole with
        `on_full="raise"`).

        Args:
            steps: Required. One step per row.
            columns: Required. Metric names to columns of finite numbers, each as long as
                `steps`.
            wall_time_micros: Optional. Microseconds since the epoch: one per row, or one for
                every row; now by default.
        """
        if not columns:
            raise ValueError("columns must hold at least one metric")
        step_column = _encoding.as_array(steps, "q", "steps")
        rows = len(step_column)
        values = {
            metric: _encoding.as_array(data, "d", f"columns[{metric!r}]") for metric, data in columns.items()
        }
        for metric, column in values.items():
            if len(column) != rows:
                raise ValueError(f"columns[{metric!r}] has {len(column)} values but steps has {rows}")
        _encoding.refuse_non_finite(values, "columns")
        if wall_time_micros is None or isinstance(wall_time_micros, int):
            now = time.time_ns() // 1000 if wall_time_micros is None else wall_time_micros
            walls = array("q", [now]) * rows
        else:
            walls = _encoding.as_array(wall_time_micros, "q", "wall_time_micros")
            if len(walls) != rows:
                raise ValueError(f"wall_time_micros has {len(walls)} entries but steps has {rows}")
        width = len(values)
        if width > self.max_buffered_points:
            raise ValueError(f"{width} metrics in one row exceed max_buffered_points")
        if rows == 0:
            return
        total = rows * width
        with self._lock:
            if not self._open:
                self._raise_unusable()
            if total <= self._limit - self._buffered:
                self._append_rows(values, step_column, walls, 0, rows)
                return
            if self.on_full == "raise":
                self._raise_full(total)
        # Too big for the free room: admit slices of at most one batch as acks free room.
        chunk = max(1, self.max_batch_points // width)
        for start in range(0, rows, chunk):
            end = min(rows, start + chunk)
            with self._lock:
                self._make_room((end - start) * width)
                self._append_rows(values, step_column, walls, start, end)

    def _append_rows(
        self,
        values: Mapping[str, array[float]],
        steps: array[int],
        walls: array[int],
        start: int,
        end: int,
    ) -> None:
        self._rows_to_columns()
        whole = start == 0 and end == len(steps)
        step_slice = steps if whole else steps[start:end]
        wall_slice = walls if whole else walls[start:end]
        for metric, data in values.items():
            column = self._columns.get(metric)
            if column is None:
                column = self._add_column(metric)
            column.values.extend(data if whole else data[start:end])
            column.steps.extend(step_slice)
            column.walls.extend(wall_slice)
        self._next_step = steps[end - 1] + 1
        count = (end - start) * len(values)
        before = self._buffered
        self._buffered = before + count
        if before == 0 or before < self.max_batch_points <= before + count:
            self._wake_sender(before)

    def _add_column(self, metric: str) -> _encoding.Column:
        if not isinstance(metric, str):
            raise TypeError(f"metric names must be str, not {type(metric).__name__}")
        column = _encoding.Column(metric)
        self._columns[metric] = column
        self._appenders[metric] = column.appenders
        return column

    def _wake_sender(self, before: int) -> None:
        """The buffer just started a batch (its delay starts now) or filled one (lock held)."""
        if before == 0:
            self._first_buffered_at = time.monotonic()
        self._cond.notify_all()

    def _make_room(self, count: int) -> None:
        """Raises if the writer is unusable; waits (lock held) until `count` more points fit, or
        raises `BufferFull`."""
        if not self._open:
            self._raise_unusable()
        if count > self.max_buffered_points:
            raise ValueError(f"{count} points in one row exceed max_buffered_points")
        while self._buffered + count > self._limit:
            if not self._open:
                self._raise_unusable()
            if self.on_full == "raise":
                self._raise_full(count)
            # A full buffer is ripe: make sure the sender cuts it even if it is below one batch.
            self._cut_now = True
            self._cond.notify_all()
            self._cond.wait()

    def _raise_full(self, count: int) -> None:
        pending = self._buffered + self._unacked_points
        raise BufferFull(
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            f"{pending} points are buffered or unacknowledged; {count} more would exceed "
            f"max_buffered_points={self.max_buffered_points}",
            reason="WRITER_BUFFER_FULL",
            domain="exprun.client",
            metadata={"pending_points": str(pending), "max_buffered_points": str(self.max_buffered_points)},
        )

    def _start_default_steps(self) -> None:
        """Fetches the run's largest step once, before this writer's first default step."""
        with self._step_lock:
            if self._next_step is not None:
                return
            request = service_pb2.ReadTimeSeriesRequest(run=self.run, max_points=1)
            largest = 0
            for chunk in self._api.stream(self._api.stub.ReadTimeSeries, request):
                for series in chunk.series:
                    if series.steps:
                        largest = max(largest, max(series.steps))
            with self._cond:
                if self._next_step is None:
                    self._next_step = largest + 1

    # -- flush and close --------------------------------------------------------------------------
    def flush(self, timeout: float | None = None) -> None:
        """Waits until every point logged before the call is acknowledged as durable.

        Raises the writer's error if it stopped, and `TimeoutError` if `timeout` passes first
        (the points stay pending and are still sent).

        Args:
            timeout: Optional. Seconds to wait at the most; no limit by default.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            if self._error is not None:
                self._raise_error()
            target_points = self._swapped + self._buffered
            if self._swapped < target_points:
                self._cut_now = True
                self._cond.notify_all()
            self._wait(lambda: self._swapped >= target_points, deadline)
            target_sequence = self._last_assigned
            self._wait(lambda: self._committed >= target_sequence, deadline)

    def _wait(self, done: Callable[[], bool], deadline: float | None) -> None:
        while not done():
            if self._error is not None:
                self._raise_error()
            if self._aborted:
                raise RuntimeError("TimeSeriesWriter was aborted")
            if deadline is None:
                self._cond.wait()
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pending = self._buffered + self._unacked_points
                    raise TimeoutError(
                        f"TimeSeriesWriter: {pending} points not acknowledged yet (they stay pending)"
                    )
                self._cond.wait(remaining)

    def close(self, timeout: float | None = None) -> None:
        """Flushes, half-closes the stream and stops the background thread. Idempotent.

        Raises the writer's error if it stopped (once). If `timeout` passes first, the stream is
        cancelled and `TimeoutError` names how many points were not acknowledged: those points
        are not written by this writer.

        Args:
            timeout: Optional. Seconds to wait at the most; no limit by default.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        if self._begin_close():
            self._finish_close(deadline)

    def _begin_close(self) -> bool:
        """Stops `log` and tells the sender to cut and send everything; False if already closed."""
        with self._cond:
            if self._closed:
                return False
            self._closing = True
            self._open = False
            self._cut_now = True
            self._cond.notify_all()
            return True

    def _finish_close(self, deadline: float | None) -> None:
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        self._thread.join(remaining)
        if self._thread.is_alive():
            with self._cond:
                self._aborted = True
                self._cond.notify_all()
                connection = self._connection
                pending = self._buffered + self._unacked_points
                self._closed = True
            if connection is not None and connection.call is not None:
                connection.call.cancel()
            self._thread.join(5.0)
            _unregister(self)
            raise TimeoutError(
                f"TimeSeriesWriter {self.writer_id!r} closed with {pending} points not acknowledged "
                "in time; they were not written"
            )
        _unregister(self)
        with self._cond:
            self._closed = True
            if self._error is not None and not self._error_raised_by_close:
                self._error_raised_by_close = True
                self._raise_error()

    def reconnect(self) -> None:
        """Drops the current stream, as a network fault would; the writer reopens it, learns the
        committed sequence and resends what was not acknowledged. For drills and tests."""
        with self._cond:
            connection = self._connection
            if connection is None or connection.done:
                return
            connection.dropped = True
            call = connection.call
        if call is not None:
            call.cancel()

    def __enter__(self) -> TimeSeriesWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> None:
        """Closes (flushing). If the block raised, a failing close is noted on that exception
        instead of replacing it."""
        if exc is None:
            self.close()
            return
        try:
            self.close()
        except Exception as close_error:
            exc.add_note(f"TimeSeriesWriter.close() also failed: {close_error!r}")

    def _raise_unusable(self) -> None:
        if self._error is not None:
            self._raise_error()
        raise ValueError("TimeSeriesWriter is closed")

    def _raise_error(self) -> None:
        assert self._error is not None
        raise self._error.with_traceback(None)

    def _fail(self, error: ExprunError) -> None:
        """Stops the writer (lock held). Points still pending are reported, not dropped silently."""
        if self._error is None:
            pending = self._buffered + self._unacked_points
            error.add_note(
                f"TimeSeriesWriter {self.writer_id!r} stopped; {pending} points logged to it were "
                f"not acknowledged and are not written ({self._acked_points} were)."
            )
            self._error = error
        self._open = False
        self._cond.notify_all()

    # -- the sending side (runs on gRPC's request thread) -----------------------------------------
    def _requests(self, connection: _Connection) -> Iterator[bytes]:
        """The requests of one stream: `open`, then batches in sequence order as the window allows.

        Returns (half-closing the stream) when the writer is closing and everything is sent.
        """
        yield self._open_payload
        cache = _encoding.VarintCache()  # this generator's own: it may overlap the previous one's
        while True:
            with self._cond:
                batch = self._next_to_send(connection)
            if batch is None:
                return
            payload = batch.payload
            if payload is None:
                # Encoded once, on first send; a previous connection's generator may be encoding
                # the same batch concurrently, which is harmless (same bytes).
                parts = batch.parts
                if parts is None:
                    payload = batch.payload
                else:
                    try:
                        payload = _encoding.encode_request(batch.sequence, parts, cache)
                    except Exception as error:  # a bug here must not vanish inside gRPC's thread
                        with self._cond:
                            self._fail(
                                ExprunError(grpc.StatusCode.INTERNAL, f"encoding a batch failed: {error!r}")
                            )
                        return
                    batch.payload = payload
                    batch.parts = None
            assert payload is not None
            yield payload

    def _next_to_send(self, connection: _Connection) -> _Batch | None:
        """The next batch to send on `connection` (lock held), cutting the buffer when ripe.

        Waits for `opened`, for window room and for a ripe buffer; None means stop sending.
        """
        while True:
            if connection.done or self._aborted or self._error is not None:
                return None
            if connection.opened:
                in_flight = connection.last_sent - self._committed
                if in_flight < self.max_unacked_batches:
                    if self._unacked and self._unacked[-1].sequence > connection.last_sent:
                        index = connection.last_sent + 1 - self._unacked[0].sequence
                        batch = self._unacked[max(0, index)]
                        connection.last_sent = batch.sequence
                        return batch
                    if self._buffered and self._ripe():
                        self._cut()
                        continue
                if (
                    self._closing
                    and not self._buffered
                    and (not self._unacked or self._unacked[-1].sequence <= connection.last_sent)
                ):
                    return None
            timeout = 1.0
            if self._buffered and connection.opened:
                due = self._first_buffered_at + self.max_batch_delay - time.monotonic()
                timeout = min(timeout, max(due, 0.001))
            self._cond.wait(timeout)

    def _ripe(self) -> bool:
        return (
            self._cut_now
            or self._closing
            or self._buffered >= self.max_batch_points
            or time.monotonic() >= self._first_buffered_at + self.max_batch_delay
        )

    def _cut(self) -> None:
        """Moves the whole buffer into numbered batches of at most `max_batch_points` (lock held).

        Only lengths are computed here; the columns are encoded outside the lock when sent.
        """
        rows = self._rows
        if rows is not None and rows.steps and self._columns:
            self._rows_to_columns()
            rows = self._rows
        columns, self._columns, self._appenders = self._columns, {}, {}
        points, self._buffered = self._buffered, 0
        self._cut_now = False
        plans: list[_encoding.Parts] = list(_encoding.plan_batches(columns, self.max_batch_points))
        if rows is not None and rows.steps:
            plans += _encoding.plan_rows(rows, self.max_batch_points)
            self._rows = _encoding.Rows(rows.metrics)
        for plan in plans:
            if isinstance(plan, _encoding.RowSlice):
                size = (plan.end - plan.start) * len(plan.rows.metrics)
            else:
                size = sum(end - start for _, start, end in plan)
            self._last_assigned = self._next_sequence
            self._unacked.append(_Batch(self._next_sequence, size, plan))
            self._next_sequence += 1
        self._unacked_points += points
        self._limit -= points
        self._swapped += points

    # -- the receiving side (the writer's thread) -------------------------------------------------
    def _run_stream(self) -> None:
        failures = 0
        waiting_for_storage = False
        while True:
            with self._cond:
                if self._error is not None or self._aborted:
                    return
                if self._closing and not self._buffered and not self._unacked:
                    return
                connection = _Connection()
                self._connection = connection
            progressed = False
            status: Any = None
            server_delay: float | None = None
            try:
                # Per connection: google.auth credentials send a fresh token after a reconnect.
                call = self._method(self._requests(connection), metadata=self._api.metadata)
                connection.call = call
                if connection.dropped:  # reconnect() came before the call existed
                    call.cancel()
                for response in call:
                    progressed = self._on_response(connection, response) or progressed
            except grpc.RpcError as error:
                status = error
            except Exception as error:  # e.g. the channel was closed under the writer
                with self._cond:
                    self._fail(ExprunError(grpc.StatusCode.UNKNOWN, f"stream failed: {error!r}"))
                return
            finally:
                with self._cond:
                    connection.done = True
                    self._cond.notify_all()
                if connection.call is not None:
                    connection.call.cancel()
            with self._cond:
                if self._error is not None or self._aborted:
                    return
                if status is None and self._closing and not self._buffered and not self._unacked:
                    return
            if status is not None and connection.dropped:
                failures = 0  # dropped on purpose by reconnect(): reopen at once
            elif status is not None:
                code = status.code()
                failure = from_rpc_error(status)
                failures = 0 if progressed else failures + 1
                retry = (
                    code in _RETRY_ALWAYS
                    or failure.reason in _RETRY_ALWAYS_REASONS
                    or (code in _RETRY_LIMITED and failures <= _LIMITED_RETRIES)
                )
                if not retry:
                    with self._cond:
                        self._fail(failure)
                    return
                server_delay = failure.retry_delay
                if progressed:
                    waiting_for_storage = False
                if failure.reason in _RETRY_ALWAYS_REASONS and not waiting_for_storage:
                    logger.warning(
                        "writer %s: %s; keeping %d points pending and retrying",
                        self.writer_id,
                        failure,
                        self.points_pending,
                    )
                waiting_for_storage = failure.reason in _RETRY_ALWAYS_REASONS
                logger.debug("stream of writer %s ended with %s; reconnecting", self.writer_id, code)
            else:
                failures = 0 if progressed else failures + 1
            self._sleep_backoff(failures, server_delay)

    def _sleep_backoff(self, failures: int, server_delay: float | None = None) -> None:
        """Exponential backoff with jitter, but never sooner than the server's RetryInfo asks."""
        low, high = self._backoff
        delay = min(high, low * 2 ** min(failures, 30)) * random.uniform(0.5, 1.0)
        if server_delay is not None:
            delay = max(delay, server_delay * random.uniform(1.0, 1.2))
        deadline = time.monotonic() + delay
        with self._cond:
            while not (self._aborted or self._error is not None):
                if self._closing and not self._buffered and not self._unacked:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    def _on_response(self, connection: _Connection, response: Any) -> bool:
        """Applies `opened` or an ack (lock taken). True when the server made progress."""
        kind = response.WhichOneof("kind")
        with self._cond:
            if kind == "opened":
                committed = response.opened.committed_sequence
                if self._next_sequence == 0:
                    # First open: number batches after whatever this writer ID committed before.
                    self._next_sequence = committed + 1
                elif committed >= self._next_sequence:
                    self._fail(
                        FailedPrecondition(
                            grpc.StatusCode.FAILED_PRECONDITION,
                            f"writer {self.writer_id!r} has sequence {committed} committed, beyond the "
                            f"{self._next_sequence - 1} this writer numbered: another writer uses this ID",
                            reason="WRITER_ID_IN_USE",
                            domain="exprun.client",
                        )
                    )
                    return False
                elif committed < self._committed:
                    logger.warning(
                        "server reports sequence %d committed for writer %s after acknowledging %d",
                        committed,
                        self.writer_id,
                        self._committed,
                    )
                self._acknowledge(committed)
                connection.opened = True
                connection.last_sent = self._committed
                self._cond.notify_all()
                return not self._unacked
            if kind == "ack":
                before = self._committed
                self._acknowledge(response.ack.committed_sequence)
                return self._committed > before
            return False

    def _acknowledge(self, committed: int) -> None:
        """Releases every batch up to `committed` (lock held)."""
        unacked = self._unacked
        released = False
        while unacked and unacked[0].sequence <= committed:
            batch = unacked.popleft()
            self._unacked_points -= batch.points
            self._limit += batch.points
            self._acked_points += batch.points
            released = True
        if committed > self._committed:
            self._committed = committed
        if released:
            self._cond.notify_all()


_time_ns = time.time_ns
# What a bool packs to as a native double.
_PACKED_ONE = struct.pack("=d", 1.0)
_PACKED_ZERO = struct.pack("=d", 0.0)


_INT64_MAX = 2**63 - 1


def _checked_step(step: Any) -> int:
    value = operator.index(step)
    if value < 0:
        raise ValueError(f"step must be >= 0, not {value}")
    if value > _INT64_MAX:
        raise ValueError(f"step must be below 2**63, not {value}")
    return value


def _checked_micros(wall_time: WallTime) -> int:
    """Checked before anything is appended, so that a row is buffered whole or not at all."""
    micros = to_micros(wall_time)
    if not -_INT64_MAX - 1 <= micros <= _INT64_MAX:
        raise ValueError(f"wall time {wall_time!r} is out of the int64 microseconds range")
    return micros


def default_writer_id(run: str) -> str:
    """`{run}-{host}-{pid}-{random}`: unique per writer, readable in the server's writer table."""
    run_id = _names.segment(run, "runs") or "run"
    host = re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname())[:40] or "host"
    return f"{run_id[:60]}-{host}-{os.getpid()}-{uuid.uuid4().hex[:8]}"[:128]


# -- writers still open at interpreter exit ---------------------------------------------------------
_live: weakref.WeakSet[TimeSeriesWriter] = weakref.WeakSet()
_live_lock = threading.Lock()
_atexit_registered = False


def _register(writer: TimeSeriesWriter) -> None:
    global _atexit_registered
    with _live_lock:
        _live.add(writer)
        if not _atexit_registered:
            atexit.register(_close_at_exit)
            _atexit_registered = True


def _unregister(writer: TimeSeriesWriter) -> None:
    with _live_lock:
        _live.discard(writer)


def close_all(timeout: float | None = None) -> None:
    """Closes (flushing) every writer of this process that is still open; errors are logged
    (points not acknowledged are counted in them).

    Args:
        timeout: Optional. Seconds for all of them together; no limit by default.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    with _live_lock:
        writers = list(_live)
    closing = [writer for writer in writers if writer._begin_close()]
    for writer in closing:
        try:
            writer._finish_close(deadline)
        except Exception as error:
            logger.warning("closing time-series writer %s failed: %s", writer.writer_id, error)


def _close_at_exit() -> None:
    close_all(EXIT_FLUSH_TIMEOUT_SECONDS)


__all__ = ["MAX_STREAM_BATCH_POINTS", "BufferFull", "TimeSeriesWriter", "close_all", "default_writer_id"]
