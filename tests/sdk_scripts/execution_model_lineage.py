"""Training inside executions: a base model and a fine-tuned one are each an execution's output,
the base model the fine-tune's input, and the tuned model is loaded back to predict (after the
SDK's "track executions and artifacts" and `log_model` samples)."""

import os

from google.cloud import aiplatform
from sklearn.linear_model import LinearRegression

PROJECT = os.environ["PORTING_PROJECT"]
LOCATION = "us-central1"
EXPERIMENT = os.environ["PORTING_EXPERIMENT"]

aiplatform.init(project=PROJECT, location=LOCATION, experiment=EXPERIMENT)

features = [[1.0], [2.0], [3.0], [4.0], [5.0]]
targets = [2.1, 3.9, 6.2, 7.8, 10.1]

with aiplatform.start_run("train-1") as run:
    with aiplatform.start_execution(
        schema_title="system.ContainerExecution", display_name="train-base"
    ) as train:
        base = LinearRegression().fit(features[:2], targets[:2])
        base_model = aiplatform.log_model(base, f"{EXPERIMENT}-base", input_example=features[:2])
        train.assign_output_artifacts([base_model])

    with aiplatform.start_execution(
        schema_title="system.ContainerExecution", display_name="fine-tune"
    ) as tune:
        tune.assign_input_artifacts([base_model])
        tuned = LinearRegression().fit(features, targets)
        tuned_model = aiplatform.log_model(tuned, f"{EXPERIMENT}-tuned", input_example=features)
        tune.assign_output_artifacts([tuned_model])
    run.log_metrics({"slope": tuned.coef_[0]})

finished = aiplatform.ExperimentRun("train-1", experiment=EXPERIMENT)
models = {model.name: model for model in finished.get_experiment_models()}
restored = models[f"{EXPERIMENT}-tuned"].load_model()
prediction = restored.predict([[6.0]])[0]
model_info = models[f"{EXPERIMENT}-tuned"].get_model_info()

lineage = {
    execution.display_name: (
        [artifact.name for artifact in execution.get_input_artifacts()],
        [artifact.name for artifact in execution.get_output_artifacts()],
    )
    for execution in finished.get_executions()
}
execution_states = {execution.display_name: execution.state for execution in finished.get_executions()}
