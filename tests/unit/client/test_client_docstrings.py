"""The public client documents its parameters as the Vertex SDK does: an `Args:` section on every
public function and method that takes any. A module helper that only forwards to the active run
names the `ExperimentRun` method whose Args it shares instead of repeating them."""

from __future__ import annotations

import dataclasses
import enum
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import exprun.client as client
import pytest

# Made from server responses, not called by users: their fields are documented on the class.
_CONVERTERS = {"from_proto"}


def _documented() -> Iterator[tuple[str, Callable[..., Any], str]]:
    """(label, callable, the docstring that documents its parameters) of the public API."""
    for name in client.__all__:
        obj = getattr(client, name)
        if inspect.isfunction(obj):
            yield name, obj, inspect.getdoc(obj) or ""
        elif inspect.isclass(obj) and obj.__module__.startswith("exprun.client"):
            if issubclass(obj, BaseException | enum.Enum) or name == "PipelineJob":
                continue  # errors, enums, and a handle whose constructor only refuses
            if dataclasses.is_dataclass(obj) and obj.__dataclass_params__.init:  # type: ignore[attr-defined]
                continue  # a value the server returns, its fields generated into __init__
            yield name, obj.__init__, inspect.getdoc(obj) or ""
            for member, value in vars(obj).items():
                function = getattr(obj, member)
                if member.startswith("_") or member in _CONVERTERS or isinstance(value, property):
                    continue
                if callable(function):
                    yield f"{name}.{member}", function, inspect.getdoc(function) or ""


def _parameters(function: Callable[..., Any]) -> list[str]:
    return [p for p in inspect.signature(function).parameters if p not in ("self", "cls")]


_WITH_PARAMETERS = [(label, doc) for label, function, doc in _documented() if _parameters(function)]


@pytest.mark.parametrize(
    "doc", [doc for _, doc in _WITH_PARAMETERS], ids=[label for label, _ in _WITH_PARAMETERS]
)
def test_every_public_callable_with_parameters_has_args(doc: str) -> None:
    assert "Args:" in doc or "(see its Args)" in doc
