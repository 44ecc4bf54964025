"""Module-level configuration of the SDK (LMX102-105, LMX401, LMX402, LMX404): `openai.api_key = ...`
and friends.

`openai.api_key` / `openai.api_base` (SDK < 1.0) and `openai.base_url` (SDK >= 1.0) get the
same environment reads as clients, and OpenAI's `organization` / `project` are blanked; a module
that calls the module-level client without configuring it gets the configuration added right
after the statement that imports the SDK. The module client is one per process, decided for the
whole project (`codemod.analysis.moduleclient`): kept on OpenAI (LMX402) when any module calls an
unserved endpoint on it, left as it is when any module passes keys per call (LMX404) or points it
elsewhere. (Not to be confused with `codemod.settings`, the tool's own settings.)"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from codemod.analysis.bindings import Scope
from codemod.analysis.context import Context, is_blank
from codemod.analysis.detectors.calls import CallState, ModuleCall, endpoint_call
from codemod.analysis.facts import Decision
from codemod.analysis.moduleclient import MODULE_CLIENT
from codemod.analysis.values import StrVal
from codemod.types import Edit, EditKind, Fix

CODES: tuple[str, ...] = ("LMX102", "LMX103", "LMX104", "LMX105", "LMX401", "LMX402", "LMX404")


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
        if isinstance(target, ast.Attribute) and ctx.sets_sdk_module(target, scope):
            state.assignments.append(_Assignment(target.attr, node, node.value, scope, target))


def decide(ctx: Context, config: ConfigState, calls: CallState) -> None:
    """Once the whole module is seen: its configuration, then its module-level calls. A class
    or function that configures Azure hides only itself; the rest of the module goes on."""
    mc = ctx.rules.module_config
    provider = ctx.rules.provider
    hidden = _azure_scopes(ctx, config)
    live = [a for a in config.assignments if not _inside(a.scope, hidden)]
    visible = [c for c in calls.module_calls if not _inside(c.scope, hidden)]
    keys = [a for a in live if a.attr in mc.api_key_attrs]
    bases = [a for a in live if a.attr in mc.base_url_attrs]
    allowed = ctx.module_scope not in hidden
    fixes: list[tuple[_Assignment, tuple[Edit, ...], str]] = []
    if allowed:
        allowed, fixes = _replacements(ctx, keys, bases, modern=_modern(calls))
    if allowed and (_own_keys(ctx, visible) or _kept(ctx, config, calls)):
        allowed = False
    if allowed:
        fixes += _blanked(ctx, live)
        blanks = _complete(ctx, visible, live, keys, bases, changed=bool(fixes))
        for i, (a, edits, message) in enumerate(fixes):
            more = (blanks,) if blanks is not None and i == len(fixes) - 1 else ()
            os_edits = ctx.inserts.os_edits if a.attr not in mc.blank_attrs else ()  # "" reads nothing
            ctx.add("LMX105", message, a.stmt, Fix(_title(ctx, a.attr), (*edits, *more, *os_edits)))

    for mcall in calls.module_calls:
        if mcall.legacy is not None:
            name = ctx.source(mcall.call.func)
            ctx.add(
                "LMX401",
                f"`{name}` is an SDK < 1.0 call; {provider.name} needs openai >= 1.0 "
                f"(`client.{mcall.path}`)",
                mcall.call.func,
            )
        here = allowed and not _inside(mcall.scope, hidden)
        endpoint_call(ctx, mcall.call, mcall.scope, mcall.path, allowed=here, legacy=mcall.legacy)


def _title(ctx: Context, attr: str) -> str:
    mc = ctx.rules.module_config
    provider = ctx.rules.provider
    if attr in mc.blank_attrs:
        return f"Keep OpenAI's {attr} from {provider.name}"
    env = provider.api_key_env if attr in mc.api_key_attrs else provider.base_url_env
    return f"Read {env} from the environment"


def _inside(scope: Scope, hidden: set[Scope]) -> bool:
    current: Scope | None = scope
    while current is not None:
        if current in hidden:
            return True
        current = current.parent
    return False


def _own_keys(ctx: Context, calls: list[ModuleCall]) -> bool:
    """LMX404 for each module-level call that passes its own `api_key=`: such a module uses no
    process-wide key (an import-time read of the provider's would only raise when unset), and its
    key would follow a migrated base URL to the provider. Left as it is."""
    mc = ctx.rules.module_config
    own = [c for c in calls if any(kw.arg in mc.api_key_attrs for kw in c.call.keywords)]
    for c in own:
        message = (
            f"`{ctx.source(c.call.func)}` passes its own `api_key=`: the module-level client is left "
            f"on OpenAI; give the {ctx.rules.provider.name} calls a client of their own"
        )
        ctx.add("LMX404", message, c.call.func)
    return bool(own)


def _blanked(ctx: Context, live: list[_Assignment]) -> list[tuple[_Assignment, tuple[Edit, ...], str]]:
    """`openai.organization = "org-..."` (and `project`) set to "" in a migrated module."""
    mc = ctx.rules.module_config
    fixes: list[tuple[_Assignment, tuple[Edit, ...], str]] = []
    for a in live:
        if a.attr not in mc.blank_attrs or a.scope is not ctx.module_scope:
            continue
        if is_blank(a.value):
            continue
        start, end = ctx.span(a.value)
        edit = Edit(EditKind.REPLACE, start, end, ctx.inserts.literal(""))
        fixes.append((a, (edit,), f"module-level `{a.attr}` is OpenAI's: it must not reach {ctx.rules.provider.name}"))
    return fixes


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
            f"the module-level {ctx.rules.module_config.module} client is left as it is: a module of the project "
            "points it at another host or Azure, passes keys per call, or configures it from an expression "
            "the tool cannot see"
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


def _azure_scopes(ctx: Context, config: ConfigState) -> set[Scope]:
    """LMX104 for each assignment that configures Azure; the scopes they are in."""
    hidden: set[Scope] = set()
    for a in config.assignments:
        if a.attr in ctx.rules.module_config.azure_markers:
            val = ctx.value(a.value, a.scope)
            if isinstance(val, StrVal) and "azure" in str(val.node.value).lower():
                ctx.add("LMX104", "module configured for Azure OpenAI; migrate it by hand", a.stmt)
                hidden.add(a.scope)
    return hidden


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
        verdict = ctx.base_verdict(a.value, a.scope)  # a placeholder URL is OpenAI's (`classify_base`)
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
    ctx: Context,
    calls: list[ModuleCall],
    live: list[_Assignment],
    keys: list[_Assignment],
    bases: list[_Assignment],
    *,
    changed: bool,
) -> Edit | None:
    """Add the configuration lines a module that uses (or configures) the module client lacks:
    the key only where a module-level call needs it, OpenAI's organization and project blanked
    with any configuration the tool writes. When only the blanks are missing, their edit is
    returned for the fix that changes the configuration."""
    mc = ctx.rules.module_config
    alias = ctx.module_alias(mc.module)
    if not calls and not live:
        return None
    lines = []
    if not keys and calls:
        lines.append(f"{alias}.{mc.api_key_attrs[0]} = {ctx.inserts.key_read()}")
    if not bases and (calls or keys):  # `openai.timeout` / `organization` alone configure nothing
        legacy = any(c.legacy for c in calls) or any(a.attr == mc.legacy_base_url_attr for a in bases)
        attr = mc.legacy_base_url_attr if legacy else mc.base_url_attr
        lines.append(f"{alias}.{attr} = {ctx.inserts.base_read(trailing_slash=attr == mc.base_url_attr)}")
    anchor_node: ast.AST = calls[0].call if calls else live[0].stmt
    if alias is None:
        if lines:
            ctx.add("LMX105", f"module-level {mc.module} client is not configured for {ctx.rules.provider.name}; configure it by hand", anchor_node)
        return None
    existing = [a for a in live if a.scope is ctx.module_scope]
    assigned = {a.attr for a in existing}
    blanks = [f"{alias}.{attr} = {ctx.inserts.literal('')}" for attr in mc.blank_attrs if attr not in assigned]
    if not lines and not (changed and blanks):
        return None
    place = existing[-1].stmt if existing else None
    edit = ctx.inserts.after_statement(place, lines + blanks) if place else _after_binding(ctx, alias, lines + blanks)
    if not lines:
        return edit
    fix = Fix(f"Configure the module-level client for {ctx.rules.provider.name}", (edit, *ctx.inserts.os_edits))
    what = " and ".join(line.split(" = ")[0] for line in lines)
    ctx.add("LMX105", f"module-level {mc.module} client is used without {what} set for {ctx.rules.provider.name}", anchor_node, fix)
    return None


def _after_binding(ctx: Context, alias: str, lines: list[str]) -> Edit:
    """Right after the statement that binds the module: after the leading imports when it is
    one of them (or later), inside its `try:` / `if:` when it is imported there."""
    stmt, nested = _import_of(ctx, alias)
    if nested and stmt is not None:
        return ctx.inserts.after_statement(stmt, lines)
    return ctx.inserts.insert_after_imports(stmt, lines)


def _import_of(ctx: Context, alias: str) -> tuple[ast.stmt | None, bool]:
    """The module-level statement importing the module as `alias`, and whether it is nested in
    a compound statement (`try:`, `if:`, `with:`)."""
    for stmt in ctx.tree.body:
        if _binds(stmt, alias):
            return stmt, False
        found = _nested_import(stmt, alias)
        if found is not None:
            return found, True
    return None, False


def _nested_import(stmt: ast.stmt, alias: str) -> ast.stmt | None:
    if not isinstance(stmt, ast.Try | ast.If | ast.With):
        return None
    bodies: list[list[ast.stmt]] = [stmt.body]
    if isinstance(stmt, ast.Try):
        bodies += [stmt.orelse, stmt.finalbody, *(h.body for h in stmt.handlers)]
    elif isinstance(stmt, ast.If):
        bodies.append(stmt.orelse)
    for body in bodies:
        for inner in body:
            if _binds(inner, alias):
                return inner
            found = _nested_import(inner, alias)
            if found is not None:
                return found
    return None


def _binds(stmt: ast.stmt, alias: str) -> bool:
    return isinstance(stmt, ast.Import) and any((a.asname or a.name.split(".")[0]) == alias for a in stmt.names)
