"""The words the analysis and the project view share: a client's decision, and the name of a
function scope that references to its parameters use. A leaf: imports only the bindings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from codemod.analysis.bindings import Scope

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


def is_test_path(path: str) -> bool:
    """Test code by the conventions pytest and unittest follow."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    folders = {p.lower() for p in parts[:-1]}
    return bool(folders & {"tests", "test", "testing"}) or name.startswith("test_") or name.endswith(
        ("_test.py", "conftest.py")
    )
