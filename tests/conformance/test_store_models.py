"""Model uploads: files are published whole on commit, and an abort leaves no trace."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from exprun.server.core.errors import AlreadyExists, NotFound
from exprun.server.core.model import Artifact, Experiment, ListQuery, Run
from exprun.server.core.names import RunName
from exprun.server.core.store import RunStore

pytestmark = pytest.mark.asyncio(loop_scope="function")

FILES = {"model.pkl": b"pickled" * 1000, "saved_model/variables/data-0": bytes(range(256)) * 10, "empty": b""}


async def log_model(store: RunStore, name: RunName, artifact_id: str, files: dict[str, bytes]) -> Artifact:
    """The core's `log_model` sequence: begin, write in pieces, commit, record; abort on failure."""
    upload = await store.begin_model_upload(name, artifact_id)
    try:
        for path, data in files.items():
            for start in range(0, max(len(data), 1), 1000):
                await upload.write(path, data[start : start + 1000])
        uri = await upload.commit()
        return await store.add_artifact(
            name, Artifact(artifact_id=artifact_id, schema_title="google.ExperimentModel", uri=uri)
        )
    except BaseException:
        await upload.abort()
        raise


async def test_committed_model_files_are_under_the_returned_uri(
    store: RunStore, run: Run, read_model_file: Callable[[str, str], bytes | None]
) -> None:
    model = await log_model(store, run.name, "model-1", FILES)
    for path, data in FILES.items():
        assert read_model_file(model.uri, path) == data
    listed = await store.list_artifacts(
        run.name, ListQuery(page_size=10), schema_title="google.ExperimentModel"
    )
    assert listed.items == [model]


async def test_upload_is_staged_until_commit(
    store: RunStore, run: Run, pending_upload_count: Callable[[], int]
) -> None:
    upload = await store.begin_model_upload(run.name, "model-1")
    await upload.write("model.pkl", b"abc")
    assert pending_upload_count() == 1
    await upload.commit()
    assert pending_upload_count() == 0


async def test_aborted_upload_leaves_no_trace_and_frees_its_id(
    store: RunStore,
    run: Run,
    pending_upload_count: Callable[[], int],
    read_model_file: Callable[[str, str], bytes | None],
) -> None:
    upload = await store.begin_model_upload(run.name, "model-1")
    await upload.write("model.pkl", b"partial")
    await upload.abort()
    assert pending_upload_count() == 0
    model = await log_model(store, run.name, "model-1", {"model.pkl": b"whole"})
    assert read_model_file(model.uri, "model.pkl") == b"whole"


async def test_abort_after_commit_without_an_artifact_removes_the_model(
    store: RunStore, run: Run, model_uri_exists: Callable[[str], bool]
) -> None:
    upload = await store.begin_model_upload(run.name, "model-1")
    await upload.write("model.pkl", b"abc")
    uri = await upload.commit()
    assert model_uri_exists(uri)
    await upload.abort()
    assert not model_uri_exists(uri)
    assert (await store.list_artifacts(run.name, ListQuery(page_size=10))).items == []


async def test_upload_for_a_taken_artifact_id_fails_and_keeps_the_first_model(
    store: RunStore, run: Run, read_model_file: Callable[[str, str], bytes | None]
) -> None:
    first = await log_model(store, run.name, "model-1", {"model.pkl": b"first"})
    with pytest.raises(AlreadyExists):
        await log_model(store, run.name, "model-1", {"model.pkl": b"second"})
    assert read_model_file(first.uri, "model.pkl") == b"first"
    assert (await store.list_artifacts(run.name, ListQuery(page_size=10))).items == [first]


async def test_uploads_of_two_models_do_not_mix(
    store: RunStore, experiment: Experiment, read_model_file: Callable[[str, str], bytes | None]
) -> None:
    first_run = await store.create_run(Run(experiment.name.run("r1")))
    second_run = await store.create_run(Run(experiment.name.run("r2")))
    first = await store.begin_model_upload(first_run.name, "model-a")
    second = await store.begin_model_upload(second_run.name, "model-b")
    await first.write("model.pkl", b"a1")
    await second.write("model.pkl", b"b1")
    await first.write("model.pkl", b"a2")
    uri_b = await second.commit()
    uri_a = await first.commit()
    assert uri_a != uri_b
    assert read_model_file(uri_a, "model.pkl") == b"a1a2"
    assert read_model_file(uri_b, "model.pkl") == b"b1"


async def test_upload_to_a_missing_run_is_not_found(store: RunStore, experiment: Experiment) -> None:
    with pytest.raises(NotFound):
        await store.begin_model_upload(experiment.name.run("nope"), "model-1")
