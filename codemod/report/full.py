"""The `full` text format: each finding's line, then the source it points at, ruff-style.

The quoted source goes through the same mask as messages: any word of it that the rules say
looks like a key is shown as `sk-p…ptt0`, so `full` prints no key in full either. A finding in
a notebook, or in a file whose text the session did not pass, is shown without a snippet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from codemod import codes
from codemod.redact import mask
from codemod.report.common import FIX_MARKER, ReportContext, ordered_findings, span, where
from codemod.rules import Rules, load_rules
from codemod.types import FileResult, Finding

MAX_LINES = 5  # a longer span shows its first lines and says how many more
_WORD = re.compile(r"[^\s\"'`=:,;&?/.()<>\[\]{}]+")


def masked(line: str, rules: Rules) -> str:
    """The line with every word that looks like a key masked."""
    return _WORD.sub(
        lambda m: mask(m.group()) if rules.source.looks_like_key(m.group()) else m.group(), line
    )


def snippet(f: Finding, lines: list[str], rules: Rules) -> list[str]:
    """The finding's source lines with a gutter, and carets under a one-line span."""
    line, col, end_line, end_col = span(f)
    if line > len(lines):
        return []
    last = min(end_line, len(lines), line + MAX_LINES - 1)
    width = len(str(last))
    out = [f"{'':>{width}} |"]
    for number in range(line, last + 1):
        out.append(f"{number:>{width}} | {masked(lines[number - 1], rules)}".rstrip())
    if end_line == line:
        carets = "^" * max(end_col - col, 1)
        out.append(f"{'':>{width}} | {' ' * (col - 1)}{carets} {f.code}")
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
