"""A CLIENT span per Vertex AI request attempt, and the retry counter.

`stores/vertex/retry.py` calls these around every attempt, so each retry shows up as its own
span (`exprun.vertex.attempt` 1, 2, ...) under the store call that needed it. Span names follow
the gRPC client convention, `google.cloud.aiplatform.v1.MetadataService/GetContext`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from exprun.server.telemetry.instruments import tracer, vertex_retries
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

_PACKAGE = "google.cloud.aiplatform.v1"


def service(method: str) -> str:
    """The Vertex AI service of a method the vertex store calls."""
    if "Tensorboard" in method:
        return f"{_PACKAGE}.TensorboardService"
    if "PipelineJob" in method:
        return f"{_PACKAGE}.PipelineService"
    return f"{_PACKAGE}.MetadataService"


def status_code(error: BaseException) -> int | None:
    """The gRPC status code of a google.api_core error, None for anything else."""
    code = getattr(getattr(error, "grpc_status_code", None), "value", None)
    return code[0] if isinstance(code, tuple) and code and isinstance(code[0], int) else None


@contextlib.contextmanager
def attempt(method: str, number: int) -> Iterator[None]:
    """Spans one attempt; `number` is 1 for the first, so the retry count is `number - 1`.
    Outside any trace (the liveness sweep) there is no span, as for store calls."""
    if not trace.get_current_span().get_span_context().is_valid:
        yield
        return
    rpc_service = service(method)
    with tracer.start_as_current_span(
        f"{rpc_service}/{method}",
        kind=SpanKind.CLIENT,
        attributes={
            "rpc.system": "grpc",
            "rpc.service": rpc_service,
            "rpc.method": method,
            "exprun.vertex.attempt": number,
            "exprun.vertex.retry_count": number - 1,
        },
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield
        except BaseException as exc:
            code = status_code(exc)
            if code is not None:
                span.set_attribute("rpc.grpc.status_code", code)
            span.set_attribute("error.type", type(exc).__name__)
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise
        span.set_attribute("rpc.grpc.status_code", 0)


def retried(method: str, error: BaseException) -> None:
    """Counts a retry of `method` after `error`."""
    attributes: dict[str, str | int] = {"rpc.method": method}
    code = status_code(error)
    if code is not None:
        attributes["rpc.grpc.status_code"] = code
    vertex_retries.add(1, attributes)
