"""The server's clock: create/update times and event times are set from it.

Times are strictly increasing (by at least a microsecond), so ordering by create_time or update_time
is the order in which the fake did things, even within one clock tick.
"""

from __future__ import annotations

import threading
import time

from google.protobuf import timestamp_pb2

_lock = threading.Lock()
_last_micros = 0


def now() -> timestamp_pb2.Timestamp:
    global _last_micros
    with _lock:
        micros = max(time.time_ns() // 1000, _last_micros + 1)
        _last_micros = micros
    stamp = timestamp_pb2.Timestamp()
    stamp.FromMicroseconds(micros)
    return stamp
