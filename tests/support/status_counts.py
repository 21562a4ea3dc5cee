"""The fuzzers' tallies of status codes, printed past pytest's capture: the figures of the note."""

from __future__ import annotations

import collections
import contextlib

import pytest


def print_counts(config: pytest.Config, what: str, counts: collections.Counter[str]) -> None:
    line = ", ".join(f"{code}: {n}" for code, n in counts.most_common())
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\n{what}, status counts: {line}", flush=True)
