"""Calls into the API (LMX301-305): what is sent where, and whether Lumyx serves it.

Each call is classified by what its function resolves to: a client constructor, a resource
method under a client (`client.chat.completions.create`), the SDK module's own client
(`openai.chat.completions.create`), or an SDK < 1.0 resource (`openai.ChatCompletion.create`).
Model arguments are handed to the models module; chat parameters are checked here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from codemod.analysis.bindings import Scope
from codemod.analysis.context import Context
from codemod.analysis.detectors import headers, models
from codemod.analysis.detectors.clients import client_state
from codemod.analysis.facts import outside_project
from codemod.analysis.values import ClientVal, DictVal, QName, RefVal, ResourceVal, Unknown

CODES: tuple[str, ...] = ("LMX301", "LMX302", "LMX303", "LMX304", "LMX305", "LMX306", "LMX307", "LMX308")


@dataclass
class ModuleCall:
    """A call on the SDK module itself, decided once the module's configuration is known."""

    call: ast.Call
    path: str
    scope: Scope
    legacy: str | None  # the SDK < 1.0 resource name, e.g. "ChatCompletion"


@dataclass
class CallState:
    module_calls: list[ModuleCall] = field(default_factory=list)


def on_call(ctx: Context, call: ast.Call, scope: Scope, state: CallState) -> None:
    rules = ctx.rules
    func = ctx.callee(call, scope)
    spec = ctx.resolver.constructor(call, func, scope)
    if spec is not None:
        client = ClientVal(spec, call)
        result = client_state(ctx, client, scope)
        ctx.findings.extend(result.findings)
        allowed = result.status in ("migrate", "lumyx", "split")
        if allowed:
            headers.check(ctx, call, scope, "default_headers")
        for kw in call.keywords:
            if kw.arg is not None and kw.arg in spec.model_args:
                models.reach(ctx, kw.value, scope, proven=True, allowed=allowed)
            elif kw.arg is None:
                spread = ctx.value(kw.value, scope)
                if isinstance(spread, DictVal):
                    models.reach_dict(ctx, spread, proven=True, allowed=allowed, names=spec.model_args)
        if 0 <= spec.model_position < len(call.args):  # `init_chat_model("gpt-4o", ...)`
            models.reach(ctx, call.args[spec.model_position], scope, proven=True, allowed=allowed)
        return
    if isinstance(func, QName):
        if func.name in rules.source.ignore_calls:
            for sub in (*call.args, *(k.value for k in call.keywords)):
                if isinstance(sub, ast.Constant):
                    ctx.ignored_literals.add(id(sub))
            return
        prefix = rules.module_config.module + "."
        if not func.name.startswith(prefix):
            return
        path = func.name[len(prefix) :]
        head = path.split(".")[0]
        if head in rules.legacy and "." in path:
            state.module_calls.append(ModuleCall(call, rules.legacy[head], scope, head))
        elif rules.endpoints.is_resource_root(head):
            state.module_calls.append(ModuleCall(call, path, scope, None))
        return
    if isinstance(func, ResourceVal) and isinstance(func.base, ClientVal):
        client = func.base
        status = client_state(ctx, client, scope).status
        path = ".".join(func.path)
        allowed = status in ("migrate", "lumyx", "unknown") or (
            # a split client's unserved calls go to the copy left on OpenAI
            status == "split" and ctx.rules.endpoints.classify(path) in ("served", "exclusive")
        )
        endpoint_call(ctx, call, scope, path, allowed=allowed)
    elif isinstance(func, ResourceVal) and isinstance(func.base, RefVal) and not _outside(ctx, func.base.ref):
        path = ".".join(func.path)
        parameter = func.base.ref.startswith("p:") and isinstance(_receiver(call, path), ast.Name)
        _untied_call(ctx, call, scope, path, parameter=parameter)
    elif isinstance(func, Unknown) and isinstance(call.func, ast.Attribute):
        shaped = _shape(ctx, call.func)
        if shaped is not None:
            _untied_call(ctx, call, scope, shaped, parameter=False)


