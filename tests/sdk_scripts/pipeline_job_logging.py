"""Training pipelines compared as experiment runs: each pipeline job already ran on Vertex AI
Pipelines; one run per job records the job's settings and its evaluation, and links the job so
the run leads back to the pipeline that produced it (after the SDK's "associate a pipeline run
with an experiment run" sample, `aiplatform.log(pipeline_job=...)`)."""

import os

from google.cloud import aiplatform

PROJECT = os.environ["PORTING_PROJECT"]
LOCATION = "us-central1"
EXPERIMENT = os.environ["PORTING_EXPERIMENT"]
# The IDs of pipeline jobs that finished earlier, one per learning rate tried.
PIPELINE_JOBS = os.environ["PORTING_PIPELINE_JOBS"].split(",")
LEARNING_RATES = [0.01, 0.05, 0.1]

aiplatform.init(project=PROJECT, location=LOCATION, experiment=EXPERIMENT)

evaluations = {}
for job_id, learning_rate in zip(PIPELINE_JOBS, LEARNING_RATES, strict=True):
    job = aiplatform.PipelineJob.get(resource_name=job_id)
    run_name = f"pipeline-{job.name}"
    with aiplatform.start_run(run_name):
        aiplatform.log(pipeline_job=job)
        aiplatform.log_params({"learning_rate": learning_rate, "pipeline_job_id": job.name})
        accuracy = round(1 - 0.1 / (1 + 100 * learning_rate), 6)
        aiplatform.log_metrics({"accuracy": accuracy})
    evaluations[run_name] = accuracy

# Later, from the experiment: which pipeline produced the best run?
experiment_df = aiplatform.get_experiment_df()
best = experiment_df.sort_values("metric.accuracy", ascending=False).iloc[0]
best_run = aiplatform.ExperimentRun(best["run_name"], experiment=EXPERIMENT)
best_jobs = [job.name for job in best_run.get_logged_pipeline_jobs()]

logged = {}
for run_name in evaluations:
    run = aiplatform.ExperimentRun(run_name, experiment=EXPERIMENT)
    logged[run_name] = [job.name for job in run.get_logged_pipeline_jobs()]
