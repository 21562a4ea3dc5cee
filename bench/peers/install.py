"""Installs a peer (pinned) into `bench/.venvs/<name>` once; later runs reuse it."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from dataclasses import dataclass

VENVS = pathlib.Path(__file__).resolve().parent.parent / ".venvs"
INSTALL_TIMEOUT_SECONDS = 900.0

# Pinned to what the package index offers here (mlflow 3.18.0 is listed, but its mlflow-skinny
# 3.18.0 is not, so 3.18.0 does not install).
PINS = {"mlflow": "mlflow==3.17.2", "aim": "aim==3.29.1"}


@dataclass(frozen=True)
class Installed:
    python: pathlib.Path
    requirement: str


@dataclass(frozen=True)
class NotInstallable:
    requirement: str
    error: str


# `python -m bench --no-peers` (CI's smoke run): no peer is installed or run, their rows say so.
SKIP_ENV = "EXPRUN_BENCH_NO_PEERS"


def ensure(name: str) -> Installed | NotInstallable:
    """The peer's venv Python, installing the pinned requirement first if it is not there yet."""
    requirement = PINS[name]
    if os.environ.get(SKIP_ENV):
        return NotInstallable(requirement, "skipped (--no-peers)")
    venv = VENVS / name
    python = venv / "bin" / "python"
    marker = venv / "installed.txt"
    if marker.exists() and marker.read_text().strip() == requirement and python.exists():
        return Installed(python, requirement)
    print(f"installing {requirement} into {venv} (once) ...", file=sys.stderr, flush=True)
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", "--clear", str(venv)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pip = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_SECONDS,
        )
    except (subprocess.SubprocessError, OSError) as error:
        return NotInstallable(requirement, str(error).splitlines()[0])
    if pip.returncode != 0:
        lines = [
            line for line in pip.stderr.splitlines() if line.startswith("ERROR")
        ] or pip.stderr.splitlines()
        return NotInstallable(requirement, lines[0] if lines else f"pip exited {pip.returncode}")
    marker.write_text(requirement + "\n")
    return Installed(python, requirement)
