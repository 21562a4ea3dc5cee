"""Train a tiny logistic regression and log it to exprun the way the Vertex SDK would.

Pure Python (no numpy, no sklearn), so it runs anywhere the client is installed and finishes
in a second or two. Start a server first:

    exprun serve --listen 127.0.0.1:50051 --data-dir ./exprun-data
    python examples/train_small.py

It logs params, per-epoch summary metrics, per-step loss/accuracy time series, a confusion
matrix with an ROC curve, and the trained weights as a model, then prints the command that
shows the run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import exprun.client as aip

Point = tuple[float, float]


@dataclass
class Dataset:
    features: list[Point]
    labels: list[int]


def make_dataset(rng: random.Random, size: int) -> Dataset:
    """Two overlapping Gaussian blobs: separable enough to learn, noisy enough to show an ROC curve."""
    features: list[Point] = []
    labels: list[int] = []
    for _ in range(size):
        label = rng.random() < 0.5
        centre = (1.0, 1.0) if label else (-1.0, -0.5)
        features.append((rng.gauss(centre[0], 1.1), rng.gauss(centre[1], 1.1)))
        labels.append(int(label))
    return Dataset(features, labels)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass
class Model:
    w1: float = 0.0
    w2: float = 0.0
    bias: float = 0.0

    def predict(self, x: Point) -> float:
        return sigmoid(self.w1 * x[0] + self.w2 * x[1] + self.bias)


def log_loss_and_accuracy(
    model: Model, features: Sequence[Point], labels: Sequence[int]
) -> tuple[float, float]:
    eps = 1e-12
    loss, correct = 0.0, 0
    for x, y in zip(features, labels, strict=True):
        p = model.predict(x)
        loss -= y * math.log(p + eps) + (1 - y) * math.log(1 - p + eps)
        correct += int((p >= 0.5) == bool(y))
    return loss / len(labels), correct / len(labels)


def sgd_step(model: Model, features: Sequence[Point], labels: Sequence[int], lr: float, l2: float) -> None:
    g1 = g2 = gb = 0.0
    for x, y in zip(features, labels, strict=True):
        error = model.predict(x) - y
        g1, g2, gb = g1 + error * x[0], g2 + error * x[1], gb + error
    n = len(labels)
    model.w1 -= lr * (g1 / n + l2 * model.w1)
    model.w2 -= lr * (g2 / n + l2 * model.w2)
    model.bias -= lr * gb / n


def roc_curve(model: Model, data: Dataset, thresholds: Sequence[float]) -> tuple[list[float], list[float]]:
    scores = [model.predict(x) for x in data.features]
    positives = sum(data.labels) or 1
    negatives = (len(data.labels) - sum(data.labels)) or 1
    fpr, tpr = [], []
    for t in thresholds:
        tp = sum(1 for s, y in zip(scores, data.labels, strict=True) if s >= t and y == 1)
        fp = sum(1 for s, y in zip(scores, data.labels, strict=True) if s >= t and y == 0)
        fpr.append(fp / negatives)
        tpr.append(tp / positives)
    return fpr, tpr


def confusion_matrix(model: Model, data: Dataset) -> list[list[float]]:
    matrix = [[0.0, 0.0], [0.0, 0.0]]
    for x, y in zip(data.features, data.labels, strict=True):
        matrix[y][int(model.predict(x) >= 0.5)] += 1
    return matrix


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", default=os.environ.get("EXPRUN_TARGET", "127.0.0.1:50051"))
    parser.add_argument("--project", default=os.environ.get("EXPRUN_PROJECT", "local-project"))
    parser.add_argument("--location", default=os.environ.get("EXPRUN_LOCATION", "us-central1"))
    parser.add_argument("--experiment", default="demo-experiment")
    parser.add_argument("--run", default=None, help="run ID (default: run-<UTC timestamp>)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    run_id = args.run or "run-" + datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S-%f")
    params: dict[str, float | int | str] = {
        "model": "logistic-regression",
        "learning_rate": 0.5,
        "l2": 0.001,
        "batch_size": 32,
        "epochs": args.epochs,
        "seed": args.seed,
    }

    rng = random.Random(args.seed)
    train, valid = make_dataset(rng, 640), make_dataset(rng, 200)
    model = Model()

    # Like `aiplatform.init(experiment=...)`: creates the experiment if it is missing.
    aip.init(target=args.target, project=args.project, location=args.location, experiment=args.experiment)
    with aip.start_run(run_id) as run:
        run.log_params(params)
        step = 0
        steps: list[int] = []
        losses: list[float] = []
        accuracies: list[float] = []
        batch = int(params["batch_size"])
        for epoch in range(1, args.epochs + 1):
            order = list(range(len(train.labels)))
            rng.shuffle(order)
            for start in range(0, len(order), batch):
                idx = order[start : start + batch]
                xs = [train.features[i] for i in idx]
                ys = [train.labels[i] for i in idx]
                sgd_step(model, xs, ys, float(params["learning_rate"]), float(params["l2"]))
                step += 1
                loss, accuracy = log_loss_and_accuracy(model, xs, ys)
                steps.append(step)
                losses.append(loss)
                accuracies.append(accuracy)
            val_loss, val_accuracy = log_loss_and_accuracy(model, valid.features, valid.labels)
            # Per-step training curves go in one columnar write per epoch; summaries overwrite.
            run.log_time_series({"train_loss": losses, "train_accuracy": accuracies}, steps=steps)
            run.log_time_series_metrics({"val_loss": val_loss, "val_accuracy": val_accuracy}, step=step)
            run.log_metrics({"epoch": epoch, "val_loss": val_loss, "val_accuracy": val_accuracy})
            steps, losses, accuracies = [], [], []

        thresholds = [round(1.0 - i / 20, 2) for i in range(21)]
        fpr, tpr = roc_curve(model, valid, thresholds)
        run.log_classification_metrics(
            display_name="validation",
            labels=["negative", "positive"],
            matrix=confusion_matrix(model, valid),
            fpr=fpr,
            tpr=tpr,
            threshold=thresholds,
        )
        with tempfile.TemporaryDirectory() as tmp:
            weights = Path(tmp) / "weights.json"
            weights.write_text(json.dumps({"w1": model.w1, "w2": model.w2, "bias": model.bias}))
            run.log_model(weights, display_name="logistic regression", framework_name="custom")

    final = aip.ExperimentRun(run_id, args.experiment)
    print(f"Logged run {final.name} ({final.state.name}): {final.get_metrics()}")
    print("Look at it with:")
    print(
        f"  exprun runs show {run_id} --experiment {args.experiment} "
        f"--target {args.target} --project {args.project} --location {args.location}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
