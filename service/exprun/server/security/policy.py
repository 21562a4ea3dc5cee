"""Which projects each principal may act in.

File format (JSON), principal or glob (`*`, `?`, `[...]`, matched case-sensitively against the
whole principal) → `"*"` or a list of project IDs:

    {"principals": {
        "system:serviceaccount:ml-training:trainer": ["proj-a", "proj-b"],
        "system:serviceaccount:ml-admin:*": "*",
        "ci-bot": ["proj-ci"]
    }}

A principal may act in the union of every matching entry and its credential's own grants (a
static token's inline `projects`). Project IDs are compared with the `projects/{project}`
segment of resource names exactly as clients send them: a policy naming `my-proj` does not
cover the same project's number.
"""

from __future__ import annotations

import fnmatch
import pathlib

from exprun.server.security.files import ConfigFileError, projects_list, read_json
from exprun.server.security.identity import ALL_PROJECTS, Identity


class Policy:
    def __init__(self, rules: list[tuple[str, frozenset[str]]]) -> None:
        self._rules = rules

    @classmethod
    def empty(cls) -> Policy:
        return cls([])

    @classmethod
    def load(cls, path: pathlib.Path) -> Policy:
        document = read_json(path)
        principals = document.get("principals") if isinstance(document, dict) else None
        if not isinstance(principals, dict):
            raise ConfigFileError(f'{path}: expected {{"principals": {{...}}}}')
        rules = []
        for pattern, projects in principals.items():
            if not pattern:
                raise ConfigFileError(f"{path}: an empty principal pattern matches nobody")
            rules.append((pattern, projects_list(projects, f"{path}: principals[{pattern!r}]")))
        return cls(rules)

    def projects(self, identity: Identity) -> frozenset[str]:
        granted = set(identity.projects)
        for pattern, projects in self._rules:
            if fnmatch.fnmatchcase(identity.principal, pattern):
                granted |= projects
        return frozenset(granted)

    def allows(self, identity: Identity, project: str) -> bool:
        granted = self.projects(identity)
        return ALL_PROJECTS in granted or project in granted
