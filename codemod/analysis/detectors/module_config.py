"""Module-level configuration of the SDK (LMX102-105, LMX401): `openai.api_key = ...` and friends.

`openai.api_key` / `openai.api_base` (SDK < 1.0) and `openai.base_url` (SDK >= 1.0) get the
same environment reads as clients; a module that calls the module-level client without
configuring it gets the configuration added after its imports. (Not to be confused with
`codemod.settings`, the tool's own settings.)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from codemod.analysis.bindings import Scope
from codemod.analysis.context import Context
from codemod.analysis.detectors.calls import CallState, endpoint_call
from codemod.analysis.facts import Decision
from codemod.analysis.moduleclient import MODULE_CLIENT
from codemod.analysis.values import StrVal
from codemod.types import Edit, EditKind, Fix

CODES: tuple[str, ...] = ("LMX102", "LMX103", "LMX104", "LMX105", "LMX401", "LMX402")


@dataclass
class _Assignment:
    attr: str
    stmt: ast.Assign | ast.AnnAssign
    value: ast.expr
    scope: Scope
    target: ast.Attribute


@dataclass
class ConfigState:
    assignments: list[_Assignment] = field(default_factory=list)


def on_assign(ctx: Context, node: ast.Assign | ast.AnnAssign, scope: Scope, state: ConfigState) -> None:
    """Every `openai.<attr> = value`, each target of a chained assignment on its own."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if node.value is None:
        return
    for target in targets:
        if isinstance(target, ast.Attribute) and ctx.is_sdk_module(ctx.value(target.value, scope)):
            state.assignments.append(_Assignment(target.attr, node, node.value, scope, target))


def decide(ctx: Context, config: ConfigState, calls: CallState) -> None:
    """Once the whole module is seen: its configuration, then its module-level calls."""
    mc = ctx.rules.module_config
    provider = ctx.rules.provider
    keys = [a for a in config.assignments if a.attr in mc.api_key_attrs]
    bases = [a for a in config.assignments if a.attr in mc.base_url_attrs]
    allowed = _not_azure(ctx, config)
    fixes: list[tuple[_Assignment, tuple[Edit, ...], str]] = []
    if allowed:
        allowed, fixes = _replacements(ctx, keys, bases, modern=_modern(calls))
    if allowed and _kept(ctx, config, calls):
        allowed = False
    if allowed:
        for a, edits, message in fixes:
            env = provider.api_key_env if a.attr in mc.api_key_attrs else provider.base_url_env
            ctx.add("LMX105", message, a.stmt, Fix(f"Read {env} from the environment", (*edits, *ctx.inserts.os_edits)))
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


