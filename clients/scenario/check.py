"""Reads, through the API, what each language's scenario wrote (clients/scenario/SCENARIO.md).

`python clients/scenario/check.py python go java typescript` exits non-zero on any mismatch.
"""

from __future__ import annotations

import os
import sys

from exprun import client
from exprun.client import ExperimentRun, RunState

STEPS = 50_000
LOCATION = "projects/polyglot-ci/locations/us-central1"


def check(run: ExperimentRun) -> None:
    params, metrics = run.get_params(), run.get_metrics()
    assert params == {"lr": 0.01, "layers": 4, "optimizer": "adam"}, params
    assert isinstance(params["layers"], int), params
    assert metrics == {"accuracy": 0.91, "epochs": 3}, metrics
    assert run.get_state() == "COMPLETE", run.get_state()
    (cm,) = run.get_classification_metrics()
    assert cm["display_name"] == "eval"
    assert cm["labels"] == ["cat", "dog"]
    assert cm["matrix"] == [[9.0, 1.0], [2.0, 8.0]]
    assert (cm["fpr"], cm["tpr"], cm["threshold"]) == ([0.0, 0.1, 1.0], [0.0, 0.8, 1.0], [1.0, 0.5, 0.0])
    series = run.read_time_series()
    for metric in ("loss", "acc"):
        got = series[metric]
        assert list(got.steps) == list(range(1, STEPS + 1)), metric
        for step in (1, 2, 777, STEPS // 2, STEPS // 2 + 1, STEPS):
            assert got.values[step - 1] == expected(metric, step), (metric, step)


def check_executions_models_and_jobs(run: ExperimentRun, lang: str) -> None:
    """SCENARIO.md step 5a: the execution, the model logged by URI and the two job links."""
    (execution,) = run.get_executions()
    assert execution.display_name == "train", execution
    assert execution.schema_title == "system.ContainerExecution", execution
    assert execution.state == RunState.COMPLETE, execution.state
    assert execution.metadata == {"lang": lang, "epochs": 3}, execution.metadata
    (model,) = run.get_experiment_models()
    assert model.uri == f"gs://polyglot-ci/models/{lang}", model.uri
    assert (model.framework_name, model.framework_version) == ("sklearn", "1.5.2"), model
    assert (model.display_name, model.model_file, model.files) == (f"model-{lang}", "model.pkl", ()), model
    assert [a.resource_name for a in execution.get_output_artifacts()] == [model.resource_name]
    assert execution.get_input_artifacts() == []
    titles = {a.schema_title for a in run.get_artifacts()}
    assert {"google.ClassificationMetrics", "google.ExperimentModel"} <= titles, titles
    assert [job.resource_name for job in run.get_logged_pipeline_jobs()] == [
        f"{LOCATION}/pipelineJobs/pipeline-{lang}"
    ]
    assert run.get_logged_custom_jobs() == [f"{LOCATION}/customJobs/custom-{lang}"]


def expected(metric: str, step: int) -> float:
    return 1 / step if metric == "loss" else step / STEPS


def main(languages: list[str]) -> int:
    client.init(
        target=os.environ.get("EXPRUN_TARGET", "127.0.0.1:50051"),
        project="polyglot-ci",
        location="us-central1",
    )
    for lang in languages:
        run = ExperimentRun(f"scenario-{lang}", experiment=f"polyglot-{lang}")
        check(run)
        check_executions_models_and_jobs(run, lang)
        print(f"check {lang}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["python"]))
