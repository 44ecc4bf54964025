"""Analysis: `analyse(text, rules)` -> findings with exact positions and fix plans. Pure.

One parse with stdlib `ast`, one walk over the tree; the detectors (clients, calls, module
configuration, models, secrets) each see the nodes `_VISITS` hands them, then the passes of
`_PASSES` decide what needs the whole module. Both tables are written out here: nothing is
registered by importing a module. Nothing here touches disk, prints, or imports libcst:
`check` is this function alone.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codemod.analysis import summary, suppress
from codemod.analysis.bindings import Scope
from codemod.analysis.context import Context
from codemod.analysis.detectors import calls, models, module_config, repoint, secrets
from codemod.analysis.project import ProjectView
from codemod.analysis.valuetypes import ProjectFacts
from codemod.redact import mask
from codemod.rules import Rules
from codemod.types import Finding

__all__ = ["analyse", "analyse_module", "parse"]


def parse(text: str, filename: str = "<unknown>") -> ast.Module:
    """Parse with the grammar of the running Python. Raises SyntaxError (and, on pathological
    input, RecursionError/MemoryError/ValueError) for the caller to turn into LMX900."""
    return ast.parse(text, filename=filename, type_comments=False)


@dataclass
class _Walk:
    """What the one walk over a module gathers for the passes that run after it."""

    ctx: Context
    summary: summary.Collector
    repoint: repoint.Gathered
    calls: calls.CallState = field(default_factory=calls.CallState)
    config: module_config.ConfigState = field(default_factory=module_config.ConfigState)
    strings: list[ast.Constant] = field(default_factory=list)
    blobs: list[ast.Constant] = field(default_factory=list)


def _call(walk: _Walk, node: ast.Call, scope: Scope) -> None:
    calls.on_call(walk.ctx, node, scope, walk.calls)
    walk.summary.on_call(node, scope)
    walk.repoint.visit(node, scope)


def _assign(walk: _Walk, node: ast.Assign | ast.AnnAssign, scope: Scope) -> None:
    walk.summary.on_assign(node, scope)
    module_config.on_assign(walk.ctx, node, scope, walk.config)
    walk.repoint.visit(node, scope)


def _named(walk: _Walk, node: ast.AST, scope: Scope) -> None:
    models.named(walk.ctx, node, scope)


def _model_names(walk: _Walk, node: ast.AST, scope: Scope) -> None:
    walk.summary.names.visit(node, scope)


def _fstring_pieces(walk: _Walk, node: ast.JoinedStr, scope: Scope) -> None:
    """The literal pieces of an f-string name no model."""
    walk.ctx.ignored_literals.update(id(part) for part in node.values)


def _bare_string(walk: _Walk, node: ast.Expr, scope: Scope) -> None:
    """Docstrings and bare strings are prose: they name no model."""
    if isinstance(node.value, ast.Constant):
        walk.ctx.ignored_literals.add(id(node.value))


Visit = Callable[[_Walk, Any, Scope], None]

# Node type -> what is done with such a node during the walk, in this order.
_VISITS: tuple[tuple[tuple[type[ast.AST], ...], tuple[Visit, ...]], ...] = (
    ((ast.Call,), (_call, _named)),
    ((ast.Assign, ast.AnnAssign), (_assign, _named)),
    ((ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda), (_named,)),
    ((ast.JoinedStr,), (_fstring_pieces,)),
    ((ast.Expr,), (_bare_string,)),
    ((ast.Dict, ast.Compare, ast.MatchValue, ast.Subscript, ast.ClassDef, ast.Return), (_model_names,)),
)
_BY_TYPE: dict[type[ast.AST], tuple[Visit, ...]] = {t: visits for types, visits in _VISITS for t in types}


def _configuration(walk: _Walk) -> None:
    module_config.decide(walk.ctx, walk.config, walk.calls)


def _models(walk: _Walk) -> None:
    models.decide(walk.ctx, walk.summary.names)
    models.untied(walk.ctx, walk.strings)


def _secrets(walk: _Walk) -> None:
    secrets.scan(walk.ctx, walk.strings + walk.blobs)


# What needs the whole module, after the walk, in this order: the module configuration decides
# whether module-level calls go to Lumyx (and so whether their models are rewritten).
_PASSES: tuple[Callable[[_Walk], None], ...] = (_configuration, _models, _secrets)


def analyse(
    text: str, rules: Rules, *, tree: ast.Module | None = None, path: str = "<unknown>", split: bool = False
) -> list[Finding]:
    """Every finding of one module, suppressions applied, sorted by position; its clients
    decided as if the module were the whole project."""
    findings, summary = analyse_module(text, rules, tree=tree, path=path)
    if not summary.ctors:
        return findings
    view = ProjectView([summary], rules, split=split)
    if not view.needs_second_look(path):
        return findings
    return analyse_module(text, rules, tree=tree, path=path, project=view.facts(path))[0]


def analyse_module(
    text: str,
    rules: Rules,
    *,
    tree: ast.Module | None = None,
    path: str = "<unknown>",
    project: ProjectFacts | None = None,
) -> tuple[list[Finding], summary.Summary]:
    """`analyse`, and what the module tells the project (`codemod.analysis.project`). With `project`,
    calls on clients built in other modules are tied to them and each client follows its
    project-wide decision."""
    if tree is None:
        tree = parse(text)
    ctx = Context(text, tree, rules, path=path, project=project)
    walk = _Walk(ctx, summary.Collector(ctx, path), repoint.Gathered(ctx))
    literals: list[ast.Constant] = []  # met in the walk's order, with no visit each
    for node, scope in ctx.resolver.walk(_BY_TYPE, literals):
        for visit in _BY_TYPE.get(type(node), ()):
            visit(walk, node, scope)
    # A key in a bytes literal is as leaked as in a str one; models are only in str.
    walk.strings = [c for c in literals if isinstance(c.value, str)]
    walk.blobs = [c for c in literals if isinstance(c.value, bytes)]
    for finish in _PASSES:
        finish(walk)
    found = suppress.apply(ctx.suppressions, ctx.findings)
    ordered = sorted(_masked(found, rules), key=lambda f: (f.line, f.col, f.code, f.end_line, f.end_col))
    told = walk.summary.summary(walk.repoint.candidates())
    ctx.release()
    return ordered, told


def _masked(findings: list[Finding], rules: Rules) -> list[Finding]:
    """No message ever carries a secret in full, whatever detector wrote it."""
    patterns = [re.compile(p.lstrip("^").rstrip("$")) for p in rules.source.key_patterns]
    out = []
    for f in findings:
        message = f.message
        for pattern in patterns:
            message = pattern.sub(lambda m: mask(m.group(0)), message)
        if message != f.message:
            f = Finding(f.code, message, f.line, f.col, f.end_line, f.end_col, f.fix)
        out.append(f)
    return out