def _untied_call(ctx: Context, call: ast.Call, scope: Scope, path: str, *, parameter: bool) -> None:
    """A call on a receiver no client is tied to: LMX307 on a parameter, else LMX308, for an
    unserved endpoint; LMX308 for what a chat call sends that the provider does not serve."""
    if ctx.rules.endpoints.classify(path) in ("coming_soon", "unserved") and _uses_openai(ctx):
        what = f"`{path}` is not served by {ctx.rules.provider.name}"
        if parameter:  # no call site in the project ties a client to it; it may well be one
            message = f"{what}; the tool cannot tell which client this parameter receives: if it is one moved there, this call will fail"
            ctx.add("LMX307", message, call.func)
        else:  # an attribute or a value the tool cannot tie to a client
            _warn(ctx, call, path, what, call.func)
    if path.startswith("chat.completions"):
        _untyped_chat(ctx, call, scope)


def _outside(ctx: Context, ref: str) -> bool:
    """`f:json.loads` / `f:openai.x`: a name from the stdlib or a client package, no client of
    the project's."""
    return outside_project(ref.partition(":")[2].lstrip("."), ctx.rules.client_roots)


def _shape(ctx: Context, func: ast.Attribute) -> str | None:
    """The endpoint an OpenAI-shaped call names on a receiver the tool cannot type:
    `embeddings.create` in `self.llm_client.embeddings.create`; None when it names none."""
    parts: list[str] = []
    node: ast.expr = func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.reverse()
    endpoints = ctx.rules.endpoints
    for i in range(len(parts)):  # the receiver is what the attributes hang on
        path = [p for p in parts[i:] if p not in endpoints.passthrough]
        if path and endpoints.is_resource_root(path[0]) and endpoints.classify(".".join(path)) is not None:
            return ".".join(path)
    return None


def _uses_openai(ctx: Context) -> bool:
    return bool(ctx.imported_roots & ctx.rules.client_roots)


def _untyped_chat(ctx: Context, call: ast.Call, scope: Scope) -> None:
    """LMX308 for each chat parameter and message role the provider does not serve, on a chat
    call whose client the tool cannot tell (which keeps the exact checks for tied clients)."""
    if not _uses_openai(ctx):
        return
    provider = ctx.rules.provider.name
    for kw in call.keywords:
        if kw.arg is None:
            continue
        if not _accepted(ctx, kw.arg):
            _warn(ctx, call, "chat", f"chat parameter `{kw.arg}` is not served by {provider}", kw)
        elif kw.arg == "messages":
            for role_node, role in _unserved_roles(ctx, _bound(ctx, kw.value, scope)):
                _warn(ctx, call, "chat", f"message role {role!r} is not served by {provider}", role_node)


def _accepted(ctx: Context, name: str) -> bool:
    """A chat keyword the provider serves: a chat parameter, a request option of the SDK's or
    one a wrapper library takes."""
    chat = ctx.rules.chat
    return name in chat.params or name in chat.request_options or name in chat.wrapper_options


def _receiver(call: ast.Call, path: str) -> ast.expr:
    """What the endpoint `path` hangs on in `call`: `self.llm` in `self.llm.chat.completions.create`."""
    root = path.split(".")[0]
    receiver: ast.expr = call.func
    while isinstance(receiver, ast.Attribute):
        attr = receiver.attr
        receiver = receiver.value
        if attr == root:
            break
    return receiver


def _warn(ctx: Context, call: ast.Call, path: str, what: str, node: ast.AST) -> None:
    message = (
        f"{what}; the tool cannot tell which client `{ctx.shown(_receiver(call, path))}` is: "
        "if it is one moved there, this call will fail"
    )
    ctx.add("LMX308", message, node)


def endpoint_call(
    ctx: Context, call: ast.Call, scope: Scope, path: str, *, allowed: bool, legacy: str | None = None
) -> None:
    """Checks of one API call that will go to Lumyx (when `allowed`)."""
    rules = ctx.rules
    kind = rules.endpoints.classify(path)
    if kind is None:
        return
    served = kind in ("served", "exclusive")
    if allowed and not served:
        if kind == "coming_soon":
            root = path.split(".")[0]
            message = f"`{root}` is coming soon on {rules.provider.name}; this call will fail until then"
        else:
            message = f"`{path}` is not served by {rules.provider.name}"
        ctx.add("LMX301", message, call.func)
    send_models = allowed and served
    if send_models:
        headers.check(ctx, call, scope, "extra_headers")
    spreads: list[DictVal] = []
    for kw in call.keywords:
        if kw.arg is None:
            spread = ctx.value(kw.value, scope)
            if isinstance(spread, DictVal):
                spreads.append(spread)
                models.reach_dict(ctx, spread, proven=True, allowed=send_models)
        elif kw.arg == "model" or (legacy is not None and rules.models.is_param_name(kw.arg)):
            models.reach(ctx, kw.value, scope, proven=True, allowed=send_models)
    if path == "models.retrieve" and call.args:
        models.reach(ctx, call.args[0], scope, proven=True, allowed=send_models)
    if allowed and served and path.startswith("chat.completions"):
        _chat_params(ctx, call, scope, spreads, legacy=legacy is not None)


