"""Model names (LMX201-204): rewrite a literal only where it provably reaches a model parameter
and nothing else relies on the name.

Reaches are collected during the walk (call arguments, `**` dicts, constants, parameter
defaults, getenv defaults) and decided once at the end, so that a constant shared by an OpenAI
call and a call to another provider's client is never rewritten. A name the project also uses
as a dict key, a comparison operand, an Enum value or a `Literal` choice (`modelflow`) is
reported (LMX204) and left as it is.
"""

from __future__ import annotations

import ast
from collections.abc import Collection

from codemod.analysis.bindings import Scope
from codemod.analysis.context import Context, ModelReach
from codemod.analysis.ctorforms import ENV_READS
from codemod.analysis.facts import scope_qualname
from codemod.analysis.modelflow import Gather
from codemod.analysis.values import DictVal, EnvVal, ParamVal, QName, StrVal, Unknown
from codemod.types import Edit, EditKind, Fix

CODES: tuple[str, ...] = ("LMX201", "LMX202", "LMX203", "LMX204")


def reach(ctx: Context, expr: ast.expr | None, scope: Scope, *, proven: bool, allowed: bool) -> None:
    """Record that `expr` is passed as a model. `allowed` is False for clients pointing elsewhere."""
    if expr is None:
        return
    if isinstance(expr, ast.Constant):
        if isinstance(expr.value, str):
            _mark(ctx, expr, proven=proven, allowed=allowed)
        return
    val = ctx.value(expr, scope)
    if isinstance(val, StrVal):
        _mark(ctx, val.node, proven=proven, allowed=allowed)
    elif isinstance(val, EnvVal):
        if isinstance(val.default, ast.Constant) and isinstance(val.default.value, str):
            _mark(ctx, val.default, proven=proven, allowed=allowed)
        elif val.default is None and proven and allowed:
            name = val.name or "an environment variable"
            ctx.add("LMX203", f"model comes from {name} at run time; make sure it names a {ctx.rules.provider.name} model", expr)
    elif isinstance(val, ParamVal):
        if isinstance(val.default, ast.Constant) and isinstance(val.default.value, str):
            _mark(ctx, val.default, proven=proven, allowed=allowed)
    elif isinstance(val, Unknown) and proven and allowed and not isinstance(expr, ast.Name | ast.Attribute):
        # A name or attribute is migrated where it is defined (a parameter, an imported constant);
        # anything else (`tenant["model"]`, a call, an f-string) is for a person to check.
        ctx.add("LMX203", f"model given by `{ctx.shown(expr)}`, which the tool cannot resolve", expr)


def reach_dict(
    ctx: Context, spread: DictVal, *, proven: bool, allowed: bool, names: Collection[str] = ("model",)
) -> None:
    """The model keys (`names`: a constructor's model arguments) of a dict literal passed as `**`."""
    for key, value in zip(spread.node.keys, spread.node.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value in names:
            reach(ctx, value, spread.scope, proven=proven, allowed=allowed)


def _mark(ctx: Context, node: ast.Constant, *, proven: bool, allowed: bool) -> None:
    entry = ctx.model_reach.setdefault(id(node), ModelReach(node))
    entry.proven = entry.proven or proven
    entry.blocked = entry.blocked or not allowed


def named(ctx: Context, node: ast.AST, scope: Scope) -> None:
    """Constants, settings fields, parameter defaults and getenv defaults named like a model."""
    models = ctx.rules.models
    if isinstance(node, ast.Assign | ast.AnnAssign):
        if scope.kind not in ("module", "class") or node.value is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name) and ctx.is_model_param(t.id)]
        if names:
            # a constant another module passes to a client that stays on OpenAI keeps its value
            prefix = f"{scope_qualname(scope)}." if scope.kind == "class" else ""
            kept = ctx.project is not None and any(ctx.project.model_blocked(prefix + n) for n in names)
            reach(ctx, node.value, scope, proven=False, allowed=not kept)
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
        for arg, default in pairs:
            if ctx.is_model_param(arg.arg) and isinstance(default, ast.Constant):
                reach(ctx, default, scope, proven=False, allowed=True)
    elif isinstance(node, ast.Call) and _may_read_env(ctx, node, scope):
        val = ctx.value(node, scope)
        named_env = isinstance(val, EnvVal) and val.name and models.is_param_name(val.name)
        if named_env and isinstance(val, EnvVal) and isinstance(val.default, ast.Constant):
            reach(ctx, val.default, scope, proven=False, allowed=True)


