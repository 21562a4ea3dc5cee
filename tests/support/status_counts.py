"""What the fuzzers accept as an answer, and their tallies of status codes, printed past
pytest's capture: the figures of the note."""

from __future__ import annotations

import collections
import contextlib

import grpc
import pytest

# A clear answer to any request, however malformed: never INTERNAL, UNKNOWN or RESOURCE_EXHAUSTED
# (a trailer too large for the client).
ACCEPTABLE = {
    grpc.StatusCode.OK,
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.ALREADY_EXISTS,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.OUT_OF_RANGE,
}


def print_counts(config: pytest.Config, what: str, counts: collections.Counter[str]) -> None:
    line = ", ".join(f"{code}: {n}" for code, n in counts.most_common())
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\n{what}, status counts: {line}", flush=True)
