"""Time series as chunks: one row holds many points of one metric, in packed columns.

A row per point would make SQLite's per-row cost the ingest ceiling; a chunk amortises it over
thousands of points. Chunk step ranges never overlap within a series, which keeps both paths
simple: a write that reaches back into old steps rewrites exactly the chunks whose range it
touches (the newest value wins), and a read streams chunks in `last_step` order and gets every
step once, ascending, with no merging.

Appends (every step past the series' `max_step`, the training-loop case) only add a chunk. To
keep many small writes from leaving many tiny chunks, an append folds the chunks before it into
itself while each is no larger than what it has gathered so far (a binary counter): a point is
rewritten at most log2(`ChunkTuning.merge_max_points` / batch) times and the tail holds few small chunks.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from exprun.server.core import limits
from exprun.server.core.downsample import Buckets, Candidates, Extremes, Kept
from exprun.server.core.model import Series
from exprun.server.stores.sqlite import chunks
from exprun.server.stores.sqlite.chunks import TUNING, ChunkTuning, Columns, Points

# A binary counter over chunks of at most `merge_max_points` (4096) never has more small tail
# chunks.
_TAIL_LOOKBACK = 16


def largest_step(conn: sqlite3.Connection, run_pk: int) -> int:
    row = conn.execute("SELECT max(max_step) FROM series WHERE run_pk = ?", (run_pk,)).fetchone()
    return 0 if row[0] is None else int(row[0])


def write(
    conn: sqlite3.Connection, run_pk: int, series: Sequence[Series], tuning: ChunkTuning = TUNING
) -> int:
    """Writes every series and returns the number of distinct (metric, step) points written.

    Series without steps continue after the run's largest step as it was before this call, all
    from the same base, like one SDK `log_time_series_metrics` call."""
    base = largest_step(conn, run_pk) if any(s.steps is None for s in series) else 0
    known = _series(conn, run_pk, [s.metric for s in series])
    written = 0
    for s in series:
        steps = np.arange(base + 1, base + 1 + len(s.values), dtype=np.int64) if s.steps is None else s.steps
        points = chunks.from_batch(steps, s.values, s.wall_time_micros)
        # A metric may come twice when batches were coalesced; the later one sees the earlier.
        known[s.metric] = _write_points(conn, run_pk, s.metric, known.get(s.metric), points, tuning)
        written += len(points)
    return written


def _series(conn: sqlite3.Connection, run_pk: int, metrics: Sequence[str]) -> dict[str, tuple[int, int]]:
    """metric -> (series_pk, max_step) for the metrics of one write, in one statement."""
    rows = conn.execute(
        "SELECT metric, pk, max_step FROM series"
        " WHERE run_pk = ? AND metric IN (SELECT value FROM json_each(?))",
        (run_pk, json.dumps(list(metrics))),
    )
    return {metric: (pk, max_step) for metric, pk, max_step in rows}


def _write_points(
    conn: sqlite3.Connection,
    run_pk: int,
    metric: str,
    known: tuple[int, int] | None,
    points: Columns,
    tuning: ChunkTuning,
) -> tuple[int, int]:
    """Returns the series' (pk, max_step) after the write."""
    if known is None:
        (series_pk,) = conn.execute(
            "INSERT INTO series (run_pk, metric, max_step, point_count) VALUES (?, ?, ?, 0) RETURNING pk",
            (run_pk, metric, points.last_step),
        ).fetchone()
        added = _append(conn, series_pk, points, tuning)
    else:
        series_pk, max_step = known
        if points.first_step > max_step:
            added = _append(conn, series_pk, points, tuning)
        else:
            added = _overwrite(conn, series_pk, max_step, points, tuning)
    (new_max_step,) = conn.execute(
        "UPDATE series SET max_step = max(max_step, ?), point_count = point_count + ? WHERE pk = ?"
        " RETURNING max_step",
        (points.last_step, added, series_pk),
    ).fetchone()
    return series_pk, int(new_max_step)


def _insert(conn: sqlite3.Connection, series_pk: int, points: Columns, tuning: ChunkTuning) -> None:
    for part in points.split(tuning.chunk_max_points):
        conn.execute(
            "INSERT INTO chunks"
            " (series_pk, first_step, last_step, count, steps, vals, wall_times, summary, blocks)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                series_pk,
                part.first_step,
                part.last_step,
                len(part),
                *chunks.pack(part),
                chunks.summarize(part),
                chunks.block_extremes(part, tuning.block_points),
            ),
        )


def _load(conn: sqlite3.Connection, chunk_pk: int) -> Columns:
    row = conn.execute(
        "SELECT first_step, steps, vals, wall_times FROM chunks WHERE pk = ?", (chunk_pk,)
    ).fetchone()
    return chunks.columns_of(*row)


