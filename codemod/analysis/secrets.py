"""Hardcoded API keys (LMX501) in any string literal; shown only masked."""

from __future__ import annotations

import ast

from codemod.analysis.context import Context


def mask(secret: str) -> str:
    """First 4 and last 4 characters; shorter secrets are hidden whole."""
    if len(secret) <= 12:
        return "…"
    return f"{secret[:4]}…{secret[-4:]}"


def scan(ctx: Context, strings: list[ast.Constant]) -> None:
    source = ctx.rules.source
    for node in strings:
        value = str(node.value)
        if source.looks_like_key(value):
            ctx.add(
                "LMX501",
                f"hardcoded API key {mask(value)} in source; rotate it and read it from "
                f"{ctx.rules.provider.api_key_env}",
                node,
            )
