"""TensorBoard experiment IDs (one URL path segment) ↔ exprun experiments."""

from __future__ import annotations

import pytest
from exprun.server.core.errors import NotFound
from exprun.server.core.names import ExperimentName
from exprun.server.core.tensorboard import ExperimentIds, experiment_id

NAME = ExperimentName("my-project", "europe-west4", "churn-model")


def test_an_experiment_id_round_trips() -> None:
    assert experiment_id(NAME) == "my-project.europe-west4.churn-model"
    assert ExperimentIds().resolve(experiment_id(NAME)) == NAME


def test_the_bare_url_shows_the_default_experiment() -> None:
    assert ExperimentIds(NAME).resolve("") == NAME
    assert ExperimentIds(NAME).resolve("defaultExperimentId") == NAME  # the web app's name for it
    with pytest.raises(NotFound, match="--tensorboard-experiment"):
        ExperimentIds().resolve("")


def test_a_default_comes_from_the_setting() -> None:
    ids = ExperimentIds.from_setting("projects/my-project/locations/europe-west4/experiments/churn-model")
    assert ids.default == NAME
    assert ExperimentIds.from_setting(None).default is None


@pytest.mark.parametrize(
    "bad",
    [
        "churn-model",
        "a.b",
        "a.b.c.d",
        "MY-PROJECT.europe-west4.churn-model",
        "my-project.eu.abc",
        "..",
        "x" * 5000,
    ],
)
def test_an_id_that_names_no_experiment_is_not_found(bad: str) -> None:
    with pytest.raises(NotFound) as caught:
        ExperimentIds(NAME).resolve(bad)
    assert caught.value.reason == "EXPERIMENT_NOT_FOUND"
    assert len(caught.value.message) < 400
