"""Client constructors (LMX101-104, LMX108): point every OpenAI client at Lumyx, or say why not.

A constructor is migrated when its key and base URL are absent, literals, or reads of OpenAI's
environment variables. One whose base URL points at another host, or whose key or base URL come
from an expression the tool cannot see, is left exactly as it is and reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from codemod.analysis.bindings import Scope, pos_of
from codemod.analysis.context import BaseVerdict, ClientState, Context, KeyVerdict, is_blank
from codemod.analysis.ctorforms import PARTIALS, passed_own, provider_inferred
from codemod.analysis.detectors import headers, placement, repoint
from codemod.analysis.facts import ctor_id, hostname
from codemod.analysis.values import ClientVal, DictVal, PartialVal, QName, StrVal
from codemod.rules import ClientSpec
from codemod.types import ArgChange, Edit, EditKind, Finding, Fix

CODES: tuple[str, ...] = ("LMX101", "LMX102", "LMX103", "LMX104", "LMX108")


@dataclass
class Arg:
    """A keyword the constructor receives: written in the call, or in a visible `**dict`."""

    name: str
    value: ast.expr
    node: ast.AST  # what a finding points at


# The verdict on the key (base URL) argument, "set" when the call does not pass one; and the argument.
_Key = tuple[KeyVerdict | Literal["set"], Arg | None]
_Base = tuple[BaseVerdict | Literal["set"], Arg | None]


def client_state(ctx: Context, client: ClientVal, scope: Scope) -> ClientState:
    """Analyse a constructor once (cached): its status and the findings it produces. A client
    built in another module has the status its project-wide decision gives it."""
    if client.ctor is None:
        return placement.remote_state(ctx, client)
    key = id(client.ctor)
    cached = ctx.client_states.get(key)
    if cached is None:
        cached = _analyse(ctx, client, client.ctor, scope)
        ctx.client_states[key] = cached
    return cached


def _analyse(ctx: Context, client: ClientVal, call: ast.Call, scope: Scope) -> ClientState:
    spec = client.spec
    if spec.azure:
        shown = ctx.source(call.func)
        message = f"Azure OpenAI client `{shown}` cannot be pointed at {ctx.rules.provider.name} automatically"
        return ClientState("azure", [ctx.finding("LMX104", message, call)])
    args, opaque_kwargs = _arguments(ctx, call, scope)
    key_arg = next((args[n] for n in spec.api_key_args if n in args), None)
    base_arg = next((args[n] for n in spec.base_url_args if n in args), None)
    base: BaseVerdict | Literal["set"] = ctx.base_verdict(base_arg.value, scope) if base_arg else "set"
    key: KeyVerdict | Literal["set"] = ctx.key_verdict(key_arg.value, scope) if key_arg else "set"
    blanks = _blanks(ctx, spec, args)
    later = repoint.moves(ctx, call, spec)
    refused = (
        placement.double(ctx, call, scope)
        or _dynamic(ctx, call, spec)
        or placement.cannot_move(ctx, call, spec, args)
        or _overridden(ctx, call, spec, scope)
        or repoint.refusal(ctx, call, later)
        or _refusal(
            ctx, call, scope, (key, key_arg), (base, base_arg), opaque_kwargs=opaque_kwargs, blanked=blanks == ([], [])
        )
        or headers.keeps(ctx, call, scope)
    )
    if refused is not None and refused.status == "lumyx":
        refused = repoint.provider_client(ctx, call, later) or refused
    if refused is not None:
        return refused
    blanks[0].extend(repoint.edits(ctx, later))
    found = _migration(ctx, client, call, (key, key_arg), (base, base_arg), blanks)
    if ctx.suppressions.covers(found):
        # The user keeps this client as it is: its calls and model names are left alone too.
        return ClientState("ignored", [found])
    return placement.decided(ctx, call, found)


def _arguments(ctx: Context, call: ast.Call, scope: Scope) -> tuple[dict[str, Arg], bool]:
    """The keywords the constructor receives, and whether a `**spread` hides some of them."""
    args: dict[str, Arg] = {}
    opaque_kwargs = False
    for kw in call.keywords:
        if kw.arg is not None:
            args[kw.arg] = Arg(kw.arg, kw.value, kw)
            continue
        spread = _visible_dict(ctx, kw.value, scope)
        if spread is not None:
            for k, v in zip(spread.node.keys, spread.node.values, strict=True):
                assert isinstance(k, ast.Constant)
                args.setdefault(str(k.value), Arg(str(k.value), v, k))
        else:
            opaque_kwargs = True
    return args, opaque_kwargs


def _refusal(
    ctx: Context,
    call: ast.Call,
    scope: Scope,
    key: _Key,
    base: _Base,
    *,
    opaque_kwargs: bool,
    blanked: bool,
) -> ClientState | None:
    """The state of a constructor that is already Lumyx or is not migrated; None to migrate it."""
    shown = ctx.source(call.func)
    target = ctx.rules.provider.name
    (key_verdict, key_arg), (base_verdict, base_arg) = key, base
    if base_verdict == "elsewhere" and base_arg is not None:
        url = ctx.value(base_arg.value, scope)
        host = hostname(str(url.node.value)) if isinstance(url, StrVal) else None
        where = host or "another host"
        message = f"client `{shown}` points at {where}, not {target}: left as it is"
        return ClientState("elsewhere", [ctx.finding("LMX102", message, base_arg.node)])
    if base_verdict == "opaque" and base_arg is not None:
        message = f"client `{shown}` takes its base URL from `{ctx.shown(base_arg.value)}`; check it points at {target}"
        return ClientState("opaque", [ctx.finding("LMX102", message, base_arg.node)])
    if key_verdict == "opaque" and key_arg is not None:
        env = ctx.rules.provider.api_key_env
        message = f"client `{shown}` takes its API key from `{ctx.shown(key_arg.value)}`; read it from {env} instead"
        return ClientState("opaque", [ctx.finding("LMX103", message, key_arg.node)])
    if base_verdict == "ok" and key_verdict == "ok":
        return ClientState("lumyx")
    if opaque_kwargs and (key_arg is None or base_arg is None):
        message = f"client `{shown}` is built from **kwargs the tool cannot see; set api_key and base_url for {target} by hand"
        return ClientState("opaque", [ctx.finding("LMX101", message, call)])
    unfixable = _why_unfixable(ctx, call, scope)
    if unfixable:
        message = f"OpenAI client `{shown}` is not pointed at {target}: {unfixable}; migrate it by hand"
        return ClientState("opaque", [ctx.finding("LMX101", message, call)])
    return None


def _migration(
    ctx: Context,
    client: ClientVal,
    call: ast.Call,
    key: _Key,
    base: _Base,
    blanks: tuple[list[Edit], list[ArgChange]],
) -> Finding:
    """LMX101 with the fix: missing arguments added, OpenAI's values replaced by reads."""
    spec = client.spec
    inserts = ctx.inserts
    edits: list[Edit] = list(blanks[0])
    added: list[ArgChange] = []
    for (state, arg), names, text in (
        (key, spec.api_key_args, inserts.key_read()),
        (base, spec.base_url_args, inserts.base_read()),
    ):
        if state == "set":
            added.append(ArgChange(names[0], text))
        elif state == "replace" and arg is not None:
            start, end = ctx.span(arg.value)
            edits.append(Edit(EditKind.REPLACE, start, end, text))
    added.extend(blanks[1])
    if provider_inferred(call, spec):  # `init_chat_model("gpt-4o")`: the mapped model no longer says OpenAI
        added.append(ArgChange(spec.provider_arg, inserts.literal(spec.provider)))
    start, end = ctx.span(call)  # also re-lays the call out when a replacement makes it too long
    edits.append(Edit(EditKind.CALL_ARGS, start, end, args=tuple(added)))
    edits.extend(inserts.os_edits)
    provider = ctx.rules.provider
    fix = Fix(f"Read the key from {provider.api_key_env} and the base URL from {provider.base_url_env}", tuple(edits))
    message = f"OpenAI client `{ctx.source(call.func)}` is not pointed at {provider.name}"
    return ctx.finding("LMX101", message, call, fix)


