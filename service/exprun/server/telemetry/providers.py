"""The OpenTelemetry SDK providers and exporters, chosen by the standard `OTEL_*` variables.

Nothing leaves the process unless asked: with no variable set there is no exporter and no
network. Per signal (traces, metrics):
- `OTEL_{TRACES,METRICS}_EXPORTER`: `otlp`, `console` (one-line JSON on stderr, so stdout stays
  pure log lines), both comma-separated, or `none`. Unset: `otlp` when
  `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT` is set,
  else none.
- OTLP is gRPC (`OTEL_EXPORTER_OTLP_PROTOCOL` must be unset or `grpc`); the exporter itself reads
  the endpoint, headers, certificates, compression and timeout variables.
- `OTEL_SERVICE_NAME` (default `exprun`), `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`
  and `OTEL_TRACES_SAMPLER_ARG`, `OTEL_METRIC_EXPORT_INTERVAL`, `OTEL_BSP_*` and
  `OTEL_SDK_DISABLED` work as the SDK documents them.
A tracer provider is installed even without a trace exporter, sampling nothing: spans then
cost almost nothing, but still get IDs, so log lines carry a `trace_id` (the caller's, when it
sent `traceparent`). The metrics SDK and the exporters are imported only when used.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from opentelemetry import metrics, trace

SIGNALS = ("traces", "metrics")
EXPORTERS = ("otlp", "console", "none")


class TelemetryConfigError(ValueError):
    """An `OTEL_*` variable is invalid; the message names it."""


def exporter_names(signal: str, env: Mapping[str, str] = os.environ) -> list[str]:
    """The exporters configured for `signal` ("traces" or "metrics"), [] for none."""
    variable = f"OTEL_{signal.upper()}_EXPORTER"
    raw = env.get(variable, "").strip().lower()
    if not raw:
        endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get(
            f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT"
        )
        names = ["otlp"] if endpoint else []
    else:
        names = [name.strip() for name in raw.split(",") if name.strip()]
        unknown = [name for name in names if name not in EXPORTERS]
        if unknown:
            raise TelemetryConfigError(
                f"{variable}: {', '.join(unknown)} is not one of {', '.join(EXPORTERS)}"
            )
        if "none" in names:
            names = []
    if "otlp" in names:
        for protocol_variable in (
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            f"OTEL_EXPORTER_OTLP_{signal.upper()}_PROTOCOL",
        ):
            protocol = env.get(protocol_variable, "grpc").strip().lower() or "grpc"
            if protocol != "grpc":
                raise TelemetryConfigError(
                    f"{protocol_variable}: {protocol!r} is not supported; exprun exports OTLP over grpc"
                )
    return list(dict.fromkeys(names))


def check_environment(env: Mapping[str, str] = os.environ) -> None:
    """Raises TelemetryConfigError for an invalid exporter setting, before anything starts."""
    for signal in SIGNALS:
        exporter_names(signal, env)


class Providers:
    """The providers this process installed; `shutdown` flushes what they still hold."""

    def __init__(self, tracer_provider: Any = None, meter_provider: Any = None) -> None:
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider

    async def shutdown(self) -> None:
        """Exports what is buffered (bounded by the exporters' timeouts), off the event loop."""
        await asyncio.to_thread(self._shutdown)

    def _shutdown(self) -> None:
        for provider in (self.tracer_provider, self.meter_provider):
            if provider is not None:
                with contextlib.suppress(Exception):  # a collector that is down must not block the exit
                    provider.shutdown()


def install() -> Providers:
    """Installs the tracer and meter providers the environment asks for as the global ones.
    Raises TelemetryConfigError on an invalid exporter setting."""
    providers = build()
    if providers.tracer_provider is not None:
        trace.set_tracer_provider(providers.tracer_provider)
    if providers.meter_provider is not None:
        metrics.set_meter_provider(providers.meter_provider)
    return providers


def build() -> Providers:
    """The providers the environment asks for, not installed."""
    from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    trace_exporter_names = exporter_names("traces")
    metric_exporter_names = exporter_names("metrics")
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return Providers()
    span_exporters = [_span_exporter(name) for name in trace_exporter_names]
    metric_exporters = [_metric_exporter(name) for name in metric_exporter_names]
    resource = Resource.create(
        {SERVICE_VERSION: _version()}
    )  # with OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: "exprun"}))
    tracer_provider = TracerProvider(resource=resource, sampler=None if span_exporters else ALWAYS_OFF)
    for exporter in span_exporters:
        tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
    meter_provider = None
    if metric_exporters:
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        readers = [PeriodicExportingMetricReader(exporter) for exporter in metric_exporters]
        meter_provider = MeterProvider(resource=resource, metric_readers=readers)
    return Providers(tracer_provider, meter_provider)


def _span_exporter(name: str) -> Any:
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    return ConsoleSpanExporter(out=sys.stderr, formatter=lambda span: span.to_json(indent=None) + "\n")


def _metric_exporter(name: str) -> Any:
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter()
    from opentelemetry.sdk.metrics.export import ConsoleMetricExporter

    return ConsoleMetricExporter(out=sys.stderr, formatter=lambda data: data.to_json(indent=None) + "\n")


def _version() -> str:
    try:
        return metadata.version("exprun")
    except metadata.PackageNotFoundError:
        return "unknown"
