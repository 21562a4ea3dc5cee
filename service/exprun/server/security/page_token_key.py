"""The secret that signs page tokens, so a client cannot forge the cursor inside one.

Every replica that may receive a client's next call must hold the same key: on Vertex, with
several replicas, it comes from a file (`--page-token-key-file`, a Kubernetes Secret). The
embedded store runs as one process per data directory and keeps its own key there, created on
first start (mode 0600), so tokens survive restarts. Without either, a replica makes a random
key and says that its tokens will not be accepted by any other replica.
"""

from __future__ import annotations

import logging
import os
import pathlib
import secrets

from exprun.server.core.listing import KEY_MIN_BYTES, PageTokens
from exprun.server.settings import Settings, flag

log = logging.getLogger("exprun.server.security")

KEY_FILE = flag("page_token_key_file")
# In the embedded store's data directory, beside exprun.db.
DATA_DIR_KEY = "page-token.key"


class PageTokenKeyError(OSError):
    """The key file cannot be read or holds too short a key; the message names it. An OSError,
    so `exprun serve` reports it in one line like the other files it cannot use."""


def read_key(path: pathlib.Path, setting: str = KEY_FILE) -> bytes:
    """The file's bytes without surrounding whitespace (a Secret made with `openssl rand -base64
    48 > key` ends with a newline); at least KEY_MIN_BYTES of them."""
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise PageTokenKeyError(f"{setting}: cannot read {path}: {exc.strerror or exc}") from None
    if len(key) < KEY_MIN_BYTES:
        raise PageTokenKeyError(
            f"{setting}: {path} holds {len(key)} bytes; a key needs at least {KEY_MIN_BYTES} "
            "(e.g. `openssl rand -base64 48`)"
        )
    return key


def data_dir_key(data_dir: pathlib.Path) -> bytes:
    """The data directory's key, made on first start: written to a private temporary file and
    renamed into place, so a crash never leaves a short key behind."""
    path = data_dir / DATA_DIR_KEY
    if path.exists():
        if path.stat().st_mode & 0o077:
            log.warning("page token key %s is readable by other users; chmod 600 it", path)
        return read_key(path, f"page token key {DATA_DIR_KEY} in the data directory")
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / f".{DATA_DIR_KEY}.{os.getpid()}"
    key = secrets.token_urlsafe(48).encode()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(key)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return key


def page_tokens(settings: Settings) -> PageTokens:
    if settings.page_token_key_file is not None:
        return PageTokens(read_key(settings.page_token_key_file))
    if settings.store == "embedded":
        return PageTokens(data_dir_key(settings.data_dir))
    log.warning(
        "no %s: page tokens are signed with a random key of this process, so a next_page_token "
        "is refused by other replicas and after a restart; give every replica the same key file",
        KEY_FILE,
    )
    return PageTokens.ephemeral()