def _append(conn: sqlite3.Connection, series_pk: int, points: Columns, tuning: ChunkTuning) -> int:
    """Points that all lie past the series' last step. Returns how many were added."""
    added = len(points)
    if len(points) < tuning.merge_max_points:
        # Sizes first (no blobs read), then only the chunks being folded in.
        tail = conn.execute(
            "SELECT last_step, count FROM chunks WHERE series_pk = ? ORDER BY last_step DESC LIMIT ?",
            (series_pk, _TAIL_LOOKBACK),
        ).fetchall()
        size, fold_from = len(points), None
        for last_step, count in tail:
            if count > size or count + size > tuning.merge_max_points:
                break
            size += count
            fold_from = last_step
        if fold_from is not None:
            folded = conn.execute(
                "SELECT first_step, steps, vals, wall_times FROM chunks"
                " WHERE series_pk = ? AND last_step >= ? ORDER BY last_step",
                (series_pk, fold_from),
            ).fetchall()
            conn.execute("DELETE FROM chunks WHERE series_pk = ? AND last_step >= ?", (series_pk, fold_from))
            points = chunks.joined([*(chunks.columns_of(*row) for row in folded), points])
    _insert(conn, series_pk, points, tuning)
    return added


def _overwrite(
    conn: sqlite3.Connection, series_pk: int, max_step: int, points: Columns, tuning: ChunkTuning
) -> int:
    """Points reaching back to or before the series' last step.

    Each existing chunk whose range holds some of the new steps is rewritten with them laid
    over it; new steps in the gaps between chunks become chunks of their own, so ranges stay
    disjoint. Chunks the write does not touch are never read."""
    cursor = conn.execute(
        "SELECT pk, first_step, last_step, count FROM chunks WHERE series_pk = ? AND last_step >= ?"
        " ORDER BY last_step",
        (series_pk, points.first_step),
    )
    touched: list[tuple[int, int, int, int]] = []
    for chunk in cursor:
        if chunk[1] > points.last_step:
            break
        touched.append(chunk)
    cursor.close()

    added, i = 0, 0
    for chunk_pk, first_step, last_step, count in touched:
        inside = max(i, points.index(first_step))
        if inside > i:
            _insert(conn, series_pk, points.slice(i, inside), tuning)
            added += inside - i
        end = max(inside, points.index(last_step, after=True))
        if end > inside:
            merged = chunks.overlay(_load(conn, chunk_pk), points.slice(inside, end))
            conn.execute("DELETE FROM chunks WHERE pk = ?", (chunk_pk,))
            _insert(conn, series_pk, merged, tuning)
            added += len(merged) - count
        i = end
    if i < len(points):
        rest = points.slice(i, len(points))
        if rest.first_step > max_step:
            added += _append(conn, series_pk, rest, tuning)
        else:
            _insert(conn, series_pk, rest, tuning)
            added += len(rest)
    return added


def metrics(conn: sqlite3.Connection, run_pk: int, wanted: Sequence[str]) -> list[tuple[int, str]]:
    """The run's series as (series_pk, metric) in metric order (SQLite's BINARY collation orders
    like Python's `sorted`), limited to `wanted` unless it is empty."""
    rows: list[tuple[int, str]] = conn.execute(
        "SELECT pk, metric FROM series WHERE run_pk = ? ORDER BY metric", (run_pk,)
    ).fetchall()
    if wanted:
        keep = set(wanted)
        rows = [r for r in rows if r[1] in keep]
    return rows


def read_page(
    conn: sqlite3.Connection,
    series_pk: int,
    start_step: int,
    end_step: int | None,
    max_points: int = limits.READ_CHUNK_MAX_POINTS,
) -> tuple[Points, bool]:
    """Up to `max_points` points with `start_step <= step < end_step`, and whether more follow:
    few thread hops for a million.

    The cursor pulls one chunk row at a time and stops as soon as the page is full, so memory
    holds one page, never the series. The caller continues from the page's last step + 1 in a
    new transaction; a chunk rewritten in between cannot repeat or reorder steps."""
    cursor = conn.execute(
        "SELECT first_step, steps, vals, wall_times FROM chunks WHERE series_pk = ? AND last_step >= ?"
        " ORDER BY last_step",
        (series_pk, start_step),
    )
    parts: list[Points] = []
    size, more = 0, False
    for first_step, steps, values, wall_times in cursor:
        if end_step is not None and first_step >= end_step:
            break
        points = chunks.unpack(first_step, steps, values, wall_times).between(start_step, end_step)
        if not points:
            continue
        if size + len(points) > max_points:
            if not parts:
                parts.append(points.slice(0, max_points))
            more = True
            break
        parts.append(points)
        size += len(points)
    cursor.close()
    return (chunks.concat(parts) if parts else chunks.empty()), more


