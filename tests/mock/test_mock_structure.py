"""The mock's modules import each other without a cycle (issue 10: app.py <-> handlers.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import attachkit.mock

MOCK_DIR = Path(attachkit.mock.__file__).parent
PACKAGE = "attachkit.mock"


def _imports_of(path: Path) -> set[str]:
    """The sibling modules a mock module imports, at any depth (function bodies included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == PACKAGE:
                found.update(alias.name for alias in node.names)
            elif node.module.startswith(PACKAGE + "."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name.split(".")[2])
    modules = {p.stem for p in MOCK_DIR.glob("*.py")}
    return found & modules - {path.stem}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> list[str] | None:
        if name in visiting:
            return [*visiting[visiting.index(name) :], name]
        if name in done:
            return None
        visiting.append(name)
        for target in sorted(graph.get(name, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(name)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def test_the_mock_modules_import_one_another_without_a_cycle() -> None:
    graph = {p.stem: _imports_of(p) for p in MOCK_DIR.glob("*.py") if p.stem != "__init__"}
    # The cycle this guards against was hidden in a function-level import: check the checker.
    assert "handlers" in graph["app"]
    assert _cycle({"app": {"handlers"}, "handlers": {"app"}}) == ["app", "handlers", "app"]
    assert _cycle(graph) is None


def test_handlers_do_not_import_the_app() -> None:
    assert "app" not in _imports_of(MOCK_DIR / "handlers.py")
    assert "app" not in _imports_of(MOCK_DIR / "context.py")
