"""Static bearer tokens from a file that holds their SHA-256 hashes, never the tokens.

File format (JSON):

    {"tokens": [
        {"sha256": "<64 hex digits>", "principal": "ci-bot", "projects": ["proj-a", "proj-b"]},
        {"sha256": "<64 hex digits>", "principal": "admin", "projects": "*"}
    ]}

`sha256` is the hex digest of the token's UTF-8 bytes (`printf %s "$TOKEN" | sha256sum`).
`projects` is optional: without it the token grants only what `--auth-policy` gives its
principal. A presented token is hashed and compared with every entry in constant time, so
neither the lookup's timing nor the file reveals a token.
"""

from __future__ import annotations

import hashlib
import hmac
import pathlib
import re
from dataclasses import dataclass

from exprun.server.security.files import ConfigFileError, projects_list, read_json
from exprun.server.security.identity import Identity

_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class _Entry:
    digest: bytes
    identity: Identity


class StaticTokens:
    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def load(cls, path: pathlib.Path) -> StaticTokens:
        document = read_json(path)
        tokens = document.get("tokens") if isinstance(document, dict) else None
        if not isinstance(tokens, list):
            raise ConfigFileError(f'{path}: expected {{"tokens": [...]}}')
        entries: list[_Entry] = []
        seen: set[str] = set()
        for index, item in enumerate(tokens):
            where = f"{path}: tokens[{index}]"
            if not isinstance(item, dict):
                raise ConfigFileError(f"{where}: expected an object")
            unknown = set(item) - {"sha256", "principal", "projects"}
            if unknown:
                raise ConfigFileError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
            digest = str(item.get("sha256", "")).lower()
            if not _HEX_SHA256.fullmatch(digest):
                raise ConfigFileError(f"{where}: sha256 must be 64 hex digits (the token's SHA-256)")
            if digest in seen:
                raise ConfigFileError(f"{where}: the same sha256 appears twice")
            seen.add(digest)
            principal = item.get("principal")
            if not isinstance(principal, str) or not principal:
                raise ConfigFileError(f"{where}: principal must be a non-empty string")
            projects = projects_list(item["projects"], where) if "projects" in item else frozenset()
            entries.append(_Entry(bytes.fromhex(digest), Identity(principal, projects)))
        return cls(entries)

    def lookup(self, token: str) -> Identity | None:
        digest = hashlib.sha256(token.encode("utf-8")).digest()
        found: Identity | None = None
        for entry in self._entries:  # no early exit: every lookup costs the same
            if hmac.compare_digest(digest, entry.digest):
                found = entry.identity
        return found
