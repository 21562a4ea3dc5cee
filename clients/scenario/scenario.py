"""The interop scenario (clients/scenario/SCENARIO.md) through the Python client."""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time

from check import LOCATION, STEPS, check, check_executions_models_and_jobs
from exprun import client
from exprun.client import Execution, Experiment, ExperimentRun, RunState, errors

LANG = "python"


def main() -> int:
    client.init(
        target=os.environ.get("EXPRUN_TARGET", "127.0.0.1:50051"),
        project="polyglot-ci",
        location="us-central1",
    )
    experiment = f"polyglot-{LANG}"
    run_id = f"scenario-{LANG}"
    with contextlib.suppress(errors.AlreadyExists):
        Experiment.create(experiment)
    existing = ExperimentRun.get(run_id, experiment=experiment)
    if existing is not None:
        existing.delete()
    run = ExperimentRun.create(run_id, experiment=experiment)
    run.log_params({"lr": 0.01, "layers": 4, "optimizer": "adam"})
    run.log_metrics({"accuracy": 0.91, "epochs": 3})
    run.log_classification_metrics(
        display_name="eval",
        labels=["cat", "dog"],
        matrix=[[9, 1], [2, 8]],
        fpr=[0.0, 0.1, 1.0],
        tpr=[0.0, 0.8, 1.0],
        threshold=[1.0, 0.5, 0.0],
    )
    executions_models_and_jobs(run)

    steps = list(range(1, STEPS + 1))
    started = time.perf_counter()
    with run.time_series_writer(writer_id=f"scenario-{LANG}") as writer:
        half = STEPS // 2
        writer.log_columns(
            steps[:half], {"loss": [1 / s for s in steps[:half]], "acc": [s / STEPS for s in steps[:half]]}
        )
        writer.flush()
        writer.reconnect()  # the forced reconnect: the writer resumes from the committed sequence
        writer.log_columns(
            steps[half:], {"loss": [1 / s for s in steps[half:]], "acc": [s / STEPS for s in steps[half:]]}
        )
    elapsed = time.perf_counter() - started
    print(f"scenario {LANG}: writer {2 * STEPS / elapsed:,.0f} points/s")

    try:
        run.log_metrics({"bad": math.nan})
        raise SystemExit("NaN metric was accepted")
    except errors.InvalidArgument as error:
        fields = [field for field, _ in error.field_violations]
        print(f"scenario {LANG}: error {error.code.name} on {fields}")
        assert fields == ["metrics['bad']"], fields

    run.end_run()
    stored = ExperimentRun(run_id, experiment=experiment)
    check(stored)
    check_executions_models_and_jobs(stored, LANG)
    print(f"scenario {LANG}: ok")
    return 0


def executions_models_and_jobs(run: ExperimentRun) -> None:
    """Step 5a: an execution associated and updated, a model logged by URI as its output, and a
    pipeline and a custom job linked."""
    execution = run.associate_execution(
        Execution(
            display_name="train",
            schema_title="system.ContainerExecution",
            state=RunState.RUNNING,
            metadata={"lang": LANG},
        )
    )
    execution.update(state=RunState.COMPLETE, metadata={"epochs": 3})
    fetched = Execution(execution.resource_name)
    assert (fetched.state, fetched.metadata) == (RunState.COMPLETE, {"lang": LANG, "epochs": 3}), fetched
    model = run.log_model(
        uri=f"gs://polyglot-ci/models/{LANG}",
        framework_name="sklearn",
        framework_version="1.5.2",
        display_name=f"model-{LANG}",
        model_file="model.pkl",
    )
    execution.assign_output_artifacts([model])
    outputs = [a.resource_name for a in execution.get_output_artifacts()]
    assert (execution.get_input_artifacts(), outputs) == ([], [model.resource_name]), outputs
    run.log(pipeline_job=f"{LOCATION}/pipelineJobs/pipeline-{LANG}")
    run.log_custom_job(f"{LOCATION}/customJobs/custom-{LANG}")


if __name__ == "__main__":
    sys.exit(main())
