"""Writer checkpoints: the highest batch sequence each stream writer has committed to a run.

The checkpoint moves in the same transaction as the batch's points, so after any crash the
stored sequence says exactly which batches are in; a resent batch at or below it is dropped.
"""

from __future__ import annotations

import sqlite3


def committed(conn: sqlite3.Connection, run_pk: int, writer_id: str) -> int:
    row = conn.execute(
        "SELECT sequence FROM writers WHERE run_pk = ? AND writer_id = ?", (run_pk, writer_id)
    ).fetchone()
    return 0 if row is None else int(row[0])


def advance(conn: sqlite3.Connection, run_pk: int, writer_id: str, sequence: int) -> None:
    conn.execute(
        "INSERT INTO writers (run_pk, writer_id, sequence) VALUES (?, ?, ?)"
        " ON CONFLICT (run_pk, writer_id) DO UPDATE SET sequence = max(sequence, excluded.sequence)",
        (run_pk, writer_id, sequence),
    )
