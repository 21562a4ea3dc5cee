"""Context-managed runs: a preempted job resumes its run, a diverging one fails, and a
hand-ended one is marked with a gapic state (after the SDK's `start_run` docstring samples)."""

import os

from google.cloud import aiplatform

PROJECT = os.environ["PORTING_PROJECT"]
LOCATION = "us-central1"
EXPERIMENT = os.environ["PORTING_EXPERIMENT"]

aiplatform.init(project=PROJECT, location=LOCATION, experiment=EXPERIMENT)

# First attempt, preempted after three steps.
with aiplatform.start_run("train-1") as run:
    run.log_params({"lr": 0.01, "epochs": 6, "shuffle": True})
    for step in range(1, 4):
        run.log_time_series_metrics({"loss": 1.0 / step}, step=step)

# The job restarts and resumes the same run.
with aiplatform.start_run("train-1", resume=True) as run:
    for step in range(4, 7):
        run.log_time_series_metrics({"loss": 1.0 / step}, step=step)
    run.log_metrics({"final_loss": 1.0 / 6})

# A run whose training raises ends FAILED.
try:
    with aiplatform.start_run("train-2") as run:
        run.log_params({"lr": 10.0, "epochs": 6, "shuffle": False})
        raise FloatingPointError("loss diverged")
except FloatingPointError:
    pass

# A run ended by hand with an explicit state.
aiplatform.start_run("train-3")
aiplatform.log_params({"lr": 0.02, "epochs": 1, "shuffle": True})
aiplatform.end_run(state=aiplatform.gapic.Execution.State.CANCELLED)

states = {run.name: run.get_state() for run in aiplatform.ExperimentRun.list(experiment=EXPERIMENT)}
resumed = aiplatform.ExperimentRun("train-1", experiment=EXPERIMENT)
resumed_params = resumed.get_params()
resumed_metrics = resumed.get_metrics()
loss_df = resumed.get_time_series_data_frame()
