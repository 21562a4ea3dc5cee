"""Model files: received into a private directory, published by one atomic rename.

A `model_dirs` row reserves the artifact ID for the whole upload and ties the directory to its
run, so deleting the run knows what to remove. Bytes go to `models/.incoming/<uuid>/` and only
`commit` moves them, fsynced, to `models/<project>/<location>/<artifact_id>/`; readers never
see a partial model. After a crash, `sweep` removes what no recorded artifact owns.
"""

from __future__ import annotations

import asyncio
import pathlib
import shutil
import sqlite3
import uuid
from collections.abc import Iterable
from urllib.parse import urlparse
from urllib.request import url2pathname

from exprun.server.core.errors import AlreadyExists, FailedPrecondition, NotFound, Unavailable
from exprun.server.core.names import LocationName, RunName
from exprun.server.core.store import ModelUpload
from exprun.server.stores.model_files import ModelDirectory
from exprun.server.stores.sqlite import artifacts, runs
from exprun.server.stores.sqlite.database import Database
from exprun.server.stores.sqlite.datadir import DataDir
from exprun.server.stores.storage_faults import guarded

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


def release_run(conn: sqlite3.Connection, run_pk: int) -> list[ModelKey]:
    """Forgets the run's model directories (recorded models and uploads under way) and returns
    them, for the caller to remove after the commit."""
    rows: list[ModelKey] = conn.execute(
        "DELETE FROM model_dirs WHERE run_pk = ? RETURNING project, location, artifact_id", (run_pk,)
    ).fetchall()
    return rows


def release_experiment(conn: sqlite3.Connection, experiment_pk: int) -> list[ModelKey]:
    """Like `release_run` for every run of the experiment, and for the models that runs deleted
    earlier left to it. Call it before the artifacts go: it finds those through them."""
    rows: list[ModelKey] = conn.execute(
        "DELETE FROM model_dirs WHERE run_pk IN (SELECT pk FROM runs WHERE experiment_pk = ?)"
        " OR EXISTS (SELECT 1 FROM artifacts AS a WHERE a.experiment_pk = ? AND a.project ="
        " model_dirs.project AND a.location = model_dirs.location AND a.artifact_id = model_dirs.artifact_id)"
        " RETURNING project, location, artifact_id",
        (experiment_pk, experiment_pk),
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
        self._files = ModelDirectory(
            data_dir.incoming / uuid.uuid4().hex,
            data_dir.model(self._location.project, self._location.location, artifact_id),
        )
        self._committed = False
        self._finished = False

    @classmethod
    async def begin(
        cls, db: Database, data_dir: DataDir, name: RunName, artifact_id: str
    ) -> SqliteModelUpload:
        await db.write(lambda conn: reserve(conn, name, artifact_id))
        upload = cls(db, data_dir, name, artifact_id)
        try:
            await guarded(
                db.health, asyncio.to_thread(upload._files.incoming.mkdir, parents=True), write=True
            )
        except BaseException:
            await upload.abort()
            raise
        return upload

    async def write(self, path: str, data: bytes) -> None:
        if self._finished:
            raise RuntimeError("the upload is already committed or aborted")
        await guarded(self._db.health, asyncio.to_thread(self._files.write, path, data), write=True)

    async def commit(self) -> str:
        if self._finished:
            raise RuntimeError("the upload is already committed or aborted")
        # The new entry, and the entries of parents that the first model of a location created.
        publish = asyncio.to_thread(self._files.publish, (self._data_dir.models, self._data_dir.root))
        await guarded(self._db.health, publish, write=True)
        self._committed = self._finished = True
        return self._files.target.as_uri()

    async def abort(self) -> None:
        """Leaves no trace: the received files, the published directory if `commit` ran but the
        artifact was never recorded, and the reservation. Safe to call more than once.

        The files go right after the reservation, on the database thread, so a new upload that
        reserves the same ID next cannot have its directory removed by this abort."""
        self._finished = True
        uri = self._files.target.as_uri()
        committed = self._committed
        try:
            await self._db.write(
                lambda conn: _release(conn, self._location, self._artifact_id, uri),
                after_commit=lambda released: self._files.discard(published=committed and released),
            )
        except Unavailable:
            # The store is closed; the next open sweeps a published directory nobody recorded.
            await asyncio.to_thread(self._files.discard, published=False)


def staged_file(models_root: pathlib.Path, uri: str, path: str) -> pathlib.Path:
    """The file `path` of a model this store staged at `uri`; FailedPrecondition for a URI
    outside the store's model directory (a model logged by reference elsewhere)."""
    parsed = urlparse(uri)
    directory = pathlib.Path(url2pathname(parsed.path)) if parsed.scheme == "file" else None
    root = models_root.resolve()
    if directory is None or not directory.resolve().is_relative_to(root):
        raise FailedPrecondition(
            f"the model's files at {uri} are not kept by this server", reason="MODEL_NOT_UPLOADED"
        )
    target = (directory / path).resolve()
    if not target.is_relative_to(directory.resolve()):
        raise FailedPrecondition(f"{path} is not inside the model's directory", reason="MODEL_NOT_UPLOADED")
    return target


def read_bytes(file: pathlib.Path, offset: int, size: int) -> bytes:
    try:
        with file.open("rb") as f:
            f.seek(offset)
            return f.read(size)
    except FileNotFoundError:
        raise NotFound(str(file.name), kind="ModelFile") from None
