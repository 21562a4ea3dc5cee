"""Replaying a training log with its own timestamps: `log_time_series_metrics` with explicit
steps and `wall_time` (after the SDK's `log_time_series_metrics` sample)."""

import datetime
import os

from google.cloud import aiplatform
from google.protobuf import timestamp_pb2

PROJECT = os.environ["PORTING_PROJECT"]
LOCATION = "us-central1"
EXPERIMENT = os.environ["PORTING_EXPERIMENT"]

aiplatform.init(project=PROJECT, location=LOCATION, experiment=EXPERIMENT)

started = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
training_log = [
    (100, started + datetime.timedelta(minutes=1), 0.92, 0.41),
    (200, started + datetime.timedelta(minutes=2), 0.64, 0.62),
    (300, started + datetime.timedelta(minutes=3), 0.47, 0.74),
    (400, started + datetime.timedelta(minutes=5), 0.39, 0.79),
]

with aiplatform.start_run("replay-1") as run:
    run.log_params({"source": "train.log", "batch_size": 64})
    for step, moment, loss, accuracy in training_log:
        wall_time = timestamp_pb2.Timestamp()
        wall_time.FromDatetime(moment)
        aiplatform.log_time_series_metrics(
            {"loss": loss, "accuracy": accuracy}, step=step, wall_time=wall_time
        )

series_df = aiplatform.ExperimentRun("replay-1", experiment=EXPERIMENT).get_time_series_data_frame()