def _kept(ctx: Context, config: ConfigState, calls: CallState) -> bool:
    """LMX402 once, at the first configuration or call, when the project keeps the module
    client on OpenAI (some module calls an endpoint the provider does not serve on it)."""
    decision = ctx.project.decision(MODULE_CLIENT) if ctx.project is not None else None
    if decision is None or decision.kind not in ("keep", "as-is"):
        return False
    anchors: list[ast.AST] = [a.stmt for a in config.assignments] + [c.call for c in calls.module_calls]
    if anchors:
        first = min(anchors, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
        ctx.add("LMX402", _kept_message(ctx, decision), first)
    return True


def _kept_message(ctx: Context, decision: Decision) -> str:
    if decision.kind == "as-is":
        return (
            f"the module-level {ctx.rules.module_config.module} client is configured in another module for "
            f"another host (or from an expression the tool cannot see): left as it is here too"
        )
    roots = sorted({endpoint.split(".")[0] for _, endpoint in decision.unserved})
    first = min((w for w, _ in decision.unserved), key=_place)
    more = len(decision.unserved) - 1
    where = first + (f" and {more} more" if more else "")
    return (
        f"the module-level {ctx.rules.module_config.module} client stays on OpenAI: it is used for "
        f"{', '.join(f'`{r}`' for r in roots)} ({where}), which {ctx.rules.provider.name} does not serve "
        "(one client per process: it cannot be split)"
    )


def _place(where: str) -> tuple[str, int]:
    """`path:line` ordered by path, then line as a number."""
    path, _, line = where.rpartition(":")
    return (path, int(line)) if line.isdigit() else (where, 0)


def _modern(calls: CallState) -> bool:
    """Does the module call the module client the SDK >= 1.0 way only (so that `api_base`,
    which that SDK ignores, configures nothing)?"""
    return bool(calls.module_calls) and all(c.legacy is None for c in calls.module_calls)


def _not_azure(ctx: Context, config: ConfigState) -> bool:
    """LMX104 for each assignment that configures Azure; False when there is one."""
    allowed = True
    for a in config.assignments:
        if a.attr in ctx.rules.module_config.azure_markers:
            val = ctx.value(a.value, a.scope)
            if isinstance(val, StrVal) and "azure" in str(val.node.value).lower():
                ctx.add("LMX104", "module configured for Azure OpenAI; migrate it by hand", a.stmt)
                allowed = False
    return allowed


def _replacements(
    ctx: Context, keys: list[_Assignment], bases: list[_Assignment], *, modern: bool
) -> tuple[bool, list[tuple[_Assignment, tuple[Edit, ...], str]]]:
    """The edits and message of each assignment to fix; False when a value the tool cannot
    migrate (another host, an expression it cannot see) keeps the module as it is. A chained
    assignment (`openai.api_base = openai.base_url = ...`) is judged, and fixed, once."""
    provider = ctx.rules.provider
    allowed = True
    fixes: list[tuple[_Assignment, tuple[Edit, ...], str]] = []
    seen: set[int] = set()
    for a in bases:
        if id(a.value) in seen:
            continue
        seen.add(id(a.value))
        verdict = ctx.base_verdict(a.value, a.scope)
        ignored = _ignored_base(ctx, a, bases) if modern else None
        if verdict in ("elsewhere", "opaque"):
            if verdict == "elsewhere":
                message = f"`{ctx.source(a.target)}` points at another host, not {provider.name}: left as it is"
            else:
                message = f"module base URL comes from `{ctx.source(a.value)}`; check it points at {provider.name}"
            note = f" (openai >= 1.0 ignores `{a.attr}`: set `base_url`)" if ignored else ""
            ctx.add("LMX102", message + note, a.stmt)
            allowed = False
            continue
        edits = [ignored] if ignored else []
        if verdict == "replace":
            slash = a.attr == ctx.rules.module_config.base_url_attr or ignored is not None or _sets_base_url(ctx, a, bases)
            start, end = ctx.span(a.value)
            edits.append(Edit(EditKind.REPLACE, start, end, ctx.inserts.base_read(trailing_slash=slash)))
        if edits:
            message = f"module-level `{a.attr}` is not pointed at {provider.name}"
            if ignored:
                message = f"module-level `{a.attr}` is ignored by openai >= 1.0, which this module uses: set `base_url`"
            fixes.append((a, tuple(edits), message))
    for a in keys:
        key_verdict = ctx.key_verdict(a.value, a.scope)
        if key_verdict == "opaque":
            ctx.add("LMX103", f"module API key comes from `{ctx.source(a.value)}`; read it from {provider.api_key_env} instead", a.stmt)
            allowed = False
        elif key_verdict == "replace" and id(a.value) not in seen:
            seen.add(id(a.value))
            start, end = ctx.span(a.value)
            edit = Edit(EditKind.REPLACE, start, end, ctx.inserts.key_read())
            fixes.append((a, (edit,), f"module-level `{a.attr}` is not pointed at {provider.name}"))
    return allowed, fixes


def _sets_base_url(ctx: Context, a: _Assignment, bases: list[_Assignment]) -> bool:
    """Does the statement of `a` also set the SDK >= 1.0 `base_url` (a chained assignment)?"""
    return any(b.stmt is a.stmt and b.attr == ctx.rules.module_config.base_url_attr for b in bases)


def _ignored_base(ctx: Context, a: _Assignment, bases: list[_Assignment]) -> Edit | None:
    """In SDK >= 1.0 code, the edit that renames `openai.api_base` to `openai.base_url`; None
    for any other attribute, or when the statement also sets `base_url`."""
    mc = ctx.rules.module_config
    if a.attr != mc.legacy_base_url_attr or _sets_base_url(ctx, a, bases):
        return None
    start, end = ctx.span(a.target)
    return Edit(EditKind.REPLACE, start, end, f"{ctx.source(a.target.value)}.{mc.base_url_attr}")


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
        lines.append(f"{alias}.{mc.api_key_attrs[0]} = {ctx.inserts.key_read()}")
    if not bases:
        attr = mc.legacy_base_url_attr if legacy else mc.base_url_attr
        lines.append(f"{alias}.{attr} = {ctx.inserts.base_read(trailing_slash=attr == mc.base_url_attr)}")
    existing = [a for a in config.assignments if a.scope.kind == "module" or a.scope is ctx.module_scope]
    if existing:
        edit = ctx.inserts.after_statement(existing[-1].stmt, lines)
    else:
        import_stmt = _import_of(ctx, alias)
        edit = ctx.inserts.insert_after_imports(import_stmt, lines)
    fix = Fix(f"Configure the module-level client for {ctx.rules.provider.name}", (edit, *ctx.inserts.os_edits))
    what = " and ".join(line.split(" = ")[0] for line in lines)
    ctx.add("LMX105", f"module-level {mc.module} client is used without {what} set for {ctx.rules.provider.name}", anchor_node, fix)


def _import_of(ctx: Context, alias: str) -> ast.stmt | None:
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Import) and any(
            (a.asname or a.name.split(".")[0]) == alias for a in stmt.names
        ):
            return stmt
    return None
