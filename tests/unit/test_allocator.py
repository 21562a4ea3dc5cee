"""The server's malloc settings: a batch-sized buffer comes from the heap, where the next batch
reuses it, and only an outsized one gets a mapping of its own, returned to the kernel on free.

Each case runs in a fresh interpreter: the settings are process-wide, and the pytest process's
own heap must not decide what the counters show."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_MAPPED_BLOCKS_AFTER_ALLOCATING = textwrap.dedent(
    """
    import ctypes, sys
    from exprun.server import allocator

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

    if not allocator.tune():
        print("not glibc")
        sys.exit(0)
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    before = libc.mallinfo2().hblks
    held = bytearray(int(sys.argv[1]))
    print(libc.mallinfo2().hblks - before)
    """
)


def _mapped_blocks_for(size: int) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _MAPPED_BLOCKS_AFTER_ALLOCATING, str(size)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answer = done.stdout.strip()
    if answer == "not glibc":
        pytest.skip("malloc settings apply to glibc only")
    return answer


def test_a_buffer_of_the_largest_batch_comes_from_the_heap() -> None:
    # A 100,000-point batch is under 4 MB encoded, and under 4 MB as parsed columns.
    assert _mapped_blocks_for(4 * 1024**2) == "0"


def test_a_buffer_past_the_threshold_is_mapped_so_free_returns_it() -> None:
    assert _mapped_blocks_for(64 * 1024**2) == "1"
