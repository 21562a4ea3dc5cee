"""Resource names and the Vertex ID rules.

The same rules hold on every store, so a run created on a laptop's embedded store can later
be replayed into Vertex AI without renaming (vertex-mapping.md §1.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exprun.server.core import limits
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.quoting import quote

# Vertex Metadata context IDs; the SDK's `^[\w-]+$` is looser, the server's rule wins.
_EXPERIMENT_ID = re.compile(
    rf"^[a-z0-9][a-z0-9-]{{{limits.EXPERIMENT_ID_MIN_CHARS - 1},{limits.EXPERIMENT_ID_MAX_CHARS - 1}}}$"
)
# TensorboardRun IDs; the run context `{E}-{R}` is held to `limits.RUN_RESOURCE_ID_MAX_CHARS`.
_RUN_ID = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{limits.RUN_ID_MAX_CHARS - 1}}}$")
# Project IDs (a letter first, no dash last) and project numbers are both accepted on input.
_PROJECT = re.compile(
    rf"^(?:[a-z][a-z0-9-]{{{limits.PROJECT_ID_MIN_CHARS - 2},{limits.PROJECT_ID_MAX_CHARS - 2}}}[a-z0-9]"
    r"|[0-9]{1,20})$"
)
_LOCATION = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_TENSORBOARD_ID = re.compile(r"^[0-9a-z][0-9a-z-]{0,127}$")
_JOB_ID = re.compile(r"^[0-9a-zA-Z][0-9a-zA-Z_-]{0,127}$")

METADATA_STORE = "default"


@dataclass(frozen=True, order=True)
class LocationName:
    project: str
    location: str

    @property
    def path(self) -> str:
        return f"projects/{self.project}/locations/{self.location}"

    def metadata_store(self) -> str:
        return f"{self.path}/metadataStores/{METADATA_STORE}"


@dataclass(frozen=True, order=True)
class ExperimentName:
    project: str
    location: str
    experiment: str

    @property
    def parent(self) -> LocationName:
        return LocationName(self.project, self.location)

    @property
    def path(self) -> str:
        return f"{self.parent.path}/experiments/{self.experiment}"

    @property
    def metadata_context(self) -> str:
        return f"{self.parent.metadata_store()}/contexts/{self.experiment}"

    def run(self, run: str) -> RunName:
        return RunName(self.project, self.location, self.experiment, run)


@dataclass(frozen=True, order=True)
class RunName:
    project: str
    location: str
    experiment: str
    run: str

    @property
    def parent(self) -> ExperimentName:
        return ExperimentName(self.project, self.location, self.experiment)

    @property
    def path(self) -> str:
        return f"{self.parent.path}/runs/{self.run}"

    @property
    def resource_id(self) -> str:
        """The run's Vertex context ID, `{E}-{R}`: unique per metadata store, as on Vertex."""
        return f"{self.experiment}-{self.run}"

    @property
    def metadata_context(self) -> str:
        return f"{self.parent.parent.metadata_store()}/contexts/{self.resource_id}"


def _split(value: str, field: str, shape: str, count: int) -> list[str]:
    parts = value.split("/")
    if not value:
        raise InvalidArgument.field(field, f"is required; format: {shape}", reason="MISSING_FIELD")
    if len(parts) != count * 2 or any(not p for p in parts):
        raise InvalidArgument.field(field, f"must have the format {shape}", reason="BAD_NAME")
    return parts


def _check_project_location(project: str, location: str, field: str) -> None:
    if not _PROJECT.match(project):
        raise InvalidArgument.field(
            field,
            f"project {quote(project)} is not a project ID "
            f"({limits.PROJECT_ID_MIN_CHARS}-{limits.PROJECT_ID_MAX_CHARS} of [a-z0-9-]) or number",
            reason="BAD_NAME",
        )
    if not _LOCATION.match(location):
        raise InvalidArgument.field(field, f"location {quote(location)} is not valid", reason="BAD_NAME")


def parse_location(value: str, field: str) -> LocationName:
    shape = "projects/{project}/locations/{location}"
    parts = _split(value, field, shape, 2)
    if parts[0] != "projects" or parts[2] != "locations":
        raise InvalidArgument.field(field, f"must have the format {shape}", reason="BAD_NAME")
    _check_project_location(parts[1], parts[3], field)
    return LocationName(parts[1], parts[3])


def parse_metadata_store(value: str, field: str) -> LocationName | None:
    """`projects/P/locations/L/metadataStores/default` as its location; None for a name of
    another shape (the caller tries the other names the field takes)."""
    parts = value.split("/")
    if len(parts) != 6 or parts[0] != "projects" or parts[2] != "locations" or parts[4] != "metadataStores":
        return None
    if parts[5] != "default":
        raise InvalidArgument.field(field, "the only metadata store is `default`", reason="BAD_NAME")
    _check_project_location(parts[1], parts[3], field)
    return LocationName(parts[1], parts[3])


