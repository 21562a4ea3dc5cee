"""A learning-rate sweep, compared with `get_experiment_df` (after the SDK's "compare runs" sample).

Each iteration starts a run without ending the previous one: `start_run` ends it COMPLETE.
"""

import os

from google.cloud import aiplatform

PROJECT = os.environ["PORTING_PROJECT"]
LOCATION = "us-central1"
EXPERIMENT = os.environ["PORTING_EXPERIMENT"]

aiplatform.init(project=PROJECT, location=LOCATION, experiment=EXPERIMENT)


def train(learning_rate: float, dropout: float, epochs: int) -> float:
    loss = 1.0
    for epoch in range(1, epochs + 1):
        loss = loss * (1 - learning_rate) + dropout / 100
        aiplatform.log_time_series_metrics({"loss": loss}, step=epoch)
    return 1.0 - loss


grid = [(0.1, 0.2), (0.3, 0.1), (0.5, 0.3)]
for i, (learning_rate, dropout) in enumerate(grid):
    aiplatform.start_run(f"sweep-{i}")
    aiplatform.log_params(
        {
            "learning_rate": learning_rate,
            "dropout": dropout,
            "epochs": 5,
            "optimizer": "adam",
            "use_batch_norm": i % 2 == 0,
        }
    )
    accuracy = train(learning_rate, dropout, epochs=5)
    aiplatform.log_metrics({"accuracy": accuracy})
aiplatform.end_run()

experiment_df = aiplatform.get_experiment_df()
best = experiment_df.sort_values("metric.accuracy", ascending=False).iloc[0]
print(f"best run: {best['run_name']} (learning rate {best['param.learning_rate']})")

same_df = aiplatform.Experiment(EXPERIMENT).get_data_frame()
