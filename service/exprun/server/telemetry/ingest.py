"""The ingest pipeline's telemetry: a span per coalesced store write, and its metrics.

One store write carries batches from many RPCs, and runs in the pipeline's own task, outside
any of them. Its span is a child of the first submitter's span, so a trace shows where its
batch went, and links to the other submitters' spans (the OpenTelemetry way to show a batch
made of several requests).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from exprun.server.core.ingest import IngestObserver
from exprun.server.core.model import TimeSeriesWrite
from exprun.server.telemetry import context
from exprun.server.telemetry.instruments import ingest_batches_coalesced, ingest_points, tracer
from opentelemetry import trace
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext


class IngestTelemetry(IngestObserver):
    def submitted(self, write: TimeSeriesWrite) -> object:
        scope = context.rpc.get()
        if scope is not None:
            scope.points += write.points
        span_context = trace.get_current_span().get_span_context()
        return span_context if span_context.is_valid else None

    @contextlib.contextmanager
    def writing(self, origins: Sequence[object], points: int) -> Iterator[object]:
        ingest_batches_coalesced.record(len(origins))
        submitters: dict[int, SpanContext] = {}
        for origin in origins:
            if isinstance(origin, SpanContext):
                submitters.setdefault(origin.span_id, origin)
        spans = list(submitters.values())
        parent = trace.set_span_in_context(NonRecordingSpan(spans[0])) if spans else None
        with tracer.start_as_current_span(
            "exprun.ingest.write",
            context=parent,
            links=[Link(other) for other in spans[1:]],
            attributes={"exprun.ingest.batches": len(origins), "exprun.ingest.points": points},
        ) as span:
            yield span

    def written(self, points: int) -> None:
        if points:
            ingest_points.add(points)
