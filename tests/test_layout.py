"""The house's shape, drawn from the code's own imports (README, "Layout"): every top-level folder has one role,
imports only go down (faces → features → ground), no module imports itself round a circle, and an import
inside a function is there only because Django requires it, with a comment saying so."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each folder may import from the others (its own modules always), floor by floor from the ground up.
FEATURES = {"privacy", "marketplace", "donations", "repairs", "impact", "notifications", "listings", "accounts", "core"}
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "accounts": {"core"},
    "listings": {"accounts", "core"},
    "notifications": {"accounts", "core"},
    "repairs": {"listings", "notifications", "accounts", "core"},
    "marketplace": {"listings", "notifications", "accounts", "core"},
    "donations": {"repairs", "listings", "notifications", "accounts", "core"},
    "impact": {"donations", "repairs", "listings", "accounts", "core"},
    "privacy": FEATURES - {"privacy"},
    # The faces, and the demo data that drives the services as people would.
    "api": FEATURES,
    "frontend": FEATURES,
    "demo": FEATURES,
    # `config/` wires the house.
    "config": FEATURES | {"api", "frontend", "demo"},
    # Tools outside the house: they may use any room, and no room uses them.
    "benchmarks": FEATURES | {"api", "frontend", "demo", "config"},
    # `make drill` (scripts/drill.py) reads the impact figures and the photos of a restored database back.
    "scripts": FEATURES | {"config"},
}
ROOMS = set(MAY_IMPORT)
# Programs run on their own: they configure Django at run time (`django.setup()`) before importing models, and
# import optional libraries only for the measurement that needs them.
TOOLS = {"benchmarks", "scripts"}


def _modules() -> Iterator[tuple[str, Path]]:
    for room in sorted(ROOMS):
        for path in sorted((ROOT / room).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(module: str, path: Path) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, inside a function?) for every import of a project module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if _is_package(path) else module.rpartition(".")[0]

    def visit(node: ast.AST, nested: bool) -> Iterator[tuple[str, int, bool]]:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, nested
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)] if child.level > 1 else base
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                yield target, child.lineno, nested
                # `from package import module` imports the module
                for alias in child.names:
                    yield f"{target}.{alias.name}", child.lineno, nested
            else:
                yield from visit(child, inner)

    yield from visit(tree, False)


def _graph() -> tuple[dict[str, Path], dict[str, set[tuple[str, int, bool]]]]:
    modules = dict(_modules())
    edges: dict[str, set[tuple[str, int, bool]]] = {}
    for module, path in modules.items():
        for target, line, nested in _imports(module, path):
            if target in modules and target != module:
                edges.setdefault(module, set()).add((target, line, nested))
    return modules, edges


def _room(module: str) -> str:
    return module.split(".")[0]


def test_imports_only_go_down():
    edges = _graph()[1]
    wrong = sorted(
        f"{module}:{line} imports {target}"
        for module, targets in edges.items()
        for target, line, _nested in targets
        if _room(target) != _room(module) and _room(target) not in MAY_IMPORT[_room(module)]
    )
    assert wrong == []


def test_no_import_cycles():
    edges = _graph()[1]
    graph = {m: {t for t, _l, _n in targets} for m, targets in edges.items()}
    # Tarjan's strongly connected components: a component of more than one module is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    assert circles == []


def _says_why(lines: list[str], index: int) -> bool:
    """A comment naming Django on the import's line, or above it over the block of imports it stands in."""
    if "Django" in lines[index].partition("#")[2]:
        return True
    for line in reversed(lines[:index]):
        text = line.strip()
        if text.startswith("#"):
            return "Django" in text
        if not text.startswith(("from ", "import ")):
            return False
    return False


def test_imports_inside_functions_say_why_django_requires_them():
    unexplained = []
    for module, path in _graph()[0].items():
        if _room(module) in TOOLS:
            continue
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom) and not _says_why(lines, inner.lineno - 1):
                    unexplained.append(f"{module}:{inner.lineno}: {lines[inner.lineno - 1].strip()}")
    assert unexplained == []


@pytest.mark.parametrize("room", sorted(ROOMS - TOOLS))
def test_every_room_is_in_the_readme_layout_table(room):
    readme = (ROOT / "README.md").read_text()
    assert f"| `{room}/` |" in readme
