"""The issuer's public keys (a JWKS), from a file or an https URL, cached by key ID.

Keys are loaded at start (a JWKS that cannot be read stops the server there, not at the first
request). A token naming an unknown `kid` triggers a reload, so a rotated key is picked up
without a restart; reloads for unknown kids happen at most once per `min_refresh_seconds`, so
tokens with made-up kids cannot make the server hammer the issuer. Keys older than
`max_age_seconds` are reloaded before use, so a removed key stops being trusted. A failed reload
keeps the keys already known and is logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pathlib
import ssl
import time
import urllib.error
import urllib.request
from typing import Any

import jwt

log = logging.getLogger("exprun.server.security")

# Algorithms a key may verify, by what PyJWT infers from the key (kty/crv or its `alg`).
ALGORITHMS = ("RS256", "ES256")
MAX_JWKS_BYTES = 1024 * 1024
FETCH_TIMEOUT_SECONDS = 10.0


class JwksError(ValueError):
    """The JWKS could not be fetched or holds no usable key; the message says which and why."""


class Jwks:
    def __init__(
        self,
        location: str,
        *,
        min_refresh_seconds: float = 30.0,
        max_age_seconds: float = 3600.0,
    ) -> None:
        if location.startswith(("http://", "file://")):
            raise JwksError(f"{location}: the JWKS must be a file path or an https:// URL")
        self.location = location
        self._min_refresh = min_refresh_seconds
        self._max_age = max_age_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._loaded_at = 0.0
        self._attempted_at = float("-inf")
        self._lock = asyncio.Lock()

    async def load(self) -> int:
        """The first load; raises JwksError. Returns the number of usable keys."""
        self._keys = await asyncio.to_thread(self.read)
        # Only reloads count towards the interval: a key rotated just after start is found at once.
        self._loaded_at = time.monotonic()
        return len(self._keys)

    async def key(self, kid: str) -> jwt.PyJWK | None:
        now = time.monotonic()
        if now - self._loaded_at > self._max_age:
            await self._refresh(stale_before=now)
        found = self._keys.get(kid)
        if found is None and now - self._attempted_at >= self._min_refresh:
            await self._refresh(stale_before=now)
            found = self._keys.get(kid)
        return found

    async def _refresh(self, *, stale_before: float) -> None:
        async with self._lock:
            if self._attempted_at >= stale_before:  # another request reloaded while we waited
                return
            self._attempted_at = time.monotonic()
            try:
                keys = await asyncio.to_thread(self.read)
            except JwksError as exc:
                log.warning("keeping the known JWKS keys: %s", exc)
                return
            self._keys = keys
            self._loaded_at = self._attempted_at

    def read(self) -> dict[str, jwt.PyJWK]:
        raw = self._fetch() if self.location.startswith("https://") else self._read_file()
        try:
            document = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise JwksError(f"{self.location} is not JSON: {exc}") from None
        return parse_keys(document, self.location)

    def _read_file(self) -> bytes:
        path = pathlib.Path(self.location)
        try:
            with path.open("rb") as f:
                return f.read(MAX_JWKS_BYTES)
        except OSError as exc:
            raise JwksError(f"cannot read {path}: {exc.strerror or exc}") from None

    def _fetch(self) -> bytes:
        """The system trust store verifies the issuer (SSL_CERT_FILE overrides it, e.g. for a
        cluster's own CA)."""
        request = urllib.request.Request(self.location, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(
                request, timeout=FETCH_TIMEOUT_SECONDS, context=ssl.create_default_context()
            ) as response:
                body: bytes = response.read(MAX_JWKS_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise JwksError(f"cannot fetch {self.location}: {reason}") from None
        if len(body) > MAX_JWKS_BYTES:
            raise JwksError(f"{self.location}: the JWKS is larger than {MAX_JWKS_BYTES} bytes")
        return body


def parse_keys(document: Any, where: str) -> dict[str, jwt.PyJWK]:
    """Signing keys with a `kid` and an accepted algorithm; others are skipped, not fatal, as
    issuers publish keys for other uses side by side."""
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise JwksError(f'{where}: expected a JWKS, {{"keys": [...]}}')
    usable: dict[str, jwt.PyJWK] = {}
    for entry in keys:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(entry)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
        if key.algorithm_name in ALGORITHMS:
            usable[entry["kid"]] = key
    if not usable:
        raise JwksError(f"{where}: no signing key with a kid for {' or '.join(ALGORITHMS)}")
    return usable
