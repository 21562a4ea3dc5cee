"""`StreamTimeSeries` and sequenced `WriteTimeSeries` over gRPC: cumulative acks after commit,
resume from the committed sequence, resends stored once, malformed streams closed cleanly."""

from __future__ import annotations

import pathlib
import threading
from collections.abc import Iterator

import grpc
import pytest
from exprun.client import ExperimentRun
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from tests.support import rich_status
from tests.support.server_process import ServerProcess


@pytest.fixture
def stub(server: ServerProcess) -> Iterator[api_grpc.ExperimentRunServiceStub]:
    with grpc.insecure_channel(server.target) as channel:
        yield api_grpc.ExperimentRunServiceStub(channel)


def opening(run: str, writer: str = "w1") -> api.StreamTimeSeriesRequest:
    return api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id=writer))


def batch(sequence: int, steps: list[int], metric: str = "loss") -> api.StreamTimeSeriesRequest:
    return api.StreamTimeSeriesRequest(
        batch=api.SequencedBatch(
            sequence=sequence,
            batch=pb.TimeSeriesBatch(
                series=[pb.TimeSeries(metric=metric, steps=steps, values=[s / 10 for s in steps])]
            ),
        )
    )


def responses(
    stub: api_grpc.ExperimentRunServiceStub, messages: list[api.StreamTimeSeriesRequest]
) -> list[api.StreamTimeSeriesResponse]:
    return list(stub.StreamTimeSeries(iter(messages), timeout=30))


def violations(error: grpc.RpcError) -> list[str]:
    status = rpc_status.from_call(error)
    assert status is not None
    fields = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
    return fields


def steps_of(run: ExperimentRun, metric: str = "loss") -> list[int]:
    series = run.read_time_series([metric]).get(metric)
    return [] if series is None else list(series.steps)


