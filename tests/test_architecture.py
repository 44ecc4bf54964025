"""The package's shape, read from the ast of every module (issue 9): no import cycle, counting
imports inside functions and under `if TYPE_CHECKING:`; the core never imports the shell; no
module over 400 lines and no function over 60."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "codemod"

# The shell runs a command: it walks, reads git, writes files and exits. The core (analysis,
# rewrite, report, doctor's checks) computes values and must work without it.
SHELL = frozenset(
    {
        "codemod.__main__",
        "codemod.cli",
        "codemod.session",
        "codemod.publish",
        "codemod.written",
        "codemod.runner",
        "codemod.pool",
        "codemod.discover",
        "codemod.perfile",
        "codemod.applying",
        "codemod.stdinput",
        "codemod.gitstate",
        "codemod.writer",
    }
)
SHELL_FILES = (
    "__main__.py",
    "cli.py",
    "session.py",
    "publish.py",
    "written.py",
    "pool.py",
    "settings.py",
    "discover.py",
    "perfile.py",
    "applying.py",
    "stdinput.py",
    "gitstate.py",
    "writer.py",
    "doctor.py",
    "report/doctor.py",
    "report/console.py",
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

Graph = Mapping[str, frozenset[str]]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, source: str, known: Iterable[str], *, is_package: bool = False) -> set[str]:
    """The modules of `known` that `source` (module `name`) imports anywhere in its body."""
    known = set(known)
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()

    def nearest(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [nearest(alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [nearest(f"{base}.{alias.name}") if f"{base}.{alias.name}" in known else nearest(base) for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t is not None and t != name)
    return found


@functools.cache
def import_graph() -> Graph:
    mods = modules()
    return {
        name: frozenset(imports_of(name, path.read_text("utf-8"), mods, is_package=path.name == "__init__.py"))
        for name, path in mods.items()
    }


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle (first node repeated at the end) per strongly connected component that has one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm; the package is small enough to recurse
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(component, graph) for component in components]


def _cycle_in(component: list[str], graph: Graph) -> list[str]:
    """A path from the component's first node back to itself, inside the component."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no cycle through {start} in {component}")


def reach(graph: Graph, start: str) -> dict[str, list[str]]:
    """Every module `start` loads, directly or not, with the chain of imports that loads it."""
    chains = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph.get(node, ())):
            if target not in chains:
                chains[target] = [*chains[node], target]
                queue.append(target)
    return chains


def area(name: str) -> str:
    """The subpackage a module belongs to; top-level modules form the area `codemod`."""
    parts = name.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or name in SUBPACKAGES else "codemod"


SUBPACKAGES = sorted(module_name(p.parent) for p in PACKAGE.glob("*/__init__.py"))


# -- the tools of these tests can fail --------------------------------------------------------


KNOWN = {"codemod", "codemod.cli", "codemod.session", "codemod.report", "codemod.report.console", "codemod.rules"}
SAMPLE = """
from typing import TYPE_CHECKING
import os
if TYPE_CHECKING:
    from codemod.cli import Run
def later():
    from codemod import session
from . import console
from .. import rules
import codemod.rules.merge
"""


def test_every_import_counts_even_lazy_and_type_checking_ones() -> None:
    found = imports_of("codemod.report.common", SAMPLE, KNOWN)
    assert found == {"codemod.cli", "codemod.session", "codemod.report.console", "codemod.rules"}


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        pytest.param({"a": {"b"}, "b": {"c"}, "c": set()}, [], id="a chain has no cycle"),
        pytest.param({"a": {"b"}, "b": {"a"}}, [["a", "b", "a"]], id="two modules importing each other"),
        pytest.param({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}, [["a", "b", "c", "a"]], id="a cycle of three"),
    ],
)
def test_cycles_are_found(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles({k: frozenset(v) for k, v in graph.items()}) == expected


def test_the_graph_is_read_from_the_real_package() -> None:
    graph = import_graph()
    assert "codemod.session" in graph["codemod.cli"], "cli imports session inside its commands"
    assert "codemod.rules" in reach(graph, "codemod.analysis")


# -- the package ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [pytest.param(name, id=name) for name in ["codemod", *SUBPACKAGES]],
)
def test_no_import_cycle(where: str) -> None:
    graph = import_graph()
    found = [cycle for cycle in cycles(graph) if any(area(name) == where for name in cycle)]
    assert found == [], "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in found)


@pytest.mark.parametrize(
    "core",
    [pytest.param(name) for name in ("codemod.analysis", "codemod.rewrite", "codemod.report", "codemod.doctor")],
)
def test_the_core_never_imports_the_shell(core: str) -> None:
    graph = import_graph()
    starts = [name for name in graph if name == core or name.startswith(core + ".")]
    assert starts, f"no module {core}"
    loaded = [
        " -> ".join(chain)
        for start in starts
        for name, chain in reach(graph, start).items()
        if name in SHELL
    ]
    assert loaded == []


def too_long(paths: Iterable[Path], root: Path = PACKAGE.parent) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES, by name."""
    found = []
    for path in paths:
        text = path.read_text("utf-8")
        where = path.relative_to(root)
        if text.count("\n") > MAX_MODULE_LINES:
            found.append(f"{where}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{where}:{node.lineno}: {node.name} has {length} lines")
    return found


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(SHELL_FILES, id="the shell"),
        pytest.param(None, id="the whole package"),
    ],
)
def test_no_module_over_400_lines_and_no_function_over_60(files: tuple[str, ...] | None) -> None:
    paths = sorted(PACKAGE.rglob("*.py")) if files is None else [PACKAGE / name for name in files]
    assert too_long(paths) == []


@pytest.mark.parametrize(
    ("body_lines", "module_lines", "expected"),
    [
        pytest.param(MAX_FUNCTION_LINES - 1, 0, [], id="a function of 60 lines and a short module pass"),
        pytest.param(MAX_FUNCTION_LINES, 0, ["m.py:1: f has 61 lines"], id="a function of 61 lines"),
        pytest.param(1, MAX_MODULE_LINES - 2, [], id="a module of 400 lines passes"),
        pytest.param(1, MAX_MODULE_LINES - 1, ["m.py: 401 lines"], id="a module of 401 lines"),
    ],
)
def test_size_limits_are_measured(tmp_path: Path, body_lines: int, module_lines: int, expected: list[str]) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n" + "    x = 1\n" * body_lines + "y = 2\n" * module_lines)
    assert too_long([module], tmp_path) == expected
