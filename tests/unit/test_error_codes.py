"""Every domain error reaches the client with its own canonical code: a class without one would
answer INTERNAL, which clients neither retry as they should nor blame on their request."""

from __future__ import annotations

import grpc
import pytest
from exprun.server.core import errors
from exprun.server.core.store_health import storage_busy, storage_full
from exprun.server.transport.errors import CODES, status_code, to_status
from google.rpc import code_pb2


def error_classes(root: type[errors.ExprunError] = errors.ExprunError) -> list[type[errors.ExprunError]]:
    found: list[type[errors.ExprunError]] = []
    for cls in root.__subclasses__():
        found += [cls, *error_classes(cls)]
    return found


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_class_has_a_code_of_its_own_or_its_parents(cls: type[errors.ExprunError]) -> None:
    assert any(ancestor in CODES for ancestor in cls.__mro__), f"{cls.__name__} would answer INTERNAL"


def test_a_subclass_answers_with_its_parents_code() -> None:
    class StillMissing(errors.NotFound):
        pass

    assert status_code(StillMissing("r", kind="run")) == code_pb2.NOT_FOUND


def test_storage_faults_keep_their_codes_on_the_wire() -> None:
    assert to_status(storage_full("disk")).code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert to_status(storage_busy("lock")).code == grpc.StatusCode.UNAVAILABLE
