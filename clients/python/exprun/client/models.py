"""`log_model`: turning a model object or a path into files, and uploading them.

A Python object cannot cross gRPC, so a model is logged as files, the way the SDK stages it in
GCS: sklearn as `model.pkl` (pickle protocol 4), xgboost as `model.bst` (`save_model`) and
PyTorch as `model.pt` (`torch.save`). Frameworks are recognised by the classes' module names,
so none of them is imported unless the caller already holds one of its objects.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import grpc
from exprun.client import _api, _names, errors
from exprun.client.values import from_json_value, from_timestamp, to_json_value
from exprun.v1 import experiment_run_service_pb2 as service_pb2
from exprun.v1 import resources_pb2
from google.protobuf import struct_pb2

# The API's limit per ModelChunk.
CHUNK_BYTES = 1024 * 1024
# The SDK's pickle protocol for sklearn models (`_models._PICKLE_PROTOCOL`).
PICKLE_PROTOCOL = 4
# The SDK keeps at most this many rows of an input example.
MAX_INPUT_EXAMPLE_ROWS = 5


@dataclass(frozen=True)
class ModelFile:
    """One uploaded file, as the server recorded it."""

    path: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class ExperimentModel:
    """A `google.ExperimentModel` artifact logged to a run.

    `name` is the artifact ID and `resource_name` the full Vertex Metadata name, as in the SDK.
    """

    resource_name: str
    name: str
    display_name: str
    framework_name: str
    framework_version: str
    model_file: str
    model_class: str
    uri: str
    input_example: Any
    files: tuple[ModelFile, ...]
    create_time: datetime.datetime | None

    @classmethod
    def from_proto(cls, proto: resources_pb2.ExperimentModel) -> ExperimentModel:
        return cls(
            resource_name=proto.name,
            name=proto.artifact_id or proto.name.rsplit("/", 1)[-1],
            display_name=proto.display_name,
            framework_name=proto.framework_name,
            framework_version=proto.framework_version,
            model_file=proto.model_file,
            model_class=proto.model_class,
            uri=proto.uri,
            input_example=from_json_value(proto.input_example) if proto.HasField("input_example") else None,
            files=tuple(ModelFile(f.path, f.size_bytes, f.sha256) for f in proto.files),
            create_time=from_timestamp(proto.create_time),
        )

    @classmethod
    def get(
        cls,
        artifact_id: str,
        *,
        metadata_store_id: str = "default",
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
    ) -> ExperimentModel:
        """A logged model by artifact ID or full name, as the SDK's `ExperimentModel.get` (and
        `aiplatform.get_experiment_model`): also a model of a run deleted since, whose artifact
        and files stay. Raises `NotFound`, and `InvalidArgument` for another kind of artifact
        (the SDK raises ValueError there).

        Args:
            artifact_id: Required. The model's artifact ID or full name.
            metadata_store_id: Optional. See `exprun.client`.
            project, location, credentials: Optional. See `exprun.client`.
        """
        _names.check_metadata_store(metadata_store_id)
        api = _api.current(credentials)
        name = _names.in_metadata_store(artifact_id, "artifacts", project, location)
        return cls.from_proto(
            api.call(api.stub.GetExperimentModel, service_pb2.GetExperimentModelRequest(name=name))
        )

    def get_model_info(self) -> dict[str, Any]:
        """The SDK's `get_model_info()`: class, framework and version, plus the input example
        (`{"type": ..., "data": ...}`) when one was logged."""
        info: dict[str, Any] = {
            "model_class": self.model_class,
            "framework_name": self.framework_name,
            "framework_version": self.framework_version,
        }
        if self.input_example:
            info["input_example"] = self.input_example
        return info

    def load_model(self) -> Any:
        """The SDK's `load_model()` for sklearn, xgboost and PyTorch models.

        Files this machine can read (a `file://` URI of a server on the same host or a shared
        staging directory) are read in place; otherwise an uploaded model is downloaded from the
        server (`download`), sizes and SHA-256 checked. A model logged by reference elsewhere
        raises `FailedPrecondition`. Loading unpickles: load only models you trust."""
        framework = Framework(self.framework_name, self.framework_version, self.model_file, self.model_class)
        directory = local_directory(self.uri)
        if directory is not None and all((directory / f.path).is_file() for f in self.files):
            return load(framework, directory)
        with tempfile.TemporaryDirectory(prefix="exprun-download-") as tmp:
            self.download(tmp)
            return load(framework, Path(tmp))

    def download(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Writes the uploaded files into `directory` (created if missing) from the server,
        checking each file's size and SHA-256 against what was recorded at upload; returns the
        paths written. Raises `FailedPrecondition` for a model logged by reference.

        Args:
            directory: Required. Where to write the files, under their recorded paths.
        """
        api = _api.current()
        request = service_pb2.DownloadModelRequest(model=self.resource_name)
        return write_files(Path(directory), self.files, api.stream(api.stub.DownloadModel, request))


