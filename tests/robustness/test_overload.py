"""Overload: streams that never send `open` fill the server's call limit (or one principal's
stream cap) yet health and readiness still answer, new calls are refused with RESOURCE_EXHAUSTED
and a retry delay, and the calls already accepted finish; other principals are not refused."""

from __future__ import annotations

import pathlib
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from exprun.server import settings
from exprun.server.cli import build_parser
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.security.security_support import bearer, new_token, write_tokens
from tests.support import rich_status
from tests.support.server_process import ServerProcess

PARENT = "projects/overload-project/locations/us-central1"
EXPERIMENT = f"{PARENT}/experiments/overload"
MAX_RPCS = 20
STREAM_CAP = 3
# Bounds the wait for the server to register streams it has accepted (it never elapses when
# all is well); not a timing assertion.
SETTLE_SECONDS = 30.0
# Idle streams are what these tests hold open; the open deadline (tested with the stream API)
# would end them after its default 10 s, sooner than a loaded machine lets a test finish.
HOLD_IDLE = ("--stream-open-timeout", "600")


class Outbox:
    """The request side of a stream the test drives message by message; None ends it."""

    def __init__(self) -> None:
        self.messages: queue.Queue[api.StreamTimeSeriesRequest | None] = queue.Queue()

    def __iter__(self) -> Iterator[api.StreamTimeSeriesRequest]:
        while (message := self.messages.get()) is not None:
            yield message


class IdleStreams:
    """StreamTimeSeries calls that never send a message, as a misbehaving client holds them."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[Any] = []
        self._opener: Callable[[], Any] | None = None

    def _nothing(self) -> Iterator[api.StreamTimeSeriesRequest]:
        self.release.wait()
        return
        yield

    def open(self, stub: api_grpc.ExperimentRunServiceStub, count: int, metadata: Any = ()) -> None:
        self._opener = lambda: stub.StreamTimeSeries(self._nothing(), metadata=metadata)
        for _ in range(count):
            self.calls.append(self._opener())

    def replace_refused(self) -> None:
        """Opens a new stream for each one the server refused as over the limit.

        A probe of `until_refused` takes a slot too while it runs, and the server may see it
        before the last idle streams arrive (the client sends them all first, but under load
        the server can start a later call first): an idle stream that then finds the limit
        reached is refused, rightly, and the server stays one short of full for good."""
        assert self._opener is not None
        for call in [call for call in self.calls if call.done()]:
            assert call.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, call.details()
            self.calls.remove(call)
            self.calls.append(self._opener())

    def close(self, count: int | None = None) -> None:
        closing, self.calls = self.calls[:count], self.calls[len(self.calls[:count]) :]
        for call in closing:
            call.cancel()
        if not self.calls:
            self.release.set()


def until_refused(call: Callable[[], Any], idle: IdleStreams) -> grpc.RpcError:
    """Repeats a call that takes no lasting slot until the server refuses it as overloaded,
    replacing the idle streams refused because the call held a slot as they arrived."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        idle.replace_refused()
        try:
            call()
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
                return error
            if error.code() not in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                raise
        assert time.monotonic() < deadline, "the server did not count the idle streams"
        time.sleep(0.05)


