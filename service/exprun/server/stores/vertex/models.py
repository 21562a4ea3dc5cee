"""Uploaded model files, staged under `model_staging_uri` until the model artifact records them.

Like the SDK's `log_model` with a `staging_bucket`, files go to a directory under the staging
URI whose URI the `google.ExperimentModel` artifact then holds. Readers never see a partial
model: bytes are received under `.incoming/<uuid>/` and `commit` publishes them whole at
`<staging>/<project>/<location>/<artifact_id>/`.

* A local directory (or `file://` URI) works like the embedded store: fsynced files, one atomic
  rename, fsynced parents. Staging left by a crash is swept at the next start after a day.
* `gs://bucket/prefix` writes objects with `google-cloud-storage` (installed with the Vertex
  SDK); `commit` copies them to their final names server-side and deletes the staged ones.
  It is not exercised by the test suite, which has no Cloud Storage.

The artifact ID is checked (GetArtifact) and reserved in this process when the upload begins;
two replicas racing for one ID both upload, and the second `CreateArtifact` fails with
AlreadyExists, after which the core aborts that upload.
"""

from __future__ import annotations

import abc
import asyncio
import pathlib
import shutil
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from exprun.server.core.errors import FailedPrecondition, NotFound
from exprun.server.core.names import LocationName
from exprun.server.core.store import ModelUpload
from exprun.server.stores.model_files import ModelDirectory
from exprun.server.stores.storage_faults import guarded

# Staged uploads older than this are a crashed process's: no upload lives that long.
_STALE_SECONDS = 24 * 3600


class Staging(abc.ABC):
    """Where model files go: a local directory or a Cloud Storage prefix."""

    @abc.abstractmethod
    def begin(self, location: LocationName, artifact_id: str) -> StagedModel: ...

    @abc.abstractmethod
    def owns(self, uri: str) -> bool:
        """Whether `uri` is a model directory this staging area made (so exprun may delete it)."""

    @abc.abstractmethod
    async def remove(self, uri: str) -> None: ...

    @abc.abstractmethod
    async def read(self, uri: str, path: str, offset: int, size: int) -> bytes:
        """Bytes of one file of a model this staging owns (`owns(uri)`, checked by the caller)."""


class StagedModel(abc.ABC):
    @abc.abstractmethod
    async def write(self, path: str, data: bytes) -> None: ...

    @abc.abstractmethod
    async def commit(self) -> str: ...

    @abc.abstractmethod
    async def discard(self, *, published: bool) -> None:
        """Removes the staged files, and the published directory too when `published`."""


def open_staging(uri: str) -> Staging:
    if uri.startswith("gs://"):
        bucket, _, prefix = uri[len("gs://") :].partition("/")
        return GcsStaging(bucket, prefix.strip("/"))
    if uri.startswith("file://"):
        parsed = urllib.parse.urlparse(uri)
        return LocalStaging(pathlib.Path(urllib.request.url2pathname(parsed.path)))
    return LocalStaging(pathlib.Path(uri))


# -- local directory ------------------------------------------------------------------------------
class LocalStaging(Staging):
    def __init__(self, root: pathlib.Path) -> None:
        self.root = root.resolve()
        self.incoming = self.root / ".incoming"

    def sweep(self) -> None:
        """Blocking: removes staged uploads a crashed process left behind."""
        if not self.incoming.is_dir():
            return
        for entry in self.incoming.iterdir():
            if time.time() - entry.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)

    def begin(self, location: LocationName, artifact_id: str) -> StagedModel:
        target = self.root / location.project / location.location / artifact_id
        return _LocalModel(self, self.incoming / uuid.uuid4().hex, target)

    def owns(self, uri: str) -> bool:
        if not uri.startswith("file://"):
            return False
        path = pathlib.Path(urllib.request.url2pathname(urllib.parse.urlparse(uri).path))
        return path.is_relative_to(self.root) and path != self.root and self.incoming not in path.parents

    async def remove(self, uri: str) -> None:
        if self.owns(uri):
            path = pathlib.Path(urllib.request.url2pathname(urllib.parse.urlparse(uri).path))
            await asyncio.to_thread(shutil.rmtree, path, True)

    async def read(self, uri: str, path: str, offset: int, size: int) -> bytes:
        directory = pathlib.Path(urllib.request.url2pathname(urllib.parse.urlparse(uri).path))

        def read() -> bytes:
            file = (directory / path).resolve()
            if not file.is_relative_to(directory.resolve()):
                raise FailedPrecondition(
                    f"{path} is not inside the model's directory", reason="MODEL_NOT_UPLOADED"
                )
            with file.open("rb") as f:
                f.seek(offset)
                return f.read(size)

        try:
            return await asyncio.to_thread(read)
        except FileNotFoundError:
            raise NotFound(f"{uri}/{path}", kind="ModelFile") from None