def write_files(
    directory: Path, expected: Sequence[ModelFile], chunks: Iterator[service_pb2.ModelChunk]
) -> list[Path]:
    """Joins the streamed chunks into files, hashing as they arrive, and checks that every file
    the model recorded came whole: a short, long, corrupt or missing file raises `DataLoss`."""
    wanted = {f.path: f for f in expected}
    digests: dict[str, Any] = {}
    sizes: dict[str, int] = {}
    directory.mkdir(parents=True, exist_ok=True)
    root = directory.resolve()
    for chunk in chunks:
        target = (root / chunk.path).resolve()
        if chunk.path not in wanted or not target.is_relative_to(root):
            raise errors.DataLoss(
                grpc.StatusCode.DATA_LOSS, f"the server sent {chunk.path!r}, not a file of the model"
            )
        first = chunk.path not in digests
        if first:
            target.parent.mkdir(parents=True, exist_ok=True)
            digests[chunk.path] = hashlib.sha256()
            sizes[chunk.path] = 0
        with target.open("wb" if first else "ab") as f:
            f.write(chunk.data)
        digests[chunk.path].update(chunk.data)
        sizes[chunk.path] += len(chunk.data)
    for path, recorded in wanted.items():
        if (
            path not in digests
            or sizes[path] != recorded.size_bytes
            or digests[path].hexdigest() != recorded.sha256
        ):
            raise errors.DataLoss(
                grpc.StatusCode.DATA_LOSS,
                f"{path} did not arrive as recorded at upload "
                f"({recorded.size_bytes} bytes, SHA-256 {recorded.sha256})",
            )
    return [root / path for path in wanted]


