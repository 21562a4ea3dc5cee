"""One row per figure, and the aligned table they print as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MET = "met"
MISSED = "MISSED"
INFO = "info"
NOT_MEASURED = "n/a"


@dataclass(frozen=True)
class Row:
    """One figure: what was measured, the target it is held against and whether it met it.

    `notes` are printed under the table, numbered, e.g. what bounded the figure.
    """

    benchmark: str
    measured: str
    target: str = "-"
    verdict: str = INFO
    notes: tuple[str, ...] = field(default=())


def verdict(met: bool) -> str:
    return MET if met else MISSED


def render(rows: Sequence[Row]) -> str:
    header = ("benchmark", "measured", "target", "verdict")
    notes: list[str] = []
    cells: list[tuple[str, str, str, str]] = []
    for row in rows:
        marks = ""
        for note in row.notes:
            notes.append(note)
            marks += f" [{len(notes)}]"
        cells.append((row.benchmark + marks, row.measured, row.target, row.verdict))
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * width for width in widths])]
    out += [line(cell) for cell in cells]
    if notes:
        out.append("")
        out += [f"[{number}] {note}" for number, note in enumerate(notes, start=1)]
    return "\n".join(out)


def rate(points_per_second: float) -> str:
    """Points per second, grouped by thousands."""
    return f"{points_per_second:,.0f} points/s"
