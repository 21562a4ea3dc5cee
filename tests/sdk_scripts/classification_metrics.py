"""An evaluation run logging a confusion matrix and an ROC curve (after the SDK's
`log_classification_metrics` sample), then reading them back."""

import os

from google.cloud import aiplatform

PROJECT = os.environ["PORTING_PROJECT"]
LOCATION = "us-central1"
EXPERIMENT = os.environ["PORTING_EXPERIMENT"]

aiplatform.init(project=PROJECT, location=LOCATION, experiment=EXPERIMENT)

labels = ["cat", "dog", "fish"]
truth = ["cat", "dog", "fish", "cat", "dog", "fish", "cat", "dog", "fish", "cat"]
predicted = ["cat", "dog", "fish", "dog", "dog", "cat", "cat", "dog", "fish", "cat"]
matrix = [
    [sum(1 for t, p in zip(truth, predicted, strict=True) if t == row and p == col) for col in labels]
    for row in labels
]

scores = [0.95, 0.85, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2]
positives = [1, 1, 0, 1, 0, 1, 0, 0]
fpr, tpr, thresholds = [], [], []
for threshold in scores:
    predicted_positive = [s >= threshold for s in scores]
    tp = sum(1 for p, y in zip(predicted_positive, positives, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted_positive, positives, strict=True) if p and not y)
    tpr.append(tp / sum(positives))
    fpr.append(fp / (len(positives) - sum(positives)))
    thresholds.append(threshold)

with aiplatform.start_run("eval-1") as run:
    aiplatform.log_params({"model": "resnet-18", "dataset": "pets-v2"})
    aiplatform.log_classification_metrics(labels=labels, matrix=matrix, display_name="pets-confusion-matrix")
    aiplatform.log_classification_metrics(
        fpr=fpr, tpr=tpr, threshold=thresholds, display_name="cat-vs-rest-roc"
    )
    aiplatform.log_metrics(
        {"accuracy": sum(1 for t, p in zip(truth, predicted, strict=True) if t == p) / len(truth)}
    )

logged = aiplatform.ExperimentRun("eval-1", experiment=EXPERIMENT).get_classification_metrics()
by_name = {entry["display_name"]: entry for entry in logged}
