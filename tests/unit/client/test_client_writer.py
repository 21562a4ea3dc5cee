"""`TimeSeriesWriter` without the real server: its wire encoding against protobuf's, how it plans
batches, how it takes columns, and its stream protocol against an in-process fake of
`StreamTimeSeries` that can withhold acks, drain like a shutting-down server, or refuse."""

from __future__ import annotations

import math
import queue
import random
import re
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from concurrent import futures
from typing import Any

import grpc
import numpy as np
import pytest
from exprun.client import (
    BufferFull,
    ExprunError,
    FailedPrecondition,
    InvalidArgument,
    TimeSeriesWriter,
    _config,
    writer,
)
from exprun.client import _batch_encoding as encoding
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.server_process import free_port

RUN = "projects/unit-tests/locations/us-central1/experiments/exp-1/runs/run-1"
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def column(metric: str, steps: list[int], values: list[float], walls: list[int]) -> encoding.Column:
    c = encoding.Column(metric)
    c.steps.extend(steps)
    c.values.extend(values)
    c.walls.extend(walls)
    return c


def decoded(payload: bytes) -> api.StreamTimeSeriesRequest:
    return api.StreamTimeSeriesRequest.FromString(payload)


def expected(sequence: int, *series: pb.TimeSeries) -> api.StreamTimeSeriesRequest:
    return api.StreamTimeSeriesRequest(
        batch=api.SequencedBatch(sequence=sequence, batch=pb.TimeSeriesBatch(series=list(series)))
    )


