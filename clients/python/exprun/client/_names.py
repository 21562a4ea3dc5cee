"""Turning what users type (`"run-1"`, an experiment object, a full name) into resource names.

IDs are not validated here: the server owns the Vertex ID rules and answers a bad name with
INVALID_ARGUMENT naming the field, so the client cannot drift from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, Self

from exprun.client import _config

# The one metadata store of a location, as a path segment of artifact and execution names.
METADATA_STORE = "metadataStores/default"

if TYPE_CHECKING:
    from exprun.client._api import Api


class HasExprunName(Protocol):
    @property
    def exprun_name(self) -> str: ...


class _NamedProto(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def metadata_context(self) -> str: ...


class NamedResource:
    """The name properties `Experiment` and `ExperimentRun` share, read from their cached proto."""

    _api: Api
    _proto: _NamedProto

    @classmethod
    def _wrap(cls, api: Api, proto: Any) -> Self:
        """An object for a resource the caller already fetched (a create or a list): no call."""
        wrapped = cls.__new__(cls)
        wrapped._api = api
        wrapped._proto = proto
        return wrapped

    def __eq__(self, other: object) -> bool:
        """The same resource: an `ExperimentRun` equals another handle of the same run, never
        an `Experiment` of the same name, which is another kind."""
        return (
            type(other) is type(self)
            and isinstance(other, NamedResource)
            and other.exprun_name == self.exprun_name
        )

    def __hash__(self) -> int:
        return hash(self.exprun_name)

    @property
    def exprun_name(self) -> str:
        """`projects/{project}/locations/{location}/experiments/{experiment}`, plus `/runs/{run}` on a run."""
        return self._proto.name

    @property
    def resource_name(self) -> str:
        """The Vertex Metadata context name, as the SDK's `resource_name`."""
        return self._proto.metadata_context

    @property
    def project(self) -> str:
        return segment(self._proto.name, "projects")

    @property
    def location(self) -> str:
        return segment(self._proto.name, "locations")


def location_name(project: str | None = None, location: str | None = None) -> str:
    return f"projects/{_config.project(project)}/locations/{_config.location(location)}"


def experiment_name(
    experiment: str | HasExprunName | None,
    project: str | None = None,
    location: str | None = None,
) -> str:
    """A bare experiment ID, a full `projects/.../experiments/E` name, or an `Experiment`."""
    if experiment is not None and not isinstance(experiment, str):
        return experiment.exprun_name
    chosen = _config.experiment(experiment)
    if not chosen:
        raise ValueError(
            "No experiment is set: pass experiment=..., call exprun.client.init(experiment=...), "
            "or set EXPRUN_EXPERIMENT."
        )
    if chosen.startswith("projects/"):
        return chosen
    return f"{location_name(project, location)}/experiments/{chosen}"


def run_name(
    run: str,
    experiment: str | HasExprunName | None = None,
    project: str | None = None,
    location: str | None = None,
) -> str:
    """A bare run ID within `experiment`, or a full `projects/.../experiments/E/runs/R` name."""
    if run.startswith("projects/"):
        return run
    return f"{experiment_name(experiment, project, location)}/runs/{run}"


def check_metadata_store(metadata_store_id: str | None) -> None:
    """The SDK's `metadata_store_id=` arguments: exprun keeps one store per location."""
    if metadata_store_id not in (None, "default"):
        raise ValueError("exprun has one metadata store: metadata_store_id must be 'default'")


def in_location(name: str, collection: str, project: str, location: str) -> str:
    """`name` if it is a full name already, else the ID `name` in `collection` of the location."""
    if name.startswith("projects/"):
        return name
    return f"projects/{project}/locations/{location}/{collection}/{name}"


def in_metadata_store(name: str, collection: str, project: str | None, location: str | None) -> str:
    """`name` if it is a full name already, else the ID `name` in `collection` (`artifacts`,
    `executions`) of the location's one metadata store."""
    return in_location(
        name, f"{METADATA_STORE}/{collection}", _config.project(project), _config.location(location)
    )


def segment(name: str, collection: str) -> str:
    """The ID after `collection` in a resource name (`""` if absent)."""
    parts = name.split("/")
    for i, part in enumerate(parts[:-1]):
        if part == collection:
            return parts[i + 1]
    return ""


def resource_name_of(obj: Any, kind: str) -> str:
    """Accepts a name or any SDK-like object with `.resource_name` (a PipelineJob, a Tensorboard)."""
    if isinstance(obj, str):
        return obj
    name = getattr(obj, "resource_name", None)
    if isinstance(name, str):
        return name
    raise TypeError(f"{kind} must be a resource name or have a .resource_name, not {type(obj).__name__}")
