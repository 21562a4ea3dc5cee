"""Logs: one canonical line per RPC with its trace id; every line inside an RPC carries the trace,
the method, the peer and the principal; JSON on a pipe, console on a terminal; library (stdlib)
lines go the same way; no token, param, metric or time-series value ever reaches a log line."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import pathlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any

import grpc
import pytest
import pytest_asyncio
import structlog
from exprun.server import app
from exprun.server.core.model import ParamValue, Run
from exprun.server.core.names import RunName
from exprun.server.settings import Settings
from exprun.server.stores.sqlite.store import SqliteRunStore
from exprun.server.telemetry import context, logs
from exprun.server.telemetry.interceptor import TelemetryInterceptor
from exprun.server.telemetry.store import TracingStore
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from structlog.testing import capture_logs

from tests.telemetry.telemetry_support import PARENT, SERVICE, Otel, Served, eventually, series

Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def rendered() -> Iterator[Lines]:
    """Production logging (JSON, DEBUG) into a buffer; the lines parsed, each must be JSON."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    logs.configure("DEBUG", "json", buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


class _ExplodingStore(TracingStore):
    """Fails like a bug would when a param is named "explode"."""

    async def merge_summary(
        self,
        name: RunName,
        *,
        params: Mapping[str, ParamValue] | None = None,
        metrics: Mapping[str, ParamValue] | None = None,
    ) -> Run:
        if params and "explode" in params:
            raise RuntimeError("the store broke")
        return await super().merge_summary(name, params=params, metrics=metrics)


@pytest_asyncio.fixture(loop_scope="function")
async def exploding(otel: Otel, tmp_path: pathlib.Path) -> AsyncIterator[Served]:
    settings = Settings(listen="127.0.0.1:0", data_dir=tmp_path / "data")
    store = _ExplodingStore(await SqliteRunStore.open(settings.data_dir), "embedded")
    running = await app.start(settings, store)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        yield Served(running, api_grpc.ExperimentRunServiceStub(channel), channel, "")
    await running.stop(1.0)


def canonical(entries: Sequence[Mapping[str, Any]], method: str) -> list[Mapping[str, Any]]:
    return [e for e in entries if e.get("event") == "rpc" and e.get("rpc.method") == f"{SERVICE}/{method}"]


async def test_each_rpc_writes_one_canonical_line_with_trace_id_status_and_duration(
    served: Served, otel: Otel
) -> None:
    with capture_logs(processors=[logs.add_trace_context]) as entries:
        await served.stub.CreateExperiment(
            api.CreateExperimentRequest(parent=PARENT, experiment_id="e-logged")
        )
        with pytest.raises(grpc.aio.AioRpcError):
            await served.stub.GetExperiment(api.GetExperimentRequest(name=f"{PARENT}/experiments/absent"))

        await eventually(lambda: canonical(entries, "GetExperiment"))

    (created,) = canonical(entries, "CreateExperiment")
    (missing,) = canonical(entries, "GetExperiment")
    assert (created["code"], missing["code"]) == ("OK", "NOT_FOUND")
    span = otel.span(f"{SERVICE}/CreateExperiment")
    assert created["trace_id"] == format(span.context.trace_id, "032x")
    assert created["span_id"] == format(span.context.span_id, "016x")
    assert created["log_level"] == "info"
    assert created["logger"] == "exprun.server.rpc"
    assert created["peer"].startswith("127.0.0.1:")
    assert created["principal"] is None
    assert 0 < created["duration_ms"] < 60_000
    assert "points" not in created


async def test_time_series_rpcs_report_their_points_in_the_canonical_line(served: Served, otel: Otel) -> None:
    run = await served.run()
    batch = pb.TimeSeriesBatch(series=[series("loss", [1, 2, 3]), series("acc", [1, 2])])

    with capture_logs() as entries:
        await served.stub.WriteTimeSeries(api.WriteTimeSeriesRequest(run=run, batch=batch))

    (line,) = canonical(entries, "WriteTimeSeries")
    assert line["points"] == 5


async def test_an_unexpected_error_is_logged_with_the_trace_id_of_its_rpc(
    exploding: Served, otel: Otel, rendered: Lines
) -> None:
    run = await exploding.run()
    params = {"explode": pb.Value(int_value=1)}

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await exploding.stub.LogParams(api.LogParamsRequest(run=run, params=params))

    assert raised.value.code() is grpc.StatusCode.INTERNAL
    await eventually(lambda: canonical(rendered(), "LogParams"))
    trace_id = format(otel.span(f"{SERVICE}/LogParams").context.trace_id, "032x")
    (error,) = [line for line in rendered() if line.get("logger") == "exprun.server.errors"]
    assert error["level"] == "error"
    assert error["trace_id"] == trace_id
    assert error["rpc.method"] == f"{SERVICE}/LogParams"
    assert "RuntimeError: the store broke" in error["exception"]
    (line,) = canonical(rendered(), "LogParams")
    assert (line["code"], line["level"], line["trace_id"]) == ("INTERNAL", "error", trace_id)


