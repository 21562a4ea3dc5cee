"""The RPCs the vertex store sends and the resources it writes, against the SDK's recorded ones
(vertex-mapping.md, appendix), and the RPC count of a typical run lifecycle."""

from __future__ import annotations

from typing import Any

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
    WriterPosition,
)
from exprun.server.stores.vertex.store import VertexRunStore
from exprun.server.stores.vertex.timeseries import EXPORT_PAGE_SIZE
from google.protobuf import json_format

from tests.fakes.vertex import VertexFake
from tests.vertex_store.vertex_support import (
    EXPERIMENT,
    NUMBER,
    PROJECT,
    RUN,
    STORE,
    TENSORBOARD,
    OpenStore,
    requests,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")

TB_BY_NUMBER = f"projects/{NUMBER}/locations/us-central1/tensorboards/tb1"


def metadata(message: Any) -> dict[str, Any]:
    found: dict[str, Any] = json_format.MessageToDict(type(message).pb(message).metadata)
    return found


async def test_experiment_creation_makes_the_store_and_the_sdks_context(
    store: VertexRunStore, fake: VertexFake
) -> None:
    await store.create_experiment(Experiment(EXPERIMENT, description="my desc"))
    # The configured default TensorBoard (tb1) backs the experiment, as the SDK's
    # init(experiment_tensorboard=...) does: it is looked up first, for the name Vertex gives it.
    assert fake.call_names() == [
        "GetTensorboard",
        "GetMetadataStore",
        "CreateMetadataStore",
        "GetMetadataStore",
        "CreateContext",
    ]
    (create,) = requests(fake, "CreateMetadataStore")
    assert (create.parent, create.metadata_store_id) == (
        f"projects/{PROJECT}/locations/us-central1",
        "default",
    )
    (request,) = requests(fake, "CreateContext")
    assert request.context_id == "exp-1"
    context = request.context
    assert (context.display_name, context.description) == ("exp-1", "my desc")
    assert (context.schema_title, context.schema_version) == ("system.Experiment", "0.0.1")
    assert metadata(context) == {"experiment_deleted": False, "backing_tensorboard_resource": TB_BY_NUMBER}


async def test_a_default_tensorboard_missing_from_the_project_leaves_the_experiment_unbacked(
    open_store: OpenStore, fake: VertexFake
) -> None:
    store = await open_store(default_tensorboard="tb-never-made")

    created = await store.create_experiment(Experiment(EXPERIMENT))

    assert created.backing_tensorboard == ""
    (request,) = requests(fake, "CreateContext")
    assert metadata(request.context) == {"experiment_deleted": False}


async def test_experiment_backing_tensorboard_is_stored_as_vertex_names_it(
    store: VertexRunStore, fake: VertexFake
) -> None:
    created = await store.create_experiment(Experiment(EXPERIMENT, backing_tensorboard=TENSORBOARD))
    (request,) = requests(fake, "CreateContext")
    assert metadata(request.context) == {
        "experiment_deleted": False,
        "backing_tensorboard_resource": TB_BY_NUMBER,
    }
    # ... and reads back in the form the request used.
    assert created.backing_tensorboard == TENSORBOARD


async def test_run_creation_is_the_sdks_context_and_link(store: VertexRunStore, fake: VertexFake) -> None:
    await store.create_experiment(Experiment(EXPERIMENT))
    fake.clear_calls()
    await store.create_run(Run(RUN, state=RunState.NEW))
    assert fake.call_names() == ["GetContext", "CreateContext", "AddContextChildren"]
    (request,) = requests(fake, "CreateContext")
    assert request.parent == STORE
    assert request.context_id == "exp-1-run-1"
    assert (request.context.display_name, request.context.schema_title) == ("run-1", "system.ExperimentRun")
    assert request.context.schema_version == "0.0.1"
    assert metadata(request.context) == {"_params": {}, "_metrics": {}, "_state": "NEW"}
    (link,) = requests(fake, "AddContextChildren")
    assert link.context == f"{STORE}/contexts/exp-1"
    assert list(link.child_contexts) == [f"{STORE}/contexts/exp-1-run-1"]


async def test_tensorboard_assignment_writes_the_sdks_resources(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    fake.clear_calls()
    assigned = await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    assert fake.call_names() == [
        "GetArtifact",
        "GetTensorboard",
        "GetTensorboardExperiment",
        "CreateTensorboardExperiment",
        "GetTensorboardRun",
        "CreateTensorboardRun",
        "CreateArtifact",
        "AddContextArtifactsAndExecutions",
        "UpdateContext",
    ]
    (experiment,) = requests(fake, "CreateTensorboardExperiment")
    assert (experiment.parent, experiment.tensorboard_experiment_id) == (TB_BY_NUMBER, "exp-1")
    assert experiment.tensorboard_experiment.display_name == "exp-1"
    assert dict(experiment.tensorboard_experiment.labels) == {
        "vertex_tensorboard_experiment_source": "vertex_experiment"
    }
    (tb_run,) = requests(fake, "CreateTensorboardRun")
    assert (tb_run.tensorboard_run_id, tb_run.tensorboard_run.display_name) == ("run-1", "run-1")
    tb_run_name = f"{TB_BY_NUMBER}/experiments/exp-1/runs/run-1"
    (artifact,) = requests(fake, "CreateArtifact")
    assert artifact.artifact_id == "exp-1-run-1-tb-run"
    assert artifact.artifact.schema_title == "google.VertexTensorboardRun"
    assert artifact.artifact.schema_version == "0.0.1"
    assert artifact.artifact.state.name == "LIVE"
    assert artifact.artifact.uri == f"https://127.0.0.1/v1/{tb_run_name}"
    assert metadata(artifact.artifact) == {"resourceName": tb_run_name, "vertex_experiment_tracking": True}
    (attribution,) = requests(fake, "AddContextArtifactsAndExecutions")
    assert attribution.context == f"{STORE}/contexts/exp-1-run-1"
    assert list(attribution.artifacts) == [f"{STORE}/artifacts/exp-1-run-1-tb-run"]
    assert assigned.backing_tensorboard_run == f"{TENSORBOARD}/experiments/exp-1/runs/run-1"


async def test_params_merge_like_the_sdk_with_the_etag_and_no_mask(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    await store.merge_summary(run.name, params={"lr": 0.1, "epochs": 3, "opt": "adam"})
    fake.clear_calls()
    await store.merge_summary(run.name, params={"lr": 0.2}, metrics={"acc": 0.9})
    assert fake.call_names() == ["UpdateContext"]  # the context is cached from the last write
    (update,) = requests(fake, "UpdateContext")
    assert update.context.etag == "2"
    assert not update.update_mask.paths
    assert metadata(update.context) == {
        "_params": {"lr": 0.2, "epochs": 3.0, "opt": "adam"},
        "_metrics": {"acc": 0.9},
        "_state": "RUNNING",
        "_exprun": {"int_params": {"epochs": "3"}},
    }


async def test_time_series_create_series_once_and_write_by_id(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    fake.clear_calls()
    position = WriterPosition("w", 1)
    await store.write_time_series(
        run.name, [Series("loss", [1], [0.5], [1_000_000]), Series("acc", [1], [0.7], [1_000_000])], position
    )
    assert fake.call_names() == [
        "ListTensorboardTimeSeries",
        "CreateTensorboardTimeSeries",
        "CreateTensorboardTimeSeries",
        "WriteTensorboardRunData",
        "UpdateContext",
    ]
    created = requests(fake, "CreateTensorboardTimeSeries")
    assert {c.tensorboard_time_series.display_name for c in created} == {"loss", "acc"}
    for c in created:
        assert c.tensorboard_time_series.value_type.name == "SCALAR"
        assert c.tensorboard_time_series.plugin_name == "scalars"
    (write,) = requests(fake, "WriteTensorboardRunData")
    assert write.tensorboard_run == f"{TB_BY_NUMBER}/experiments/exp-1/runs/run-1"
    assert all(d.tensorboard_time_series_id.isdigit() for d in write.time_series_data)
    (update,) = requests(fake, "UpdateContext")
    assert metadata(update.context)["_exprun"] == {
        "tensorboard_run": f"{TB_BY_NUMBER}/experiments/exp-1/runs/run-1",
        "time_series": ["acc", "loss"],
        "writers": {"w": "1"},
    }
    fake.clear_calls()
    await store.write_time_series(run.name, [Series("loss", [2], [0.4], [2_000_000])], None)
    assert fake.call_names() == ["WriteTensorboardRunData"]


async def test_a_read_ending_early_exports_only_the_pages_it_needs(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    """Export is asked for step order, so paging stops at the page that passes `end_step`; the
    points are those of a full read in that range."""
    await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    total = 3 * EXPORT_PAGE_SIZE
    await store.write_time_series(
        run.name, [Series("loss", range(1, total + 1), [float(i) for i in range(total)], [0] * total)], None
    )
    everything = [c async for c in store.read_time_series(run.name, SeriesQuery(start_step=10))]
    fake.clear_calls()
    ending = SeriesQuery(start_step=10, end_step=EXPORT_PAGE_SIZE // 2)
    found = [c async for c in store.read_time_series(run.name, ending)]
    exports = requests(fake, "ExportTensorboardTimeSeriesData")
    assert len(exports) == 1
    assert all(e.order_by == "step" for e in exports)
    assert [list(c.steps or []) for c in found] == [list(range(10, EXPORT_PAGE_SIZE // 2))]
    assert list(found[0].values) == list(everything[0].values[: len(found[0].values)])


async def test_lists_filter_on_the_names_vertex_returned(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    await store.list_runs(EXPERIMENT, ListQuery(page_size=10))
    await store.list_artifacts(run.name, ListQuery(page_size=10), schema_title=layouts.CLASSIFICATION_METRICS)
    await store.list_executions(run.name, ListQuery(page_size=10))
    await store.list_links(run.name, LinkKind.PIPELINE_JOB, ListQuery(page_size=10))
    run_context = f"{STORE}/contexts/exp-1-run-1"
    (runs, pipelines) = requests(fake, "ListContexts")
    assert (
        runs.filter == f'schema_title = "system.ExperimentRun" AND parent_contexts:"{STORE}/contexts/exp-1"'
    )
    assert pipelines.filter == f'schema_title = "system.PipelineRun" AND parent_contexts:"{run_context}"'
    (artifacts,) = requests(fake, "ListArtifacts")
    assert (
        artifacts.filter == f'in_context("{run_context}") AND schema_title = "google.ClassificationMetrics"'
    )
    (executions,) = requests(fake, "ListExecutions")
    assert executions.filter == f'in_context("{run_context}")'
    assert PROJECT not in runs.filter


async def test_list_runs_learns_the_project_number_first_in_a_fresh_store(
    open_store: OpenStore, fake: VertexFake, run: Run
) -> None:
    fresh = await open_store()
    fake.clear_calls()
    page = await fresh.list_runs(EXPERIMENT, ListQuery(page_size=10))
    assert [r.name for r in page.items] == [RUN]
    assert fake.call_names() == ["GetContext", "ListContexts"]
    assert NUMBER in requests(fake, "ListContexts")[0].filter


async def test_listing_runs_sends_one_request_for_a_page(store: VertexRunStore, fake: VertexFake) -> None:
    await store.create_experiment(Experiment(EXPERIMENT))
    for i in range(5):
        await store.create_run(Run(EXPERIMENT.run(f"r{i}")))
        await store.write_time_series(EXPERIMENT.run(f"r{i}"), [Series("loss", [1], [0.5], [1])], None)
    fake.clear_calls()
    page = await store.list_runs(EXPERIMENT, ListQuery(page_size=3, order_by="run_id", descending=True))
    assert fake.call_names() == ["ListContexts"]
    assert [r.name.run for r in page.items] == ["r4", "r3", "r2"]
    assert all(r.time_series_metrics == ("loss",) and r.backing_tensorboard_run for r in page.items)
    (request,) = requests(fake, "ListContexts")
    assert (request.page_size, request.order_by) == (3, "display_name desc")


async def test_deleting_a_run_with_its_artifacts_takes_them_and_its_tensorboard_run(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    await store.add_artifact(
        run.name,
        layouts.classification_metrics_artifact(
            ClassificationMetrics("cm", ("a", "b"), ((1.0, 0.0), (0.0, 1.0)), (), (), ())
        ),
    )
    fake.clear_calls()
    await store.delete_run(run.name, delete_backing_tensorboard_run=True, delete_artifacts=True)
    assert fake.call_names() == [
        "GetContext",
        "DeleteTensorboardRun",
        "ListArtifacts",
        "DeleteArtifact",
        "DeleteArtifact",
        "DeleteContext",
    ]
    (tb_run,) = requests(fake, "DeleteTensorboardRun")
    assert tb_run.name == f"{TB_BY_NUMBER}/experiments/exp-1/runs/run-1"
    assert requests(fake, "DeleteContext")[0].name == f"{STORE}/contexts/exp-1-run-1"


async def test_deleting_a_run_keeps_its_artifacts_but_not_its_tensorboard_reference(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    await store.set_backing_tensorboard_run(run.name, TENSORBOARD)
    cm = await store.add_artifact(
        run.name,
        layouts.classification_metrics_artifact(
            ClassificationMetrics("cm", ("a", "b"), ((1.0, 0.0), (0.0, 1.0)), (), (), ())
        ),
    )
    fake.clear_calls()
    await store.delete_run(run.name, delete_backing_tensorboard_run=False)
    assert fake.call_names() == ["GetContext", "ListArtifacts", "DeleteArtifact", "DeleteContext"]
    (deleted,) = requests(fake, "DeleteArtifact")
    assert deleted.name == f"{STORE}/artifacts/exp-1-run-1-tb-run"
    assert (await store.get_artifact(run.name.parent.parent, cm.artifact_id)).schema_title == cm.schema_title


async def test_rpc_count_of_a_typical_run_lifecycle(store: VertexRunStore, fake: VertexFake) -> None:
    """What one run costs in Vertex calls: create, params, metrics, 10 time-series writes of
    100 points (streamed, with positions), end, get, delete."""
    await store.create_experiment(Experiment(EXPERIMENT, backing_tensorboard=TENSORBOARD))
    fake.clear_calls()
    await store.create_run(Run(RUN))
    await store.set_backing_tensorboard_run(RUN, TENSORBOARD)
    await store.merge_summary(RUN, params={"lr": 0.1, "batch": 32})
    await store.merge_summary(RUN, metrics={"acc": 0.9})
    for i in range(10):
        steps = list(range(i * 100 + 1, i * 100 + 101))
        series = [Series(m, steps, [0.5] * 100, steps) for m in ("loss", "acc")]
        await store.write_time_series(RUN, series, WriterPosition("w", i + 1))
    await store.update_run_state(RUN, RunState.COMPLETE)
    await store.get_run(RUN)
    await store.delete_run(RUN, delete_backing_tensorboard_run=True)
    counts: dict[str, int] = {}
    for name in fake.call_names():
        counts[name] = counts.get(name, 0) + 1
    assert counts == {
        "GetContext": 3,  # create (experiment check), get, delete
        "CreateContext": 1,
        "AddContextChildren": 1,
        "GetArtifact": 1,
        "GetTensorboard": 1,
        "GetTensorboardExperiment": 1,
        "CreateTensorboardExperiment": 1,
        "GetTensorboardRun": 1,
        "CreateTensorboardRun": 1,
        "CreateArtifact": 1,
        "AddContextArtifactsAndExecutions": 1,
        "UpdateContext": 14,  # tb run, 2 merges, 10 writer positions, state
        "ListTensorboardTimeSeries": 2,  # first write, get
        "CreateTensorboardTimeSeries": 2,
        "WriteTensorboardRunData": 10,
        "DeleteTensorboardRun": 1,
        "ListArtifacts": 1,
        "DeleteArtifact": 1,
        "DeleteContext": 1,
    }


async def test_a_pipeline_job_is_linked_by_its_run_context(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    job = fake.add_pipeline_job(PROJECT, "us-central1", "train-pipeline")
    link = await store.add_link(run.name, Link(LinkKind.PIPELINE_JOB, job))
    (request,) = requests(fake, "AddContextChildren")[1:]
    assert request.context == f"{STORE}/contexts/exp-1-run-1"
    assert list(request.child_contexts) == [f"{STORE}/contexts/train-pipeline"]
    assert link.create_time is not None
    listed = await store.list_links(run.name, LinkKind.PIPELINE_JOB, ListQuery(page_size=10))
    assert [entry.target for entry in listed.items] == [
        f"projects/{PROJECT}/locations/us-central1/pipelineJobs/train-pipeline"
    ]


async def test_a_custom_job_is_appended_to_custom_jobs(
    store: VertexRunStore, fake: VertexFake, run: Run
) -> None:
    job = f"projects/{PROJECT}/locations/us-central1/customJobs/123"
    await store.add_link(run.name, Link(LinkKind.CUSTOM_JOB, job))
    await store.add_link(run.name, Link(LinkKind.CUSTOM_JOB, job))
    expected = [
        {
            "custom_job_resource_name": job,
            "custom_job_console_uri": layouts.custom_job_console_uri(job),
        }
    ]
    # The second link finds the job listed and adds nothing (the write only proves its read fresh).
    assert [metadata(u.context)["_custom_jobs"] for u in requests(fake, "UpdateContext")] == [expected] * 2