def _blanks(ctx: Context, spec: ClientSpec, args: dict[str, Arg]) -> tuple[list[Edit], list[ArgChange]]:
    """What keeps OpenAI's organization and project from the provider: the blank arguments
    replaced or added, the blank headers added; nothing when they are there already."""
    empty = ctx.inserts.literal("")
    edits: list[Edit] = []
    added: list[ArgChange] = []
    for name in spec.blank_args:
        arg = args.get(name)
        if arg is None:
            added.append(ArgChange(name, empty))
        elif not is_blank(arg.value):
            start, end = ctx.span(arg.value)
            edits.append(Edit(EditKind.REPLACE, start, end, empty))
    if spec.blank_headers and "default_headers" not in args:
        headers = ", ".join(f"{ctx.inserts.literal(h)}: {empty}" for h in spec.blank_headers)
        added.append(ArgChange("default_headers", "{" + headers + "}"))
    return edits, added


def _visible_dict(ctx: Context, expr: ast.expr, scope: Scope) -> DictVal | None:
    """The dict literal a `**expr` spreads, when every key it can ever hold is visible.

    A name qualifies only when it is bound once in its scope, to a literal with string keys,
    and is used nowhere but in `**` spreads: a dict that is mutated, aliased or rebound could
    carry `api_key`/`base_url` too, and adding them to the call would then raise "got multiple
    values for keyword argument".
    """
    val = ctx.value(expr, scope)
    if not isinstance(val, DictVal):
        return None
    if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in val.node.keys):
        return None  # `{**other}` or computed keys
    if isinstance(expr, ast.Dict):
        return val
    if not isinstance(expr, ast.Name):
        return None
    binding = ctx.resolver.lookup(expr.id, scope, pos_of(expr))
    if binding is None or binding.value is not val.node or binding.scope is None:
        return None
    if binding.scope.bindings.get(expr.id) != [binding]:
        return None
    return val if ctx.only_spread(expr.id, binding) else None


