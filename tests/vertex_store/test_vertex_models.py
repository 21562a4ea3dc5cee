"""Model files under the staging URI: published whole, kept when their run is deleted (as the
SDK keeps them) unless the delete asks for them, and the settings' absence reported by name."""

from __future__ import annotations

import pathlib

import pytest
from exprun.server.core.errors import AlreadyExists, FailedPrecondition
from exprun.server.core.model import Artifact, Run
from exprun.server.stores.vertex.models import GcsStaging, LocalStaging, open_staging
from exprun.server.stores.vertex.store import VertexRunStore

from tests.vertex_store.vertex_support import OpenStore

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def test_without_a_staging_uri_uploads_are_refused_naming_the_setting(
    open_store: OpenStore, run: Run
) -> None:
    bare = await open_store(model_staging_uri=None)
    with pytest.raises(FailedPrecondition) as caught:
        await bare.begin_model_upload(run.name, "model-1")
    assert caught.value.reason == "NO_MODEL_STAGING"
    assert "model_staging_uri" in caught.value.message


async def test_models_land_per_project_location_and_id_and_go_with_their_run_only_when_asked(
    store: VertexRunStore, run: Run, tmp_path: pathlib.Path
) -> None:
    upload = await store.begin_model_upload(run.name, "model-1")
    await upload.write("model.pkl", b"weights")
    uri = await upload.commit()
    target = tmp_path / "staging" / "my-project" / "us-central1" / "model-1"
    assert uri == target.as_uri()
    await store.add_artifact(run.name, Artifact("model-1", "google.ExperimentModel", uri=uri))
    with pytest.raises(AlreadyExists):
        await store.begin_model_upload(run.name, "model-1")
    await store.delete_run(run.name, delete_backing_tensorboard_run=False)
    assert (target / "model.pkl").read_bytes() == b"weights"
    again = await store.create_run(Run(run.name))
    await store.add_artifact(again.name, Artifact("model-2", "google.ExperimentModel", uri=uri))
    await store.delete_run(again.name, delete_backing_tensorboard_run=False, delete_artifacts=True)
    assert not target.exists()


async def test_an_id_being_uploaded_is_taken(store: VertexRunStore, run: Run) -> None:
    first = await store.begin_model_upload(run.name, "model-1")
    with pytest.raises(AlreadyExists):
        await store.begin_model_upload(run.name, "model-1")
    await first.abort()
    second = await store.begin_model_upload(run.name, "model-1")
    await second.abort()


async def test_abort_after_the_artifact_recorded_the_files_keeps_them(
    store: VertexRunStore, run: Run, tmp_path: pathlib.Path
) -> None:
    upload = await store.begin_model_upload(run.name, "model-1")
    await upload.write("model.pkl", b"weights")
    uri = await upload.commit()
    await store.add_artifact(run.name, Artifact("model-1", "google.ExperimentModel", uri=uri))
    await upload.abort()
    assert (tmp_path / "staging/my-project/us-central1/model-1/model.pkl").read_bytes() == b"weights"


async def test_staging_uris_pick_their_backend(tmp_path: pathlib.Path) -> None:
    assert isinstance(open_staging("gs://bucket/models"), GcsStaging)
    assert isinstance(open_staging(tmp_path.as_uri()), LocalStaging)
    assert isinstance(open_staging(str(tmp_path)), LocalStaging)


async def test_only_published_model_directories_under_the_prefix_are_ours_to_delete() -> None:
    staging = GcsStaging("bucket", "models")
    assert staging.owns("gs://bucket/models/p/us-central1/model-1")
    assert not staging.owns("gs://bucket/elsewhere/model-1")
    assert not staging.owns("gs://other/models/p/us-central1/model-1")
    assert not staging.owns("gs://bucket/models/.incoming/abc")
