"""What the client must agree on with the server, in one place: the address `exprun serve`
listens on by default, the RPC limits the client splits its requests by, and the streaming
method the writer calls with pre-encoded bytes. `tests/unit/client/test_client_limits.py` checks
each against the server's own value."""

from __future__ import annotations

# `exprun serve --listen`'s default.
DEFAULT_TARGET = "127.0.0.1:50051"
# Points in one WriteTimeSeries request: Vertex accepts at most 5000 per WriteTensorboardRunData.
MAX_POINTS_PER_WRITE = 5000
# Points in one streamed batch.
MAX_STREAM_BATCH_POINTS = 100_000
STREAM_METHOD = "/exprun.v1.ExperimentRunService/StreamTimeSeries"
