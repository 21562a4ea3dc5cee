"""Vertex resource names, and the two forms of a project in them.

Requests may name a project by ID (`my-proj`) or number; Vertex answers with the number
(`projects/123456789/...`). Filters such as `parent_contexts:"..."` and `in_context("...")`
match the stored, number form, and the SDK stores the returned names in links, so the store
learns each project's number from the first name Vertex returns and uses server names from
then on. Towards exprun clients names go back to the form the request used.
"""

from __future__ import annotations

from exprun.server.core import layouts
from exprun.server.core.names import ExperimentName, LocationName, RunName


def project_of(name: str) -> str:
    """`projects/{project}/...` -> project; "" for a name of another shape."""
    parts = name.split("/", 2)
    return parts[1] if len(parts) > 1 and parts[0] == "projects" else ""


def last_segment(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def tb_run_artifact_id(name: RunName) -> str:
    return f"{name.resource_id}{layouts.TB_RUN_ARTIFACT_SUFFIX}"


def tensorboard_of(resource: str) -> str:
    """The TensorBoard part of a TensorBoard, experiment, run or time series name."""
    return "/".join(resource.split("/")[:6])


def same_resource(a: str, b: str) -> bool:
    """Equal up to the project's form: callers only compare names within one project."""
    return a.split("/")[2:] == b.split("/")[2:]


class ProjectNumbers:
    """project ID -> number, learnt from returned names; never forgotten (numbers never change)."""

    def __init__(self) -> None:
        self._numbers: dict[str, str] = {}

    def learn(self, project: str, returned_name: str) -> None:
        number = project_of(returned_name)
        if number.isdigit() and not project.isdigit():
            self._numbers[project] = number

    def known(self, project: str) -> bool:
        return project.isdigit() or project in self._numbers

    def server(self, name: str, project: str) -> str:
        """The name as Vertex stores it, when the number is known; else unchanged."""
        number = self._numbers.get(project)
        if number is None or project_of(name) != project:
            return name
        return f"projects/{number}/{name.split('/', 2)[2]}"

    def client(self, name: str, project: str) -> str:
        """The name in the request's form: `projects/{project}/...` when it is that project."""
        if not name or project_of(name) == project:
            return name
        if project_of(name) == self._numbers.get(project):
            return f"projects/{project}/{name.split('/', 2)[2]}"
        return name

    def experiment_context(self, name: ExperimentName) -> str:
        return self.server(name.metadata_context, name.project)

    def run_context(self, name: RunName) -> str:
        return self.server(name.metadata_context, name.project)

    def store(self, location: LocationName) -> str:
        return self.server(location.metadata_store(), location.project)
