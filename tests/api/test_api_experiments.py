"""Experiments through the client: CreateExperiment, GetExperiment, ListExperiments, DeleteExperiment."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import grpc
import pytest
from exprun.client import (
    AlreadyExists,
    Experiment,
    ExperimentRun,
    InvalidArgument,
    NotFound,
    init,
)

from tests.api.conftest import LOCATION, PROJECT

TENSORBOARD = f"projects/{PROJECT}/locations/{LOCATION}/tensorboards/tb1"


def test_created_experiment_has_vertex_names_and_reads_back(unique_name: Callable[[str], str]) -> None:
    name = unique_name("e")

    created = Experiment.create(name, description="my desc", backing_tensorboard="tb1")
    fetched = Experiment(name)

    assert fetched == created
    assert fetched.name == name
    assert fetched.exprun_name == f"projects/{PROJECT}/locations/{LOCATION}/experiments/{name}"
    assert (
        fetched.resource_name
        == f"projects/{PROJECT}/locations/{LOCATION}/metadataStores/default/contexts/{name}"
    )
    assert (fetched.project, fetched.location) == (PROJECT, LOCATION)
    assert fetched.description == "my desc"
    assert fetched.backing_tensorboard_resource_name == TENSORBOARD
    assert fetched.create_time is not None
    assert fetched.update_time is not None


def test_creating_an_existing_experiment_is_already_exists(experiment: Experiment) -> None:
    with pytest.raises(AlreadyExists) as caught:
        Experiment.create(experiment.name)

    assert caught.value.code == grpc.StatusCode.ALREADY_EXISTS
    assert caught.value.domain == "exprun.dev"


def test_a_missing_experiment_is_not_found_or_none(unique_name: Callable[[str], str]) -> None:
    name = unique_name("missing")

    assert Experiment.get(name) is None
    with pytest.raises(NotFound) as caught:
        Experiment(name)
    assert caught.value.metadata["resource_name"].endswith(f"/experiments/{name}")


def test_a_bad_experiment_id_names_the_field(experiment: Experiment) -> None:
    with pytest.raises(InvalidArgument) as caught:
        Experiment.create("Bad_Name")

    assert caught.value.field_violations[0][0] == "experiment_id"
    assert caught.value.reason == "BAD_EXPERIMENT_ID"


def test_list_reads_every_page_in_creation_order() -> None:
    # A project of its own, so only this test's experiments are listed; 105 needs two pages of 100.
    project = f"list-{uuid.uuid4().hex[:12]}"
    names = [f"exp-{i:03d}" for i in range(105)]
    for name in names:
        Experiment.create(name, project=project)

    listed = Experiment.list(project=project)

    assert [e.name for e in listed] == names
    assert [e.name for e in Experiment.list(project=project, order_by="experiment_id desc")][:2] == [
        "exp-104",
        "exp-103",
    ]
    assert [e.name for e in Experiment.list(project=project, filter='experiment_id = "exp-007"')] == [
        "exp-007"
    ]


def test_delete_removes_the_experiment_and_its_runs(experiment: Experiment) -> None:
    ExperimentRun.create("run-1", experiment=experiment)

    experiment.delete()

    assert Experiment.get(experiment.name) is None
    assert ExperimentRun.get("run-1", experiment=experiment.name) is None
    with pytest.raises(NotFound):
        experiment.delete()


def test_init_with_an_experiment_creates_it_once_like_the_sdk(unique_name: Callable[[str], str]) -> None:
    name = unique_name("e")

    init(experiment=name, experiment_description="first")
    init(experiment=name, experiment_description="second")

    experiment = Experiment(name)
    assert experiment.description == "first"
    assert ExperimentRun.create("run-1").experiment == name
