"""How a service module describes the RPCs it serves, for the server to register them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Method:
    """One unary RPC: `handler(request) -> response` on deserialized messages.

    `deserialize`/`serialize` are the proto-plus class methods (`Req.deserialize`, `Resp.serialize`) or,
    for LRO methods and the Operations service, the raw protobuf ones (`Operation.SerializeToString`).
    """

    service: str  # full service name, e.g. "google.cloud.aiplatform.v1.MetadataService"
    name: str  # short method name, e.g. "GetContext"
    handler: Callable[[Any], Any]
    deserialize: Callable[[bytes], Any]
    serialize: Callable[[Any], bytes]
