"""`# lumyx: ignore`, `# lumyx: ignore[LMX302,LMX303]` and `# noqa: LMX302` comments.

`# noqa` counts only with codes, and only its LMX codes: a bare `# noqa` or `# noqa: E501` is
another linter's and suppresses nothing here (a leaked key must not hide behind it).

A comment counts on the finding's own first or last line, on the first or last line of a
multi-line call that holds it, and on the first or last line of the simple statement that holds
it: one comment after (or on the opening line of) a multi-line call covers its arguments, also
when the call is the header of a compound statement (`with ...(` / `if ...(`). Only real
comments count, never the same text inside a string. A suppressed finding is neither reported
nor fixed.

A leaf: it works on the text, the tree and findings, and imports nothing else of the analysis.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from codemod.types import Finding

_IGNORE = re.compile(r"#\s*lumyx:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\]|(?![\w\[-]))", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa:\s*([A-Za-z]+[0-9]+(?:[,\s]+[A-Za-z]+[0-9]+)*)", re.IGNORECASE)
_OURS = re.compile(r"LMX[0-9]*$")
# A line that may hold a suppression: only such a module is tokenized (a noqa of E501 is not one).
_ANY = re.compile(r"#\s*(?:lumyx:\s*ignore|noqa:[^\n]*LMX)", re.IGNORECASE)
_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.Match,
)


def codes_on_line(line: str) -> frozenset[str] | None:
    """None: no suppression in the comment; empty set: all codes; else the codes listed."""
    match = _IGNORE.search(line)
    if match is None:
        noqa = _NOQA.search(line)
        listed = re.split(r"[,\s]+", noqa.group(1).upper()) if noqa is not None else []
        ours = frozenset(c for c in listed if _OURS.match(c))
        return ours or None
    if match.group(1) is None:
        return frozenset()
    return frozenset(c.strip().upper() for c in match.group(1).split(",") if c.strip())


def listed_codes(text: str) -> list[tuple[int, str]]:
    """(line, code) of every code a suppression comment names, for the caller to check."""
    if not _ANY.search(text):
        return []
    lines = text.splitlines()
    return [
        (number, code)
        for number, codes in sorted(_comment_lines(text, lines).items())
        for code in sorted(codes)
    ]


@dataclass(frozen=True)
class Suppressions:
    """The `# lumyx: ignore` comments of one module and the spans they can cover."""

    lines: dict[int, frozenset[str]]
    spans: list[tuple[int, int]]

    def covers(self, f: Finding) -> bool:
        if not self.lines:
            return False
        candidates = {f.line, f.end_line}
        for first, last in self.spans:
            if first <= f.line <= last:
                candidates.update((first, last))
        return any(_covers(self.lines.get(n), f.code) for n in candidates)


def scan(text: str, tree: ast.Module, lines: list[str]) -> Suppressions:
    """The module's suppressions; nothing is tokenized when no line mentions one."""
    found: dict[int, frozenset[str]] = {}
    if _ANY.search(text):
        found = _comment_lines(text, lines)
    return Suppressions(found, _spans(tree) if found else [])


def apply(table: Suppressions, findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not table.covers(f)]


def _comment_lines(text: str, lines: list[str]) -> dict[int, frozenset[str]]:
    """Line number -> codes, for every comment that is a suppression."""
    found: dict[int, frozenset[str]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                codes = codes_on_line(token.string)
                if codes is not None:
                    found[token.start[0]] = codes
    except (tokenize.TokenError, SyntaxError):  # the tokenizer disagrees with ast: read lines
        for number, line in enumerate(lines, start=1):
            codes = codes_on_line(line)
            if codes is not None:
                found[number] = codes
    return found


def _covers(codes: frozenset[str] | None, code: str) -> bool:
    if codes is None:
        return False
    return not codes or any(code.startswith(c) for c in codes)


def _spans(tree: ast.Module) -> list[tuple[int, int]]:
    """(first, last) lines of every simple statement and every multi-line call."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, _COMPOUND):
            spans.append((node.lineno, node.end_lineno or node.lineno))
        elif isinstance(node, ast.Call) and node.end_lineno and node.end_lineno > node.lineno:
            spans.append((node.lineno, node.end_lineno))
    return spans