def local_directory(uri: str) -> Path | None:
    """The directory a `file://` URI or a plain path names, if it exists here."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        path = Path(url2pathname(parsed.path))
    elif not parsed.scheme:
        path = Path(uri)
    else:
        return None
    return path if path.is_dir() else None


def load(framework: Framework, directory: Path) -> Any:
    """Reads a model saved by `save` (or by the SDK: same file names and formats)."""
    model_file = directory / (framework.model_file or _DEFAULT_FILES.get(framework.name, ""))
    if framework.name == "sklearn":
        with model_file.open("rb") as f:
            return pickle.load(f)
    if framework.name == "xgboost":
        booster = importlib.import_module("xgboost").Booster()
        booster.load_model(str(model_file))
        return booster
    if framework.name == "pytorch":
        return importlib.import_module("torch").load(str(model_file), weights_only=False)
    raise ValueError(f"Model type {framework.name} not supported.")


# The SDK's file names (`_models._FRAMEWORK_SPECS`), for models logged without `model_file`.
_DEFAULT_FILES = {"sklearn": "model.pkl", "xgboost": "model.bst", "pytorch": "model.pt"}


@dataclass(frozen=True)
class LocalFile:
    """A file to upload: where it is and what the header says about it."""

    path: str
    source: Path
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class Framework:
    name: str
    version: str
    model_file: str
    model_class: str


def _classes(model: Any) -> list[tuple[str, str]]:
    return [(c.__module__, c.__name__) for c in type(model).__mro__]


def _version(package: str) -> str:
    module = sys.modules.get(package)
    version = getattr(module, "__version__", "")
    return version if isinstance(version, str) else ""


def detect_framework(model: Any) -> Framework:
    """Recognises the model's framework from its classes' module names, as the SDK's
    `isinstance` checks would, without importing anything."""
    cls = type(model)
    model_class = f"{cls.__module__}.{cls.__name__}"
    classes = _classes(model)
    if any(m.startswith("xgboost") and n in ("Booster", "XGBModel") for m, n in classes):
        return Framework("xgboost", _version("xgboost"), "model.bst", model_class)
    # The SDK also requires the class itself to live in sklearn, so sklearn-API wrappers from
    # other libraries (xgboost, lightgbm) are not pickled as sklearn.
    if cls.__module__.startswith("sklearn") and any(
        m.startswith("sklearn") and n == "BaseEstimator" for m, n in classes
    ):
        return Framework("sklearn", _version("sklearn"), "model.pkl", model_class)
    if any(m.startswith("torch.nn") and n == "Module" for m, n in classes):
        return Framework("pytorch", _version("torch"), "model.pt", model_class)
    raise ValueError(f"Model type {model_class} not supported.")


def save(model: Any, framework: Framework, directory: Path) -> None:
    path = directory / framework.model_file
    if framework.name == "sklearn":
        with path.open("wb") as f:
            pickle.dump(model, f, protocol=PICKLE_PROTOCOL)
    elif framework.name == "xgboost":
        model.save_model(str(path))
    elif framework.name == "pytorch":
        torch = sys.modules["torch"]
        torch.save(model, str(path))
    else:
        raise ValueError(f"Model type {framework.model_class} not supported.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def scan(path: Path) -> list[LocalFile]:
    """A file, or every file under a directory in a stable (sorted) order, with `/` separators."""
    if path.is_file():
        return [LocalFile(path.name, path, path.stat().st_size, _sha256(path))]
    if not path.is_dir():
        raise FileNotFoundError(f"model path {path} does not exist")
    files = []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            source = Path(root) / name
            relative = source.relative_to(path).as_posix()
            files.append(LocalFile(relative, source, source.stat().st_size, _sha256(source)))
    if not files:
        raise ValueError(f"model directory {path} holds no files")
    return files


def upload_requests(
    header: service_pb2.LogModelHeader, files: Sequence[LocalFile]
) -> Iterator[service_pb2.LogModelRequest]:
    """The header, then each file's bytes in ≤1 MiB chunks, files in header order (an empty
    file gets one empty chunk).

    Read lazily so a large model is never held in memory whole.
    """
    yield service_pb2.LogModelRequest(header=header)
    for local in files:
        if local.size_bytes == 0:
            # One empty chunk, so a server that creates files as chunks arrive creates this one too.
            yield service_pb2.LogModelRequest(chunk=service_pb2.ModelChunk(path=local.path, data=b""))
            continue
        with local.source.open("rb") as f:
            while block := f.read(CHUNK_BYTES):
                yield service_pb2.LogModelRequest(chunk=service_pb2.ModelChunk(path=local.path, data=block))


def header(
    run: str,
    model: resources_pb2.ExperimentModel,
    files: Sequence[LocalFile],
) -> service_pb2.LogModelHeader:
    return service_pb2.LogModelHeader(
        run=run,
        model=model,
        files=[resources_pb2.ModelFile(path=f.path, size_bytes=f.size_bytes, sha256=f.sha256) for f in files],
    )


def _first_rows(value: Any) -> Any:
    if not isinstance(value, list) and hasattr(value, "tolist"):
        value = value.tolist()
    return value[:MAX_INPUT_EXAMPLE_ROWS] if isinstance(value, list) else value


def input_example_value(example: Any) -> Any:
    """The SDK's `instance.yaml` content (`{"type": ..., "data": ...}`, at most 5 rows) as JSON."""
    module = type(example).__module__
    if module.startswith("pandas") and hasattr(example, "head"):
        return to_json_value(
            {"type": "pandas.DataFrame", "data": example.head(MAX_INPUT_EXAMPLE_ROWS).to_dict("list")}
        )
    if module.startswith("numpy") and hasattr(example, "tolist"):
        return to_json_value({"type": "numpy.ndarray", "data": example[:MAX_INPUT_EXAMPLE_ROWS].tolist()})
    if isinstance(example, list):
        rows = example[:MAX_INPUT_EXAMPLE_ROWS] if all(isinstance(x, list) for x in example) else example
        return to_json_value({"type": "list", "data": rows})
    if isinstance(example, dict):
        data = {key: _first_rows(value) for key, value in example.items()}
        return to_json_value({"type": "dict", "data": data})
    raise ValueError(
        "Input example type not supported. Valid example must be a list, dict, np.ndarray, or pd.DataFrame."
    )


# The SDK's input-example file, beside the model's files; `get_model_info` reads it.
INSTANCE_FILE = "instance.yaml"


def write_instance_file(directory: Path, example: struct_pb2.Value) -> LocalFile:
    """`instance.yaml` as the SDK writes it, `{"input_example": {"type": ..., "data": ...}}`.

    Written as JSON, which every YAML 1.2 reader (the SDK's `yaml.safe_load` included) reads
    as the same mapping, so the client needs no YAML library."""
    path = directory / INSTANCE_FILE
    path.write_text(json.dumps({"input_example": from_json_value(example)}))
    return LocalFile(INSTANCE_FILE, path, path.stat().st_size, _sha256(path))


def serialized(
    model: Any, framework: Framework, example: struct_pb2.Value | None = None
) -> tuple[tempfile.TemporaryDirectory[str], list[LocalFile]]:
    """Saves the model (and its input example) into a fresh temporary directory; the caller
    cleans it up."""
    tmp = tempfile.TemporaryDirectory(prefix="exprun-model-")
    try:
        save(model, framework, Path(tmp.name))
        if example is not None:
            write_instance_file(Path(tmp.name), example)
        return tmp, scan(Path(tmp.name))
    except BaseException:
        tmp.cleanup()
        raise