def until_accepted(call: Callable[[], Any], refusal: str) -> Any:
    """Repeats a call refused with reason `refusal` until the server accepts it."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        try:
            return call()
        except grpc.RpcError as error:
            refused = error
        if rich_status.reason(refused) != refusal:
            raise refused
        assert time.monotonic() < deadline, "the server did not give the slot back"
        time.sleep(0.05)


def health_status(channel: grpc.Channel, service: str) -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    return int(stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status)


def batch(sequence: int) -> api.StreamTimeSeriesRequest:
    series = pb.TimeSeries(metric="loss", steps=[sequence], values=[1.0 / sequence])
    return api.StreamTimeSeriesRequest(
        batch=api.SequencedBatch(sequence=sequence, batch=pb.TimeSeriesBatch(series=[series]))
    )


def open_stream(stub: api_grpc.ExperimentRunServiceStub, run: str, writer: str, metadata: Any = ()) -> Any:
    """A stream past its `open`: returns (outbox, responses) once the server answered `opened`."""
    outbox = Outbox()
    outbox.messages.put(api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id=writer)))
    responses = stub.StreamTimeSeries(iter(outbox), metadata=metadata, timeout=60)
    try:
        assert next(responses).HasField("opened")
    except BaseException:
        outbox.messages.put(None)
        raise
    return outbox, responses


@pytest.fixture
def idle() -> Iterator[IdleStreams]:
    streams = IdleStreams()
    yield streams
    streams.close()


@pytest.fixture
def limited(tmp_path: pathlib.Path) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path / "data", tmp_path / "server.log", "--max-concurrent-rpcs", str(MAX_RPCS), *HOLD_IDLE
    )
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.kill()


def test_idle_streams_at_the_call_limit_leave_health_answering_and_accepted_work_finishing(
    limited: ServerProcess, idle: IdleStreams
) -> None:
    with grpc.insecure_channel(limited.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="overload"))
        run = stub.CreateRun(api.CreateRunRequest(parent=EXPERIMENT, run_id="accepted")).name
        outbox, responses = open_stream(stub, run, "accepted-writer")

        idle.open(stub, MAX_RPCS - 1)  # with the accepted stream: the limit
        refused = until_refused(lambda: stub.GetRun(api.GetRunRequest(name=run), timeout=10), idle)

        reason, delay = rich_status.reason_and_delay(refused)
        assert reason == "SERVER_OVERLOADED"
        assert delay is not None
        assert delay > 0
        for service in ("", "readiness"):
            assert health_status(channel, service) == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.RpcError) as new_stream:
            open_stream(stub, run, "late-writer")
        assert new_stream.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED

        # The stream accepted before the limit was reached still writes, is acked, and ends OK.
        outbox.messages.put(batch(1))
        assert next(responses).ack.committed_sequence == 1
        outbox.messages.put(None)
        assert list(responses) == []
        assert responses.code() == grpc.StatusCode.OK

        # Slots come back as calls end.
        idle.close()
        got = until_accepted(
            lambda: stub.GetRun(api.GetRunRequest(name=run), timeout=10), "SERVER_OVERLOADED"
        )
        assert got.name == run
        points = [p for c in stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=run)) for p in c.series]
        assert [(s.metric, list(s.steps)) for s in points] == [("loss", [1])]


@pytest.fixture
def two_principals(tmp_path: pathlib.Path) -> Iterator[tuple[ServerProcess, str, str]]:
    alice, bob = new_token(), new_token()
    write_tokens(
        tmp_path / "tokens.json",
        [
            {"token": alice, "principal": "alice", "projects": "*"},
            {"token": bob, "principal": "bob", "projects": "*"},
        ],
    )
    process = ServerProcess(
        tmp_path / "data",
        tmp_path / "server.log",
        "--auth-tokens-file",
        str(tmp_path / "tokens.json"),
        "--max-streams-per-principal",
        str(STREAM_CAP),
        *HOLD_IDLE,
    )
    process.start()
    yield process, alice, bob
    if process.process is not None and process.process.poll() is None:
        process.kill()


def test_a_principal_at_its_stream_cap_is_refused_and_another_is_not(
    two_principals: tuple[ServerProcess, str, str], idle: IdleStreams
) -> None:
    server, alice, bob = two_principals
    with grpc.insecure_channel(server.target) as channel:
        stub = api_grpc.ExperimentRunServiceStub(channel)
        stub.CreateExperiment(
            api.CreateExperimentRequest(parent=PARENT, experiment_id="overload"), metadata=bearer(alice)
        )
        run = stub.CreateRun(
            api.CreateRunRequest(parent=EXPERIMENT, run_id="capped"), metadata=bearer(alice)
        ).name
        missing = f"{EXPERIMENT}/runs/missing"

        def alice_opens_a_missing_run() -> None:  # NOT_FOUND under the cap: holds no slot
            stream = stub.StreamTimeSeries(
                iter([api.StreamTimeSeriesRequest(open=api.StreamOpen(run=missing, writer_id="w"))]),
                metadata=bearer(alice),
                timeout=10,
            )
            list(stream)

        # Alice's streams that never send `open` (so never pass authorization) fill her cap.
        idle.open(stub, STREAM_CAP, bearer(alice))
        refused = until_refused(alice_opens_a_missing_run, idle)
        reason, delay = rich_status.reason_and_delay(refused)
        assert reason == "TOO_MANY_STREAMS"
        assert delay is not None
        assert delay > 0
        with pytest.raises(grpc.RpcError) as also_refused:
            open_stream(stub, run, "alice-writer", bearer(alice))
        assert rich_status.reason(also_refused.value) == "TOO_MANY_STREAMS"
        with pytest.raises(grpc.RpcError) as upload_refused:  # model uploads share the cap
            stub.LogModel(iter([]), metadata=bearer(alice), timeout=10)
        assert rich_status.reason(upload_refused.value) == "TOO_MANY_STREAMS"
        with pytest.raises(grpc.RpcError) as bobs_upload:  # read, then refused for its content
            stub.LogModel(iter([]), metadata=bearer(bob), timeout=10)
        assert bobs_upload.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        with pytest.raises(grpc.RpcError) as read_refused:  # and so do reads
            list(stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=run), metadata=bearer(alice)))
        assert rich_status.reason(read_refused.value) == "TOO_MANY_STREAMS"

        # Bob streams, and alice's other calls still work.
        outbox, responses = open_stream(stub, run, "bob-writer", bearer(bob))
        outbox.messages.put(batch(1))
        assert next(responses).ack.committed_sequence == 1
        outbox.messages.put(None)
        assert list(responses) == []
        assert stub.GetRun(api.GetRunRequest(name=run), metadata=bearer(alice)).name == run
        read = stub.ReadTimeSeries(api.ReadTimeSeriesRequest(run=run), metadata=bearer(bob))
        assert [list(s.steps) for c in read for s in c.series] == [[1]]

        # One of alice's streams ends: she may open one again.
        idle.close(1)
        outbox, responses = until_accepted(
            lambda: open_stream(stub, run, "alice-writer", bearer(alice)), "TOO_MANY_STREAMS"
        )
        outbox.messages.put(None)
        assert list(responses) == []


@pytest.mark.parametrize("flag", ["--max-concurrent-rpcs", "--max-streams-per-principal"])
@pytest.mark.parametrize("value", ["-1", "many", "1.5"])
def test_a_limit_that_is_not_a_whole_number_is_refused_naming_it(flag: str, value: str) -> None:
    variable = "EXPRUN_" + flag.removeprefix("--").replace("-", "_").upper()
    with pytest.raises(settings.SettingsError, match=f"{flag} / {variable}: '{re.escape(value)}' is not"):
        settings.from_arguments(build_parser().parse_args(["serve", flag, value]))
