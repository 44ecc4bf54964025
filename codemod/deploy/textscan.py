"""Bicep, ARM and Terraform files: report-only. An app setting or environment variable named
like OpenAI's key, in a file that sets no provider key beside it, is reported at its exact
line and column. ARM is read with `json`; Bicep and Terraform with a lexer that knows their
strings (quotes, escapes, `${...}` interpolation, Bicep's `'''`) and comments, so a name in a
comment or inside a longer string never counts: no parser for either is needed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from codemod.deploy.kinds import Kind
from codemod.deploy.text import ENV_NAME, Lines, finding, ignored, mentions_openai_env
from codemod.rules import Rules
from codemod.types import Finding

CODES = ("LMX602", "LMX900")

_BREAK = re.compile(r"[\r\n]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NAME_BEFORE = re.compile(r'(?:\bname|"name")\s*[:=]\s*\Z')
_KEY_AFTER = re.compile(r"\s*[:=](?!=)")
_IDENT_KEY = re.compile(r"(?:^|(?<=[{,\s]))([A-Z_][A-Z0-9_]*)[ \t]*[:=](?!=)", re.MULTILINE)


@dataclass(frozen=True)
class Lexed:
    """A Bicep/Terraform text taken apart: string tokens (content offsets), the text with
    comments blanked, the text with comments and string contents blanked, comments by line."""

    strings: list[tuple[str, int, int]]
    code: str
    bare: str
    comments: dict[int, str]


def analyse_text(text: str, rules: Rules, *, kind: Kind, project_reads_lumyx: bool) -> list[Finding]:
    """Report-only findings (LMX602) for a Bicep, ARM or Terraform file; LMX900 for bad JSON."""
    if not project_reads_lumyx or kind not in ("bicep", "arm", "terraform"):
        return []
    if not mentions_openai_env(text, rules):
        return []
    lines = Lines(text)
    if kind == "arm":
        return _arm(text, lines, rules)
    lexed = lex(text, quote="'" if kind == "bicep" else '"', hash_comments=kind == "terraform")
    if re.search(rf"\b{re.escape(rules.provider.api_key_env)}\b", lexed.code):
        return []
    sites = [(start, end) for value, start, end in lexed.strings
             if _is_key_name(value, rules) and _named(lexed.code, start, end)]
    sites += [(m.start(1), m.end(1)) for m in _IDENT_KEY.finditer(lexed.bare)
              if _is_key_name(m.group(1), rules)]
    out = []
    for start, end in sorted(set(sites)):
        line, _ = lines.position(start)
        if not ignored(lexed.comments.get(line, ""), "LMX602"):
            out.append(_report(text[start:end], rules, lines, start, end))
    return out


def _arm(text: str, lines: Lines, rules: Rules) -> list[Finding]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}); not analysed"
        return [finding("LMX900", message, lines, exc.pos, exc.pos)]
    # In valid JSON every `"` outside a string opens one: the scan meets each string whole.
    tokens = [(json.loads(m.group(0)), m.start() + 1, m.end() - 1) for m in _JSON_STRING.finditer(text)]
    if any(value == rules.provider.api_key_env for value, _, _ in tokens):
        return []
    return [_report(value, rules, lines, start, end) for value, start, end in tokens
            if _is_key_name(value, rules) and _named(text, start, end)]


def _is_key_name(value: str, rules: Rules) -> bool:
    return bool(ENV_NAME.match(value)) and rules.source.is_openai_key_env(value)


def _named(code: str, start: int, end: int) -> bool:
    """Is the string at start..end (content offsets) a key, or the value of a `name`?"""
    line_start = code.rfind("\n", 0, start) + 1
    return bool(_NAME_BEFORE.search(code, line_start, start - 1) or _KEY_AFTER.match(code, end + 1))


def _report(name: str, rules: Rules, lines: Lines, start: int, end: int) -> Finding:
    wanted = rules.provider.api_key_env
    message = (f"{name} is handed to the deployed program but {wanted}, which the migrated code "
               f"reads, is set nowhere in this file: add a {wanted} setting beside it")
    return finding("LMX602", message, lines, start, end)


def lex(text: str, *, quote: str, hash_comments: bool) -> Lexed:
    """One pass over the text; unterminated strings end at their line's end."""
    strings: list[tuple[str, int, int]] = []
    code, bare = list(text), list(text)
    comments: dict[int, str] = {}
    lines = Lines(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("/*", i) or text.startswith("//", i) or (hash_comments and text[i] == "#"):
            end = _comment_end(text, i)
            comments[lines.position(i)[0]] = text[i:end]
            _blank(code, i, end)
            _blank(bare, i, end)
            i = end
        elif quote == "'" and text.startswith("'''", i):
            close = text.find("'''", i + 3)
            end = n if close < 0 else close
            strings.append((text[i + 3 : end], i + 3, end))
            _blank(bare, i + 3, end)
            i = min(n, end + 3)
        elif text[i] == quote:
            end = _string_end(text, i, quote)
            inner_end = end - 1 if end > i + 1 and text[end - 1] == quote else end
            strings.append((text[i + 1 : inner_end], i + 1, inner_end))
            _blank(bare, i + 1, inner_end)
            i = end
        else:
            i += 1
    return Lexed(strings, "".join(code), "".join(bare), comments)


def _comment_end(text: str, i: int) -> int:
    if text.startswith("/*", i):
        close = text.find("*/", i + 2)
        return len(text) if close < 0 else close + 2
    match = _BREAK.search(text, i)
    return match.start() if match else len(text)


def _blank(chars: list[str], start: int, end: int) -> None:
    """Spaces over start..end, line breaks kept, so offsets and lines stay the same."""
    for k in range(start, end):
        if chars[k] not in "\r\n":
            chars[k] = " "


def _string_end(text: str, i: int, quote: str) -> int:
    """Offset after the quote closing the string opened at `i`."""
    j, n = i + 1, len(text)
    while j < n:
        ch = text[j]
        if ch == "\\":
            j += 2
        elif ch == quote:
            return j + 1
        elif ch in "\r\n":
            return j
        elif text.startswith("${", j):
            j = _interpolation_end(text, j + 2, quote)
        else:
            j += 1
    return n


def _interpolation_end(text: str, j: int, quote: str) -> int:
    """Offset after the `}` closing an interpolation whose body starts at `j`."""
    depth, n = 0, len(text)
    while j < n:
        ch = text[j]
        if ch == quote:
            j = _string_end(text, j, quote)
            continue
        if ch in "\r\n":
            return j
        if ch == "}" and depth == 0:
            return j + 1
        depth += {"{": 1, "}": -1}.get(ch, 0)
        j += 1
    return n
