"""Traces: a SERVER span per RPC with the RPC conventions and the status the client got, child
spans for store calls and coalesced ingest writes, the caller's trace continued, probes left out."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from exprun.server.core.store import RunStore
from exprun.server.stores.vertex.retry import Retrier
from exprun.server.telemetry.store import TracingStore
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import resources_pb2 as pb
from google.api_core import exceptions
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from tests.telemetry.telemetry_support import (
    PARENT,
    SERVICE,
    Otel,
    Served,
    attributes,
    eventually,
    series,
    stream_messages,
)


async def test_an_ok_rpc_is_one_server_span_with_the_rpc_conventions(served: Served, otel: Otel) -> None:
    await served.stub.CreateExperiment(api.CreateExperimentRequest(parent=PARENT, experiment_id="e-ok"))

    span = otel.span(f"{SERVICE}/CreateExperiment")
    assert span.kind is SpanKind.SERVER
    assert span.status.status_code is StatusCode.UNSET
    assert {k: v for k, v in attributes(span).items() if k.startswith(("rpc.", "network.peer.address"))} == {
        "rpc.system": "grpc",
        "rpc.service": SERVICE,
        "rpc.method": "CreateExperiment",
        "rpc.grpc.status_code": 0,
        "network.peer.address": "127.0.0.1",
    }
    assert isinstance(attributes(span)["network.peer.port"], int)


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (
            api.CreateExperimentRequest(parent=PARENT, experiment_id="Not Valid!"),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (api.GetExperimentRequest(name=f"{PARENT}/experiments/missing"), grpc.StatusCode.NOT_FOUND),
    ],
    ids=["invalid-argument", "not-found"],
)
async def test_a_failed_rpc_span_has_the_status_code_the_client_got_and_error_status(
    served: Served, otel: Otel, request_: object, code: grpc.StatusCode
) -> None:
    method = type(request_).__name__.removesuffix("Request")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await getattr(served.stub, method)(request_)
    assert raised.value.code() is code
    await eventually(lambda: otel.spans(f"{SERVICE}/{method}"))

    span = otel.span(f"{SERVICE}/{method}")
    assert attributes(span)["rpc.grpc.status_code"] == code.value[0]
    assert attributes(span)["error.type"] == code.name
    assert span.status.status_code is StatusCode.ERROR


async def test_health_and_reflection_calls_make_no_spans(served: Served, otel: Otel) -> None:
    health = health_pb2_grpc.HealthStub(served.channel)
    await health.Check(health_pb2.HealthCheckRequest(service="readiness"))
    reflection = reflection_pb2_grpc.ServerReflectionStub(served.channel)
    async for _ in reflection.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    ):
        pass

    assert [s.name for s in otel.spans()] == []


async def test_store_calls_are_child_spans_of_the_rpc_span(served: Served, otel: Otel) -> None:
    run = await served.run()
    otel.exporter.clear()

    await served.stub.GetRun(api.GetRunRequest(name=run))

    server = otel.span(f"{SERVICE}/GetRun")
    store = otel.span("store.get_run")
    assert store.parent is not None
    assert store.parent.span_id == server.context.span_id
    assert store.context.trace_id == server.context.trace_id
    assert attributes(store)["exprun.store.operation"] == "get_run"
    assert attributes(store)["exprun.store.backend"] == "embedded"


async def test_a_traceparent_sent_by_the_client_becomes_the_parent(served: Served, otel: Otel) -> None:
    trace_id, parent_id = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"

    await served.stub.CreateExperiment(
        api.CreateExperimentRequest(parent=PARENT, experiment_id="e-traced"),
        metadata=(("traceparent", f"00-{trace_id}-{parent_id}-01"),),
    )

    span = otel.span(f"{SERVICE}/CreateExperiment")
    assert format(span.context.trace_id, "032x") == trace_id
    assert span.parent is not None
    assert span.parent.is_remote
    assert format(span.parent.span_id, "016x") == parent_id


async def test_a_stream_is_one_span_lasting_the_stream_with_its_ingest_writes_under_it(
    served: Served, otel: Otel
) -> None:
    run = await served.run()
    otel.exporter.clear()
    batches = [[series("loss", list(range(i * 100, i * 100 + 100)))] for i in range(5)]

    acks = [r async for r in served.stub.StreamTimeSeries(iter(stream_messages(run, batches)))]

    assert acks[-1].ack.committed_sequence == 5
    stream = otel.span(f"{SERVICE}/StreamTimeSeries")
    assert attributes(stream)["rpc.grpc.status_code"] == 0
    assert attributes(stream)["exprun.points"] == 500
    writes = otel.spans("exprun.ingest.write")
    assert sum(int(attributes(w)["exprun.ingest.batches"]) for w in writes) == 5
    assert all(w.context.trace_id == stream.context.trace_id for w in writes)
    batch_writes = otel.spans("store.write_time_series_batch")
    write_ids = {w.context.span_id for w in writes}
    assert len(batch_writes) == len(writes)
    assert all(b.parent is not None and b.parent.span_id in write_ids for b in batch_writes)
    assert stream.start_time is not None
    assert stream.end_time is not None
    assert all(stream.start_time <= w.start_time <= stream.end_time for w in writes if w.start_time)


async def test_batches_of_two_rpcs_in_one_store_write_link_the_second_rpc(served: Served, otel: Otel) -> None:
    """Two writers submit while the store is busy; the write that takes both links them."""
    run_a, run_b = await served.run(), await served.run()
    otel.exporter.clear()
    request = api.WriteTimeSeriesRequest
    await asyncio.gather(
        *(
            served.stub.WriteTimeSeries(request(run=run, batch=pb.TimeSeriesBatch(series=[series("m", [i])])))
            for i in range(20)
            for run in (run_a, run_b)
        )
    )

    rpc_spans = {s.context.span_id: s for s in otel.spans(f"{SERVICE}/WriteTimeSeries")}
    assert len(rpc_spans) == 40
    for write in otel.spans("exprun.ingest.write"):
        related = [link.context.span_id for link in write.links]
        if write.parent is not None:
            related.append(write.parent.span_id)
        assert len(related) == attributes(write)["exprun.ingest.batches"]
        assert set(related) <= set(rpc_spans)


async def test_a_stream_the_client_cancels_ends_its_span_as_cancelled(served: Served, otel: Otel) -> None:
    run = await served.run()
    otel.exporter.clear()

    async def requests() -> object:
        for message in stream_messages(run, [[series("loss", [1])]]):
            yield message
        await asyncio.Event().wait()  # keep the stream open

    call = served.stub.StreamTimeSeries(requests())
    async for response in call:
        if response.WhichOneof("kind") == "ack":
            break
    call.cancel()
    await eventually(lambda: otel.spans(f"{SERVICE}/StreamTimeSeries"))

    span = otel.span(f"{SERVICE}/StreamTimeSeries")
    assert attributes(span)["rpc.grpc.status_code"] == grpc.StatusCode.CANCELLED.value[0]


async def test_each_vertex_attempt_is_a_client_span_and_retries_are_counted(otel: Otel) -> None:
    before = otel.reading("exprun.vertex.retries", rpc__method="GetContext", rpc__grpc__status_code=14)
    attempts = 0

    async def flaky(_: object) -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise exceptions.ServiceUnavailable("try again")  # type: ignore[no-untyped-call]
        return "ok"

    with trace.get_tracer("test").start_as_current_span("store.get_run") as store_span:
        assert await Retrier(5.0, initial_backoff=0.001).call(flaky, "GetContext") == "ok"

    spans = otel.spans("google.cloud.aiplatform.v1.MetadataService/GetContext")
    assert all(
        s.parent is not None and s.parent.span_id == store_span.get_span_context().span_id for s in spans
    )
    assert [attributes(s)["exprun.vertex.retry_count"] for s in spans] == [0, 1]
    assert [attributes(s)["rpc.grpc.status_code"] for s in spans] == [14, 0]
    assert all(s.kind is SpanKind.CLIENT for s in spans)
    assert spans[0].status.status_code is StatusCode.ERROR
    after = otel.reading("exprun.vertex.retries", rpc__method="GetContext", rpc__grpc__status_code=14)
    assert after - before == 1


def test_the_tracing_store_delegates_every_method_of_the_port() -> None:
    """A port method added later but not wrapped would silently run the base class default."""
    # Built on the port's own batch write and overridden by no store: it reaches the inner
    # store through the traced batch, so wrapping it as well would trace the write twice.
    conveniences = {"write_time_series"}
    port_methods = {
        name for name, value in vars(RunStore).items() if callable(value) and not name.startswith("_")
    } - conveniences
    wrapped = {name for name in port_methods if name in vars(TracingStore)}

    assert port_methods - wrapped == set()
