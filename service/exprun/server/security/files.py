"""Reading the operator's JSON files (tokens, policy) with errors that name the file and the entry."""

from __future__ import annotations

import json
import pathlib
from typing import Any

from exprun.server.security.identity import ALL_PROJECTS


class ConfigFileError(ValueError):
    """A security file is missing, unreadable or malformed; the message says where."""


def read_json(path: pathlib.Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigFileError(f"{path} is not JSON: {exc.msg} at line {exc.lineno}") from None


def projects_list(value: object, where: str) -> frozenset[str]:
    """`"*"`, or a list of project IDs (which may include `"*"`)."""
    if value == ALL_PROJECTS:
        return frozenset({ALL_PROJECTS})
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise ConfigFileError(f'{where}: projects must be "*" or a list of project IDs')
    return frozenset(value)
