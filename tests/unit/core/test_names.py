"""The Vertex ID rules hold on every store, so a run can move to Vertex unchanged."""

from __future__ import annotations

import pytest
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.names import parse_experiment, parse_run, parse_tensorboard

BASE = "projects/my-project/locations/us-central1"


def test_run_name_exposes_the_sdk_resource_id_and_context_name() -> None:
    run = parse_run(f"{BASE}/experiments/exp1/runs/run-1", "name")
    assert run.resource_id == "exp1-run-1"
    assert run.metadata_context == f"{BASE}/metadataStores/default/contexts/exp1-run-1"


@pytest.mark.parametrize("run_id", ["Run.1", "UPPER", "-lead", "has_underscore", "a b", ""])
def test_run_ids_outside_lowercase_letters_digits_and_hyphens_are_rejected(run_id: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        parse_run(f"{BASE}/experiments/exp1/runs/{run_id}", "name")
    assert raised.value.violations[0].field == "name"


def test_experiment_and_run_ids_together_may_not_pass_121_characters() -> None:
    experiment = "e" * 60
    parse_run(f"{BASE}/experiments/{experiment}/runs/{'r' * 60}", "name")  # 60 + 1 + 60 = 121
    with pytest.raises(InvalidArgument) as raised:
        parse_run(f"{BASE}/experiments/{experiment}/runs/{'r' * 61}", "name")
    assert raised.value.reason == "RUN_ID_TOO_LONG"


@pytest.mark.parametrize("experiment", ["abc", "e" * 129, "Exp1"])
def test_experiment_ids_follow_the_context_id_rule(experiment: str) -> None:
    with pytest.raises(InvalidArgument):
        parse_experiment(f"{BASE}/experiments/{experiment}", "name")


@pytest.mark.parametrize(
    "name",
    [
        "projects/p/locations/us-central1/experiments/exp1",  # project too short
        "projects/my-project/experiments/exp1",
        "projects/my-project/locations/us-central1/experiments/exp1/extra",
        "projects/my-project/locations//experiments/exp1",
    ],
)
def test_malformed_names_are_invalid_arguments_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        parse_experiment(name, "parent")
    assert raised.value.violations[0].field == "parent"


def test_project_numbers_are_accepted_like_project_ids() -> None:
    assert parse_experiment("projects/123456789/locations/us-central1/experiments/exp1", "n").project == (
        "123456789"
    )


def test_a_tensorboard_in_another_location_or_project_is_rejected() -> None:
    run = parse_run(f"{BASE}/experiments/exp1/runs/r", "name")
    within = run.parent.parent
    parse_tensorboard(f"{BASE}/tensorboards/tb1", "tensorboard", within)
    with pytest.raises(InvalidArgument, match="location"):
        parse_tensorboard(
            "projects/my-project/locations/europe-west4/tensorboards/tb1", "tensorboard", within
        )
    with pytest.raises(InvalidArgument, match="project"):
        parse_tensorboard(
            "projects/other-project/locations/us-central1/tensorboards/1", "tensorboard", within
        )
