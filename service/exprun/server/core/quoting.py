"""Request values quoted back in errors, never more than `QUOTED_VALUE_MAX_CHARS` of them.

An error that repeated a whole 5,000-character value made status trailers pass the client's
16 KiB metadata limit: the caller then saw RESOURCE_EXHAUSTED (and retried) where the server
had said INVALID_ARGUMENT. Every message and field path that shows a client's value goes
through `quote`, so a value is recognisable and an error stays small.
"""

from __future__ import annotations

import re

from exprun.server.core import limits

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote(value: object, max_chars: int = limits.QUOTED_VALUE_MAX_CHARS) -> str:
    """`repr` of the value's first `max_chars` characters, saying how long it was when cut."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= max_chars:
        return repr(text)
    return f"{text[:max_chars]!r}... ({len(text)} characters)"


def key_path(field: str, key: str) -> str:
    """The field path of a map entry, `params['lr']`, with the key quoted."""
    return f"{field}[{quote(key)}]"


def member_path(field: str, key: str) -> str:
    """The field path of a JSON object member: `metadata.a` for a plain name, else `metadata['a b']`."""
    if _IDENTIFIER.match(key) and len(key) <= limits.QUOTED_VALUE_MAX_CHARS:
        return f"{field}.{key}"
    return key_path(field, key)