class _LocalModel(StagedModel):
    """Called in sequence by one request, never concurrently."""

    def __init__(self, staging: LocalStaging, incoming: pathlib.Path, target: pathlib.Path) -> None:
        self._staging = staging
        self._files = ModelDirectory(incoming, target)

    # A full staging disk fails the upload with STORAGE_FULL; it does not touch readiness, since
    # everything else this store keeps lives in Vertex.
    async def write(self, path: str, data: bytes) -> None:
        await guarded(None, asyncio.to_thread(self._files.write, path, data), write=True)

    async def commit(self) -> str:
        await guarded(None, asyncio.to_thread(self._files.publish, (self._staging.root,)), write=True)
        return self._files.target.as_uri()

    async def discard(self, *, published: bool) -> None:
        await asyncio.to_thread(self._files.discard, published=published)


# -- Cloud Storage --------------------------------------------------------------------------------
class GcsStaging(Staging):
    def __init__(self, bucket: str, prefix: str) -> None:
        self.bucket_name = bucket
        self.prefix = prefix
        self._bucket: Any = None

    def bucket(self) -> Any:
        """Built on first use: the client looks up Application Default Credentials."""
        if self._bucket is None:
            from google.cloud import storage  # type: ignore[attr-defined]

            self._bucket = storage.Client().bucket(self.bucket_name)
        return self._bucket

    def _key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def begin(self, location: LocationName, artifact_id: str) -> StagedModel:
        incoming = self._key(".incoming", uuid.uuid4().hex)
        target = self._key(location.project, location.location, artifact_id)
        return _GcsModel(self, incoming, target)

    def owns(self, uri: str) -> bool:
        head = f"gs://{self.bucket_name}/{self._key()}".rstrip("/") + "/"
        return uri.startswith(head) and ".incoming" not in uri[len(head) :].split("/")

    async def remove(self, uri: str) -> None:
        if self.owns(uri):
            key = uri[len(f"gs://{self.bucket_name}/") :]
            await asyncio.to_thread(self.delete_prefix, key)

    async def read(self, uri: str, path: str, offset: int, size: int) -> bytes:
        key = f"{uri[len(f'gs://{self.bucket_name}/') :].rstrip('/')}/{path}"

        def read() -> bytes:
            data: bytes = self.bucket().blob(key).download_as_bytes(start=offset, end=offset + size - 1)
            return data

        return await asyncio.to_thread(read)

    def delete_prefix(self, key: str) -> None:
        for blob in self.bucket().list_blobs(prefix=key.rstrip("/") + "/"):
            blob.delete()


class _GcsModel(StagedModel):
    def __init__(self, staging: GcsStaging, incoming: str, target: str) -> None:
        self._staging = staging
        self._incoming = incoming
        self._target = target
        self._writer: Any = None
        self._path = ""

    async def write(self, path: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, path, data)

    def _write(self, path: str, data: bytes) -> None:
        if path != self._path:
            self._close()
            blob = self._staging.bucket().blob(f"{self._incoming}/{path}")
            self._writer, self._path = blob.open("wb"), path
        self._writer.write(data)

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer, self._path = None, ""

    async def commit(self) -> str:
        def publish() -> None:
            self._close()
            bucket = self._staging.bucket()
            self._staging.delete_prefix(self._target)
            for blob in bucket.list_blobs(prefix=self._incoming + "/"):
                bucket.copy_blob(blob, bucket, self._target + blob.name[len(self._incoming) :])
            self._staging.delete_prefix(self._incoming)

        await asyncio.to_thread(publish)
        return f"gs://{self._staging.bucket_name}/{self._target}"

    async def discard(self, *, published: bool) -> None:
        def remove() -> None:
            if self._writer is not None:
                self._writer = None  # never closed: the resumable upload is abandoned
            self._staging.delete_prefix(self._incoming)
            if published:
                self._staging.delete_prefix(self._target)

        await asyncio.to_thread(remove)


# -- the port's upload --------------------------------------------------------------------------
class VertexModelUpload(ModelUpload):
    """One upload. `recorded(uri)` tells whether an artifact already holds the published files
    (then an abort is too late to take them); `release` frees the artifact ID's reservation."""

    def __init__(
        self,
        staged: StagedModel,
        recorded: Callable[[str], Any],
        release: Callable[[], None],
    ) -> None:
        self._staged = staged
        self._recorded = recorded
        self._release = release
        self._uri = ""
        self._finished = False

    async def write(self, path: str, data: bytes) -> None:
        if self._finished:
            raise RuntimeError("the upload is already committed or aborted")
        await self._staged.write(path, data)

    async def commit(self) -> str:
        if self._finished:
            raise RuntimeError("the upload is already committed or aborted")
        self._uri = await self._staged.commit()
        self._finished = True
        return self._uri

    async def abort(self) -> None:
        """Leaves no trace, unless an artifact already records the published files. Safe to call
        more than once."""
        self._finished = True
        try:
            published = bool(self._uri) and not await self._recorded(self._uri)
            await self._staged.discard(published=published)
        finally:
            self._release()
