"""The tracer and every metric instrument, created once per process on the global providers.

The OpenTelemetry API hands out proxies until a provider is installed, and these become real
instruments then; with no provider installed they cost next to nothing. Creating the same
instrument twice would drop the second one's callbacks, so the observable gauges read from a
registry of the live ingest pipelines instead of capturing one.

Durations are in milliseconds (`rpc.server.duration` is in ms in the RPC conventions); the
bucket boundaries reach down to 0.1 ms because a loopback unary call takes well under one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from opentelemetry import metrics, trace

SCOPE = "exprun.server"

tracer = trace.get_tracer(SCOPE)
meter = metrics.get_meter(SCOPE)

_MS_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]

rpc_duration = meter.create_histogram(
    "rpc.server.duration",
    unit="ms",
    description="Duration of each RPC, to its status (streams: the whole stream)",
    explicit_bucket_boundaries_advisory=_MS_BUCKETS,
)
streams_open = meter.create_up_down_counter(
    "exprun.streams.open",
    unit="{stream}",
    description="Streaming RPCs in progress (time-series streams, reads, model uploads)",
)
ingest_points = meter.create_counter(
    "exprun.ingest.points",
    unit="{point}",
    description="Time-series points committed by the ingest pipeline",
)
ingest_batches_coalesced = meter.create_histogram(
    "exprun.ingest.batches_coalesced",
    unit="{batch}",
    description="Batches (from any stream or unary write) coalesced into one store write",
    explicit_bucket_boundaries_advisory=[1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
)
store_duration = meter.create_histogram(
    "exprun.store.duration",
    unit="ms",
    description="Duration of each storage port call, by operation",
    explicit_bucket_boundaries_advisory=_MS_BUCKETS,
)
vertex_retries = meter.create_counter(
    "exprun.vertex.retries",
    unit="{retry}",
    description="Vertex AI requests retried after a transient error, by method and status code",
)


class _Pipeline(Protocol):
    @property
    def depth(self) -> int: ...

    @property
    def buffered_points(self) -> int: ...


_pipelines: list[_Pipeline] = []


def watch_ingest(pipeline: _Pipeline) -> None:
    """Reports the pipeline's queue in the gauges until `unwatch_ingest`."""
    _pipelines.append(pipeline)


def unwatch_ingest(pipeline: _Pipeline) -> None:
    if pipeline in _pipelines:
        _pipelines.remove(pipeline)


def _queue_depth(options: metrics.CallbackOptions) -> Iterable[metrics.Observation]:
    yield metrics.Observation(sum(p.depth for p in _pipelines))


def _buffered_points(options: metrics.CallbackOptions) -> Iterable[metrics.Observation]:
    yield metrics.Observation(sum(p.buffered_points for p in _pipelines))


meter.create_observable_gauge(
    "exprun.ingest.queue_depth",
    callbacks=[_queue_depth],
    unit="{batch}",
    description="Batches waiting in the ingest queue for a store write",
)
meter.create_observable_gauge(
    "exprun.ingest.buffered_points",
    callbacks=[_buffered_points],
    unit="{point}",
    description="Points accepted but not yet committed (bounded by the ingest budget)",
)
