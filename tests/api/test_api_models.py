"""LogModel (client-streaming upload or by URI) and ListExperimentModels through the client."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pathlib
import pickle
from collections.abc import Iterator
from urllib.parse import urlparse
from urllib.request import url2pathname

import grpc
import pytest
from exprun import client as aiplatform
from exprun.client import Experiment, ExperimentRun, FailedPrecondition, InvalidArgument, errors
from exprun.v1 import experiment_run_service_pb2 as service_pb2
from exprun.v1 import experiment_run_service_pb2_grpc as service_grpc
from exprun.v1 import resources_pb2

from tests.unit.client import fake_frameworks


def _stored(uri: str) -> pathlib.Path:
    """The embedded store keeps uploads on local disk and reports a file:// URI."""
    parsed = urlparse(uri)
    assert parsed.scheme == "file"
    return pathlib.Path(url2pathname(parsed.path))


@pytest.fixture
def model_dir(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "model"
    (root / "variables").mkdir(parents=True)
    (root / "saved_model.pb").write_bytes(b"graph" * 1000)
    (root / "variables" / "data.bin").write_bytes(bytes(range(256)) * 5000)  # > 1 MiB: several chunks
    (root / "variables" / "empty").write_bytes(b"")
    return root


def test_a_directory_is_uploaded_file_by_file(
    experiment_run: ExperimentRun, model_dir: pathlib.Path, artifact_id: str
) -> None:
    model = experiment_run.log_model(
        model_dir,
        artifact_id,
        display_name="tf model",
        framework_name="tensorflow",
        framework_version="2.17.0",
    )

    assert (model.name, model.display_name, model.framework_name, model.framework_version) == (
        artifact_id,
        "tf model",
        "tensorflow",
        "2.17.0",
    )
    assert [(f.path, f.size_bytes) for f in model.files] == [
        ("saved_model.pb", 5000),
        ("variables/data.bin", 256 * 5000),
        ("variables/empty", 0),
    ]
    stored = _stored(model.uri)
    for f in model.files:
        content = (stored / f.path).read_bytes()
        assert content == (model_dir / f.path).read_bytes()
        assert hashlib.sha256(content).hexdigest() == f.sha256
    assert experiment_run.get_experiment_models() == [model]


def test_a_single_file_is_uploaded_as_the_model_file(
    experiment_run: ExperimentRun, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "weights.onnx"
    path.write_bytes(b"onnx")

    model = experiment_run.log_model(str(path))

    assert (model.model_file, model.framework_name) == ("weights.onnx", "custom")
    assert (_stored(model.uri) / "weights.onnx").read_bytes() == b"onnx"


def test_a_uri_alone_logs_the_model_by_reference(experiment_run: ExperimentRun) -> None:
    model = experiment_run.log_model(
        uri="gs://bucket/models/1",
        framework_name="sklearn",
        framework_version="1.5.2",
        input_example=[[1, 2], [3, 4]],
    )

    assert (model.uri, model.files, model.framework_name) == ("gs://bucket/models/1", (), "sklearn")
    assert model.input_example == {"type": "list", "data": [[1.0, 2.0], [3.0, 4.0]]}
    assert experiment_run.get_experiment_models() == [model]


def test_an_sklearn_estimator_is_pickled_and_uploaded_like_the_sdk(experiment_run: ExperimentRun) -> None:
    with fake_frameworks.installed():
        estimator = fake_frameworks.LINEAR_REGRESSION()
        model = experiment_run.log_model(estimator)
        restored = pickle.loads((_stored(model.uri) / "model.pkl").read_bytes())

    assert (model.framework_name, model.framework_version, model.model_file, model.model_class) == (
        "sklearn",
        "1.5.2",
        "model.pkl",
        "sklearn.linear_model._base.LinearRegression",
    )
    assert type(restored).__name__ == "LinearRegression"


def test_an_unsupported_object_is_a_value_error_and_nothing_is_logged(experiment_run: ExperimentRun) -> None:
    with pytest.raises(ValueError, match=r"^Model type builtins\.dict not supported\.$"):
        experiment_run.log_model({"weights": [1, 2]})

    assert experiment_run.get_experiment_models() == []


def test_a_taken_artifact_id_is_already_exists(experiment_run: ExperimentRun, artifact_id: str) -> None:
    experiment_run.log_model(uri="gs://bucket/a", artifact_id=artifact_id)

    with pytest.raises(errors.AlreadyExists):
        experiment_run.log_model(uri="gs://bucket/b", artifact_id=artifact_id)


def test_a_bad_artifact_id_names_the_field(experiment_run: ExperimentRun) -> None:
    with pytest.raises(InvalidArgument) as caught:
        experiment_run.log_model(uri="gs://bucket/a", artifact_id="9-starts-with-a-digit")

    assert caught.value.field_violations[0][0] == "header.model.artifact_id"


def _corrupted_upload(run: str, artifact_id: str) -> Iterator[service_pb2.LogModelRequest]:
    data = b"the real bytes"
    header = service_pb2.LogModelHeader(
        run=run,
        model=resources_pb2.ExperimentModel(framework_name="custom", artifact_id=artifact_id),
        files=[resources_pb2.ModelFile(path="model.bin", size_bytes=len(data), sha256="0" * 64)],
    )
    yield service_pb2.LogModelRequest(header=header)
    yield service_pb2.LogModelRequest(chunk=service_pb2.ModelChunk(path="model.bin", data=data))


def test_a_checksum_mismatch_is_rejected_and_leaves_no_model(
    experiment_run: ExperimentRun, server_target: str, artifact_id: str
) -> None:
    with grpc.insecure_channel(server_target) as channel:
        stub = service_grpc.ExperimentRunServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.LogModel(_corrupted_upload(experiment_run.exprun_name, artifact_id))
        error = errors.from_rpc_error(caught.value)

    assert isinstance(error, InvalidArgument)
    assert error.field_violations == [
        ("chunk.data", "file 'model.bin' does not match its sha256 in the header")
    ]
    assert experiment_run.get_experiment_models() == []
    # The ID was not kept by the failed upload.
    assert experiment_run.log_model(uri="gs://bucket/a", artifact_id=artifact_id).name == artifact_id


def test_a_uri_given_with_a_model_is_ignored_with_a_warning_and_the_model_uploaded(
    experiment_run: ExperimentRun, model_dir: pathlib.Path
) -> None:
    # The SDK's uri= is the GCS directory to stage the model in; exprun's server stages uploads.
    with pytest.warns(UserWarning, match="uri=.* is ignored"):
        model = experiment_run.log_model(model_dir, uri="gs://bucket/a")

    assert model.uri != "gs://bucket/a"
    assert (_stored(model.uri) / "saved_model.pb").read_bytes() == b"graph" * 1000


def test_a_logged_estimator_loads_back_and_reports_its_info_like_the_sdk(
    experiment_run: ExperimentRun,
) -> None:
    with fake_frameworks.installed():
        estimator = fake_frameworks.LINEAR_REGRESSION()
        estimator.fitted_on = "pets-v2"
        experiment_run.log_model(estimator, input_example=[[1.0, 2.0], [3.0, 4.0]])
        (listed,) = experiment_run.get_experiment_models()
        loaded = listed.load_model()

    assert type(loaded).__qualname__ == "LinearRegression"
    assert loaded.fitted_on == "pets-v2"
    # The SDK's instance.yaml, beside model.pkl, where predictSchemata.instanceSchemaUri points.
    instance = json.loads((_stored(listed.uri) / "instance.yaml").read_text())
    assert instance == {"input_example": {"type": "list", "data": [[1.0, 2.0], [3.0, 4.0]]}}
    assert {f.path for f in listed.files} == {"model.pkl", "instance.yaml"}
    assert listed.get_model_info() == {
        "model_class": "sklearn.linear_model._base.LinearRegression",
        "framework_name": "sklearn",
        "framework_version": "1.5.2",
        "input_example": {"type": "list", "data": [[1.0, 2.0], [3.0, 4.0]]},
    }


def test_a_model_logged_by_reference_cannot_be_downloaded_or_loaded(experiment_run: ExperimentRun) -> None:
    model = experiment_run.log_model(uri="gs://bucket/models/1", framework_name="sklearn")

    with pytest.raises(FailedPrecondition) as caught:
        model.load_model()
    assert caught.value.reason == "MODEL_NOT_UPLOADED"
    assert model.get_model_info() == {"model_class": "", "framework_name": "sklearn", "framework_version": ""}


def test_a_downloaded_model_has_every_file_byte_for_byte(
    experiment_run: ExperimentRun, model_dir: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    model = experiment_run.log_model(model_dir)

    written = model.download(tmp_path / "copy")

    assert sorted(p.relative_to(tmp_path / "copy").as_posix() for p in written) == [
        "saved_model.pb",
        "variables/data.bin",
        "variables/empty",
    ]
    for relative in ("saved_model.pb", "variables/data.bin", "variables/empty"):
        assert (tmp_path / "copy" / relative).read_bytes() == (model_dir / relative).read_bytes()


def test_a_model_whose_files_are_not_on_this_machine_is_downloaded_to_load(
    experiment_run: ExperimentRun,
) -> None:
    with fake_frameworks.installed():
        estimator = fake_frameworks.LINEAR_REGRESSION()
        estimator.fitted_on = "pets-v2"
        logged = experiment_run.log_model(estimator)
        # As a client on another machine sees it: the server's file:// URI does not exist here.
        elsewhere = dataclasses.replace(logged, uri="file:///nonexistent/exprun/models/x")
        loaded = elsewhere.load_model()

    assert loaded.fitted_on == "pets-v2"


def test_a_deleted_runs_model_stays_and_loads_by_its_artifact_id_like_the_sdk(
    experiment_run: ExperimentRun, artifact_id: str
) -> None:
    with fake_frameworks.installed():
        estimator = fake_frameworks.LINEAR_REGRESSION()
        estimator.fitted_on = "pets-v3"
        logged = experiment_run.log_model(estimator, artifact_id)
        experiment_run.delete()
        found = aiplatform.get_experiment_model(artifact_id)
        loaded = found.load_model()

    assert found == logged
    assert loaded.fitted_on == "pets-v3"
    assert aiplatform.ExperimentModel.get(logged.resource_name) == logged


def test_a_run_deleted_with_its_artifacts_takes_its_models_and_their_files(
    experiment_run: ExperimentRun, model_dir: pathlib.Path, artifact_id: str
) -> None:
    logged = experiment_run.log_model(model_dir, artifact_id)

    experiment_run.delete(delete_artifacts=True)

    with pytest.raises(errors.NotFound):
        aiplatform.get_experiment_model(artifact_id)
    assert not _stored(logged.uri).exists()


def test_an_experiment_deleted_with_its_artifacts_takes_the_models_its_deleted_runs_left(
    experiment: Experiment, model_dir: pathlib.Path, artifact_id: str
) -> None:
    run = ExperimentRun.create("run-1", experiment=experiment)
    logged = run.log_model(model_dir, artifact_id)
    run.delete()
    assert _stored(logged.uri).is_dir()

    experiment.delete(delete_artifacts=True)

    with pytest.raises(errors.NotFound):
        aiplatform.get_experiment_model(artifact_id)
    assert not _stored(logged.uri).exists()


def test_get_experiment_model_refuses_other_artifacts_and_bad_names(experiment_run: ExperimentRun) -> None:
    experiment_run.log_classification_metrics(labels=["a", "b"], matrix=[[1, 0], [0, 1]], display_name="cm")
    (metrics,) = experiment_run.get_classification_metrics()

    with pytest.raises(InvalidArgument) as caught:
        aiplatform.get_experiment_model(metrics["id"])
    assert caught.value.field_violations[0][0] == "name"
    with pytest.raises(InvalidArgument) as caught:
        aiplatform.get_experiment_model("projects/p/locations/l/artifacts/x")
    assert caught.value.field_violations[0][0] == "name"
    with pytest.raises(ValueError, match="metadata_store_id"):
        aiplatform.ExperimentModel.get("x", metadata_store_id="other")


def test_run_log_model_takes_the_sdks_keywords(
    experiment_run: ExperimentRun, model_dir: pathlib.Path
) -> None:
    with pytest.warns(UserWarning, match="staging_bucket=.* is ignored"):
        model = experiment_run.log_model(
            model_dir,
            staging_bucket="gs://bucket",
            project=experiment_run.project,
            location=experiment_run.location,
            metadata_store_id="default",
        )

    assert (_stored(model.uri) / "saved_model.pb").read_bytes() == b"graph" * 1000
    with pytest.raises(ValueError, match="own project and location"):
        experiment_run.log_model(model_dir, location="europe-west4")
    assert experiment_run.get_experiment_models() == [model]
