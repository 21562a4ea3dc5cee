"""The architecture as the imports draw it: no module reaches back into one that imports it, and
the core knows no gRPC, SQL or Google library. A cycle hides behind an import inside a function
or under TYPE_CHECKING just as well, so every import statement counts."""

from __future__ import annotations

import ast
import pathlib
from collections.abc import Iterator

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SOURCE_ROOTS = (REPO / "service", REPO / "clients" / "python")
CORE = "exprun.server.core"
NOT_IN_CORE = ("grpc", "sqlite3", "google", "exprun.v1", "exprun.server.transport", "exprun.server.stores")


def modules() -> dict[str, pathlib.Path]:
    found: dict[str, pathlib.Path] = {}
    for root in SOURCE_ROOTS:
        for path in (root / "exprun").rglob("*.py"):
            if "exprun/v1" in path.as_posix():  # generated protobuf code
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported(module: str, path: pathlib.Path) -> Iterator[tuple[str, str]]:
    """(package, name) for every `from package import name`, and (module, module) for every
    `import module`, at any depth of the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from ((alias.name, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            yield from ((base, f"{base}.{alias.name}") for alias in node.names)


def graph() -> dict[str, set[str]]:
    """Module to the modules it imports: `from package import module` names the submodule, not
    the package's `__init__`, which Python runs first but which is not what the code depends on."""
    found = modules()
    edges: dict[str, set[str]] = {}
    for module, path in found.items():
        names = {full if full in found else base for base, full in imported(module, path)}
        edges[module] = {name for name in names if name in found} - {module}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_the_modules_and_their_imports() -> None:
    edges = graph()
    assert "exprun.server.app" in edges
    assert "exprun.client.run" in edges
    assert "exprun.server.settings" in edges["exprun.server.cli.serve"]


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(graph()) == []


def test_a_cycle_is_found_however_it_is_imported() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("path", sorted(modules()[CORE].parent.glob("*.py")), ids=lambda path: path.name)
def test_the_core_imports_no_transport_storage_or_google_library(path: pathlib.Path) -> None:
    names = {base for base, _ in imported(f"{CORE}.{path.stem}", path)}
    assert not {name for name in names if name.startswith(NOT_IN_CORE)}
