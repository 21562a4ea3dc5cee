"""glibc malloc settings for a server whose memory is mostly short-lived megabyte buffers.

Batches arrive as ~1 MB messages, are parsed into packed columns and freed once committed,
from the event loop and from gRPC's own threads. With glibc's defaults that memory is not
given back: the mmap threshold adapts upwards after the first large free (to 32 MB), so every
later message lands in a heap arena, and each thread that allocates gets an arena of its own
(8 per core). Freed megabytes then stay in the process as holes between live blocks, and the
resident set grows well past the memory budget's bytes in flight.

A fixed threshold keeps buffers from 128 KiB up in their own mappings, which `free` returns
to the kernel at once; two arenas bound the per-thread heaps. Elsewhere (musl, macOS) this is
a no-op: the budget still bounds the bytes, only the allocator's slack differs.
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

MMAP_THRESHOLD_BYTES = 128 * 1024
TRIM_THRESHOLD_BYTES = 1024 * 1024
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
