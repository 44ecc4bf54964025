"""`check` output in every format, and the human summary printed after it.

`render` gives the main output (stdout or `--output FILE`); `summary` the text for stderr.
Reports only read `FileResult`s: they never print source text, and finding messages come
already masked by analysis.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from codemod import codes
from codemod.report import FORMATS
from codemod.report.common import (
    ReportContext,
    ordered_findings,
    plural,
    root_relative,
    span,
    where,
)
from codemod.types import FileResult, Finding

__all__ = ["FORMATS", "ReportContext", "render", "summary"]

FIX_MARKER = "[*]"


def _text_line(r: FileResult, f: Finding) -> str:
    marker = f" {FIX_MARKER}" if f.fixable else ""
    return f"{r.path}:{where(f)}: {f.code}{marker} {f.message}"


def _name(code: str) -> str:
    info = codes.CODES.get(code)
    return info.name if info is not None else ""


def render_text(results: Sequence[FileResult]) -> str:
    """One line per finding, like ruff: `path:line:col: CODE [*] message`."""
    return "".join(_text_line(r, f) + "\n" for r, f in ordered_findings(results))


def render_statistics(results: Sequence[FileResult]) -> str:
    """One row per code, like `ruff check --statistics`: count, code, fix marker, name.

    Sorted by count (most first), then code. The marker shows when some of the code's findings
    are fixable.
    """
    counts: Counter[str] = Counter()
    fixable: set[str] = set()
    for _, f in ordered_findings(results):
        counts[f.code] += 1
        if f.fixable:
            fixable.add(f.code)
    if not counts:
        return ""
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    count_width = max(len(str(n)) for _, n in rows)
    code_width = max(len(code) for code, _ in rows)
    pad = " " * (len(FIX_MARKER) + 1)
    out = []
    for code, n in rows:
        marker = (f"{FIX_MARKER} " if code in fixable else pad) if fixable else ""
        out.append(f"{n:>{count_width}}\t{code:<{code_width}}\t{marker}{_name(code)}".rstrip())
    return "\n".join(out) + "\n"


def _json_finding(r: FileResult, f: Finding, ctx: ReportContext) -> dict[str, Any]:
    line, col, end_line, end_col = span(f)
    return {
        "code": f.code,
        "message": f.message,
        "filename": root_relative(r.path, ctx.root),
        "location": {"row": line, "column": col},
        "end_location": {"row": end_line, "column": end_col},
        "fix": ({"applicability": "safe", "message": f.fix.title} if f.fix is not None else None),
        "url": codes.doc_url(f.code) if f.code in codes.CODES else None,
        "noqa_row": line,
        "cell": f.cell,
    }


def render_json(results: Sequence[FileResult], ctx: ReportContext) -> str:
    """A JSON array of findings in the shape of ruff's `--output-format json`."""
    items = [_json_finding(r, f, ctx) for r, f in ordered_findings(results)]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def render(fmt: str, results: Sequence[FileResult], ctx: ReportContext) -> str:
    """The main output of `check` in format `fmt` (one of FORMATS); ValueError otherwise."""
    # Each of the other formats is imported only when asked for: a `check` pays for its own.
    if fmt == "github":
        from codemod.report.github import render_github

        return render_github(results, ctx.root)
    if fmt == "sarif":
        from codemod.report.sarif import render_sarif

        return render_sarif(results, ctx.root, ctx.tool_version, ctx.rules)
    if fmt == "junit":
        from codemod.report.junit import render_junit

        return render_junit(results)
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: (render_statistics if ctx.statistics else render_text)(results),
        "json": lambda: render_json(results, ctx),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return renderers[fmt]()


def summary(results: Sequence[FileResult], *, problems: int = 0, clean: int = 0) -> str:
    """The human summary for stderr: files, pending changes, findings per code, fixes, errors.

    `problems` counts paths discovery could not take (broken links, unreadable folders): they
    were never scanned, so a run with any cannot say that all checks passed. `clean` counts
    scanned files left out of `results` because they had nothing to report."""
    skipped = sum(1 for r in results if r.skipped is not None)
    # `check` computes no new text: there a file with a fixable finding is a pending change
    changed = sum(1 for r in results if r.changed or any(f.fixable for f in r.findings))
    errors = sum(1 for r in results if r.error is not None)
    internal = sum(1 for r in results if r.internal_error)
    findings = [f for _, f in ordered_findings(results)]
    n_fixable = sum(1 for f in findings if f.fixable)

    scanned = f"Scanned {plural(len(results) - skipped + clean, 'file')}"
    if skipped:
        scanned += f" ({skipped} skipped)"
    lines = [f"{scanned}; {plural(changed, 'file')} with pending changes."]
    if findings:
        counts = Counter(f.code for f in findings)
        lines.append(f"Found {plural(len(findings), 'finding')}:")
        width = max(len(str(n)) for n in counts.values())
        for code in sorted(counts):
            lines.append(f"  {counts[code]:>{width}}  {code}  {_name(code)}".rstrip())
        if n_fixable:
            lines.append(
                f"{FIX_MARKER} {n_fixable} fixable: run `lumyx-migrate apply` to fix "
                f"{'it' if n_fixable == 1 else 'them'}."
            )
    elif not errors and not problems:
        lines.append("All checks passed!")
    if problems:
        lines.append(f"{plural(problems, 'path')} could not be scanned (listed above).")
    if errors:
        lines.append(
            f"{plural(errors, 'file')} could not be read or parsed (LMX900/LMX901); "
            f"{'it was' if errors == 1 else 'they were'} not checked."
        )
    if internal:
        lines.append(
            f"{plural(internal, 'internal error')}: a bug in lumyx-migrate, please report it."
        )
    return "\n".join(lines) + "\n"
