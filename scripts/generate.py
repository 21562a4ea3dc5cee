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
    (GENERATED / "__init__.py").write_text('"""Generated from protos/exprun/v1. Do not edit."""\n')
    (GENERATED / "py.typed").write_text("")
    return 0


if __name__ == "__main__":
    sys.exit(main())
