"""Module-level configuration of the SDK (LMX105, LMX401): `openai.api_key = ...` and friends.

`openai.api_key` / `openai.api_base` (SDK < 1.0) and `openai.base_url` (SDK >= 1.0) get the
same environment reads as clients; a module that calls the module-level client without
configuring it gets the configuration added after its imports.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from codemod.analysis.calls import CallState, endpoint_call
from codemod.analysis.context import Context
from codemod.analysis.scope import Scope, StrVal
from codemod.types import Edit, EditKind, Fix


@dataclass
class _Assignment:
    attr: str
    stmt: ast.Assign | ast.AnnAssign
    value: ast.expr
    scope: Scope


@dataclass
class ConfigState:
    assignments: list[_Assignment] = field(default_factory=list)


def on_assign(ctx: Context, node: ast.Assign | ast.AnnAssign, scope: Scope, state: ConfigState) -> None:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if node.value is None or len(targets) != 1 or not isinstance(targets[0], ast.Attribute):
        return
    target = targets[0]
    if ctx.is_sdk_module(ctx.value(target.value, scope)):
        state.assignments.append(_Assignment(target.attr, node, node.value, scope))


def decide(ctx: Context, config: ConfigState, calls: CallState) -> None:
    rules = ctx.rules
    mc = rules.module_config
    provider = rules.provider
    allowed = True
    keys = [a for a in config.assignments if a.attr in mc.api_key_attrs]
    bases = [a for a in config.assignments if a.attr in mc.base_url_attrs]
    for a in config.assignments:
        if a.attr in mc.azure_markers:
            val = ctx.value(a.value, a.scope)
            if isinstance(val, StrVal) and "azure" in str(val.node.value).lower():
                ctx.add("LMX104", "module configured for Azure OpenAI; migrate it by hand", a.stmt)
                allowed = False
    fixes: list[tuple[_Assignment, str]] = []
    if allowed:
        for a in bases:
            verdict = ctx.base_verdict(a.value, a.scope)
            if verdict == "elsewhere":
                ctx.add("LMX102", f"`{ctx.source(a.stmt.targets[0] if isinstance(a.stmt, ast.Assign) else a.stmt.target)}` points at another host, not {provider.name}: left as it is", a.stmt)
                allowed = False
            elif verdict == "opaque":
                ctx.add("LMX102", f"module base URL comes from `{ctx.source(a.value)}`; check it points at {provider.name}", a.stmt)
                allowed = False
            elif verdict == "replace":
                fixes.append((a, ctx.base_read(trailing_slash=a.attr == mc.base_url_attr)))
        for a in keys:
            verdict = ctx.key_verdict(a.value, a.scope)
            if verdict == "opaque":
                ctx.add("LMX103", f"module API key comes from `{ctx.source(a.value)}`; read it from {provider.api_key_env} instead", a.stmt)
                allowed = False
            elif verdict == "replace":
                fixes.append((a, ctx.key_read()))
    if allowed:
        for a, text in fixes:
            start, end = ctx.span(a.value)
            env = provider.api_key_env if a.attr in mc.api_key_attrs else provider.base_url_env
            fix = Fix(
                f"Read {env} from the environment",
                (Edit(EditKind.REPLACE, start, end, text), *ctx.os_edits),
            )
            ctx.add("LMX105", f"module-level `{a.attr}` is not pointed at {provider.name}", a.stmt, fix)
        _complete(ctx, config, calls, keys, bases)

    for mcall in calls.module_calls:
        if mcall.legacy is not None:
            name = ctx.source(mcall.call.func)
            ctx.add(
                "LMX401",
                f"`{name}` is an SDK < 1.0 call; {provider.name} needs openai >= 1.0 "
                f"(`client.{mcall.path}`)",
                mcall.call.func,
            )
        endpoint_call(ctx, mcall.call, mcall.scope, mcall.path, allowed=allowed, legacy=mcall.legacy)


def _complete(
    ctx: Context, config: ConfigState, calls: CallState, keys: list[_Assignment], bases: list[_Assignment]
) -> None:
    """Add the configuration lines a module that uses (or configures) the module client lacks."""
    mc = ctx.rules.module_config
    if not calls.module_calls and not config.assignments:
        return
    if keys and bases:
        return
    legacy = any(c.legacy for c in calls.module_calls) or any(a.attr == mc.legacy_base_url_attr for a in bases)
    alias = ctx.module_alias(mc.module)
    anchor_node: ast.AST = calls.module_calls[0].call if calls.module_calls else config.assignments[0].stmt
    if alias is None:
        ctx.add("LMX105", f"module-level {mc.module} client is not configured for {ctx.rules.provider.name}; configure it by hand", anchor_node)
        return
    lines = []
    if not keys:
        lines.append(f"{alias}.{mc.api_key_attrs[0]} = {ctx.key_read()}")
    if not bases:
        attr = mc.legacy_base_url_attr if legacy else mc.base_url_attr
        lines.append(f"{alias}.{attr} = {ctx.base_read(trailing_slash=attr == mc.base_url_attr)}")
    existing = [a for a in config.assignments if a.scope.kind == "module" or a.scope is ctx.module_scope]
    if existing:
        edit = _after_statement(ctx, existing[-1].stmt, lines)
    else:
        import_stmt = _import_of(ctx, alias)
        edit = ctx.insert_after_imports(import_stmt, lines)
    fix = Fix(f"Configure the module-level client for {ctx.rules.provider.name}", (edit, *ctx.os_edits))
    what = " and ".join(line.split(" = ")[0] for line in lines)
    ctx.add("LMX105", f"module-level {mc.module} client is used without {what} set for {ctx.rules.provider.name}", anchor_node, fix)


def _after_statement(ctx: Context, stmt: ast.stmt, lines: list[str]) -> Edit:
    line = ctx.index.line_text(stmt.lineno)
    indent = line[: len(line) - len(line.lstrip())]
    text = "".join(indent + one + ctx.newline for one in lines)
    end_line = stmt.end_lineno or stmt.lineno
    if end_line < len(ctx.index.lines):
        offset = ctx.index.line_start(end_line + 1)
        return Edit(EditKind.INSERT, offset, offset, text)
    offset = len(ctx.text)
    prefix = "" if ctx.text.endswith(("\n", "\r")) else ctx.newline
    return Edit(EditKind.INSERT, offset, offset, prefix + text)


def _import_of(ctx: Context, alias: str) -> ast.stmt | None:
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Import) and any(
            (a.asname or a.name.split(".")[0]) == alias for a in stmt.names
        ):
            return stmt
    return None
