"""Model uploads: the checks on a LogModel header and the receiving of its files.

A model arrives as a header listing its files (path, size, sha256) and then the files' bytes in
chunks. Everything the header says is checked before the store opens an upload, and every chunk
while it streams in, so a file is never held whole in memory and a bad upload is refused with
the field that is wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

from exprun.server.core import layouts, limits
from exprun.server.core.errors import InvalidArgument, collect
from exprun.server.core.model import ExperimentModel, ModelFile
from exprun.server.core.quoting import quote
from exprun.server.core.store import ModelUpload
from exprun.server.core.validation import (
    check_model_artifact_id,
    check_model_files,
    check_text,
    metadata_size,
    metadata_too_large,
)


def check_model(model: ExperimentModel, files: Sequence[ModelFile]) -> None:
    """The header of a LogModel call, checked before a byte is received: a refused upload leaves
    nothing behind."""
    if not model.framework_name:
        raise InvalidArgument.field("header.model.framework_name", "is required")
    check_model_artifact_id(model.artifact_id, "header.model.artifact_id")
    collect(check_text(model.display_name, "header.model.display_name", limits.DISPLAY_NAME_MAX_CHARS))
    if model.uri and files:
        raise InvalidArgument.field("header.files", "must be empty when model.uri is set")
    if not model.uri and not files:
        raise InvalidArgument.field("header.files", "list the files to upload, or set model.uri")
    check_model_files(files, "header.files")
    for i, f in enumerate(files):
        if f.size_bytes < 0:
            raise InvalidArgument.field(f"header.files[{i}].size_bytes", "must be >= 0")
        if len(f.sha256) != 64 or any(c not in "0123456789abcdef" for c in f.sha256):
            raise InvalidArgument.field(f"header.files[{i}].sha256", "must be 64 lowercase hex digits")
    if sum(f.size_bytes for f in files) > limits.MODEL_MAX_TOTAL_BYTES:
        most = limits.size_text(limits.MODEL_MAX_TOTAL_BYTES)
        raise InvalidArgument.field("header.files", f"total size is over {most}")
    if model.input_example is not None and metadata_size({"x": model.input_example}) > (
        limits.METADATA_MAX_BYTES
    ):
        most = limits.size_text(limits.METADATA_MAX_BYTES)
        raise InvalidArgument.field("header.model.input_example", f"is over {most} serialized")
    size = metadata_size(layouts.model_artifact(replace(model, files=tuple(files))).metadata)
    if size > limits.METADATA_MAX_BYTES:
        raise metadata_too_large("header", f"makes the model's metadata {size} bytes", size)


async def receive_files(
    files: Sequence[ModelFile], chunks: AsyncIterator[tuple[str, bytes]], upload: ModelUpload
) -> None:
    """Checks order, sizes and checksums while the bytes stream in, never holding a whole file."""
    index, received = 0, 0
    digest = hashlib.sha256()

    async def finish_file() -> None:
        f = files[index]
        if received == 0:  # an empty file gets no chunk, but must still exist
            await upload.write(f.path, b"")
        if received != f.size_bytes:
            raise InvalidArgument.field(
                "chunk.data", f"file {quote(f.path)} has {received} bytes; the header says {f.size_bytes}"
            )
        if digest.hexdigest() != f.sha256:
            raise InvalidArgument.field(
                "chunk.data", f"file {quote(f.path)} does not match its sha256 in the header"
            )

    async for path, data in chunks:
        if len(data) > limits.MODEL_CHUNK_MAX_BYTES:
            most = limits.size_text(limits.MODEL_CHUNK_MAX_BYTES)
            raise InvalidArgument.field("chunk.data", f"is over {most}")
        while index < len(files) and path != files[index].path:
            await finish_file()
            index, received, digest = index + 1, 0, hashlib.sha256()
        if index >= len(files):
            raise InvalidArgument.field(
                "chunk.path", f"{quote(path)} is not the next file listed in the header"
            )
        received += len(data)
        if received > files[index].size_bytes:
            raise InvalidArgument.field("chunk.data", f"file {quote(path)} is larger than the header says")
        digest.update(data)
        await upload.write(path, data)
    while index < len(files):
        await finish_file()
        index, received, digest = index + 1, 0, hashlib.sha256()
