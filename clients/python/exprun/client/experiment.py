"""`Experiment`: just enough of the SDK's class for the run workflow (create, get, list, delete)."""

from __future__ import annotations

import builtins
import datetime
from typing import TYPE_CHECKING, Any

from exprun.client import _api, _names, dataframe
from exprun.client.errors import NotFound
from exprun.client.values import from_timestamp
from exprun.v1 import experiment_run_service_pb2 as service_pb2
from exprun.v1 import resources_pb2

if TYPE_CHECKING:
    import pandas as pd


def tensorboard_name(tensorboard: Any, project: str, location: str) -> str:
    """A TensorBoard given as an ID, a full name or an object with `.resource_name`."""
    name = _names.resource_name_of(tensorboard, "tensorboard")
    return _names.in_location(name, "tensorboards", project, location)


class Experiment(_names.NamedResource):
    """A Vertex AI Experiment. `Experiment("name")` fetches it and raises `NotFound` if missing.

    Args:
        experiment_name: Required. An experiment ID or a full
            `projects/.../locations/L/experiments/E` name.
        project, location, credentials: Optional. See `exprun.client`.
    """

    def __init__(
        self,
        experiment_name: str,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> None:
        api = _api.current(credentials)
        name = _names.experiment_name(experiment_name, project, location)
        self._api = api
        self._proto: resources_pb2.Experiment = api.call(
            api.stub.GetExperiment, service_pb2.GetExperimentRequest(name=name)
        )

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        experiment_name: str,
        *,
        description: str | None = None,
        backing_tensorboard: Any = None,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> Experiment:
        """Raises `AlreadyExists` for an existing experiment, as the SDK does.

        Args:
            experiment_name: Required. The new experiment's ID: 4-128 characters of `[a-z0-9-]`.
            description: Optional. A free-form description.
            backing_tensorboard: Optional. The TensorBoard (an ID, a name or an object with
                `.resource_name`) that backs the time series of the experiment's runs.
            project, location, credentials: Optional. See `exprun.client`.
        """
        api = _api.current(credentials)
        parent = _names.location_name(project, location)
        body = resources_pb2.Experiment(description=description or "")
        if backing_tensorboard is not None:
            _, p, _, loc = parent.split("/")
            body.backing_tensorboard = tensorboard_name(backing_tensorboard, p, loc)
        proto = api.call(
            api.stub.CreateExperiment,
            service_pb2.CreateExperimentRequest(
                parent=parent, experiment_id=experiment_name, experiment=body
            ),
        )
        return cls._wrap(api, proto)

    @classmethod
    def get(
        cls,
        experiment_name: str,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> Experiment | None:
        """None when the experiment does not exist, like the SDK's `Experiment.get`.

        Args:
            experiment_name: Required. An experiment ID or a full name.
            project, location, credentials: Optional. See `exprun.client`.
        """
        try:
            return cls(experiment_name, project=project, location=location, credentials=credentials)
        except NotFound:
            return None

    @classmethod
    def get_or_create(
        cls,
        experiment_name: str,
        *,
        description: str | None = None,
        backing_tensorboard: Any = None,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> Experiment:
        """The experiment, created first if it does not exist (then with the given fields).

        Args:
            experiment_name: Required. An experiment ID.
            description, backing_tensorboard: Optional. As in `create`; unused when it exists.
            project, location, credentials: Optional. See `exprun.client`.
        """
        existing = cls.get(experiment_name, project=project, location=location, credentials=credentials)
        if existing is not None:
            return existing
        return cls.create(
            experiment_name,
            description=description,
            backing_tensorboard=backing_tensorboard,
            project=project,
            location=location,
            credentials=credentials,
        )

    @classmethod
    def list(
        cls,
        *,
        filter: str | None = None,
        order_by: str | None = None,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> builtins.list[Experiment]:
        """Every experiment of the project and location, all pages read.

        Args:
            filter: Optional. `experiment_id` and `backing_tensorboard` terms joined by AND,
                such as `experiment_id != "scratch"`; `backing_tensorboard = ""` finds the
                experiments without one.
            order_by: Optional. `create_time` (default, oldest first), `update_time` or
                `experiment_id`, optionally followed by ` desc`.
            project, location, credentials: Optional. See `exprun.client`.
        """
        api = _api.current(credentials)
        request = service_pb2.ListExperimentsRequest(
            parent=_names.location_name(project, location), filter=filter or "", order_by=order_by or ""
        )
        return api.list_all(
            api.stub.ListExperiments,
            request,
            lambda response: [cls._wrap(api, e) for e in response.experiments],
        )

    # -- actions ----------------------------------------------------------------------------------
    def delete(
        self, *, delete_backing_tensorboard_runs: bool = False, delete_artifacts: bool = False
    ) -> None:
        """Deletes the experiment and all its runs. Their artifacts and model files stay unless
        `delete_artifacts`, as `ExperimentRun.delete` leaves them.

        Args:
            delete_backing_tensorboard_runs: Optional. Also delete the TensorBoard runs that
                hold the runs' time series.
            delete_artifacts: Optional (exprun only). Also delete the runs' artifacts and model
                files.
        """
        self._api.call(
            self._api.stub.DeleteExperiment,
            service_pb2.DeleteExperimentRequest(
                name=self.exprun_name,
                delete_backing_tensorboard_runs=delete_backing_tensorboard_runs,
                delete_artifacts=delete_artifacts,
            ),
        )

    def get_data_frame(self, *, include_time_series: bool = True) -> pd.DataFrame:
        """Params, metrics and (unless `include_time_series=False`) the last value of every
        time series of every run, one row a run, with the SDK's columns (`experiment_name`,
        `run_name`, `run_type`, `state`, `param.*`, `metric.*`, `time_series_metric.*`).

        Needs pandas (`pip install 'exprun-client[pandas]'`).

        Args:
            include_time_series: Optional. False leaves out the `time_series_metric.*` columns
                (one read fewer per run).
        """
        return dataframe.experiment_data_frame(
            self._api, self.exprun_name, include_time_series=include_time_series
        )

    # -- properties -------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The experiment ID, as the SDK's `Experiment.name`."""
        return _names.segment(self._proto.name, "experiments")

    @property
    def description(self) -> str:
        return self._proto.description

    @property
    def backing_tensorboard_resource_name(self) -> str | None:
        return self._proto.backing_tensorboard or None

    @property
    def create_time(self) -> datetime.datetime | None:
        return from_timestamp(self._proto.create_time)

    @property
    def update_time(self) -> datetime.datetime | None:
        return from_timestamp(self._proto.update_time)

    def __repr__(self) -> str:
        return f"Experiment({self.exprun_name!r})"
