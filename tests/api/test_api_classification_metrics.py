"""LogClassificationMetrics and ListClassificationMetrics through the client."""

from __future__ import annotations

import pytest
from exprun.client import ExperimentRun, InvalidArgument


def test_logged_metrics_read_back_exactly_like_the_sdk(experiment_run: ExperimentRun) -> None:
    logged = experiment_run.log_classification_metrics(
        display_name="cm",
        labels=["cat", "dog"],
        matrix=[[9, 1], [1, 9]],
        fpr=[0.1, 0.5],
        tpr=[0.2, 0.6],
        threshold=[0.9, 0.5],
    )

    assert experiment_run.get_classification_metrics() == [
        {
            "id": logged.id,
            "display_name": "cm",
            "labels": ["cat", "dog"],
            "matrix": [[9.0, 1.0], [1.0, 9.0]],
            "fpr": [0.1, 0.5],
            "tpr": [0.2, 0.6],
            "threshold": [0.9, 0.5],
        }
    ]
    assert logged.id
    assert logged.resource_name.endswith(f"/classificationMetrics/{logged.id}")


def test_only_the_logged_parts_appear_oldest_first(experiment_run: ExperimentRun) -> None:
    matrix_only = experiment_run.log_classification_metrics(labels=["a", "b"], matrix=[[1, 0], [0, 1]])
    curve_only = experiment_run.log_classification_metrics(
        fpr=[0.0, 1.0], tpr=[0.0, 1.0], threshold=[1.0, 0.0]
    )

    assert experiment_run.get_classification_metrics() == [
        {"id": matrix_only.id, "display_name": "", "labels": ["a", "b"], "matrix": [[1.0, 0.0], [0.0, 1.0]]},
        {
            "id": curve_only.id,
            "display_name": "",
            "fpr": [0.0, 1.0],
            "tpr": [0.0, 1.0],
            "threshold": [1.0, 0.0],
        },
    ]


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"labels": ["a", "b"]}, "classification_metrics.labels", "labels and matrix must be set together"),
        (
            {"fpr": [0.1], "tpr": [0.2]},
            "classification_metrics.fpr",
            "fpr, tpr, and threshold must be set together",
        ),
        (
            {"labels": ["a", "b"], "matrix": [[1, 0]]},
            "classification_metrics.matrix",
            "length of labels and matrix must be the same",
        ),
        (
            {"fpr": [0.1, 0.2], "tpr": [0.2], "threshold": [0.9, 0.5]},
            "classification_metrics.fpr",
            "length of fpr, tpr and threshold must be the same",
        ),
    ],
)
def test_the_sdks_four_validation_errors_are_invalid_argument(
    experiment_run: ExperimentRun, arguments: dict[str, list[object]], field: str, message: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log_classification_metrics(**arguments)  # type: ignore[arg-type]

    assert any(f == field and message in d for f, d in caught.value.field_violations)
    assert isinstance(caught.value, ValueError)
    assert experiment_run.get_classification_metrics() == []
