"""The words the analysis and the project view share: a client's decision, the name of a
function scope that references to its parameters use, a constructor's id and a module's dotted
name. A leaf: imports only the bindings."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from codemod.analysis.bindings import FUNCS, Scope

# migrate | keep (stays on OpenAI) | split | as-is (its own arguments say where it goes) |
# ignore (a test double: its uses decide nothing)
DecisionKind = Literal["migrate", "keep", "split", "as-is", "ignore"]


@dataclass(frozen=True)
class Decision:
    """One per client constructor, from every use of it in the project."""

    kind: DecisionKind
    unserved: tuple[tuple[str, str], ...] = ()  # (where, endpoint) the provider does not serve
    split_spans: tuple[tuple[int, int], ...] = ()  # receivers a split re-points to the copy
    repointed: tuple[tuple[str, str], ...] = ()  # (where, line) another module sets its key or URL


MIGRATE = Decision("migrate")


@dataclass(frozen=True)
class ClientRecord:
    """One client's decision as a user sees it (`check`/`diff` tables, reports): where it is
    built, what it is used for, and for a client left (partly) on OpenAI the first use that
    keeps it there and the code that reports it. `decision` is a `DecisionKind` other than
    ignore, or `migrated` for a client already on the provider."""

    path: str
    line: int | None  # None for the SDK's module-level client (one per process)
    col: int | None
    name: str  # the class as the code calls it; `<module> (module client)`
    decision: str
    uses: tuple[str, ...] = ()  # endpoint roots (`chat`, `embeddings`), sorted
    unserved: str | None = None  # `path:line` of the first use kept on OpenAI
    code: str | None = None  # the finding that reports the client left on OpenAI
    cell: int | None = None  # in a notebook, `line` counts in this cell

    @property
    def order(self) -> tuple[str, int, int, int]:
        """Sorted by file, then cell, line and column."""
        return (self.path, self.cell or 0, self.line or 0, self.col or 0)

    @property
    def place(self) -> str:
        """`path:line:col`, ruff's `path:cell N:line:col` in a notebook, `path` for the module client."""
        if self.line is None:
            return self.path
        return f"{self.path}:{f'cell {self.cell}:' if self.cell is not None else ''}{self.line}:{self.col}"


def scope_qualname(scope: Scope) -> str | None:
    """`Class.method` / `outer.inner` of a function scope, relative to its module; None for the
    module itself or a lambda."""
    parts: list[str] = []
    current: Scope | None = scope
    while current is not None and current.kind != "module":
        name = getattr(current.node, "name", None)
        if not isinstance(name, str):
            return None
        parts.append(name)
        current = current.parent
    return ".".join(reversed(parts)) or None


def hostname(url: str) -> str | None:
    """The host of a URL; None for one that does not parse (`http://[::1:8000/v1`)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def ctor_id(path: str, call: ast.Call) -> str:
    return f"{path}:{call.lineno}:{call.col_offset + 1}"


def module_name(path: str) -> str:
    """The dotted name a file is imported by, from its path (`pkg/__init__.py` is `pkg`)."""
    parts = path.replace("\\", "/").removesuffix(".py").removesuffix(".ipynb").split("/")
    parts = [p for p in parts if p not in ("", ".")]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def outside_project(qname: str, client_roots: frozenset[str]) -> bool:
    """Does an imported name surely come from outside the project: the stdlib or a client
    module of the rules (`Rules.client_roots`)?"""
    root = qname.split(".")[0]
    return root in sys.stdlib_module_names or root in client_roots


def is_test_path(path: str) -> bool:
    """Test code by the conventions pytest and unittest follow."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    folders = {p.lower() for p in parts[:-1]}
    return bool(folders & {"tests", "test", "testing"}) or name.startswith("test_") or name.endswith(
        ("_test.py", "conftest.py")
    )


def body_ids(owner: ast.AST) -> set[int] | None:
    """The ids of the body of the def/class/lambda `owner` (its own scope); None: all of it."""
    if isinstance(owner, (*FUNCS, ast.ClassDef)):
        return {id(stmt) for stmt in owner.body}
    if isinstance(owner, ast.Lambda):
        return {id(owner.body)}
    return None


def const_str(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
