"""Where a client goes (LMX106, LMX107): the project-wide decision applied to one constructor.

A client some of whose calls the provider does not serve stays on OpenAI as it is (LMX106), or
with `unserved-clients = "split"` is migrated while a copy of the original constructor, bound
beside it as `<name>_openai`, serves those calls. A constructor that cannot take a provider key
at all (`provider=`, `workload_identity=`, Azure's arguments) is left as it is (LMX107). A client
in test code that talks to a test double is none of the tool's business and is left silently.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Collection

from codemod.analysis.bindings import Scope
from codemod.analysis.context import ClientState, Context
from codemod.analysis.ctorforms import DOUBLE
from codemod.analysis.facts import Decision, ctor_id, hostname, is_test_path
from codemod.analysis.valuetypes import ChosenClass, ClientVal
from codemod.rules import ClientSpec
from codemod.types import Edit, EditKind, Finding, Fix

CODES: tuple[str, ...] = ("LMX106", "LMX107", "LMX309")

_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver")


def cannot_move(ctx: Context, call: ast.Call, spec: ClientSpec, args: Collection[str]) -> ClientState | None:
    """LMX107 for a constructor that cannot take a provider key; a silent state for a test
    double; None for a constructor that can be migrated."""
    if spec.keep_reason:
        message = f"client `{ctx.source(call.func)}` is left as it is: {spec.keep_reason}"
        return ClientState("refused", [ctx.finding("LMX107", message, call)])
    if spec.unserved:
        message = (
            f"`{ctx.source(call.func)}` is an {spec.unserved} client, and {spec.unserved} are not served by "
            f"{ctx.rules.provider.name}: it stays on OpenAI as it is"
        )
        return ClientState("kept", [ctx.finding("LMX106", message, call)])
    refused = [name for name in ctx.rules.source.refuse_args if name in args]
    if refused:
        shown = ctx.source(call.func)
        message = (
            f"client `{shown}` is built with `{refused[0]}=`, which cannot take a "
            f"{ctx.rules.provider.name} key: left on OpenAI as it is"
        )
        return ClientState("refused", [ctx.finding("LMX107", message, call)])
    if is_test_path(ctx.path) and _talks_to_a_double(ctx, call, args):
        ctx.test_doubles = True
        return ClientState("test-double")
    return None


def double(ctx: Context, call: ast.Call, scope: Scope) -> ClientState | None:
    """A silent state for a client subclass in test code that is a test double (an `__init__`
    without `super().__init__`, its own `chat`): the test talks to the double, not to OpenAI."""
    if not is_test_path(ctx.path):
        return None
    imported = ctx.resolver.imported_class(ctx.callee(call, scope))  # a double of another module
    if not (isinstance(imported, ChosenClass) and imported.spec.keep_reason == DOUBLE) and not ctx.resolver.double(call.func, scope):
        return None
    ctx.test_doubles = True
    return ClientState("test-double")


def _talks_to_a_double(ctx: Context, call: ast.Call, args: Collection[str]) -> bool:
    """An `http_client`/transport argument, a placeholder key, a local base URL, or a module
    that mocks HTTP itself (respx, pytest-httpx: the rules' `source.http_mocks`)."""
    if {"http_client", "transport", "_transport"} & set(args):
        return True
    if ctx.imported_roots & set(ctx.rules.source.http_mocks):
        return True
    for kw in call.keywords:
        value = kw.value
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            continue
        if kw.arg == "api_key" and not ctx.rules.source.looks_like_key(value.value):
            return True
        if kw.arg in ("base_url", "api_base") and _is_local(value.value):
            return True
    return False


def _is_local(url: str) -> bool:
    return hostname(url) in _LOCAL_HOSTS


def decided(ctx: Context, call: ast.Call, found: Finding) -> ClientState:
    """The state of a migratable constructor under its project-wide decision."""
    if ctx.project is None:
        return ClientState("migrate", [found])
    decision = ctx.project.decision(ctor_id(ctx.path, call))
    if decision.kind == "keep":
        return ClientState("kept", [_kept(ctx, call, decision)])
    if decision.kind == "split":
        split = _split(ctx, call, found, decision)
        if split is not None:
            return ClientState("split", [split])
        return ClientState("kept", [_kept(ctx, call, decision)])
    return ClientState("migrate", [found])


def _kept(ctx: Context, call: ast.Call, decision: Decision) -> Finding:
    if decision.repointed:
        return _repointed(ctx, call, decision)
    roots = sorted({_root(endpoint) for _, endpoint in decision.unserved})
    more = len(decision.unserved) - 1
    where = decision.unserved[0][0] + (f" and {more} more" if more else "")
    endpoints = [f"`{r}`" for r in roots if not r.startswith("model ")]
    names = ", ".join(f"model {r.removeprefix('model ')!r}" for r in roots if r.startswith("model "))
    relied = "a name other code relies on (LMX204): mapping it would break that code"
    if endpoints:
        why = f"it is used for {', '.join(endpoints)} ({where}), which {ctx.rules.provider.name} does not serve"
        why += f"; it also sends {names}, {relied}" if names else ""
    else:
        why = f"it sends {names} ({where}), {relied}"
    return ctx.finding("LMX106", f"OpenAI client `{ctx.source(call.func)}` stays on OpenAI: {why}", call)


def _repointed(ctx: Context, call: ast.Call, decision: Decision) -> Finding:
    """LMX309: a line of another module (or a function given the client) sets its key or base
    URL; migrating the constructor alone would send one company's key to the other."""
    where, how = decision.repointed[0]
    more = len(decision.repointed) - 1
    message = (
        f"OpenAI client `{ctx.source(call.func)}` stays on OpenAI: `{how}` ({where}"
        f"{f' and {more} more' if more else ''}) re-points it after it is built, which the tool does not "
        f"rewrite there; move that setting into the constructor to migrate it to {ctx.rules.provider.name}"
    )
    return ctx.finding("LMX309", message, call)


def _root(endpoint: str) -> str:
    """`chat` for `chat.completions.create`; a kept model name (`model gpt-4o`) whole."""
    return endpoint if endpoint.startswith("model ") else endpoint.split(".")[0]


def _split(ctx: Context, call: ast.Call, found: Finding, decision: Decision) -> Finding | None:
    """LMX101 whose fix also binds a copy of the original constructor and re-points the
    unserved calls to it; None when the statement is not one a copy can follow."""
    statement = ctx.statement_of(call)
    target = ctx.split_target(call)
    if statement is None or target is None or found.fix is None:
        return None
    copy = f"{target}_openai"
    edits = list(found.fix.edits)
    for start, end in decision.split_spans:
        if ctx.text[start:end] != target:
            return None
        edits.append(Edit(EditKind.REPLACE, start, end, copy))
    edits.append(ctx.inserts.after_statement(statement, [f"{copy} = {ctx.source(call)}"]))
    roots = sorted({_root(endpoint) for _, endpoint in decision.unserved})
    title = f"{found.fix.title}; keep {', '.join(roots)} on OpenAI through `{copy}`"
    message = f"{found.message}; {', '.join(f'`{r}`' for r in roots)} stay on OpenAI through `{copy}`"
    return dataclasses.replace(found, message=message, fix=Fix(title, tuple(edits)))


def remote_state(ctx: Context, client: ClientVal) -> ClientState:
    """A client built elsewhere: migrated when every constructor it may be is migrated."""
    if ctx.project is None or not client.refs:
        return ClientState("unknown")
    kinds = {ctx.project.decision(ref).kind for ref in client.refs} - {"ignore"}
    if not kinds:
        return ClientState("test-double")
    if kinds <= {"migrate", "split"}:
        return ClientState("migrate")
    return ClientState("kept")
