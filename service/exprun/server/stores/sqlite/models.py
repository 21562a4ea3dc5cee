"""Model files: received into a private directory, published by one atomic rename.

A `model_dirs` row reserves the artifact ID for the whole upload and ties the directory to its
run, so deleting the run knows what to remove. Bytes go to `models/.incoming/<uuid>/` and only
`commit` moves them, fsynced, to `models/<project>/<location>/<artifact_id>/`; readers never
see a partial model. After a crash, `sweep` removes what no recorded artifact owns.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import shutil
import sqlite3
import uuid
from collections.abc import Iterable
from typing import BinaryIO

from exprun.server.core.errors import AlreadyExists, Unavailable
from exprun.server.core.names import LocationName, RunName
from exprun.server.core.store import ModelUpload
from exprun.server.stores.sqlite import artifacts, runs
from exprun.server.stores.sqlite.database import Database
from exprun.server.stores.sqlite.datadir import DataDir, fsync_dir

ModelKey = tuple[str, str, str]


def reserve(conn: sqlite3.Connection, name: RunName, artifact_id: str) -> None:
    """Fails early, before any bytes arrive, when the artifact ID is taken or being uploaded."""
    run_pk = runs.require_pk(conn, name)
    location = name.parent.parent
    taken = conn.execute(
        "SELECT 1 FROM model_dirs WHERE project = ? AND location = ? AND artifact_id = ?",
        (location.project, location.location, artifact_id),
    ).fetchone()
    if taken is not None or artifacts.artifact_exists(conn, location, artifact_id):
        raise AlreadyExists(artifacts.artifact_name(location, artifact_id), kind="Artifact")
    conn.execute(
        "INSERT INTO model_dirs (project, location, artifact_id, run_pk) VALUES (?, ?, ?, ?)",
        (location.project, location.location, artifact_id, run_pk),
    )


def _release(conn: sqlite3.Connection, location: LocationName, artifact_id: str, uri: str) -> bool:
    """Drops the reservation unless an artifact already records this upload's directory (then
    the files are the artifact's, and an abort is too late to take them). True if dropped."""
    recorded = conn.execute(
        "SELECT 1 FROM artifacts WHERE project = ? AND location = ? AND artifact_id = ? AND uri = ?",
        (location.project, location.location, artifact_id, uri),
    ).fetchone()
    if recorded is not None:
        return False
    conn.execute(
        "DELETE FROM model_dirs WHERE project = ? AND location = ? AND artifact_id = ?",
        (location.project, location.location, artifact_id),
    )
    return True


def owned_by_run(conn: sqlite3.Connection, run_pk: int) -> list[ModelKey]:
    rows: list[ModelKey] = conn.execute(
        "SELECT project, location, artifact_id FROM model_dirs WHERE run_pk = ?", (run_pk,)
    ).fetchall()
    return rows


def owned_by_experiment(conn: sqlite3.Connection, experiment_pk: int) -> list[ModelKey]:
    rows: list[ModelKey] = conn.execute(
        "SELECT m.project, m.location, m.artifact_id FROM model_dirs AS m JOIN runs AS r ON r.pk = m.run_pk"
        " WHERE r.experiment_pk = ?",
        (experiment_pk,),
    ).fetchall()
    return rows


def forget_unrecorded(conn: sqlite3.Connection) -> set[ModelKey]:
    """At start-up no upload is live, so a reservation without its artifact is a crashed upload.
    Returns the directories that recorded artifacts still own."""
    conn.execute(
        "DELETE FROM model_dirs WHERE NOT EXISTS (SELECT 1 FROM artifacts AS a WHERE a.project ="
        " model_dirs.project AND a.location = model_dirs.location AND a.artifact_id = model_dirs.artifact_id)"
    )
    rows: list[ModelKey] = conn.execute("SELECT project, location, artifact_id FROM model_dirs").fetchall()
    return set(rows)


def sweep(data_dir: DataDir, owned: set[ModelKey]) -> None:
    """Removes half-received uploads and model directories no artifact owns (a crash between
    committing a run's deletion and removing its files). Blocking: run it off the loop."""
    shutil.rmtree(data_dir.incoming, ignore_errors=True)
    if not data_dir.models.is_dir():
        return
    for project in data_dir.models.iterdir():
        if project == data_dir.incoming or not project.is_dir():
            continue
        for location in project.iterdir():
            if not location.is_dir():
                continue
            for model in location.iterdir():
                if (project.name, location.name, model.name) not in owned:
                    shutil.rmtree(model, ignore_errors=True)


