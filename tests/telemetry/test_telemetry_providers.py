"""Exporters chosen by the standard OTEL_* variables (none, and no network, by default); the
service named `exprun`; `exprun serve` flushing its spans and metrics when it stops."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import grpc
import pytest
from exprun.server.telemetry import providers
from exprun.server.telemetry.providers import TelemetryConfigError, exporter_names
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc

from tests.support.server_process import ServerProcess
from tests.telemetry.telemetry_support import PARENT, SERVICE

OTEL_VARIABLES = (
    "OTEL_SDK_DISABLED",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_with_no_otel_variables_nothing_is_exported() -> None:
    assert (exporter_names("traces", {}), exporter_names("metrics", {})) == ([], [])


def test_an_otlp_endpoint_turns_on_otlp_export() -> None:
    everything = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}
    traces_only = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4317"}

    assert (exporter_names("traces", everything), exporter_names("metrics", everything)) == (
        ["otlp"],
        ["otlp"],
    )
    assert (exporter_names("traces", traces_only), exporter_names("metrics", traces_only)) == (["otlp"], [])


def test_exporters_are_chosen_by_name_and_none_turns_export_off() -> None:
    assert exporter_names("traces", {"OTEL_TRACES_EXPORTER": "console, otlp"}) == ["console", "otlp"]
    assert exporter_names("metrics", {"OTEL_METRICS_EXPORTER": "console"}) == ["console"]
    off = {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}
    assert exporter_names("traces", off) == []


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER"),
        ({"OTEL_METRICS_EXPORTER": "prometheus"}, "OTEL_METRICS_EXPORTER"),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"},
            "OTEL_EXPORTER_OTLP_PROTOCOL",
        ),
    ],
)
def test_an_unsupported_exporter_setting_is_refused_naming_the_variable(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(TelemetryConfigError, match=variable):
        providers.check_environment(env)


def test_the_service_is_named_exprun_unless_otel_service_name_says_otherwise(
    clean_env: pytest.MonkeyPatch,
) -> None:
    default = providers.build()
    clean_env.setenv("OTEL_SERVICE_NAME", "exprun-europe")
    named = providers.build()

    assert default.tracer_provider.resource.attributes["service.name"] == "exprun"
    assert named.tracer_provider.resource.attributes["service.name"] == "exprun-europe"
    assert default.meter_provider is None  # no metrics exporter: the metrics SDK is not even loaded


def test_without_an_exporter_spans_are_not_recorded_but_still_have_ids_for_the_logs(
    clean_env: pytest.MonkeyPatch,
) -> None:
    span = providers.build().tracer_provider.get_tracer("test").start_span("x")

    assert not span.is_recording()
    assert span.get_span_context().is_valid


def _json_lines(path: pathlib.Path) -> list[dict[str, Any]]:
    found = []
    for line in path.read_text().splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def test_exprun_serve_logs_json_lines_and_flushes_spans_and_metrics_when_it_stops(
    clean_env: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    clean_env.setenv("OTEL_TRACES_EXPORTER", "console")
    clean_env.setenv("OTEL_METRICS_EXPORTER", "console")
    clean_env.setenv("OTEL_METRIC_EXPORT_INTERVAL", "600000")  # only the flush at stop exports
    clean_env.setenv("OTEL_BSP_SCHEDULE_DELAY", "600000")
    clean_env.setenv("OTEL_SERVICE_NAME", "exprun-under-test")
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log")
    server.start()
    try:
        with grpc.insecure_channel(server.target) as channel:
            api_grpc.ExperimentRunServiceStub(channel).CreateExperiment(
                api.CreateExperimentRequest(parent=PARENT, experiment_id="e-exported"), timeout=10
            )
    finally:
        assert server.terminate() == 0

    lines = _json_lines(tmp_path / "server.log")
    spans = [line for line in lines if line.get("name") == f"{SERVICE}/CreateExperiment"]
    assert len(spans) == 1
    assert spans[0]["resource"]["attributes"]["service.name"] == "exprun-under-test"
    assert spans[0]["attributes"]["rpc.grpc.status_code"] == 0
    (rpc,) = [line for line in lines if line.get("event") == "rpc"]
    assert f"0x{rpc['trace_id']}" == spans[0]["context"]["trace_id"]
    assert rpc["code"] == "OK"
    assert any(line.get("event", "").startswith("exprun serving on") for line in lines)
    exported = json.dumps([line for line in lines if "resource_metrics" in line])
    assert '"rpc.server.duration"' in exported
    assert '"exprun.store.duration"' in exported