def _may_read_env(ctx: Context, call: ast.Call, scope: Scope) -> bool:
    """Only an environment read, a wrapper of one or its `.strip()` evaluates to an `EnvVal`:
    every other call is not resolved a second time (its function is, once, by `ctx.callee`)."""
    func = ctx.callee(call, scope)
    if isinstance(func, QName):
        return func.name in ENV_READS or func.name in ctx.rules.source.wrappers
    return isinstance(call.func, ast.Attribute) and call.func.attr in ("strip", "rstrip", "lstrip")


def decide(ctx: Context, names: Gather) -> None:
    """Turn every recorded reach into LMX201/LMX202/LMX204; `names` learns what is rewritten."""
    rules = ctx.rules
    for entry in ctx.model_reach.values():
        if entry.blocked:
            _relied_on(ctx, names, entry.node, sent=True)
            continue
        # `openai:gpt-4o` for a one-provider factory: the name after the prefix is mapped, the prefix kept
        prefix = next((p for p in rules.model_prefixes if str(entry.node.value).startswith(p)), "")
        value = str(entry.node.value)[len(prefix) :]
        if value in rules.served_models:
            continue
        rule = rules.models.rule_for(value)
        if rule is None:
            if entry.proven:
                ctx.add("LMX202", f"model {value!r} has no mapping in the rules", entry.node)
            continue
        if rule.action == "keep":
            continue
        if rule.action == "unsupported":
            why = f": {rule.reason}" if rule.reason else ""
            ctx.add("LMX202", f"model {value!r} has no {rules.provider.name} equivalent{why}", entry.node)
            continue
        assert rule.to is not None
        if value == rule.to or _relied_on(ctx, names, entry.node, sent=False):
            continue
        names.rewrites.add(value)
        start, end = ctx.span(entry.node)
        new = _requote(ctx.text[start:end], prefix + value, prefix + rule.to)
        if new is None:
            ctx.add("LMX201", f"OpenAI model {value!r}: use {rule.to!r}", entry.node)
            continue
        fix = Fix(f"Replace {value!r} with {rule.to!r}", (Edit(EditKind.REPLACE, start, end, new),))
        ctx.add("LMX201", f"OpenAI model {value!r} is served on {rules.provider.name} as {rule.to!r}", entry.node, fix)


def _relied_on(ctx: Context, names: Gather, node: ast.Constant, *, sent: bool) -> bool:
    """LMX204 when other code relies on the model name `node` holds. `sent`: the literal is
    already kept (its client stays); reported only when the project keeps that client because
    of this name."""
    value = names.mapped(node.value)
    if value is None:
        return False
    where = None if sent else names.elsewhere(value)
    if where is None and ctx.project is not None:
        where = ctx.project.model_elsewhere(value, sent=sent)
    if where is None:
        return False
    rule = ctx.rules.models.rule_for(value)
    assert rule is not None
    ctx.add(
        "LMX204",
        f"model {value!r} is left as it is: it is also {where}, which mapping it to "
        f"{rule.to!r} would break: change both by hand",
        node,
    )
    return True


def untied(ctx: Context, strings: list[ast.Constant]) -> None:
    """OpenAI model literals the tool could not tie to a model parameter: reported, never rewritten."""
    models = ctx.rules.models
    if ctx.test_doubles:
        return  # model ids in the canned answers of a test double name no model to send
    for node in strings:
        key = id(node)
        if key in ctx.model_reach or key in ctx.ignored_literals:
            continue
        value = str(node.value)
        if not value or len(value) > 64 or value.split() != [value]:  # empty, long or with whitespace
            continue
        rule = models.rule_for(value)
        if rule is None or rule.action != "map" or value == rule.to:
            continue
        ctx.add(
            "LMX201",
            f"OpenAI model name {value!r} is not passed to a model parameter the tool can see; "
            f"review it ({ctx.rules.provider.name} model: {rule.to!r})",
            node,
        )


def _requote(source: str, old: str, new: str) -> str | None:
    """The literal `source` with its content `old` replaced by `new`, prefix and quotes kept.

    None when the literal is not plain (escapes, implicit concatenation, f-string parts).
    """
    i = 0
    while i < len(source) and source[i] in "rRuUbB":
        i += 1
    prefix, rest = source[:i], source[i:]
    for quote in ('"""', "'''", '"', "'"):
        if rest.startswith(quote) and rest.endswith(quote) and len(rest) >= 2 * len(quote):
            if rest[len(quote) : -len(quote)] != old:
                return None
            return f"{prefix}{quote}{new}{quote}"
    return None
