"""What the telemetry tests share: the in-memory OpenTelemetry SDK (installed once per process,
as global providers can be set only once), a served in-process server, request builders.

Metrics are cumulative over the session, so tests compare a reading before and after.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from exprun.server import app
from exprun.v1 import experiment_run_service_pb2 as api
from exprun.v1 import experiment_run_service_pb2_grpc as api_grpc
from exprun.v1 import resources_pb2 as pb
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

SERVICE = "exprun.v1.ExperimentRunService"
PARENT = "projects/telemetry-tests/locations/us-central1"


class Otel:
    """The process's in-memory span exporter and metric reader."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.reader = InMemoryMetricReader()

    def spans(self, name: str | None = None) -> list[ReadableSpan]:
        finished = list(self.exporter.get_finished_spans())
        return [s for s in finished if name is None or s.name == name]

    def span(self, name: str) -> ReadableSpan:
        found = self.spans(name)
        assert len(found) == 1, f"{len(found)} spans named {name}: {[s.name for s in self.spans()]}"
        return found[0]

    def points(self, name: str) -> list[Any]:
        """The data points of metric `name` as of now (cumulative)."""
        data = self.reader.get_metrics_data()
        found: list[Any] = []
        for resource_metrics in data.resource_metrics if data else []:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    if metric.name == name:
                        found.extend(metric.data.data_points)
        return found

    def histogram_sum(self, name: str, **attributes: Any) -> float:
        """The sum of a histogram's recorded values, over the points matching `attributes`."""
        wanted = {key.replace("__", "."): value for key, value in attributes.items()}
        return sum(
            float(point.sum)
            for point in self.points(name)
            if all(point.attributes.get(k) == v for k, v in wanted.items())
        )

    def reading(self, name: str, **attributes: Any) -> float:
        """A counter's value, a histogram's count or a gauge's value, summed over the points
        whose attributes include `attributes` (keys with dots written with `__`)."""
        wanted = {key.replace("__", "."): value for key, value in attributes.items()}
        total = 0.0
        for point in self.points(name):
            if all(point.attributes.get(k) == v for k, v in wanted.items()):
                total += point.count if hasattr(point, "count") else point.value
        return total


_installed: Otel | None = None


def install_otel() -> Otel:
    """The SDK with in-memory exporters as the global providers, once per process."""
    global _installed
    if _installed is None:
        otel = Otel()
        tracer_provider = trace.get_tracer_provider()
        if not isinstance(tracer_provider, TracerProvider):
            tracer_provider = TracerProvider()
            trace.set_tracer_provider(tracer_provider)
        tracer_provider.add_span_processor(SimpleSpanProcessor(otel.exporter))
        metrics.set_meter_provider(MeterProvider(metric_readers=[otel.reader]))
        provider = metrics.get_meter_provider()
        assert isinstance(provider, MeterProvider), "another test installed a meter provider"
        _installed = otel
    return _installed


@dataclass
class Served:
    running: app.RunningServer
    stub: api_grpc.ExperimentRunServiceStub
    channel: grpc.aio.Channel
    target: str

    async def run(self, experiment_id: str | None = None) -> str:
        """A new experiment with one run; returns the run's name."""
        experiment_id = experiment_id or f"e-{uuid.uuid4().hex[:12]}"
        experiment = await self.stub.CreateExperiment(
            api.CreateExperimentRequest(parent=PARENT, experiment_id=experiment_id)
        )
        run = await self.stub.CreateRun(api.CreateRunRequest(parent=experiment.name, run_id="r1"))
        return str(run.name)


async def eventually(check: Callable[[], object]) -> None:
    """Waits (up to 10 s) until `check()` is true. An aborted RPC's status reaches the client
    before the server has finished the call (ended its span, written its line), so tests wait."""
    async with asyncio.timeout(10):
        while not check():  # noqa: ASYNC110  # the server's own code ends the call: nothing to await
            await asyncio.sleep(0.01)


def series(metric: str, steps: list[int], values: list[float] | None = None) -> pb.TimeSeries:
    return pb.TimeSeries(metric=metric, steps=steps, values=values or [s / 10 for s in steps])


def stream_messages(
    run: str, batches: list[list[pb.TimeSeries]], writer: str = "w1"
) -> list[api.StreamTimeSeriesRequest]:
    messages = [api.StreamTimeSeriesRequest(open=api.StreamOpen(run=run, writer_id=writer))]
    for sequence, batch in enumerate(batches, start=1):
        messages.append(
            api.StreamTimeSeriesRequest(
                batch=api.SequencedBatch(sequence=sequence, batch=pb.TimeSeriesBatch(series=batch))
            )
        )
    return messages


def attributes(span: ReadableSpan) -> Mapping[str, Any]:
    return span.attributes or {}
