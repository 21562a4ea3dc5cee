"""Model serialization and the upload stream of `log_model`."""

from __future__ import annotations

import hashlib
import pathlib
import pickle
from collections.abc import Iterator

import pytest
from exprun.client import models
from exprun.v1 import resources_pb2
from google.protobuf import json_format

from tests.unit.client import fake_frameworks


@pytest.fixture
def frameworks() -> Iterator[None]:
    with fake_frameworks.installed():
        yield


@pytest.mark.usefixtures("frameworks")
def test_sklearn_estimators_are_pickled_with_protocol_4_as_model_pkl(tmp_path: pathlib.Path) -> None:
    model = fake_frameworks.LINEAR_REGRESSION()

    framework = models.detect_framework(model)
    models.save(model, framework, tmp_path)

    assert framework == models.Framework(
        "sklearn", "1.5.2", "model.pkl", "sklearn.linear_model._base.LinearRegression"
    )
    data = (tmp_path / "model.pkl").read_bytes()
    assert data[:2] == b"\x80\x04"
    assert type(pickle.loads(data)).__name__ == "LinearRegression"


@pytest.mark.usefixtures("frameworks")
def test_xgboost_boosters_are_saved_with_save_model_as_model_bst(tmp_path: pathlib.Path) -> None:
    model = fake_frameworks.BOOSTER()

    framework = models.detect_framework(model)
    models.save(model, framework, tmp_path)

    assert (framework.name, framework.version, framework.model_file) == ("xgboost", "2.1.0", "model.bst")
    assert (tmp_path / "model.bst").read_bytes() == b"booster-bytes"


@pytest.mark.usefixtures("frameworks")
def test_torch_modules_are_saved_with_torch_save_as_model_pt(tmp_path: pathlib.Path) -> None:
    model = fake_frameworks.TINY_NET()

    framework = models.detect_framework(model)
    models.save(model, framework, tmp_path)

    assert framework == models.Framework("pytorch", "2.5.0", "model.pt", "examples.nets.TinyNet")
    assert pickle.loads((tmp_path / "model.pt").read_bytes()) == "TinyNet"


def test_other_objects_are_refused_with_the_sdk_message() -> None:
    with pytest.raises(ValueError, match=r"^Model type builtins\.object not supported\.$"):
        models.detect_framework(object())


def test_a_sklearn_api_class_from_another_library_is_not_taken_for_sklearn() -> None:
    with fake_frameworks.installed():
        wrapper = type(
            "LGBMClassifier", (fake_frameworks.SKLEARN_BASE,), {"__module__": "lightgbm.sklearn"}
        )()

        with pytest.raises(ValueError, match=r"lightgbm\.sklearn\.LGBMClassifier not supported"):
            models.detect_framework(wrapper)


def test_a_directory_is_scanned_in_sorted_order_with_posix_paths(tmp_path: pathlib.Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "weights.bin").write_bytes(b"w" * 10)
    (tmp_path / "b.txt").write_bytes(b"b")
    (tmp_path / "a.txt").write_bytes(b"")

    files = models.scan(tmp_path)

    assert [(f.path, f.size_bytes) for f in files] == [("a.txt", 0), ("b.txt", 1), ("sub/weights.bin", 10)]
    assert files[2].sha256 == hashlib.sha256(b"w" * 10).hexdigest()


def test_a_missing_path_is_an_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError):
        models.scan(tmp_path / "nope")


def test_upload_sends_the_header_then_each_file_in_chunks_of_at_most_1_mib(tmp_path: pathlib.Path) -> None:
    big = bytes(range(256)) * (5 * 1024)  # 1.25 MiB
    (tmp_path / "big.bin").write_bytes(big)
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "small").write_bytes(b"abc")
    files = models.scan(tmp_path)
    header = models.header("run", resources_pb2.ExperimentModel(framework_name="custom"), files)

    requests = list(models.upload_requests(header, files))

    assert requests[0].WhichOneof("kind") == "header"
    assert [(f.path, f.size_bytes) for f in requests[0].header.files] == [
        ("big.bin", len(big)),
        ("empty", 0),
        ("small", 3),
    ]
    chunks = [r.chunk for r in requests[1:]]
    assert all(len(c.data) <= models.CHUNK_BYTES for c in chunks)
    assert [(c.path, len(c.data)) for c in chunks] == [
        ("big.bin", models.CHUNK_BYTES),
        ("big.bin", len(big) - models.CHUNK_BYTES),
        ("empty", 0),
        ("small", 3),
    ]
    assert b"".join(c.data for c in chunks if c.path == "big.bin") == big


def test_input_examples_keep_the_sdk_layout_and_five_rows() -> None:
    example = models.input_example_value([[i, i + 1] for i in range(8)])

    assert json_format.MessageToDict(example) == {
        "type": "list",
        "data": [[float(i), float(i + 1)] for i in range(5)],
    }


def test_unsupported_input_examples_are_refused() -> None:
    with pytest.raises(ValueError, match="Input example type not supported"):
        models.input_example_value("text")
