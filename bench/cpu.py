"""Who was CPU bound: per-process and per-thread CPU time over a window, from /proc.

A process's CPU seconds divided by the wall seconds of the window is the number of cores it
kept busy; its busiest thread near 1.0 means that thread (and, for Python, the GIL) was the
limit. The machine's own busy cores say whether the cores themselves ran out.
"""

from __future__ import annotations

import os
import pathlib
import time
from dataclasses import dataclass

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _thread_ticks(pid: int) -> dict[str, int]:
    """CPU ticks (user + system) of each live thread of `pid`, keyed `name/tid`."""
    ticks: dict[str, int] = {}
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:  # the thread ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks[f"{name}/{task.name}"] = int(fields[11]) + int(fields[12])
    return ticks


def _process_ticks(pid: int) -> int:
    stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) ticks of all cores since boot."""
    values = [int(v) for v in pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class Usage:
    """Cores a process kept busy over a window, and its busiest threads' cores, busiest first."""

    label: str
    cores: float
    threads: tuple[float, ...]

    def describe(self) -> str:
        busiest = "+".join(f"{cores:.2f}" for cores in self.threads[:3])
        return f"{self.label} {self.cores:.2f} cores (busiest threads {busiest})"


class CpuWindow:
    """Samples the named processes at `start()` and `stop()`."""

    def __init__(self, processes: dict[str, int]) -> None:
        self._processes = processes
        self._start_time = 0.0
        self._threads: dict[str, dict[str, int]] = {}
        self._totals: dict[str, int] = {}
        self._machine = (0, 0)

    def start(self) -> None:
        self._threads = {label: _thread_ticks(pid) for label, pid in self._processes.items()}
        self._totals = {label: _process_ticks(pid) for label, pid in self._processes.items()}
        self._machine = _machine_ticks()
        self._start_time = time.perf_counter()

    def stop(self) -> tuple[list[Usage], float]:
        """Each process's usage, and the machine's busy fraction (1.0 = every core busy)."""
        elapsed = time.perf_counter() - self._start_time
        busy, total = _machine_ticks()
        machine = (busy - self._machine[0]) / max(1, total - self._machine[1])
        usages = []
        for label, pid in self._processes.items():
            before = self._threads[label]
            deltas = [ticks - before.get(name, 0) for name, ticks in _thread_ticks(pid).items()]
            threads = tuple(sorted((ticks / TICKS_PER_SECOND / elapsed for ticks in deltas), reverse=True))
            cores = (_process_ticks(pid) - self._totals[label]) / TICKS_PER_SECOND / elapsed
            usages.append(Usage(label, cores, threads or (0.0,)))
        return usages, machine


def limit_note(usages: list[Usage], machine_busy: float) -> str:
    """One sentence: each process's cores, what else ran, and which resource ran out."""
    cores = os.cpu_count() or 1
    ours = sum(usage.cores for usage in usages)
    others = max(0.0, machine_busy * cores - ours)
    hottest = max(usages, key=lambda usage: usage.threads[0])
    if machine_busy > 0.9:
        bound = f"the {cores} cores ran out"
    elif hottest.threads[0] > 0.85:
        bound = f"one {hottest.label} thread ran out of its core"
    else:
        bound = "no core ran out: bound by hand-offs between threads and processes"
    parts = "; ".join(usage.describe() for usage in usages)
    return f"CPU: {parts}; other processes {others:.2f} cores; machine {machine_busy:.0%} busy → {bound}"


def per_point_note(usages: list[Usage], seconds: float, points: int) -> str:
    """CPU time each process spent per point: unlike a rate, it barely moves when other
    processes on the machine take cores away."""
    parts = ", ".join(f"{usage.label} {usage.cores * seconds / points * 1e6:.2f} us" for usage in usages)
    return f"CPU per point: {parts}"