def check_experiment_id(experiment: str, field: str) -> None:
    if not _EXPERIMENT_ID.match(experiment):
        raise InvalidArgument.field(
            field,
            f"experiment ID {quote(experiment)} must be "
            f"{limits.EXPERIMENT_ID_MIN_CHARS}-{limits.EXPERIMENT_ID_MAX_CHARS} characters of [a-z0-9-], "
            "starting with a letter or digit",
            reason="BAD_EXPERIMENT_ID",
        )


def check_run_id(experiment: str, run: str, field: str) -> None:
    if not _RUN_ID.match(run):
        raise InvalidArgument.field(
            field,
            f"run ID {quote(run)} must be 1-{limits.RUN_ID_MAX_CHARS} characters of [a-z0-9-], "
            "starting with a letter or digit",
            reason="BAD_RUN_ID",
        )
    length = len(experiment) + 1 + len(run)
    if length > limits.RUN_RESOURCE_ID_MAX_CHARS:
        raise InvalidArgument.field(
            field,
            f"experiment ID and run ID together ({experiment}-{run}) are {length} characters; "
            f"at most {limits.RUN_RESOURCE_ID_MAX_CHARS} are allowed",
            reason="RUN_ID_TOO_LONG",
        )


def parse_experiment(value: str, field: str) -> ExperimentName:
    shape = "projects/{project}/locations/{location}/experiments/{experiment}"
    parts = _split(value, field, shape, 3)
    if parts[0] != "projects" or parts[2] != "locations" or parts[4] != "experiments":
        raise InvalidArgument.field(field, f"must have the format {shape}", reason="BAD_NAME")
    _check_project_location(parts[1], parts[3], field)
    check_experiment_id(parts[5], field)
    return ExperimentName(parts[1], parts[3], parts[5])


def parse_run(value: str, field: str) -> RunName:
    shape = "projects/{project}/locations/{location}/experiments/{experiment}/runs/{run}"
    parts = _split(value, field, shape, 4)
    if parts[6] != "runs":
        raise InvalidArgument.field(field, f"must have the format {shape}", reason="BAD_NAME")
    experiment = parse_experiment("/".join(parts[:6]), field)
    check_run_id(experiment.experiment, parts[7], field)
    return experiment.run(parts[7])


def parse_tensorboard(value: str, field: str, within: LocationName) -> str:
    """A TensorBoard must live in the run's project and location, as the SDK checks."""
    shape = "projects/{project}/locations/{location}/tensorboards/{tensorboard}"
    parts = _split(value, field, shape, 3)
    if parts[0] != "projects" or parts[2] != "locations" or parts[4] != "tensorboards":
        raise InvalidArgument.field(field, f"must have the format {shape}", reason="BAD_NAME")
    _check_project_location(parts[1], parts[3], field)
    if not _TENSORBOARD_ID.match(parts[5]):
        raise InvalidArgument.field(field, "tensorboard ID is not valid", reason="BAD_NAME")
    same_kind = parts[1].isdigit() == within.project.isdigit()
    if same_kind and parts[1] != within.project:
        raise InvalidArgument.field(
            field,
            f"tensorboard is in project {parts[1]} but must be in project {within.project}",
            reason="TENSORBOARD_PROJECT_MISMATCH",
        )
    if parts[3] != within.location:
        raise InvalidArgument.field(
            field,
            f"tensorboard is in location {parts[3]} but must be in location {within.location}",
            reason="TENSORBOARD_LOCATION_MISMATCH",
        )
    return value


def parse_job(value: str, field: str, collection: str) -> str:
    shape = f"projects/{{project}}/locations/{{location}}/{collection}/{{id}}"
    parts = _split(value, field, shape, 3)
    if parts[0] != "projects" or parts[2] != "locations" or parts[4] != collection:
        raise InvalidArgument.field(field, f"must have the format {shape}", reason="BAD_NAME")
    _check_project_location(parts[1], parts[3], field)
    if not _JOB_ID.match(parts[5]):
        raise InvalidArgument.field(field, "job ID is not valid", reason="BAD_NAME")
    return value


def parse_metadata_resource(value: str, field: str, collection: str) -> tuple[LocationName, str]:
    """`projects/P/locations/L/metadataStores/default/{collection}/{id}` as (location, ID).

    IDs follow the artifact rule (`check_model_artifact_id`), checked by the caller."""
    shape = f"projects/{{project}}/locations/{{location}}/metadataStores/default/{collection}/{{id}}"
    parts = _split(value, field, shape, 4)
    if (
        parts[0] != "projects"
        or parts[2] != "locations"
        or parts[4] != "metadataStores"
        or parts[5] != "default"
        or parts[6] != collection
    ):
        raise InvalidArgument.field(field, f"must have the format {shape}", reason="BAD_NAME")
    _check_project_location(parts[1], parts[3], field)
    return LocationName(parts[1], parts[3]), parts[7]
