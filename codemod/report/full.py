"""The `full` text format: each finding's line, then the source it points at, ruff-style.

The quoted source goes through the same mask as messages: any word of it that the rules say
looks like a key is shown as `sk-p…ptt0`, so `full` prints no key in full either. A finding in
a notebook, or in a file whose text the session did not pass, is shown without a snippet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from codemod import codes
from codemod.redact import mask
from codemod.report.common import FIX_MARKER, ReportContext, ordered_findings, span, where
from codemod.rules import Rules, load_rules
from codemod.types import FileResult, Finding

MAX_LINES = 5  # a longer span shows its first lines and says how many more
_WORD = re.compile(r"[^\s\"'`=:,;&?/.()<>\[\]{}]+")


def masked(line: str, rules: Rules) -> tuple[str, Callable[[int], int]]:
    """The line with every word that looks like a key masked, and a map from a 1-based column
    of the line to the column of the masked line (a column inside a key maps to its start)."""
    out: list[str] = []
    shifts: list[tuple[int, int, int]] = []  # (start, end, delta after end) of each masked word
    last, delta = 0, 0
    for m in _WORD.finditer(line):
        if not rules.source.looks_like_key(m.group()):
            continue
        shown = mask(m.group())
        out += [line[last : m.start()], shown]
        delta += len(shown) - len(m.group())
        shifts.append((m.start() + 1, m.end() + 1, delta))
        last = m.end()
    out.append(line[last:])

    def column(col: int) -> int:
        moved = 0
        for start, end, after in shifts:
            if col >= end:
                moved = after
            elif col > start:
                return end + after
        return col + moved

    return "".join(out), column


def snippet(f: Finding, lines: list[str], rules: Rules) -> list[str]:
    """The finding's source lines with a gutter, and carets under a one-line span."""
    line, col, end_line, end_col = span(f)
    if line > len(lines):
        return []
    last = min(end_line, len(lines), line + MAX_LINES - 1)
    width = len(str(last))
    out = [f"{'':>{width}} |"]
    for number in range(line, last + 1):
        out.append(f"{number:>{width}} | {masked(lines[number - 1], rules)[0]}".rstrip())
    if end_line == line:
        column = masked(lines[line - 1], rules)[1]
        start, end = column(col), column(end_col)
        out.append(f"{'':>{width}} | {' ' * (start - 1)}{'^' * max(end - start, 1)} {f.code}")
    elif end_line > last:
        out.append(f"{'':>{width}} | ... {end_line - last} more lines")
    out.append(f"{'':>{width}} |")
    return out


def _block(r: FileResult, f: Finding, ctx: ReportContext, rules: Rules) -> str:
    marker = f" {FIX_MARKER}" if f.fixable else ""
    out = [f"{r.path}:{where(f)}: {f.code}{marker} {f.message}"]
    text = ctx.sources.get(r.path)
    if text is not None and f.cell is None:
        out += snippet(f, text.splitlines(), rules)
    if f.fix is not None:
        out.append(f"  = fix: {f.fix.title}")
    if f.code in codes.CODES:
        out.append(f"  = docs: {codes.doc_url(f.code)}")
    return "\n".join(out) + "\n"


def render_full(results: Sequence[FileResult], ctx: ReportContext) -> str:
    rules = ctx.rules if ctx.rules is not None else load_rules()
    return "\n".join(_block(r, f, ctx, rules) for r, f in ordered_findings(results))
