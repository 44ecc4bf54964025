"""OpenAI-only headers on a request that goes to the provider (LMX403).

`OpenAI-Beta` switches on features the provider does not implement, and `OpenAI-Organization` /
`OpenAI-Project` name OpenAI's organization and project: none of them may reach the provider.
A constructor whose `default_headers={...}` carry one is left on OpenAI and reported (`keeps`);
a call whose `extra_headers={...}` carry one keeps its client on OpenAI (the summary records it
as an unserved use). Neither is removed: a header dict may be shared with calls that stay on
OpenAI, and dropping an entry is a person's decision. The header names
are the rules' (`module_config.openai_headers`).
"""

from __future__ import annotations

import ast

from codemod.analysis.bindings import Scope
from codemod.analysis.context import ClientState, Context
from codemod.analysis.values import DictVal

CODES: tuple[str, ...] = ("LMX403",)


def check(ctx: Context, call: ast.Call, scope: Scope, keyword: str) -> None:
    """LMX403 for each OpenAI-only header, with a value, in the `keyword=` dict of `call`."""
    names = {h.lower() for h in ctx.rules.module_config.openai_headers}
    for kw in call.keywords:
        if kw.arg != keyword:
            continue
        val = ctx.value(kw.value, scope)
        if not isinstance(val, DictVal):
            continue
        for key, value in zip(val.node.keys, val.node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() in names):
                continue
            if isinstance(value, ast.Constant) and value.value == "":
                continue  # blanked: what keeps OpenAI's organization from the provider
            message = (
                f"header `{key.value}` is OpenAI's: {ctx.rules.provider.name} does not implement it, and "
                "OpenAI's organization, project and beta features must not reach it; remove it here"
            )
            ctx.add("LMX403", message, key)


def keeps(ctx: Context, call: ast.Call, scope: Scope) -> ClientState | None:
    """A constructor sending an OpenAI-only header by default stays as it is (LMX403): migrating
    it would send OpenAI's organization, project or beta switch to the provider."""
    found = ctx.openai_header(call, scope, "default_headers")
    if found is None:
        return None
    key, name = found
    message = (
        f"client `{ctx.source(call.func)}` is left on OpenAI: its header `{name}` is OpenAI's and must "
        f"not reach {ctx.rules.provider.name}; remove it to migrate the client"
    )
    return ClientState("opaque", [ctx.finding("LMX403", message, key)])
