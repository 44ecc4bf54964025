"""A client re-pointed after construction: `client.api_key = ...`, `client.base_url = ...`,
`client.with_options(base_url=...)` / `client.copy(api_key=...)`.

What a constructor is given can be overridden later, and a migration that only looks at the
constructor would then send the provider's key to whatever the later line names (or OpenAI's key
to the provider). Each such line is judged like a constructor argument: an OpenAI value is
replaced by the same environment read as part of the client's fix; another host, or a value the
tool cannot see, keeps the whole client as it is (LMX102/LMX103 at the line).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from codemod.analysis.bindings import Scope
from codemod.analysis.context import ClientState, Context
from codemod.analysis.facts import hostname
from codemod.analysis.values import ClientVal, StrVal
from codemod.rules import ClientSpec
from codemod.types import Edit, EditKind, Finding, Fix

CODES: tuple[str, ...] = ("LMX101", "LMX102", "LMX103")


@dataclass(frozen=True)
class Move:
    """One later line that sets the key or the base URL of a client."""

    role: Literal["key", "base"]
    value: ast.expr
    node: ast.AST  # what a finding points at: the assignment, or the keyword
    scope: Scope
    how: str  # the line as a person reads it: `client.base_url = ...`


def moves(ctx: Context, call: ast.Call, spec: ClientSpec) -> list[Move]:
    """Every line of the module that re-points the client `call` builds."""
    found: list[Move] = []
    for node, scope in candidates(ctx):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if not isinstance(target, ast.Attribute):
                    continue
                role = _role(spec, target.attr)
                if role is not None and _is_client(ctx, target.value, scope, call):
                    found.append(Move(role, node.value, node, scope, f"{ctx.source(target)} = ..."))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if not _is_client(ctx, node.func.value, scope, call):
                continue
            for kw in node.keywords:
                role = _role(spec, kw.arg) if kw.arg is not None else None
                if role is not None:
                    found.append(Move(role, kw.value, kw, scope, f"{ctx.source(node.func)}(...)"))
    return found


def refusal(ctx: Context, call: ast.Call, found: list[Move]) -> ClientState | None:
    """LMX102/LMX103 (the client left as it is) for a move the tool cannot follow; else None."""
    shown = ctx.source(call.func)
    target = ctx.rules.provider.name
    for move in found:
        if move.role == "base":
            verdict = ctx.base_verdict(move.value, move.scope)
            if verdict == "elsewhere":
                url = ctx.value(move.value, move.scope)
                host = hostname(str(url.node.value)) if isinstance(url, StrVal) else None
                message = f"client `{shown}` is re-pointed at {host or 'another host'} by `{move.how}`: left as it is"
                return ClientState("elsewhere", [ctx.finding("LMX102", message, move.node)])
            if verdict == "opaque":
                message = (
                    f"client `{shown}` is re-pointed by `{move.how}` at a base URL from "
                    f"`{ctx.shown(move.value)}`: left as it is; check it points at {target}"
                )
                return ClientState("opaque", [ctx.finding("LMX102", message, move.node)])
        elif ctx.key_verdict(move.value, move.scope) == "opaque":
            message = (
                f"client `{shown}` is given an API key from `{ctx.shown(move.value)}` by "
                f"`{move.how}`: left as it is; read it from {ctx.rules.provider.api_key_env} instead"
            )
            return ClientState("opaque", [ctx.finding("LMX103", message, move.node)])
    return None


def edits(ctx: Context, found: list[Move]) -> list[Edit]:
    """The OpenAI values the moves set, replaced by the provider's environment reads."""
    out: list[Edit] = []
    for move in found:
        if move.role == "key":
            replace = ctx.key_verdict(move.value, move.scope) == "replace"
            text = ctx.inserts.key_read()
        else:
            replace = ctx.base_verdict(move.value, move.scope) == "replace"
            text = ctx.inserts.base_read()
        if replace:
            start, end = ctx.span(move.value)
            out.append(Edit(EditKind.REPLACE, start, end, text))
    return out


def provider_client(ctx: Context, call: ast.Call, found: list[Move]) -> ClientState | None:
    """A client built for the provider that a later line sends back to OpenAI: LMX101 whose fix
    replaces that line's value; None when no line does."""
    replaced = edits(ctx, found)
    if not replaced:
        return None
    provider = ctx.rules.provider
    fix = Fix(f"Read the key from {provider.api_key_env} and the base URL from {provider.base_url_env}", (*replaced, *ctx.inserts.os_edits))
    message = f"client `{ctx.source(call.func)}` is re-pointed at OpenAI after it is built for {provider.name}"
    found_at: Finding = ctx.finding("LMX101", message, call, fix)
    return ClientState("migrate", [found_at])


def _role(spec: ClientSpec, name: str) -> Literal["key", "base"] | None:
    if name in spec.api_key_args:
        return "key"
    if name in spec.base_url_args:
        return "base"
    return None


def _is_client(ctx: Context, expr: ast.expr, scope: Scope, call: ast.Call) -> bool:
    val = ctx.value(expr, scope)
    return isinstance(val, ClientVal) and val.ctor is call


def candidates(ctx: Context) -> list[tuple[ast.AST, Scope]]:
    """Assignments to, and option copies with, a key or base-URL name (any client's), with their
    scopes; computed once per module, in one walk over its statements and calls (names are not
    visited), and only when the text has such a name."""
    cached = ctx.repoint_candidates
    if cached is not None:
        return cached
    names, methods = wanted_names(ctx)
    found: list[tuple[ast.AST, Scope]] = []
    if any(name in ctx.text for name in names):
        found = [(node, scope) for node, scope in ctx.resolver.walk(_KINDS) if _wanted(node, names, methods)]
    ctx.repoint_candidates = found
    return found


def wanted_names(ctx: Context) -> tuple[frozenset[str], frozenset[str]]:
    """The key/base-URL argument names of every client, and the option-copy methods."""
    names = frozenset(n for spec in ctx.rules.clients for n in (*spec.api_key_args, *spec.base_url_args))
    return names, frozenset(ctx.rules.endpoints.passthrough)


class Gathered:
    """`candidates` as the analysis walk meets them (it visits every Assign and Call in the same
    order): the module is not walked again when no constructor asked for them first."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.names, self.methods = wanted_names(ctx)
        self.found: list[tuple[ast.AST, Scope]] = []

    def visit(self, node: ast.AST, scope: Scope) -> None:
        if _wanted(node, self.names, self.methods):
            self.found.append((node, scope))

    def candidates(self) -> list[tuple[ast.AST, Scope]]:
        if self.ctx.repoint_candidates is None:
            self.ctx.repoint_candidates = self.found
        return self.ctx.repoint_candidates


_KINDS = frozenset({ast.Assign, ast.Call})  # what `_wanted` may accept


def _wanted(node: ast.AST, names: frozenset[str], methods: frozenset[str]) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        return isinstance(func, ast.Attribute) and func.attr in methods and any(kw.arg in names for kw in node.keywords)
    return isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr in names for t in node.targets)
