"""Who is calling and which RPC is running, for the log lines and spans of the rest of the request.

Each RPC runs in its own task, so these variables never leak from one RPC to another; tasks a
handler starts (a stream's reader) copy them.

`principal` is the hook for authentication: the auth interceptor sets it (to the authenticated
principal, never a credential) in the RPC's task, before or while the handler runs, and leaves
it set. The telemetry interceptor is the outermost one, so it reads it afterwards for the
request's canonical log line; every log line inside the RPC carries it too.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

# Set by authentication in the RPC's task; the name is re-exported for the telemetry readers.
from exprun.server.security.context import principal as principal


@dataclass(slots=True)
class RpcScope:
    """The running RPC, as its log lines show it."""

    method: str  # "exprun.v1.ExperimentRunService/LogParams"
    peer: str  # "127.0.0.1:50312", the address part of grpc's peer string
    points: int = 0  # time-series points received, counted as batches enter the ingest queue


rpc: ContextVar[RpcScope | None] = ContextVar("exprun_rpc", default=None)
