"""The porting suite's harness: runs the SDK scripts of `tests/sdk_scripts/` as a user would.

`ported` makes exactly the change the issue allows a Vertex user (the import, and `target=` in
`init`) and refuses a script where that is not a two-line change, so a script can never lean on
an exprun-only call. `run_script` executes a script from a file, as `python script.py` would,
and returns its globals for the test to check.
"""

from __future__ import annotations

import difflib
import pathlib
import runpy
from typing import Any

SCRIPTS = pathlib.Path(__file__).resolve().parent.parent / "sdk_scripts"
SDK_IMPORT = "from google.cloud import aiplatform"
EXPRUN_IMPORT = "from exprun import client as aiplatform"
INIT = "aiplatform.init("


def original(name: str) -> str:
    return (SCRIPTS / name).read_text()


def ported(source: str, target: str) -> str:
    """The script with only its import and its `init` call changed."""
    if source.count(SDK_IMPORT) != 1 or source.count(INIT) != 1:
        raise ValueError("a porting script has one SDK import and one aiplatform.init call")
    return source.replace(SDK_IMPORT, EXPRUN_IMPORT).replace(INIT, f"{INIT}target={target!r}, ")


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a diff marks as removed or added (what a reviewer would see changed)."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def run_script(name: str, directory: pathlib.Path, *, target: str | None = None) -> dict[str, Any]:
    """Runs the script (ported to `target` when given, else the SDK original) as `__main__`."""
    source = original(name)
    path = directory / name
    path.write_text(ported(source, target) if target is not None else source)
    return runpy.run_path(str(path), run_name="__main__")
