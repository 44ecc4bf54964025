"""The import graph of codemod.analysis (issue 9, items 3 and 5): no cycle, counting imports under
TYPE_CHECKING and inside functions; the infrastructure never imports a detector; `suppress` is a
leaf; the detectors package registers nothing by being imported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import codemod.analysis

ROOT = Path(codemod.analysis.__file__).resolve().parent
PACKAGE = "codemod.analysis"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """Every module of the package `name` imports anywhere in its source (`from pkg import mod`
    counts as `pkg.mod` when that is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            assert node.level == 0, f"{name}: relative import"
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports(name) for name in MODULES}


def test_the_graph_is_read() -> None:
    """A graph without edges would make the cycle check pass on anything."""
    assert f"{PACKAGE}.values" in GRAPH[f"{PACKAGE}.context"]
    assert f"{PACKAGE}.detectors.calls" in GRAPH[f"{PACKAGE}.detectors.module_config"]


def test_no_import_cycle() -> None:
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, "import cycle: " + " -> ".join((*path, name))
        if name in done:
            return
        for dep in sorted(GRAPH[name]):
            visit(dep, (*path, name))
        done.add(name)

    for name in GRAPH:
        visit(name, ())


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        pytest.param("suppress", set(), id="suppress is a leaf"),
        pytest.param("detectors", set(), id="the detectors package imports none of its modules"),
        pytest.param("bindings", set(), id="bindings import nothing of the analysis"),
        pytest.param("facts", {"bindings"}, id="facts stand on bindings"),
        pytest.param("valuetypes", {"bindings", "facts"}, id="value types stand on bindings and facts"),
        pytest.param("ctorforms", {"bindings", "valuetypes"}, id="constructor forms stand on bindings and value types"),
        pytest.param("values", {"bindings", "ctorforms", "facts", "valuetypes"}, id="values stand on bindings and value types"),
        pytest.param("inserts", {"bindings", "values"}, id="inserts stand on bindings and values"),
        pytest.param("context", {"bindings", "values", "inserts", "suppress"}, id="context holds the infrastructure"),
        pytest.param("modelflow", {"bindings", "context", "facts", "values"}, id="model-name facts are read off the context"),
        pytest.param("moduleclient", set(), id="the module-level client's name stands on the rules only"),
        pytest.param("summary", {"bindings", "context", "facts", "modelflow", "moduleclient", "values"}, id="summaries are read off the context"),
        pytest.param("project", {"facts", "modelflow", "moduleclient", "summary", "values"}, id="the project view joins summaries"),
    ],
)
def test_layers(module: str, allowed: set[str]) -> None:
    """Exactly these: the infrastructure never imports a detector."""
    assert GRAPH[f"{PACKAGE}.{module}"] == {f"{PACKAGE}.{m}" for m in allowed}

