"""Who is calling, for the rest of the request: logs and traces read it, nothing decides on it.

The authentication interceptor sets `principal` in the RPC's own task before the handler runs
and leaves it set, so an outer interceptor still sees it when it writes the request's log line
after the handler returned. It stays None when authentication is off or failed.
"""

from __future__ import annotations

from contextvars import ContextVar

principal: ContextVar[str | None] = ContextVar("exprun_principal", default=None)