def remove(data_dir: DataDir, keys: Iterable[ModelKey]) -> None:
    """Blocking: run it off the loop."""
    for project, location, artifact_id in keys:
        shutil.rmtree(data_dir.model(project, location, artifact_id), ignore_errors=True)


class SqliteModelUpload(ModelUpload):
    """One upload; its methods are called in sequence by one request, never concurrently."""

    def __init__(self, db: Database, data_dir: DataDir, name: RunName, artifact_id: str) -> None:
        self._db = db
        self._data_dir = data_dir
        self._location = name.parent.parent
        self._artifact_id = artifact_id
        self._incoming = data_dir.incoming / uuid.uuid4().hex
        self._target = data_dir.model(self._location.project, self._location.location, artifact_id)
        self._file: BinaryIO | None = None
        self._file_path = ""
        self._committed = False
        self._finished = False

    @classmethod
    async def begin(
        cls, db: Database, data_dir: DataDir, name: RunName, artifact_id: str
    ) -> SqliteModelUpload:
        await db.write(lambda conn: reserve(conn, name, artifact_id))
        upload = cls(db, data_dir, name, artifact_id)
        try:
            await asyncio.to_thread(upload._incoming.mkdir, parents=True)
        except BaseException:
            await upload.abort()
            raise
        return upload

    async def write(self, path: str, data: bytes) -> None:
        if self._finished:
            raise RuntimeError("the upload is already committed or aborted")
        await asyncio.to_thread(self._write, path, data)

    def _write(self, path: str, data: bytes) -> None:
        if path != self._file_path:
            self._close_file(sync=True)
            file = (self._incoming / path).resolve()
            if not file.is_relative_to(self._incoming):
                raise ValueError(f"model file path {path!r} leaves the model directory")
            file.parent.mkdir(parents=True, exist_ok=True)
            self._file, self._file_path = file.open("ab"), path
        assert self._file is not None
        self._file.write(data)

    def _close_file(self, *, sync: bool) -> None:
        if self._file is None:
            return
        try:
            if sync:
                self._file.flush()
                os.fsync(self._file.fileno())
        finally:
            self._file.close()
            self._file, self._file_path = None, ""

    async def commit(self) -> str:
        if self._finished:
            raise RuntimeError("the upload is already committed or aborted")
        await asyncio.to_thread(self._commit)
        self._committed = self._finished = True
        return self._target.as_uri()

    def _commit(self) -> None:
        """fsync files, then their directories, then rename and fsync the new entries' parents:
        after that order a crash shows either no model or the whole model."""
        self._close_file(sync=True)
        for directory, _, _ in os.walk(self._incoming):
            fsync_dir(pathlib.Path(directory))
        self._target.parent.mkdir(parents=True, exist_ok=True)
        if self._target.exists():
            # Left by a crash between this ID's last commit and its artifact: nothing owns it.
            shutil.rmtree(self._target)
        os.rename(self._incoming, self._target)
        # The new entry, and the entries of parents that the first model of a location created.
        parents = (
            self._target.parent,
            self._target.parent.parent,
            self._data_dir.models,
            self._data_dir.root,
        )
        for parent in parents:
            fsync_dir(parent)

    async def abort(self) -> None:
        """Leaves no trace: the received files, the published directory if `commit` ran but the
        artifact was never recorded, and the reservation. Safe to call more than once.

        The files go right after the reservation, on the database thread, so a new upload that
        reserves the same ID next cannot have its directory removed by this abort."""
        self._finished = True
        uri = self._target.as_uri()
        committed = self._committed
        try:
            await self._db.write(
                lambda conn: _release(conn, self._location, self._artifact_id, uri),
                after_commit=lambda released: self._remove(committed and released),
            )
        except Unavailable:
            # The store is closed; the next open sweeps a published directory nobody recorded.
            await asyncio.to_thread(self._remove, False)

    def _remove(self, remove_target: bool) -> None:
        self._close_file(sync=False)
        shutil.rmtree(self._incoming, ignore_errors=True)
        if remove_target:
            shutil.rmtree(self._target, ignore_errors=True)
