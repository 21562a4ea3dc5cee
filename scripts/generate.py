"""Regenerates the committed Python code from `protos/`.

Run it after changing a `.proto`: `python scripts/generate.py`. CI runs it too and fails when
the committed code differs, so generated code can never drift from its source.
"""

from __future__ import annotations

import pathlib
import shutil
import sys

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
    (GENERATED / "__init__.py").write_text('"""Generated from protos/exprun/v1. Do not edit."""\n')
    (GENERATED / "py.typed").write_text("")
    return 0


if __name__ == "__main__":
    sys.exit(main())
