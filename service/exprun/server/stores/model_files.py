"""A model directory received file by file and published whole, for every store that keeps
model files on a local disk (the embedded store's data directory, a Vertex store's local
staging directory).

Bytes go to a private `incoming` directory; `publish` fsyncs the files and their directories,
renames the directory to its target in one step and fsyncs the new entry's parents, so after a
crash there is either no model or the whole model. All methods block: call them off the loop.
"""

from __future__ import annotations

import os
import pathlib
import shutil
from collections.abc import Sequence
from typing import BinaryIO


def fsync_dir(path: pathlib.Path) -> None:
    """Makes a directory's entries (created or renamed files) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ModelDirectory:
    """Written in sequence by one request, never concurrently."""

    def __init__(self, incoming: pathlib.Path, target: pathlib.Path) -> None:
        self.incoming = incoming
        self.target = target
        self._file: BinaryIO | None = None
        self._file_path = ""

    def write(self, path: str, data: bytes) -> None:
        """Appends to `path`; the core has already rejected paths that could leave the directory,
        this re-check keeps the disk safe even if it had not."""
        if path != self._file_path:
            self.close(sync=True)
            file = (self.incoming / path).resolve()
            if not file.is_relative_to(self.incoming.resolve()):
                raise ValueError(f"model file path {path!r} leaves the model directory")
            file.parent.mkdir(parents=True, exist_ok=True)
            self._file, self._file_path = file.open("ab"), path
        assert self._file is not None
        self._file.write(data)

    def close(self, *, sync: bool) -> None:
        if self._file is None:
            return
        try:
            if sync:
                self._file.flush()
                os.fsync(self._file.fileno())
        finally:
            self._file.close()
            self._file, self._file_path = None, ""

    def publish(self, more_parents: Sequence[pathlib.Path] = ()) -> None:
        """fsync files, then their directories, then rename and fsync the new entry's parents
        (and `more_parents`, the directories the first model of a location may have created)."""
        self.incoming.mkdir(parents=True, exist_ok=True)
        self.close(sync=True)
        for directory, _, _ in os.walk(self.incoming):
            fsync_dir(pathlib.Path(directory))
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if self.target.exists():
            # Left by a crash between an earlier publish of this ID and its artifact: nothing owns it.
            shutil.rmtree(self.target)
        os.rename(self.incoming, self.target)
        for parent in (self.target.parent, self.target.parent.parent, *more_parents):
            fsync_dir(parent)

    def discard(self, *, published: bool) -> None:
        """Removes the received files, and the published directory too when `published`."""
        self.close(sync=False)
        shutil.rmtree(self.incoming, ignore_errors=True)
        if published:
            shutil.rmtree(self.target, ignore_errors=True)