async def test_no_log_line_holds_the_token_or_any_value_a_client_sent(
    exploding: Served, otel: Otel, rendered: Lines
) -> None:
    token = f"tok-{uuid.uuid4().hex}"
    param_value = f"pv-{uuid.uuid4().hex}"
    secrets = [token, param_value, "0.6180339887", "271828.182"]
    metadata = (("authorization", f"Bearer {token}"),)
    run = await exploding.run()

    async def send() -> None:
        stub = exploding.stub
        param = pb.Value(string_value=param_value)
        await stub.LogParams(api.LogParamsRequest(run=run, params={"lr": param}), metadata=metadata)
        metric = pb.Value(double_value=0.6180339887)
        await stub.LogMetrics(api.LogMetricsRequest(run=run, metrics={"acc": metric}), metadata=metadata)
        batch = pb.TimeSeriesBatch(series=[series("loss", [7], [271828.182])])
        await stub.WriteTimeSeries(api.WriteTimeSeriesRequest(run=run, batch=batch), metadata=metadata)
        failing = [
            api.LogParamsRequest(run=run, params={"explode": param}),  # INTERNAL, with a traceback
            api.LogParamsRequest(run=run, params={"": param}),  # INVALID_ARGUMENT
            api.LogParamsRequest(run=f"{PARENT}/experiments/nope/runs/r1", params={"lr": param}),
        ]
        for request in failing:
            with pytest.raises(grpc.aio.AioRpcError):
                await stub.LogParams(request, metadata=metadata)

    await send()
    with capture_logs() as entries:  # what exprun logs, before any processor could redact it
        await send()
        await eventually(lambda: len(canonical(entries, "LogParams")) == 4)
    await eventually(lambda: len(canonical(rendered(), "LogParams")) == 4)  # the first send's

    text = "\n".join(json.dumps(line) for line in rendered()) + "\n".join(repr(e) for e in entries)
    assert [secret for secret in secrets if secret in text] == []


def test_redact_hides_credentials_and_request_data_and_keeps_the_rest() -> None:
    event = {
        "event": "calling with Authorization: Bearer abc.def-ghi",
        "authorization": "Bearer abc",
        "x_api_token": "t",
        "Password": "p",
        "params": {"lr": 0.1},
        "metrics": [1.0],
        "values": [2.0],
        "nested": {"client_secret": "s", "count": 3},
        "points": 12,
        "rpc.method": "exprun.v1.ExperimentRunService/LogParams",
    }

    redacted = logs.redact(None, "info", event)

    assert redacted == {
        "event": "calling with Authorization: Bearer [REDACTED]",
        "authorization": "[REDACTED]",
        "x_api_token": "[REDACTED]",
        "Password": "[REDACTED]",
        "params": "[REDACTED]",
        "metrics": "[REDACTED]",
        "values": "[REDACTED]",
        "nested": {"client_secret": "[REDACTED]", "count": 3},
        "points": 12,
        "rpc.method": "exprun.v1.ExperimentRunService/LogParams",
    }


def test_lines_are_json_on_a_pipe_and_console_on_a_terminal_for_stdlib_and_structlog() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        pipe, terminal = io.StringIO(), Terminal()
        for stream in (pipe, terminal):
            logs.configure("INFO", "auto", stream)
            structlog.get_logger().info("from structlog", answer=42)
            logging.getLogger("some.library").warning("from %s", "stdlib")
    finally:
        structlog.reset_defaults()
        root.handlers[:] = handlers
        root.setLevel(level)

    native, library = (json.loads(line) for line in pipe.getvalue().splitlines())
    assert (native["event"], native["answer"], native["level"]) == ("from structlog", 42, "info")
    assert (library["event"], library["logger"], library["level"]) == (
        "from stdlib",
        "some.library",
        "warning",
    )
    assert "timestamp" in native
    assert "timestamp" in library
    console = terminal.getvalue()
    assert "from structlog" in console
    assert "from stdlib" in console
    assert not console.lstrip().startswith("{")


def test_the_log_level_setting_drops_lower_lines(rendered: Lines) -> None:
    buffer = io.StringIO()
    logs.configure("WARNING", "json", buffer)

    structlog.get_logger().info("dropped")
    logging.getLogger("some.library").info("dropped too")
    structlog.get_logger().warning("kept")
    logging.getLogger("some.library").error("kept too")

    assert [json.loads(line)["event"] for line in buffer.getvalue().splitlines()] == ["kept", "kept too"]


class _Principal(grpc.aio.ServerInterceptor):  # type: ignore[misc]  # grpc is untyped
    """Sets the principal as an authentication interceptor does, inside the telemetry one."""

    async def intercept_service(self, continuation: Any, details: Any) -> Any:
        context.principal.set("alice@example.com")
        return await continuation(details)


class _ChattyHealth(health.aio.HealthServicer):  # type: ignore[misc]  # grpc_health is untyped
    """Logs through stdlib and structlog, and from a task it starts."""

    async def Check(self, request: Any, servicer_context: Any) -> Any:
        logging.getLogger("some.library").info("library line")
        structlog.get_logger().info("handler line")

        async def background() -> None:
            structlog.get_logger().info("task line")

        await asyncio.create_task(background())
        return await super().Check(request, servicer_context)


async def test_every_line_inside_an_rpc_carries_its_trace_method_peer_and_principal(
    otel: Otel, rendered: Lines
) -> None:
    server = grpc.aio.server(interceptors=[TelemetryInterceptor(excluded_services=frozenset()), _Principal()])
    servicer = _ChattyHealth()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        await servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    finally:
        await server.stop(None)

    span = otel.span("grpc.health.v1.Health/Check")
    ours = {"library line", "handler line", "task line", "rpc"}
    lines = {line["event"]: line for line in rendered() if line["event"] in ours}
    assert set(lines) == ours
    for line in lines.values():
        assert line["trace_id"] == format(span.context.trace_id, "032x")
        assert line["span_id"] == format(span.context.span_id, "016x")
        assert line["rpc.method"] == "grpc.health.v1.Health/Check"
        assert line["peer"].startswith("127.0.0.1:")
        assert line["principal"] == "alice@example.com"