def _chat_params(ctx: Context, call: ast.Call, scope: Scope, spreads: list[DictVal], *, legacy: bool) -> None:
    chat = ctx.rules.chat
    provider = ctx.rules.provider.name
    pairs: list[tuple[str, ast.expr, ast.AST]] = [
        (kw.arg, kw.value, kw)
        for kw in call.keywords
        # SDK < 1.0 took the model as `engine=`/`deployment_id=`: a model, not a chat parameter
        if kw.arg is not None and not (legacy and ctx.rules.models.is_param_name(kw.arg))
    ]
    for spread in spreads:
        for key, value in zip(spread.node.keys, spread.node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                pairs.append((key.value, value, key))
    for name, value, node in pairs:
        if not _accepted(ctx, name):
            ctx.add("LMX302", f"chat parameter `{name}` is not served by {provider}", node)
            continue
        literal = _bound(ctx, value, scope)
        if name == "extra_body":
            _extra_body(ctx, literal)
        elif name == "messages":
            _roles(ctx, literal)
        elif name == "stop" and (count := _sequence_length(literal)) > chat.max_stop:
            ctx.add("LMX304", f"{count} stop sequences; {provider} accepts at most {chat.max_stop}", value)
        elif name == "temperature" and isinstance(literal, ast.Constant | ast.UnaryOp):
            number = _number(literal)
            if number is not None and not chat.temperature_min <= number <= chat.temperature_max:
                ctx.add(
                    "LMX305",
                    f"temperature {number:g} is outside {provider}'s range "
                    f"{chat.temperature_min:g}..{chat.temperature_max:g}",
                    value,
                )


def _extra_body(ctx: Context, value: ast.expr) -> None:
    """`extra_body` keys are sent as body fields as they are: served only when they are chat
    parameters the provider serves."""
    if not isinstance(value, ast.Dict):
        return
    chat = ctx.rules.chat
    for key in value.keys:
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value not in chat.params:
            message = f"`{key.value}` in `extra_body` is sent as a chat parameter {ctx.rules.provider.name} does not serve"
            ctx.add("LMX306", message, key)


def _bound(ctx: Context, value: ast.expr, scope: Scope) -> ast.expr:
    """The expression a name was last assigned (`STOP = [...]`), else `value` itself."""
    if isinstance(value, ast.Name):
        binding = ctx.resolver.lookup(value.id, scope, (value.lineno, value.col_offset))
        if binding is not None and binding.kind == "assign" and binding.value is not None:
            return binding.value
    return value


def _roles(ctx: Context, value: ast.expr) -> None:
    served = ", ".join(ctx.rules.chat.roles)
    for node, role in _unserved_roles(ctx, value):
        ctx.add("LMX303", f"message role {role!r} is not served (roles: {served})", node)


def _unserved_roles(ctx: Context, value: ast.expr) -> list[tuple[ast.expr, str]]:
    """The literal `"role"` values of a literal message list that the provider does not serve."""
    if not isinstance(value, ast.List | ast.Tuple):
        return []
    roles = ctx.rules.chat.roles
    found: list[tuple[ast.expr, str]] = []
    for message in value.elts:
        if not isinstance(message, ast.Dict):
            continue
        for key, role in zip(message.keys, message.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and key.value == "role"
                and isinstance(role, ast.Constant)
                and isinstance(role.value, str)
                and role.value not in roles
            ):
                found.append((role, role.value))
    return found


def _sequence_length(node: ast.expr) -> int:
    """How many items a list or tuple display holds; -1 when not known (not one, or `*x`)."""
    if not isinstance(node, ast.List | ast.Tuple):
        return -1
    if any(isinstance(item, ast.Starred) for item in node.elts):
        return -1
    return len(node.elts)


def _number(node: ast.expr) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _number(node.operand)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    return None