def _dynamic(ctx: Context, call: ast.Call, spec: ClientSpec) -> ClientState | None:
    """LMX108 for a client whose class the tool cannot name for sure (`ctorforms.kept` made its
    spec: the rules' own specs are the ones the rules file declares)."""
    if not spec.keep_reason or any(spec is declared for declared in ctx.rules.clients):
        return None
    message = f"client `{ctx.shown(call.func)}` is left as it is: {spec.keep_reason}"
    return ClientState("refused", [ctx.finding("LMX108", message, call)])


def _overridden(ctx: Context, call: ast.Call, spec: ClientSpec, scope: Scope) -> ClientState | None:
    """LMX108 for a `functools.partial` of a client some call of which passes its own key, base
    URL, organization, project or headers (or `**kwargs`): those win over the partial's, so
    adding the provider's there would send another key to the provider."""
    func = ctx.callee(call, scope)
    partial = isinstance(func, QName) and func.name in PARTIALS
    decision = ctx.project.decision(ctor_id(ctx.path, call)) if ctx.project is not None else None
    if decision is not None and decision.kind == "as-is" and decision.repointed:  # `project.ProjectView._class_call`
        (site, what), target = decision.repointed[0], ctx.rules.provider.name
        message = (
            f"client `{ctx.shown(call)}`: a call of it ({site}) passes its own {what}, which would win over the {target} ones; left as it is"
            if partial
            else f"client `{ctx.shown(call)}` of a class another module defines is built with its own {what}; left as it is"
        )
        return ClientState("refused", [ctx.finding("LMX108", message, call)])
    if not partial:
        return None
    own = {*spec.api_key_args, *spec.base_url_args, *spec.blank_args, *ctx.rules.source.refuse_args, "default_headers"}
    for node, where in ctx.resolver.walk({ast.Call}):
        assert isinstance(node, ast.Call)
        made = ctx.callee(node, where)
        if not (isinstance(made, PartialVal) and made.call is call):
            continue
        what = passed_own(node, own)  # this class's arguments, not every client's
        if what:
            message = f"client `{ctx.shown(call)}`: a call of it passes its own {what}, which would win over the {ctx.rules.provider.name} ones; left as it is"
            return ClientState("refused", [ctx.finding("LMX108", message, node)])
    return None


def _why_unfixable(ctx: Context, call: ast.Call, scope: Scope) -> str | None:
    """Why the arguments cannot be added where the call is written, or None."""
    if ctx.in_fstring(call):
        return "it is built inside an f-string"
    if not ctx.inserts.os_usable(scope, call):
        return f"`{ctx.inserts.os_name}` is not the os module there"
    return None
