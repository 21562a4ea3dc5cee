"""What `app.start` wires in: the interceptor, the traced store, the ingest observer.

It uses whatever global providers exist: those `providers.install` set up for `exprun serve`,
a test's in-memory ones, or none (the API's no-op). `Providers` given here are shut down, and
so flushed, when the server stops.
"""

from __future__ import annotations

from exprun.server.core.ingest import Ingest
from exprun.server.core.store import RunStore
from exprun.server.telemetry import instruments
from exprun.server.telemetry.ingest import IngestTelemetry
from exprun.server.telemetry.interceptor import TelemetryInterceptor
from exprun.server.telemetry.providers import Providers
from exprun.server.telemetry.store import TracingStore


class ServerTelemetry:
    def __init__(self, providers: Providers | None = None) -> None:
        self.providers = providers
        self.interceptor = TelemetryInterceptor()
        self.ingest_observer = IngestTelemetry()
        self._ingests: list[Ingest] = []

    def traced(self, store: RunStore, backend: str) -> RunStore:
        """The store, with a span and a latency measurement around every call."""
        return TracingStore(store, backend)

    def watch(self, ingest: Ingest) -> None:
        """Reports the pipeline's queue depth and buffered points in the gauges."""
        instruments.watch_ingest(ingest)
        self._ingests.append(ingest)

    async def close(self) -> None:
        for ingest in self._ingests:
            instruments.unwatch_ingest(ingest)
        self._ingests.clear()
        if self.providers is not None:
            await self.providers.shutdown()
