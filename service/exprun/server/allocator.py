"""glibc malloc settings for a server whose memory is mostly short-lived megabyte buffers.

Batches arrive as ~1 MB messages, are parsed into packed columns and freed once committed,
from the event loop and from gRPC's own threads. With glibc's defaults that memory is not
given back: the mmap threshold adapts upwards after the first large free (to 32 MB), so every
later message lands in a heap arena, and each thread that allocates gets an arena of its own
(8 per core). Freed megabytes then stay in the process as holes between live blocks, and the
resident set grows well past the memory budget's bytes in flight.

A fixed threshold above the largest batch (100,000 points, under 4 MB encoded or parsed) keeps
those buffers in the heap, where a freed one is reused by the next batch; below it, each
message, parse arena and column came as a fresh mapping that the kernel zeroed page by page and
unmapped again on free: about a quarter of the server's CPU per ingested point (measured). The
trim threshold lets the heap keep that much free memory at its top instead of handing it back
between batches. Two arenas bound the per-thread heaps, so the slack stays a few batches' worth
(256 streams in a 16 MiB budget, and 64 streams in the default one, peaked at the same RSS
either way, measured). Elsewhere (musl, macOS) this is a no-op: the budget still bounds the
bytes, only the allocator's slack differs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger("exprun.server")

# mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

MMAP_THRESHOLD_BYTES = 8 * 1024**2
TRIM_THRESHOLD_BYTES = 16 * 1024**2
ARENA_MAX = 2


def tune() -> bool:
    """Applies the settings above; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 (present in glibc only)
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    applied = all(
        mallopt(parameter, value) == 1
        for parameter, value in (
            (_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
            (_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES),
            (_M_ARENA_MAX, ARENA_MAX),
        )
    )
    if not applied:
        log.warning("glibc refused a malloc setting; memory may stay above the budget")
    return applied
