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

CODES: tuple[str, ...] = ("LMX403",)


def check(ctx: Context, call: ast.Call, scope: Scope, keyword: str) -> None:
    """LMX403 for each OpenAI-only header, with a value, in the `keyword=` dict of `call`."""
    for key, name in ctx.openai_headers(call, scope, keyword):
        message = (
            f"header `{name}` is OpenAI's: {ctx.rules.provider.name} does not implement it, and "
            "OpenAI's organization, project and beta features must not reach it; remove it here"
        )
        ctx.add("LMX403", message, key)


def keeps(ctx: Context, call: ast.Call, scope: Scope) -> ClientState | None:
    """A constructor sending an OpenAI-only header by default stays as it is (LMX403): migrating
    it would send OpenAI's organization, project or beta switch to the provider."""
    found = ctx.openai_headers(call, scope, "default_headers")
    if not found:
        return None
    key, name = found[0]
    message = (
        f"client `{ctx.source(call.func)}` is left on OpenAI: its header `{name}` is OpenAI's and must "
        f"not reach {ctx.rules.provider.name}; remove it to migrate the client"
    )
    return ClientState("opaque", [ctx.finding("LMX403", message, key)])
