"""exprun writes, the official SDK reads, against REAL Vertex AI: the interop scenario of
`tests/interop/test_interop_exprun_to_sdk.py` with no fake in between.

Opt-in, as it costs money and needs credentials. It runs when these are set, and is skipped
otherwise:

    EXPRUN_VERTEX_PROJECT=my-project            # the project to write to
    EXPRUN_VERTEX_TENSORBOARD=1234567890        # a TensorBoard ID (or full name) in that project/location
    EXPRUN_VERTEX_LOCATION=us-central1          # optional, default us-central1
    EXPRUN_MODEL_STAGING_URI=gs://bucket/prefix # optional: also upload a model through exprun

    .venv/bin/pytest tests/live -v

Credentials are Application Default Credentials (`gcloud auth application-default login`, a
service-account key in GOOGLE_APPLICATION_CREDENTIALS, or Workload Identity), used by both the
`exprun serve --store vertex` subprocess and the SDK. The test makes its own uniquely named
experiment and deletes it at the end (with its runs, their TensorBoard runs and artifacts, the
TensorBoard experiment and the execution it made), also when it fails.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from exprun.client import Execution, Experiment, ExperimentRun, _config, init

from tests.support.server_process import ServerProcess

PROJECT = os.environ.get("EXPRUN_VERTEX_PROJECT", "")
LOCATION = os.environ.get("EXPRUN_VERTEX_LOCATION", "") or "us-central1"
TENSORBOARD = os.environ.get("EXPRUN_VERTEX_TENSORBOARD", "")
STAGING_URI = os.environ.get("EXPRUN_MODEL_STAGING_URI", "")

pytestmark = pytest.mark.skipif(
    not (PROJECT and TENSORBOARD),
    reason="live Vertex AI test: set EXPRUN_VERTEX_PROJECT and EXPRUN_VERTEX_TENSORBOARD (and have "
    "Application Default Credentials) to run it against real Vertex AI",
)

# Below 1000 points per series, where the SDK's BatchRead starts sampling.
STREAMED_STEPS = range(11, 311)
MODEL_BYTES = b"exprun live test model bytes"


def server_arguments() -> list[str]:
    """`exprun serve` on real Vertex: regional endpoints, TLS and ADC (no endpoint, no plaintext)."""
    arguments = ["--store", "vertex", "--vertex-tensorboard", TENSORBOARD]
    if STAGING_URI:
        arguments += ["--model-staging-uri", STAGING_URI]
    return arguments


def tensorboard_id(tensorboard: str) -> str:
    return tensorboard.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Written:
    """What exprun wrote, and what the test must clean up."""

    experiment: str
    custom_job: str = ""
    execution: str = ""
    classification_id: str = ""
    model_uris: dict[str, str] = field(default_factory=dict)


def streamed_loss(step: int) -> float:
    return 1.0 / step


def write_with_exprun(
    written: Written, tensorboard: str, project: str, location: str, model_dir: pathlib.Path | None
) -> None:
    """The scenario through the exprun client (already `init`-ed to the server). Pipeline jobs
    are left out: linking one needs a real PipelineJob run."""
    Experiment.create(written.experiment, description="exprun live test", backing_tensorboard=tensorboard)
    run = ExperimentRun.create("run-1", experiment=written.experiment)
    run.log_params({"lr": 0.1, "epochs": 3, "optimizer": "adam"})
    run.log_metrics({"accuracy": 0.93, "examples": 1200})
    written.classification_id = run.log_classification_metrics(
        display_name="confusion",
        labels=["cat", "dog"],
        matrix=[[9, 1], [2, 8]],
        fpr=[0.1, 0.5],
        tpr=[0.2, 0.6],
        threshold=[0.9, 0.5],
    ).id
    run.log_time_series_metrics({"loss": 0.5, "acc": 0.7})
    run.log_time_series_metrics({"loss": 0.4})
    run.log_time_series_metrics({"loss": 0.3}, step=10)
    with run.time_series_writer() as writer:
        writer.log_columns(list(STREAMED_STEPS), {"loss": [streamed_loss(step) for step in STREAMED_STEPS]})
    written.execution = run.associate_execution(
        Execution(display_name="train", schema_title="system.ContainerExecution")
    ).resource_name
    written.model_uris["by-uri"] = run.log_model(
        uri=f"gs://{project}-exprun-live/models/by-uri", display_name="by-uri", framework_name="sklearn"
    ).uri
    if model_dir is not None:
        (model_dir / "model.pkl").write_bytes(MODEL_BYTES)
        written.model_uris["uploaded"] = run.log_model(
            model_dir / "model.pkl", display_name="uploaded", framework_name="sklearn"
        ).uri
    written.custom_job = f"projects/{project}/locations/{location}/customJobs/{uuid.uuid4().int % 10**12}"
    run.log_custom_job(written.custom_job)
    run.end_run()
    ExperimentRun.create("run-2", experiment=written.experiment).log_params({"lr": 0.2})


def check_with_sdk(written: Written, tensorboard: str) -> None:
    """Reads the scenario back with `google.cloud.aiplatform` (already `init`-ed)."""
    import math

    from google.cloud import aiplatform

    experiment = written.experiment
    run = aiplatform.ExperimentRun.get("run-1", experiment=experiment)
    assert run is not None
    assert run.resource_name.endswith(f"/metadataStores/default/contexts/{experiment}-run-1")
    # Vertex keeps numbers as doubles: the ints exprun logged read back as floats in the SDK.
    assert run.get_params() == {"lr": 0.1, "epochs": 3.0, "optimizer": "adam"}
    assert run.get_metrics() == {"accuracy": 0.93, "examples": 1200.0}
    assert run.get_state() == "COMPLETE"
    assert run.get_classification_metrics() == [
        {
            "id": written.classification_id,
            "display_name": "confusion",
            "labels": ["cat", "dog"],
            "matrix": [[9.0, 1.0], [2.0, 8.0]],
            "fpr": [0.1, 0.5],
            "tpr": [0.2, 0.6],
            "threshold": [0.9, 0.5],
        }
    ]
    frame = run.get_time_series_data_frame()
    assert list(frame["step"]) == [1, 2, 10, *STREAMED_STEPS]
    loss = dict(zip(frame["step"], frame["loss"], strict=True))
    assert [loss[1], loss[2], loss[10]] == [0.5, 0.4, 0.3]
    assert all(loss[step] == streamed_loss(step) for step in STREAMED_STEPS)
    assert frame["acc"].tolist()[0] == 0.7
    assert all(math.isnan(value) for value in frame["acc"].tolist()[1:])
    [execution] = run.get_executions()
    assert execution.name == written.execution.rsplit("/", 1)[-1]
    assert execution.display_name == "train"
    titles = sorted(artifact.schema_title for artifact in run.get_artifacts())
    assert titles == sorted(
        ["google.ClassificationMetrics", "google.VertexTensorboardRun"]
        + ["google.ExperimentModel"] * len(written.model_uris)
    )
    models = {model.display_name: model.uri for model in run.get_experiment_models()}
    assert models == written.model_uris
    if "uploaded" in models:
        assert models["uploaded"].startswith(STAGING_URI.rstrip("/") + "/")
    # get_logged_custom_jobs() would fetch the (made-up) job from the JobService: the entry the
    # SDK reads is checked in the run's context instead.
    entries = aiplatform.Context(run.resource_name).metadata["_custom_jobs"]
    assert [entry["custom_job_resource_name"] for entry in entries] == [written.custom_job]
    assert sorted(r.name for r in aiplatform.ExperimentRun.list(experiment=experiment)) == ["run-1", "run-2"]
    sdk_experiment = aiplatform.Experiment(experiment)
    assert tensorboard_id(sdk_experiment.backing_tensorboard_resource_name or "") == tensorboard_id(
        tensorboard
    )
    rows = {row["run_name"]: row for row in sdk_experiment.get_data_frame().to_dict("records")}
    assert rows["run-1"]["param.lr"] == 0.1
    assert rows["run-1"]["state"] == "COMPLETE"
    assert rows["run-1"]["time_series_metric.loss"] == streamed_loss(STREAMED_STEPS[-1])
    assert rows["run-2"]["param.lr"] == 0.2
    # The SDK deletes a run exprun made; exprun no longer finds it.
    run_2 = aiplatform.ExperimentRun("run-2", experiment=experiment)
    run_2.delete(delete_backing_tensorboard_run=True)
    assert aiplatform.ExperimentRun.get("run-2", experiment=experiment) is None
    assert ExperimentRun.get("run-2", experiment=experiment) is None


@contextlib.contextmanager
def sdk_on(project: str, location: str) -> Iterator[None]:
    """The SDK on real Vertex with ADC; its module-level settings are restored afterwards."""
    from google.cloud import aiplatform
    from google.cloud.aiplatform import initializer

    saved = dict(initializer.global_config.__dict__)
    try:
        aiplatform.init(project=project, location=location)
        yield
    finally:
        initializer.global_config.__dict__.clear()
        initializer.global_config.__dict__.update(saved)


def clean_up(written: Written, tensorboard: str) -> None:
    """Best effort, every step on its own: what exprun made, then what exprun leaves (the
    TensorBoard experiment, the execution, like the SDK leaves them)."""
    from google.cloud import aiplatform

    with contextlib.suppress(Exception):
        Experiment(written.experiment).delete(delete_backing_tensorboard_runs=True)
    with sdk_on(PROJECT, LOCATION):
        board = aiplatform.Tensorboard(tensorboard).resource_name
        with contextlib.suppress(Exception):
            aiplatform.TensorboardExperiment(f"{board}/experiments/{written.experiment}").delete()
        if written.execution:
            with contextlib.suppress(Exception):
                aiplatform.Execution(written.execution.rsplit("/", 1)[-1]).delete()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("exprun-live")
    process = ServerProcess(root / "data", root / "server.log", *server_arguments())
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.terminate()


@pytest.fixture
def written(live_server: ServerProcess) -> Iterator[Written]:
    _config.reset()
    init(target=live_server.target, project=PROJECT, location=LOCATION)
    scenario = Written(experiment=f"exprun-live-{uuid.uuid4().hex[:8]}")
    try:
        yield scenario
    finally:
        clean_up(scenario, TENSORBOARD)
        _config.reset()


def test_live_exprun_writes_and_the_sdk_reads_it_back(written: Written, tmp_path: pathlib.Path) -> None:
    write_with_exprun(written, TENSORBOARD, PROJECT, LOCATION, tmp_path if STAGING_URI else None)
    with sdk_on(PROJECT, LOCATION):
        check_with_sdk(written, TENSORBOARD)
