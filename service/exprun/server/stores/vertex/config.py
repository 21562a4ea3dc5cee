"""The vertex store's settings. Plain values: importing this module imports no Google library."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VertexConfig:
    """How to reach Vertex AI and what to do where a request leaves a choice open.

    `api_endpoint` None means the regional `{location}-aiplatform.googleapis.com` of each request.
    `plaintext` talks to the endpoint without TLS or credentials (emulators, the test fake);
    otherwise TLS with Application Default Credentials (Workload Identity on GKE).
    `default_tensorboard` backs runs whose experiment has no TensorBoard when their first time
    series is written: a full `projects/P/locations/L/tensorboards/T` name or a bare ID taken
    in each request's project and location. `model_staging_uri` is where uploaded model files
    go: `gs://bucket/prefix`, a local directory or a `file://` URI.
    """

    api_endpoint: str | None = None
    plaintext: bool = False
    default_tensorboard: str | None = None
    model_staging_uri: str | None = None
    # WriteTensorboardRunData requests of one write that may be in flight at once.
    max_inflight_writes: int = 8
    # How long one Vertex call may keep retrying transient errors before it is Unavailable.
    retry_deadline_seconds: float = 60.0