# A series' chunks from a step on, with their block extremes but not their blobs: served by the
# covering index `chunk_blocks` alone (schema V5), so no row's overflow pages are read.
BLOCKS_SQL = (
    "SELECT pk, first_step, last_step, count, blocks FROM chunks WHERE series_pk = ? AND last_step >= ?"
    " ORDER BY last_step"
)


@dataclass(frozen=True)
class _Piece:
    """The part of one chunk inside a read's step range: `count` points from index `start`."""

    pk: int
    first_step: int
    last_step: int
    stored: int  # the chunk's count
    start: int
    count: int
    blocks: bytes | None  # None for a chunk from before schema V5's backfill (never, after it)


def read_downsampled(
    conn: sqlite3.Connection,
    series_pk: int,
    start_step: int,
    end_step: int | None,
    max_points: int,
    tuning: ChunkTuning = TUNING,
) -> Points | None:
    """The series' points with `start_step <= step < end_step` downsampled to `max_points`
    (`core.downsample`), or None when there are no more than `max_points` of them.

    Block extremes first, no blobs: a block wholly inside the step range and inside one bucket
    adds its lowest and highest point; only the others have their values read, in place (8
    bytes a point, never steps or wall times), and so are the kept points' steps and wall
    times. One transaction, so the buckets are cut over one snapshot."""
    rows = conn.execute(BLOCKS_SQL, (series_pk, start_step)).fetchall()
    pieces: list[_Piece] = []
    for pk, first_step, last_step, count, blocks in rows:
        if end_step is not None and first_step >= end_step:
            break
        if first_step >= start_step and (end_step is None or last_step < end_step):
            pieces.append(_Piece(pk, first_step, last_step, count, 0, count, blocks))
            continue
        (steps,) = conn.execute("SELECT steps FROM chunks WHERE pk = ?", (pk,)).fetchone()
        inside = chunks.steps_of(first_step, steps, count)
        low = int(np.searchsorted(inside, start_step))
        high = count if end_step is None else int(np.searchsorted(inside, end_step))
        if high > low:
            pieces.append(_Piece(pk, first_step, last_step, count, low, high - low, blocks))
    n = sum(piece.count for piece in pieces)
    if n <= max_points:
        return None
    buckets = Buckets(n, max_points)
    counts = np.array([piece.count for piece in pieces], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    extremes, located, points = _offer(conn, pieces, offsets, buckets, tuning.block_points)
    return _resolve(conn, pieces, offsets.tolist(), buckets.kept(extremes, points), located)


@dataclass(frozen=True)
class _Located:
    """Steps and wall times of points by position (ascending): the block extremes carry them."""

    positions: npt.NDArray[np.int64]
    steps: npt.NDArray[np.int64]
    walls: npt.NDArray[np.int64]


def _offer(
    conn: sqlite3.Connection,
    pieces: list[_Piece],
    offsets: npt.NDArray[np.int64],
    buckets: Buckets,
    size: int,
) -> tuple[Extremes, list[_Located], Candidates]:
    """Every piece's blocks at once: the extremes of those `buckets` may take whole, and the
    values of the others, read in place as runs of adjacent blocks (about one per bucket edge).
    Python loops over runs only; the rest is whole-array work over all blocks of the read.
    `size` is the block size the chunks were written with."""
    stored = np.array([piece.stored for piece in pieces], dtype=np.int64)
    start = np.array([piece.start for piece in pieces], dtype=np.int64)
    per_piece = -(-stored // size)
    piece = np.repeat(np.arange(len(pieces)), per_piece)  # each block's piece
    begin = (np.arange(len(piece)) - np.repeat(np.cumsum(per_piece) - per_piece, per_piece)) * size
    end = np.minimum(begin + size, stored[piece])  # each block's chunk indices [begin, end)
    low, high = start[piece], (start + [p.count for p in pieces])[piece]  # the piece's part
    shift = (offsets - start)[piece]  # a chunk index plus shift is a position
    # Records of another block size (a store opened with other tuning) would not line up: such
    # a chunk is read whole.
    records = [
        p.blocks if p.blocks is not None and len(p.blocks) == chunks.BLOCK.itemsize * blocks else None
        for p, blocks in zip(pieces, per_piece.tolist(), strict=True)
    ]
    known = np.repeat([r is not None for r in records], per_piece)
    whole = known & (begin >= low) & (end <= high) & buckets.whole(begin + shift, end - 1 + shift)
    table = np.frombuffer(
        b"".join(
            bytes(chunks.BLOCK.itemsize * blocks) if r is None else r
            for r, blocks in zip(records, per_piece.tolist(), strict=True)
        ),
        dtype=chunks.BLOCK,
    )[whole]
    sides = [
        (table[f"{kind}_at"].astype(np.int64) + shift[whole], table[kind].astype(np.float64), kind)
        for kind in ("low", "high")
    ]
    extremes = Extremes(*(Candidates(positions, values) for positions, values, _ in sides))
    located = [
        _Located(positions, table[f"{kind}_step"].astype(np.int64), table[f"{kind}_wall"].astype(np.int64))
        for positions, _, kind in sides
    ]
    read = ~whole & (end > low) & (begin < high)
    same = piece[1:] == piece[:-1]
    first = np.flatnonzero(read & ~np.concatenate([[False], read[:-1] & same]))
    last = np.flatnonzero(read & ~np.concatenate([read[1:] & same, [False]]))
    run_low, run_high = np.maximum(begin[first], low[first]), np.minimum(end[last], high[last])
    run_piece = piece[first]
    parts: list[bytes] = []
    spans = zip(run_piece.tolist(), run_low.tolist(), run_high.tolist(), strict=True)
    for number, of_piece in itertools.groupby(spans, key=lambda span: span[0]):
        with conn.blobopen("chunks", "vals", pieces[number].pk, readonly=True) as blob:
            for _, at, stop in of_piece:
                blob.seek(at * 8)
                parts.append(blob.read((stop - at) * 8))
    values = np.frombuffer(b"".join(parts), dtype="<f8").astype(np.float64, copy=False)
    lengths = run_high - run_low
    # Within run r, value j is at position run_low[r] + shift + j: j's run from a running count
    # of run starts (np.repeat with counts copies item by item, several times slower).
    starts = np.cumsum(lengths) - lengths
    base = run_low + shift[first] - starts
    marks = np.zeros(len(values), dtype=np.intp)
    marks[starts[1:]] = 1
    positions = base[np.cumsum(marks)] + np.arange(len(values), dtype=np.int64)
    return extremes, located, Candidates(positions, values)


def _resolve(
    conn: sqlite3.Connection, pieces: list[_Piece], offsets: list[int], kept: Kept, located: list[_Located]
) -> Points:
    """The kept points with their steps and wall times: from the block extremes that carry them,
    else the step is computed where a chunk's steps are consecutive, and read in place where
    not, as is the wall time."""
    positions = kept.positions
    steps, walls = np.empty(len(positions), dtype=np.int64), np.empty(len(positions), dtype=np.int64)
    missing = np.ones(len(positions), dtype=bool)
    for side in located:
        if not len(side.positions):
            continue
        at = np.minimum(np.searchsorted(side.positions, positions), len(side.positions) - 1)
        hit = side.positions[at] == positions
        steps[hit], walls[hit] = side.steps[at[hit]], side.walls[at[hit]]
        missing &= ~hit
    rest = np.flatnonzero(missing)
    bounds = [*np.searchsorted(positions[rest], offsets).tolist(), len(rest)]
    for number, (offset, piece) in enumerate(zip(offsets, pieces, strict=True)):
        low, high = bounds[number], bounds[number + 1]
        if low == high:
            continue
        mine = rest[low:high]
        local = positions[mine] - offset + piece.start
        if chunks.consecutive(piece.first_step, piece.last_step, piece.stored):
            steps[mine] = local + piece.first_step
        else:
            steps[mine] = _cells(conn, piece.pk, "steps", local)
        walls[mine] = _cells(conn, piece.pk, "wall_times", local)
    out = chunks.empty()
    out.steps.frombytes(steps.tobytes())
    out.values.frombytes(kept.values.tobytes())
    out.wall_times.frombytes(walls.tobytes())
    return out


def _cells(
    conn: sqlite3.Connection, chunk_pk: int, column: str, indices: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Some int64 cells of a chunk's column (indices ascending), in place, not the whole blob:
    one read of the span that holds them when they are dense, else one read per cell. A column
    of one cell holds every point's (a shared wall time, `chunks.pack`)."""
    first, last = int(indices[0]), int(indices[-1])
    with conn.blobopen("chunks", column, chunk_pk, readonly=True) as blob:
        if len(blob) == 8:
            return np.full(len(indices), np.frombuffer(blob.read(8), dtype="<i8")[0], dtype=np.int64)
        if last - first + 1 <= _SPARSE * len(indices):
            blob.seek(first * 8)
            span = np.frombuffer(blob.read((last - first + 1) * 8), dtype="<i8")
            return span[indices - first].astype(np.int64)
        cells = bytearray()
        for index in indices.tolist():
            blob.seek(index * 8)
            cells += blob.read(8)
    return np.frombuffer(bytes(cells), dtype="<i8").astype(np.int64)


# `_cells` reads a span when at least one cell in this many is wanted.
_SPARSE = 16
