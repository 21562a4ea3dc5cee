"""Regenerates the committed Python code from `protos/`.

Run it after changing a `.proto`: `python scripts/generate.py`. CI runs it too and fails when
the committed code differs, so generated code can never drift from its source.
"""

from __future__ import annotations

import pathlib
import shutil
import sys
from typing import Any

import grpc_tools
from grpc_tools import protoc

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
PYTHON_OUT = ROOT / "clients" / "python"
GENERATED = PYTHON_OUT / "exprun" / "v1"
# The server's copy of TensorBoard's data-provider messages, generated beside its .proto (see it
# for why a copy); messages only: transport/data_provider.py registers the service by hand.
SERVICE_ROOT = ROOT / "service"
TENSORBOARD_PROTO = SERVICE_ROOT / "exprun" / "server" / "tensorboard_proto"


def googleapis_include() -> pathlib.Path:
    """The `google/api` protos ship in the googleapis-common-protos wheel, beside its code."""
    import google.api

    return pathlib.Path(google.api.__path__[0]).parent.parent


def main() -> int:
    shutil.rmtree(GENERATED, ignore_errors=True)
    GENERATED.mkdir(parents=True)
    wkt = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    sources = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    args = [
        "protoc",
        f"-I{PROTOS}",
        f"-I{googleapis_include()}",
        f"-I{wkt}",
        f"--python_out={PYTHON_OUT}",
        f"--pyi_out={PYTHON_OUT}",
        f"--grpc_python_out={PYTHON_OUT}",
        *sources,
    ]
    if protoc.main(args) != 0:
        return 1
    for stale in TENSORBOARD_PROTO.glob("*_pb2.py*"):
        stale.unlink()
    tensorboard_sources = sorted(str(p.relative_to(SERVICE_ROOT)) for p in TENSORBOARD_PROTO.glob("*.proto"))
    tensorboard_args = [
        "protoc",
        f"-I{SERVICE_ROOT}",
        f"-I{wkt}",
        f"--python_out={SERVICE_ROOT}",
        f"--pyi_out={SERVICE_ROOT}",
        *tensorboard_sources,
    ]
    if protoc.main(tensorboard_args) != 0:
        return 1
    write_stub_types()
    (GENERATED / "__init__.py").write_text('"""Generated from protos/exprun/v1. Do not edit."""\n')
    (GENERATED / "py.typed").write_text("")
    return 0


def _python_type(message: Any) -> tuple[str, str]:
    """(module, `alias.Class`) of a generated message class: `exprun/v1/resources.proto` is
    `exprun.v1.resources_pb2`."""
    module = message.file.name.removesuffix(".proto").replace("/", ".") + "_pb2"
    return module, f"{module.replace('.', '_')}.{message.name}"


def write_stub_types() -> None:
    """grpcio-tools types the messages (`--pyi_out`) but not the stub, so a call's response
    would be Any. This writes `typed_stub.py`, a Protocol of the stub on a blocking channel from
    the service descriptor: each method typed by its request and response, and by which side
    streams. The Python client casts its stub to it."""
    sys.path.insert(0, str(PYTHON_OUT))
    try:
        from exprun.v1 import experiment_run_service_pb2
    finally:
        sys.path.remove(str(PYTHON_OUT))
    service = experiment_run_service_pb2.DESCRIPTOR.services_by_name["ExperimentRunService"]
    modules: set[str] = set()
    attributes = []
    for method in service.methods:
        (request_module, request), (response_module, response) = (
            _python_type(method.input_type),
            _python_type(method.output_type),
        )
        modules.update((request_module, response_module))
        if method.client_streaming:
            request = f"Iterator[{request}]"
        if method.server_streaming:
            response = f"Iterator[{response}]"
        attributes.append(f"    {method.name}: Call[{request}, {response}]")
    imports = [f"import {module} as {module.replace('.', '_')}" for module in sorted(modules)]
    (GENERATED / "typed_stub.py").write_text(
        "\n".join(
            [
                '"""The generated stub\'s type on a blocking channel, written by scripts/generate.py',
                'from the service descriptor. Do not edit."""',
                "",
                "from __future__ import annotations",
                "",
                "from collections.abc import Iterator, Sequence",
                "from typing import Any, Protocol, TypeVar",
                "",
                *imports,
                "",
                '_Request = TypeVar("_Request", contravariant=True)',
                '_Response = TypeVar("_Response", covariant=True)',
                "",
                "",
                "class Call(Protocol[_Request, _Response]):",
                "    def __call__(",
                "        self,",
                "        request: _Request,",
                "        timeout: float | None = ...,",
                "        metadata: Sequence[tuple[str, str]] | None = ...,",
                "        credentials: Any = ...,",
                "        wait_for_ready: bool | None = ...,",
                "        compression: Any = ...,",
                "    ) -> _Response: ...",
                "",
                "",
                f"class {service.name}Stub(Protocol):",
                *attributes,
                "",
            ]
        )
    )


if __name__ == "__main__":
    sys.exit(main())