def test_a_stream_acks_each_batch_cumulatively_after_commit(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    run = experiment_run.exprun_name
    replies = responses(stub, [opening(run), batch(1, [1, 2]), batch(2, [3]), batch(5, [4])])
    assert replies[0].opened.committed_sequence == 0
    acks = [r.ack.committed_sequence for r in replies[1:]]
    # One ack may cover several committed batches; each names a sequence that was sent, in order.
    assert acks == sorted(set(acks))
    assert set(acks) <= {1, 2, 5}
    assert acks[-1] == 5
    assert steps_of(experiment_run) == [1, 2, 3, 4]


def test_a_reconnecting_writer_learns_its_committed_sequence_and_resends_are_stored_once(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    run = experiment_run.exprun_name
    responses(stub, [opening(run), batch(1, [1, 2]), batch(2, [3, 4])])
    # The writer lost its acks and resends everything it had, plus one new batch.
    replies = responses(stub, [opening(run), batch(1, [1, 2]), batch(2, [3, 4]), batch(3, [5])])
    assert replies[0].opened.committed_sequence == 2
    acks = [r.ack.committed_sequence for r in replies[1:]]
    assert acks == sorted(acks)
    assert set(acks) <= {2, 3}
    assert acks[-1] == 3
    assert steps_of(experiment_run) == [1, 2, 3, 4, 5]


def test_writers_are_independent(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    run = experiment_run.exprun_name
    responses(stub, [opening(run, "a"), batch(7, [1])])
    assert responses(stub, [opening(run, "b")])[0].opened.committed_sequence == 0
    assert responses(stub, [opening(run, "a")])[0].opened.committed_sequence == 7


def test_a_stream_must_open_first(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        responses(stub, [batch(1, [1])])
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(raised.value) == ["open"]


def test_a_decreasing_sequence_closes_the_stream_and_keeps_committed_points(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    run = experiment_run.exprun_name
    call = stub.StreamTimeSeries(iter([opening(run), batch(2, [1]), batch(1, [2])]), timeout=30)
    received: list[api.StreamTimeSeriesResponse] = []
    with pytest.raises(grpc.RpcError) as raised:
        received.extend(call)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(raised.value) == ["batch.sequence"]
    assert [r.ack.committed_sequence for r in received[1:]] == [2]
    assert steps_of(experiment_run) == [1]


@pytest.mark.parametrize(
    ("series", "field"),
    [
        (pb.TimeSeries(metric="loss", steps=[1, 2], values=[0.1]), "batch.batch.series[0].steps"),
        (pb.TimeSeries(metric="loss", steps=[1], values=[float("nan")]), "batch.batch.series[0].values"),
        (pb.TimeSeries(metric="loss", steps=[1], values=[float("inf")]), "batch.batch.series[0].values"),
        (pb.TimeSeries(metric="", steps=[1], values=[0.1]), "batch.batch.series[0].metric"),
    ],
)
def test_a_malformed_batch_is_rejected_with_its_field_and_nothing_of_it_is_stored(
    stub: api_grpc.ExperimentRunServiceStub,
    experiment_run: ExperimentRun,
    series: pb.TimeSeries,
    field: str,
) -> None:
    run = experiment_run.exprun_name
    bad = api.StreamTimeSeriesRequest(
        batch=api.SequencedBatch(sequence=2, batch=pb.TimeSeriesBatch(series=[series]))
    )
    with pytest.raises(grpc.RpcError) as raised:
        responses(stub, [opening(run), batch(1, [10]), bad])
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in violations(raised.value)
    assert steps_of(experiment_run) == [10]
    assert responses(stub, [opening(run)])[0].opened.committed_sequence == 1


def test_bad_points_deep_in_a_large_batch_name_their_series_and_nothing_of_the_batch_is_stored(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    steps = list(range(1, 20_001))  # 80,000 points: under the stream's batch limit
    values = [s / 10 for s in steps]
    series = [
        pb.TimeSeries(metric="loss", steps=steps, values=values),
        pb.TimeSeries(metric="acc", steps=steps, values=[*values[:-1], float("nan")]),
        pb.TimeSeries(metric="lr", steps=[*steps[:10_000], -1, *steps[10_001:]], values=values),
        pb.TimeSeries(metric="top", steps=[*steps[:-1], 2**62 + 1], values=values),
    ]
    bad = api.StreamTimeSeriesRequest(
        batch=api.SequencedBatch(sequence=1, batch=pb.TimeSeriesBatch(series=series))
    )
    with pytest.raises(grpc.RpcError) as raised:
        responses(stub, [opening(experiment_run.exprun_name), bad])
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert sorted(violations(raised.value)) == [
        "batch.batch.series[1].values",
        "batch.batch.series[2].steps",
        "batch.batch.series[3].steps",
    ]
    assert experiment_run.read_time_series() == {}


def test_an_oversized_stream_batch_is_rejected(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    steps = list(range(100_001))
    with pytest.raises(grpc.RpcError) as raised:
        responses(stub, [opening(experiment_run.exprun_name), batch(1, steps)])
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(raised.value) == ["batch.batch.series"]


def test_a_stream_for_an_unknown_run_is_not_found(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        responses(stub, [opening(experiment_run.exprun_name + "-missing")])
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


def test_sequenced_unary_writes_are_idempotent(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    request = api.WriteTimeSeriesRequest(
        run=experiment_run.exprun_name,
        writer_id="unary-writer",
        sequence=1,
        batch=pb.TimeSeriesBatch(series=[pb.TimeSeries(metric="loss", values=[0.5, 0.4])]),
    )
    first = stub.WriteTimeSeries(request)
    again = stub.WriteTimeSeries(request)
    assert (first.points_written, first.committed_sequence) == (2, 1)
    assert (again.points_written, again.committed_sequence) == (0, 1)
    assert steps_of(experiment_run) == [1, 2]


def test_a_sequence_without_a_writer_is_rejected(
    stub: api_grpc.ExperimentRunServiceStub, experiment_run: ExperimentRun
) -> None:
    request = api.WriteTimeSeriesRequest(
        run=experiment_run.exprun_name,
        sequence=1,
        batch=pb.TimeSeriesBatch(series=[pb.TimeSeries(metric="loss", values=[0.5])]),
    )
    with pytest.raises(grpc.RpcError) as raised:
        stub.WriteTimeSeries(request)
    assert violations(raised.value) == ["writer_id"]


def test_a_stream_that_sends_no_open_within_the_deadline_ends_with_open_timeout(
    tmp_path: pathlib.Path,
) -> None:
    """A connection that opens a stream and says nothing must not hold it (and its share of
    the server) forever."""
    own = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--stream-open-timeout", "0.5")
    own.start()
    silent = threading.Event()

    def nothing() -> Iterator[api.StreamTimeSeriesRequest]:
        silent.wait(30)
        yield from ()

    try:
        with grpc.insecure_channel(own.target) as channel:
            with pytest.raises(grpc.RpcError) as raised:
                list(api_grpc.ExperimentRunServiceStub(channel).StreamTimeSeries(nothing(), timeout=30))
            silent.set()
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert violations(raised.value) == ["open"]
        assert rich_status.reason(raised.value) == "OPEN_TIMEOUT"
    finally:
        silent.set()
        own.terminate()
