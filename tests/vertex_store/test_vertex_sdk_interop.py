"""Runs logged through exprun read back through the official SDK (google-cloud-aiplatform 2.7),
and runs the SDK logged read back through exprun; values as each side keeps them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from exprun.server.core import layouts
from exprun.server.core.model import (
    ClassificationMetrics,
    Experiment,
    Link,
    LinkKind,
    ListQuery,
    Run,
    RunState,
    Series,
    SeriesQuery,
)
from exprun.server.stores.vertex.store import VertexRunStore
from google.cloud import aiplatform

from tests.fakes.vertex import VertexFake
from tests.fakes.vertex.sdk import sdk_against
from tests.vertex_store.vertex_support import EXPERIMENT, NUMBER, PROJECT, RUN, TENSORBOARD

pytestmark = pytest.mark.asyncio(loop_scope="function")

State = aiplatform.gapic.Execution.State


@pytest.fixture
def sdk(fake: VertexFake) -> Iterator[None]:
    assert fake.address is not None
    with sdk_against(fake.address, project=PROJECT, location="us-central1"):
        yield


async def test_the_sdk_reads_a_run_exprun_logged(store: VertexRunStore, fake: VertexFake, sdk: None) -> None:
    await store.create_experiment(Experiment(EXPERIMENT, description="d", backing_tensorboard=TENSORBOARD))
    await store.create_run(Run(RUN))
    await store.set_backing_tensorboard_run(RUN, TENSORBOARD)
    await store.merge_summary(RUN, params={"lr": 0.1, "epochs": 3, "opt": "adam"}, metrics={"acc": 0.9})
    await store.write_time_series(
        RUN, [Series("loss", [1, 2, 3], [0.5, 0.4, 0.3], [1_700_000_000_000_000 + i for i in range(3)])], None
    )
    await store.add_artifact(
        RUN,
        layouts.classification_metrics_artifact(
            ClassificationMetrics(
                "cm", ("cat", "dog"), ((9.0, 1.0), (1.0, 9.0)), (0.1, 0.5), (0.2, 0.6), (0.9, 0.5)
            )
        ),
    )
    job = f"projects/{PROJECT}/locations/us-central1/customJobs/123"
    await store.add_link(RUN, Link(LinkKind.CUSTOM_JOB, job))
    await store.update_run_state(RUN, RunState.COMPLETE)

    run = aiplatform.ExperimentRun.get("run-1", experiment="exp-1")
    assert run is not None
    assert run.get_params() == {"lr": 0.1, "epochs": 3.0, "opt": "adam"}
    assert run.get_metrics() == {"acc": 0.9}
    assert run.get_state() == "COMPLETE"
    frame = run.get_time_series_data_frame()
    assert list(frame["step"]) == [1, 2, 3]
    assert list(frame["loss"]) == [0.5, 0.4, 0.3]
    (metrics,) = run.get_classification_metrics()
    assert (metrics["labels"], metrics["matrix"]) == (["cat", "dog"], [[9.0, 1.0], [1.0, 9.0]])
    assert (metrics["fpr"], metrics["tpr"], metrics["threshold"]) == ([0.1, 0.5], [0.2, 0.6], [0.9, 0.5])
    assert run._metadata_node.metadata["_custom_jobs"][0]["custom_job_resource_name"] == job
    assert [r.name for r in aiplatform.ExperimentRun.list(experiment="exp-1")] == ["run-1"]
    experiment = aiplatform.Experiment("exp-1")
    assert experiment.backing_tensorboard_resource_name == (
        f"projects/{NUMBER}/locations/us-central1/tensorboards/tb1"
    )
    frame = aiplatform.get_experiment_df("exp-1")
    assert frame["param.lr"].tolist() == [0.1]
    assert frame["time_series_metric.loss"].tolist() == [0.3]


async def test_exprun_reads_a_run_the_sdk_logged(store: VertexRunStore, fake: VertexFake, sdk: None) -> None:
    tensorboard = fake.create_tensorboard(PROJECT, "us-central1", "tb3")
    aiplatform.init(
        project=PROJECT, location="us-central1", experiment="exp-1", experiment_tensorboard=tensorboard
    )
    run = aiplatform.start_run("run-1")
    run.log_params({"lr": 0.1, "epochs": 3, "opt": "adam", "flag": True})
    run.log_metrics({"acc": 0.9})
    run.log_time_series_metrics({"loss": 0.5, "acc": 0.7})
    run.log_time_series_metrics({"loss": 0.4})
    run.log_classification_metrics(display_name="cm", labels=["a", "b"], matrix=[[1, 0], [0, 1]])
    aiplatform.end_run()

    got = await store.get_run(RUN)
    assert got.state == RunState.COMPLETE
    assert got.params == {"lr": 0.1, "epochs": 3.0, "opt": "adam", "flag": True}
    assert type(got.params["flag"]) is bool
    assert got.metrics == {"acc": 0.9}
    assert got.backing_tensorboard_run == (
        f"projects/{PROJECT}/locations/us-central1/tensorboards/tb3/experiments/exp-1/runs/run-1"
    )
    assert got.time_series_metrics == ("acc", "loss")
    found = {c.metric: list(c.steps or []) async for c in store.read_time_series(RUN, SeriesQuery())}
    assert found == {"acc": [1], "loss": [1, 2]}
    (cm,) = (
        await store.list_artifacts(RUN, ListQuery(page_size=10), schema_title=layouts.CLASSIFICATION_METRICS)
    ).items
    assert layouts.classification_metrics_from(cm).labels == ("a", "b")
    (listed,) = (await store.list_runs(EXPERIMENT, ListQuery(page_size=10))).items
    assert (listed.name, listed.params, listed.state) == (RUN, got.params, RunState.COMPLETE)
    experiment = await store.get_experiment(EXPERIMENT)
    assert experiment.backing_tensorboard == f"projects/{PROJECT}/locations/us-central1/tensorboards/tb3"

    # exprun writes on: default steps continue after the SDK's, into the SDK's series.
    await store.write_time_series(RUN, [Series("loss", None, [0.3], [1])], None)
    await store.merge_summary(RUN, params={"lr": 0.2})
    again = aiplatform.ExperimentRun.get("run-1", experiment="exp-1")
    assert again is not None
    assert again.get_params()["lr"] == 0.2
    assert list(again.get_time_series_data_frame()["loss"]) == [0.5, 0.4, 0.3]


async def test_an_int_the_sdk_overwrote_reads_back_as_the_sdk_wrote_it(
    store: VertexRunStore, fake: VertexFake, run: Run, sdk: None
) -> None:
    await store.merge_summary(RUN, params={"epochs": 3, "big": 2**63 - 1})
    assert (await store.get_run(RUN)).params == {"epochs": 3, "big": 2**63 - 1}
    aiplatform.ExperimentRun("run-1", experiment="exp-1").log_params({"epochs": 4.5})
    assert (await store.get_run(RUN)).params == {"epochs": 4.5, "big": 2**63 - 1}
