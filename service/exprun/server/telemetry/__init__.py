"""Telemetry: OpenTelemetry traces and metrics, and structured logs, for every RPC.

- `context`: who is calling and which RPC is running, as context variables (the auth
  interceptor sets `context.principal`).
- `interceptor`: a SERVER span, the `rpc.server.duration` metric and one canonical log line per RPC.
- `store`: `TracingStore`, the storage port by delegation, with a span and a latency per call.
- `ingest`: the ingest pipeline's observer (coalesced writes, points ingested).
- `vertex`: a CLIENT span per Vertex request attempt, and the retry counter.
- `instruments`: the tracer and every metric instrument, created once per process.
- `providers`: the SDK providers and exporters chosen by the standard `OTEL_*` variables.
- `logs`: structlog, with stdlib logging routed through it; trace ids in, secrets out.
- `server`: what `app.start` wires in.

This package imports the OpenTelemetry API only; the SDK and its exporters load in `providers`,
when the server process installs them. Keep this file free of imports: `context` is imported by
the security package.
"""
