"""Hardcoded API keys (LMX501) in any string literal; shown only masked.

A key is found as the whole literal (`api_key="sk-..."`) or as one word of it
(`"Bearer sk-..."`, `"...?key=nova_..."`): the rules' patterns are tried on each.
"""

from __future__ import annotations

import ast
import re

from codemod.analysis.context import Context
from codemod.redact import mask
from codemod.rules import SourceFacts

CODES: tuple[str, ...] = ("LMX501",)

# What separates a key from the text around it in a header, URL or sentence (keys hold none).
_WORD = re.compile(r"[^\s\"'`=:,;&?/.()<>\[\]{}]+")


def find_key(source: SourceFacts, value: str) -> str | None:
    """The key a literal holds, whole or as one of its words; None when it holds none."""
    if source.looks_like_key(value):
        return value
    words: list[str] = _WORD.findall(value)
    return next((w for w in words if w != value and source.looks_like_key(w)), None)


def scan(ctx: Context, strings: list[ast.Constant]) -> None:
    """LMX501 for every str or bytes literal that is, or holds, a key."""
    source = ctx.rules.source
    prefixes = source.key_prefixes  # a string holding none of them holds no key
    for node in strings:
        value = node.value
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        if prefixes is not None and not any(p in text for p in prefixes):
            continue
        key = find_key(source, text)
        if key is not None:
            ctx.add(
                "LMX501",
                f"hardcoded API key {mask(key)} in source; rotate it and read it from "
                f"{ctx.rules.provider.api_key_env}",
                node,
            )
