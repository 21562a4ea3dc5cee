"""The outcome of authentication: who the caller is, and the projects its credential itself grants."""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_PROJECTS = "*"


@dataclass(frozen=True)
class Identity:
    """`projects` are the grants carried by the credential (a static token's inline list); the
    policy file may add more. `*` grants every project."""

    principal: str
    projects: frozenset[str] = field(default_factory=frozenset)