@pytest.fixture(params=["numpy", "pure"])
def encoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every encoding test runs with the numpy varint path and with the protobuf fallback."""
    if request.param == "pure":
        monkeypatch.setattr(encoding, "_numpy", None)
        monkeypatch.setattr(encoding, "_numpy_checked", True)
    return str(request.param)


# -- wire encoding ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "steps",
    [
        list(range(0, 300)),  # 1- and 2-byte varints
        list(range(16_000, 17_000)),  # 2- and 3-byte varints
        [2**62, 0, 2**35, 5],
        [7] * 50,  # one repeated value
    ],
)
def test_encoded_batches_parse_to_what_protobuf_would_send(encoder: str, steps: list[int]) -> None:
    values = [s * 0.5 - 3 for s in range(len(steps))]
    walls = [1_700_000_000_000_000 + s // 3 for s in range(len(steps))]
    loss = column("loss", steps, values, walls)
    acc = column("acc/top-1 ü", steps, values[::-1], [1_700_000_000_000_000] * len(steps))
    payload = encoding.encode_request(9, [(loss, 0, len(steps)), (acc, 1, len(steps))])
    assert decoded(payload) == expected(
        9,
        pb.TimeSeries(metric="loss", steps=steps, values=values, wall_time_micros=walls),
        pb.TimeSeries(
            metric="acc/top-1 ü",
            steps=steps[1:],
            values=values[::-1][1:],
            wall_time_micros=[1_700_000_000_000_000] * (len(steps) - 1),
        ),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(INT64, st.floats(allow_nan=False), INT64), min_size=1, max_size=200),
    st.integers(min_value=1, max_value=2**40),
)
def test_any_int64_and_float_columns_round_trip(rows: list[tuple[int, float, int]], sequence: int) -> None:
    steps, values, walls = (list(c) for c in zip(*rows, strict=True))
    try:
        for numpy_module in (None, np):
            encoding._numpy, encoding._numpy_checked = numpy_module, True
            payload = encoding.encode_request(sequence, [(column("m", steps, values, walls), 0, len(rows))])
            assert decoded(payload) == expected(
                sequence, pb.TimeSeries(metric="m", steps=steps, values=values, wall_time_micros=walls)
            )
    finally:
        encoding._numpy_checked = False


# Any unicode but lone surrogates, as protobuf's strings take it (the server checks names).
METRIC = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(METRIC, min_size=1, max_size=5, unique=True),
    st.lists(
        st.tuples(
            st.integers(0, 2**63 - 1), INT64, st.lists(st.floats(allow_nan=False), min_size=5, max_size=5)
        ),
        min_size=1,
        max_size=60,
    ),
    st.data(),
)
def test_row_blocks_encode_to_what_protobuf_would_send(
    metrics: list[str], rows: list[tuple[int, int, list[float]]], data: st.DataObject
) -> None:
    block = encoding.Rows(tuple(metrics))
    width = len(metrics)
    for step, wall, values in rows:
        block.values.extend(values[:width])
        block.steps.append(step)
        block.walls.append(wall)
    start = data.draw(st.integers(0, len(rows) - 1))
    end = data.draw(st.integers(start + 1, len(rows)))
    want = expected(
        7,
        *(
            pb.TimeSeries(
                metric=metric,
                steps=[step for step, _, _ in rows[start:end]],
                values=[values[j] for _, _, values in rows[start:end]],
                wall_time_micros=[wall for _, wall, _ in rows[start:end]],
            )
            for j, metric in enumerate(metrics)
        ),
    )
    try:
        for numpy_module in (None, np):
            encoding._numpy, encoding._numpy_checked = numpy_module, True
            assert decoded(encoding.encode_request(7, encoding.RowSlice(block, start, end))) == want
    finally:
        encoding._numpy_checked = False


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(INT64, min_size=1, max_size=300), min_size=1, max_size=6), st.booleans())
def test_cached_varint_columns_match_protobuf_ascending_or_not(
    columns: list[list[int]], ascending: bool
) -> None:
    cache = encoding.VarintCache()
    try:
        for numpy_module in (None, np):
            encoding._numpy, encoding._numpy_checked = numpy_module, True
            # Each column twice (the second from the cache), with equal and ascending neighbours.
            for ints in [sorted(c) if ascending else c for c in columns] * 2:
                field = b"".join(cache.packed(2, array("q", ints)))
                assert pb.TimeSeries.FromString(field) == pb.TimeSeries(steps=ints)
    finally:
        encoding._numpy_checked = False


def test_ascending_varints_cross_every_length(encoder: str) -> None:
    edges = {2 ** (7 * k) + d for k in range(1, 10) for d in (-1, 0, 1)}
    steps = sorted({0, 1, 2**63 - 1, *(e for e in edges if e < 2**63)})  # every varint length
    field = b"".join(encoding.packed_varints(2, array("q", steps)))
    assert list(pb.TimeSeries.FromString(field).steps) == steps


def test_random_steps_fall_back_to_protobuf_varints(encoder: str) -> None:
    steps = [int(s) for s in np.random.default_rng(1).integers(0, 2**40, size=5000)]
    c = column("m", steps, [0.0] * 5000, list(range(5000)))
    payload = encoding.encode_request(1, [(c, 0, 5000)])
    assert list(decoded(payload).batch.batch.series[0].steps) == steps


# -- batch plans -----------------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=8), st.integers(1, 250))
def test_batch_plans_cover_every_point_once_in_order_within_the_size(lengths: list[int], size: int) -> None:
    columns = {f"m{i}": column(f"m{i}", [0] * n, [0.0] * n, [0] * n) for i, n in enumerate(lengths)}
    plans = encoding.plan_batches(columns, size)
    covered: dict[str, list[int]] = {}
    for plan in plans:
        assert 0 < sum(end - start for _, start, end in plan) <= size
        metrics = [c.field for c, _, _ in plan]
        assert len(metrics) == len(set(metrics))  # a metric at most once per batch
        for c, start, end in plan:
            covered.setdefault(c.field.decode("latin-1"), []).extend(range(start, end))
    for metric, n in zip(columns, lengths, strict=True):
        assert covered.get(columns[metric].field.decode("latin-1"), []) == list(range(n))
    assert len(plans) == -(-sum(lengths) // size)


# -- taking columns --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        [1.5, 2, 3],
        (1.5, 2, 3),
        array("d", [1.5, 2, 3]),
        array("f", [1.5, 2, 3]),
        np.array([1.5, 2, 3]),
        np.array([1.5, 2, 3], dtype=np.float32),
        np.array([1.5, 2, 3, 4])[::-1][1:][::-1],  # not contiguous
    ],
)
def test_value_columns_are_copied_into_float64_arrays(data: Any) -> None:
    taken = encoding.as_array(data, "d", "columns['x']")
    assert taken.typecode == "d"
    assert taken.tolist() == [1.5, 2.0, 3.0]
    assert taken is not data


@pytest.mark.parametrize(
    "data", [[1, 2], range(1, 3), array("q", [1, 2]), np.array([1, 2]), np.array([1, 2], np.int32)]
)
def test_step_columns_are_copied_into_int64_arrays(data: Any) -> None:
    taken = encoding.as_array(data, "q", "steps")
    assert taken.typecode == "q"
    assert taken.tolist() == [1, 2]


def test_a_columns_later_changes_do_not_reach_the_buffer() -> None:
    source = np.array([1.0, 2.0])
    taken = encoding.as_array(source, "d", "columns['x']")
    source[0] = 9.0
    assert taken.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("data", "typecode", "error"),
    [
        (["a"], "d", TypeError),
        ([1.5], "q", TypeError),
        (np.array([1.5]), "q", TypeError),
        ([2**63], "q", ValueError),
        (np.zeros((2, 2)), "d", ValueError),
    ],
)
def test_bad_columns_are_refused_on_the_callers_thread(
    data: Any, typecode: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        encoding.as_array(data, typecode, "steps")


def test_default_writer_ids_are_valid_and_unique() -> None:
    first, second = writer.default_writer_id(RUN), writer.default_writer_id(RUN)
    assert first != second
    assert first.startswith("run-1-")
    assert re.fullmatch(r"[\x21-\x7e]{1,128}", first)


# -- the stream protocol, against a fake -----------------------------------------------------------
class FakeStream:
    """An in-process `StreamTimeSeries`: acks each batch after "committing" it, remembers the
    committed sequence per writer, and can withhold acks, drain or refuse."""

    def __init__(self) -> None:
        self.committed: dict[str, int] = {}
        self.received: list[int] = []
        self.points: dict[int, int] = {}
        self.batches: list[list[pb.TimeSeries]] = []  # the series of each committed batch, in order
        self.opens = 0
        self.drain_after_acks: int | None = None  # end each stream UNAVAILABLE after this many acks
        self.refuse: grpc.StatusCode | None = None
        self.storage_full_refusals = 0  # refuse this many batches as a server with a full disk does
        self.hold_acks = threading.Event()
        self.lock = threading.Lock()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        handler = grpc.stream_stream_rpc_method_handler(
            self.stream,
            request_deserializer=api.StreamTimeSeriesRequest.FromString,
            response_serializer=api.StreamTimeSeriesResponse.SerializeToString,
        )
        self.server.add_generic_rpc_handlers(
            [
                grpc.method_handlers_generic_handler(
                    "exprun.v1.ExperimentRunService", {"StreamTimeSeries": handler}
                )
            ]
        )
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()

    def stream(self, requests: Iterator[api.StreamTimeSeriesRequest], context: Any) -> Iterator[Any]:
        first = next(requests)
        writer_id = first.open.writer_id
        with self.lock:
            self.opens += 1
            committed = self.committed.get(writer_id, 0)
        yield api.StreamTimeSeriesResponse(opened=api.StreamOpened(committed_sequence=committed))
        inbox: queue.Queue[api.StreamTimeSeriesRequest | None] = queue.Queue()

        def read() -> None:
            try:
                for request in requests:
                    with self.lock:
                        self.received.append(request.batch.sequence)
                    inbox.put(request)
            except grpc.RpcError:
                pass  # the stream ended under the reader
            inbox.put(None)

        threading.Thread(target=read, daemon=True).start()
        acks = 0
        while True:
            request = inbox.get(timeout=30)
            if request is None:
                return
            sequence = request.batch.sequence
            if self.refuse is not None:
                context.abort(self.refuse, "refused")
            with self.lock:
                full = self.storage_full_refusals > 0
                self.storage_full_refusals -= full
            if full:
                context.abort_with_status(storage_full_status())
            while self.hold_acks.is_set():
                time.sleep(0.002)
            with self.lock:
                if sequence > self.committed.get(writer_id, 0):
                    self.committed[writer_id] = sequence
                    self.points[sequence] = sum(len(s.values) for s in request.batch.batch.series)
                    self.batches.append(list(request.batch.batch.series))
                committed = self.committed[writer_id]
            yield api.StreamTimeSeriesResponse(ack=api.StreamAck(committed_sequence=committed))
            acks += 1
            if self.drain_after_acks is not None and acks >= self.drain_after_acks:
                context.abort(grpc.StatusCode.UNAVAILABLE, "draining")

    def stop(self) -> None:
        self.server.stop(None)


def storage_full_status() -> grpc.Status:
    """What the exprun server answers while its disk is full, with a short retry delay."""
    details = [any_pb2.Any(), any_pb2.Any()]
    details[0].Pack(error_details_pb2.ErrorInfo(reason="STORAGE_FULL", domain="exprun.dev"))
    details[1].Pack(error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(nanos=5_000_000)))
    status = status_pb2.Status(code=code_pb2.RESOURCE_EXHAUSTED, message="storage full", details=details)
    return rpc_status.to_status(status)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStream]:
    server = FakeStream()
    _config.reset()
    _config.set_defaults(target=f"127.0.0.1:{server.port}")
    yield server
    _config.reset()
    server.stop()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


def test_no_more_than_the_window_of_batches_is_unacknowledged(fake: FakeStream) -> None:
    fake.hold_acks.set()
    w = TimeSeriesWriter(RUN, max_batch_points=10, max_unacked_batches=3, max_batch_delay=0)
    w.log_columns(range(100), {"loss": [0.5] * 100})
    wait_until(lambda: len(fake.received) >= 1, "a batch")
    with pytest.raises(TimeoutError):
        w.flush(timeout=0.3)  # a bounded pause: nothing can be acked while acks are held
    assert fake.received == [1, 2, 3]
    fake.hold_acks.clear()
    w.close(timeout=10)
    assert fake.received == list(range(1, 11))
    assert sum(fake.points.values()) == 100


Row = tuple[int, float, int]  # step, value, wall time


def committed_points(fake: FakeStream, max_batch_points: int) -> dict[str, list[Row]]:
    """Every committed point by metric, in commit order; checks each batch as the server would."""
    points: dict[str, list[Row]] = {}
    for batch in fake.batches:
        assert 0 < sum(len(s.values) for s in batch) <= max_batch_points
        assert len({s.metric for s in batch}) == len(batch)  # a metric at most once per batch
        for s in batch:
            rows = zip(s.steps, s.values, s.wall_time_micros, strict=True)
            points.setdefault(s.metric, []).extend(rows)
    return points


@pytest.mark.parametrize("seed", range(6))
def test_per_step_rows_of_changing_metrics_arrive_whole_and_in_order(fake: FakeStream, seed: int) -> None:
    """Rows of the same metrics take the row-block fast path; changing metrics, columns in
    between and refused rows must not reorder, lose or duplicate a point."""
    rng = random.Random(seed)
    shapes = [("loss", "acc"), ("loss",), ("acc", "loss"), ("lr", "loss", "acc", "é/ü 指标"), ()]
    max_batch_points = rng.choice([4, 7, 64, 50_000])
    w = TimeSeriesWriter(
        RUN, max_batch_points=max_batch_points, max_buffered_points=max(64, max_batch_points)
    )
    want: dict[str, list[Row]] = {}
    shape = shapes[0]
    step = wall = 0
    for _ in range(400):
        step += rng.randint(0, 2)
        wall += 1
        if rng.random() < 0.2:
            shape = rng.choice(shapes)
        if rng.random() < 0.08 and shape:
            rows = rng.randint(1, 5)
            steps = list(range(step, step + rows))
            columns = {m: [rng.random() for _ in steps] for m in shape}
            w.log_columns(steps, columns, wall_time_micros=wall)
            for m, values in columns.items():
                want.setdefault(m, []).extend((s, v, wall) for s, v in zip(steps, values, strict=True))
            step += rows
            continue
        row: dict[str, Any] = {m: rng.choice([0.0, 1.0, 2, rng.random()]) for m in shape}
        if shape and rng.random() < 0.05:
            row[rng.choice(shape)] = rng.choice([True, False, "high", None])
            with pytest.raises(TypeError, match="must be a number"):
                w.log(row, step=step, wall_time=wall)
            continue
        w.log(row, step=step, wall_time=wall)
        for m, v in row.items():
            want.setdefault(m, []).append((step, float(v), wall))
    w.close(timeout=20)
    assert committed_points(fake, max_batch_points) == want
    assert w.points_acked == w.points_logged == sum(map(len, want.values()))


def test_steps_and_wall_times_beyond_int64_are_refused_whole_on_the_callers_thread(fake: FakeStream) -> None:
    w = TimeSeriesWriter(RUN)
    for step in (1, 2):  # the second row of the same metrics starts a row block
        w.log({"loss": 0.5, "acc": 0.25}, step=step, wall_time=7)
    with pytest.raises(ValueError, match="step must be >= 0"):
        w.log({"loss": 0.5, "acc": 0.25}, step=-1)
    with pytest.raises(ValueError, match="below 2\\*\\*63"):
        w.log({"loss": 0.5, "acc": 0.25}, step=2**63)
    with pytest.raises(ValueError, match="int64"):
        w.log({"loss": 0.5, "acc": 0.25}, step=3, wall_time=2**63)
    w.log({"loss": 0.125, "acc": 0.0625}, step=2**63 - 1, wall_time=-(2**63))
    w.close(timeout=10)
    assert committed_points(fake, w.max_batch_points) == {
        "loss": [(1, 0.5, 7), (2, 0.5, 7), (2**63 - 1, 0.125, -(2**63))],
        "acc": [(1, 0.25, 7), (2, 0.25, 7), (2**63 - 1, 0.0625, -(2**63))],
    }


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_value_is_refused_naming_the_metric_and_nothing_of_the_call_is_sent(
    fake: FakeStream, bad: float
) -> None:
    w = TimeSeriesWriter(RUN)
    for step in (1, 2):  # the second row of the same metrics starts a row block: the fast path
        w.log({"loss": 0.5, "acc": 0.25}, step=step, wall_time=7)
    with pytest.raises(InvalidArgument) as refused:
        w.log({"loss": 0.5, "acc": bad}, step=3, wall_time=7)
    assert refused.value.field_violations[0][0] == "metrics['acc']"
    assert refused.value.reason == "INVALID_VALUE"
    with pytest.raises(InvalidArgument) as refused_column:
        w.log_columns([4, 5], {"loss": [0.5, 0.25], "acc": array("d", [0.125, bad])})
    assert refused_column.value.field_violations[0][0] == "columns['acc']"
    w.log({"loss": 1e308, "acc": -1e308}, step=6, wall_time=7)  # huge, but finite
    w.close(timeout=10)
    assert committed_points(fake, w.max_batch_points) == {
        "loss": [(1, 0.5, 7), (2, 0.5, 7), (6, 1e308, 7)],
        "acc": [(1, 0.25, 7), (2, 0.25, 7), (6, -1e308, 7)],
    }


def test_a_draining_server_is_reconnected_to_and_every_batch_is_committed_once(fake: FakeStream) -> None:
    fake.drain_after_acks = 2
    w = TimeSeriesWriter(RUN, max_batch_points=10, reconnect_backoff=(0.001, 0.01))
    for start in range(0, 100, 10):
        w.log_columns(range(start, start + 10), {"loss": [0.5] * 10})
        w.flush(timeout=10)
    w.close(timeout=10)
    # A batch the server read but had not acknowledged when the stream ended is sent again;
    # the server commits each sequence once.
    assert sorted(set(fake.received)) == list(range(1, 11))
    assert sorted(fake.points) == list(range(1, 11))
    assert sum(fake.points.values()) == 100
    assert fake.opens >= 5
    assert w.points_acked == 100


def test_a_forced_reconnect_reopens_the_stream_and_resumes(fake: FakeStream) -> None:
    with TimeSeriesWriter(RUN, max_batch_points=10) as w:
        w.log_columns(range(50), {"loss": [0.5] * 50})
        w.flush(timeout=10)
        w.reconnect()
        w.log_columns(range(50, 100), {"loss": [0.5] * 50})
        w.flush(timeout=10)
    assert fake.opens == 2
    assert sorted(fake.points) == list(range(1, 11))
    assert sum(fake.points.values()) == 100


def test_a_writer_numbers_its_batches_after_the_committed_sequence_of_its_id(fake: FakeStream) -> None:
    fake.committed["job-7"] = 41
    with TimeSeriesWriter(RUN, writer_id="job-7") as w:
        w.log({"loss": 0.5}, step=1)
        w.flush(timeout=10)
        assert w.committed_sequence == 42
    assert fake.received == [42]


def test_another_writer_with_the_same_id_stops_the_writer(fake: FakeStream) -> None:
    fake.drain_after_acks = 1
    w = TimeSeriesWriter(RUN, writer_id="shared", reconnect_backoff=(0.001, 0.01))
    w.log({"loss": 0.5}, step=1)
    w.flush(timeout=10)
    fake.committed["shared"] = 100  # someone else wrote as "shared" meanwhile
    w.log({"loss": 0.5}, step=2)
    with pytest.raises(FailedPrecondition) as raised:
        w.flush(timeout=10)
    assert raised.value.reason == "WRITER_ID_IN_USE"
    with pytest.raises(FailedPrecondition):
        w.close(timeout=10)


def test_a_permanent_error_stops_the_writer_without_reconnecting(fake: FakeStream) -> None:
    fake.refuse = grpc.StatusCode.INVALID_ARGUMENT
    w = TimeSeriesWriter(RUN, reconnect_backoff=(0.001, 0.01))
    w.log({"loss": 0.5}, step=1)
    with pytest.raises(InvalidArgument):
        w.flush(timeout=10)
    assert fake.opens == 1
    with pytest.raises(InvalidArgument):
        w.log({"loss": 0.5}, step=2)
    with pytest.raises(InvalidArgument):
        w.close(timeout=10)


def test_repeated_internal_errors_stop_the_writer_after_a_few_retries(fake: FakeStream) -> None:
    fake.refuse = grpc.StatusCode.INTERNAL
    w = TimeSeriesWriter(RUN, reconnect_backoff=(0.001, 0.002))
    w.log({"loss": 0.5}, step=1)
    with pytest.raises(ExprunError) as raised:
        w.flush(timeout=10)
    assert raised.value.code == grpc.StatusCode.INTERNAL
    # The first stream opened cleanly (that counts as progress), then every retry failed.
    assert fake.opens <= writer._LIMITED_RETRIES + 2
    with pytest.raises(ExprunError):
        w.close(timeout=10)


def test_a_full_server_disk_is_retried_without_a_cap_within_the_buffer_and_loses_nothing(
    fake: FakeStream,
) -> None:
    fake.storage_full_refusals = writer._LIMITED_RETRIES * 3
    w = TimeSeriesWriter(
        RUN, max_batch_points=10, max_buffered_points=50, on_full="raise", reconnect_backoff=(0.001, 0.002)
    )
    w.log_columns(range(50), {"loss": [0.5] * 50})
    with pytest.raises(BufferFull):  # memory stays bounded while the server refuses
        w.log({"loss": 0.5}, step=50)
    w.flush(timeout=30)
    w.log_columns(range(50, 100), {"loss": [0.5] * 50})
    w.close(timeout=10)
    assert fake.storage_full_refusals == 0
    assert fake.opens > writer._LIMITED_RETRIES * 3  # every refusal was retried, none was final
    assert sorted(fake.points) == list(range(1, 11))
    assert sum(fake.points.values()) == 100
    assert w.points_acked == 100


# -- without any server ----------------------------------------------------------------------------
@pytest.fixture
def unreachable() -> Iterator[None]:
    _config.reset()
    _config.set_defaults(target=f"127.0.0.1:{free_port()}")
    yield
    _config.reset()


def test_a_refused_call_buffers_nothing(unreachable: None) -> None:
    w = TimeSeriesWriter(RUN, max_batch_points=10, max_buffered_points=10, on_full="raise")
    w.log({"a": 1.0, "b": 2.0}, step=1)
    with pytest.raises(BufferFull):
        w.log_columns(range(5), {"a": [0.0] * 5, "b": [0.0] * 5})
    with pytest.raises(TypeError):
        w.log({"a": 1.0, "b": None}, step=2)  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=">= 0"):
        w.log({"a": 1.0}, step=-1)
    assert w.points_logged == 2
    assert w.points_pending == 2
    with pytest.raises(TimeoutError):
        w.close(timeout=0.1)
    with pytest.raises(ValueError, match="closed"):
        w.log({"a": 1.0}, step=3)


@pytest.mark.parametrize(
    "options",
    [
        {"max_batch_points": 100_001},
        {"max_batch_points": 0},
        {"max_unacked_batches": 0},
        {"max_buffered_points": 10, "max_batch_points": 20},
        {"on_full": "drop"},
        {"reconnect_backoff": (0, 1)},
        {"max_batch_delay": -1},
    ],
)
def test_bad_options_are_refused(unreachable: None, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        TimeSeriesWriter(RUN, **options)
