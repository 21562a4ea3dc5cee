"""Resource names: parsing, the project ID → project number mapping, and the ID rules Vertex documents.

Vertex accepts a project ID or a project number in a request but always answers with the number,
so every name the fake stores or returns is *canonical*: `projects/<number>/locations/...`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

from tests.fakes.vertex.errors import invalid

DEFAULT_PROJECT_NUMBER = 123456789

# CreateContext/CreateArtifact/CreateExecution/CreateMetadataStore docs: "Must be 4-128 characters in
# length. Valid characters are /[a-z][0-9]-/."
METADATA_ID = re.compile(r"^[a-z0-9-]{4,128}$")
# CreateTensorboardExperiment/CreateTensorboardRun docs: "1-128 characters, and valid characters are
# /[a-z][0-9]-/".
TENSORBOARD_CHILD_ID = re.compile(r"^[a-z0-9-]{1,128}$")
# CreateTensorboardTimeSeries doc: 'This value should match "[a-z0-9][a-z0-9-]{0, 127}"'.
TIME_SERIES_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")
# Tensorboards and pipeline jobs get their IDs from the server (or from a test helper).
SERVER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")

STORE = ("metadataStores",)
CONTEXT = ("metadataStores", "contexts")
ARTIFACT = ("metadataStores", "artifacts")
EXECUTION = ("metadataStores", "executions")
TENSORBOARD = ("tensorboards",)
TB_EXPERIMENT = ("tensorboards", "experiments")
TB_RUN = ("tensorboards", "experiments", "runs")
TB_TIME_SERIES = ("tensorboards", "experiments", "runs", "timeSeries")
PIPELINE_JOB = ("pipelineJobs",)
OPERATION = ("operations",)

# (project number, location, id, id, ...): the key of a resource in the fake's state.
Key = tuple[str, ...]


class Projects:
    """Maps project IDs to project numbers; an ID seen for the first time gets the next free number."""

    def __init__(self, numbers: Mapping[str, str] | None = None, first_number: int = DEFAULT_PROJECT_NUMBER):
        self._lock = threading.Lock()
        self._numbers: dict[str, str] = {}
        for project_id, number in (numbers or {}).items():
            if not number.isdigit() or project_id.isdigit():
                raise ValueError(f"project_numbers maps a project ID to digits, got {project_id}={number}")
            self._numbers[project_id] = number
        self._next = first_number

    def number(self, project: str) -> str:
        """The project number for a project ID or number (numbers map to themselves)."""
        if project.isdigit():
            return project
        with self._lock:
            found = self._numbers.get(project)
            if found is None:
                used = set(self._numbers.values())
                while str(self._next) in used:
                    self._next += 1
                found = self._numbers[project] = str(self._next)
                self._next += 1
            return found

    def snapshot(self) -> dict[str, str]:
        with self._lock:
            return dict(self._numbers)


def parse(name: str, collections: tuple[str, ...], projects: Projects) -> Key:
    """`projects/P/locations/L/<c1>/<id1>/...` → (number of P, L, id1, ...); INVALID_ARGUMENT otherwise."""
    parts = name.split("/")
    expected = ["projects", "", "locations", ""]
    for collection in collections:
        expected += [collection, ""]
    if len(parts) != len(expected) or any(
        (want and part != want) or (not want and not part) for part, want in zip(parts, expected, strict=True)
    ):
        pattern = "/".join(want or "{id}" for want in expected)
        raise invalid(f"Invalid resource name {name!r}: expected the format {pattern}.")
    return (projects.number(parts[1]), *parts[3::2])


def format_name(key: Key, collections: tuple[str, ...]) -> str:
    project, location, *ids = key
    name = f"projects/{project}/locations/{location}"
    for collection, resource_id in zip(collections, ids, strict=True):
        name += f"/{collection}/{resource_id}"
    return name


def canonical(name: str, collections: tuple[str, ...], projects: Projects) -> str:
    """The name with the project number, for comparing names written either way."""
    return format_name(parse(name, collections, projects), collections)


def with_project_number(name: str, projects: Projects) -> str:
    """Any `projects/P/...` text with P replaced by its number; other text unchanged (filters compare it)."""
    parts = name.split("/")
    if len(parts) >= 2 and parts[0] == "projects" and parts[1]:
        parts[1] = projects.number(parts[1])
    return "/".join(parts)


def check_id(resource_id: str, rule: re.Pattern[str], field: str, description: str) -> None:
    if not rule.match(resource_id):
        raise invalid(f"Invalid {field} {resource_id!r}: {description}")


METADATA_ID_RULE = "must be 4-128 characters long; valid characters are /[a-z][0-9]-/."
TENSORBOARD_CHILD_ID_RULE = "must be 1-128 characters long; valid characters are /[a-z][0-9]-/."
TIME_SERIES_ID_RULE = 'must match "[a-z0-9][a-z0-9-]{0, 127}".'
SERVER_ID_RULE = "must be 1-128 characters of [a-z0-9-], starting with a letter or digit."
