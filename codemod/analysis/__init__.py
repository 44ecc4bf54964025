"""Analysis: `analyse(text, rules)` -> findings with exact positions and fix plans. Pure.

One parse with stdlib `ast`, one walk over the tree; the detectors (clients, calls, module
configuration, models, secrets) each see the nodes they care about. Nothing here touches disk,
prints, or imports libcst: `check` is this function alone.
"""

from __future__ import annotations

import ast
import re

from codemod.analysis import calls, config, models, secrets, suppress
from codemod.analysis.context import Context
from codemod.rules import Rules
from codemod.types import Finding

__all__ = ["analyse", "parse"]


def parse(text: str, filename: str = "<unknown>") -> ast.Module:
    """Parse with the grammar of the running Python. Raises SyntaxError (and, on pathological
    input, RecursionError/MemoryError/ValueError) for the caller to turn into LMX900."""
    return ast.parse(text, filename=filename, type_comments=False)


def analyse(text: str, rules: Rules, *, tree: ast.Module | None = None) -> list[Finding]:
    """Every finding of one module, suppressions applied, sorted by position."""
    if tree is None:
        tree = parse(text)
    ctx = Context(text, tree, rules)
    call_state = calls.CallState()
    config_state = config.ConfigState()
    strings: list[ast.Constant] = []
    blobs: list[ast.Constant] = []
    for node, scope in ctx.resolver.walk():
        if isinstance(node, ast.Call):
            calls.on_call(ctx, node, scope, call_state)
            models.named(ctx, node, scope)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            config.on_assign(ctx, node, scope, config_state)
            models.named(ctx, node, scope)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            models.named(ctx, node, scope)
        elif isinstance(node, ast.JoinedStr):
            ctx.ignored_literals.update(id(part) for part in node.values)  # f-string pieces: no model
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            ctx.ignored_literals.add(id(node.value))  # docstrings and bare strings: prose
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            blobs.append(node)  # a key in a bytes literal is as leaked as in a str one
    config.decide(ctx, config_state, call_state)
    models.decide(ctx)
    models.untied(ctx, strings)
    secrets.scan(ctx, strings + blobs)
    found = suppress.apply(ctx, ctx.findings)
    return sorted(_masked(found, rules), key=lambda f: (f.line, f.col, f.code, f.end_line, f.end_col))


def _masked(findings: list[Finding], rules: Rules) -> list[Finding]:
    """No message ever carries a secret in full, whatever detector wrote it."""
    patterns = [re.compile(p.lstrip("^").rstrip("$")) for p in rules.source.key_patterns]
    out = []
    for f in findings:
        message = f.message
        for pattern in patterns:
            message = pattern.sub(lambda m: secrets.mask(m.group(0)), message)
        if message != f.message:
            f = Finding(f.code, message, f.line, f.col, f.end_line, f.end_col, f.fix)
        out.append(f)
    return out
