"""`check` output in every format, and the human summary printed after it.

`render` gives the main output (stdout or `--output FILE`); `summary` the text for stderr.
Reports only read `FileResult`s: they never print source text, and finding messages come
already masked by analysis.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from codemod.report import FORMATS
from codemod.report.common import (
    FIX_MARKER,
    ReportContext,
    name_of,
    ordered_findings,
    plural,
    severity,
    where,
)
from codemod.types import FileResult, Finding

__all__ = ["FORMATS", "ReportContext", "render", "summary"]

# ANSI styles of a finding line on a terminal, as ruff colours them.
_BOLD, _RED, _YELLOW, _CYAN, _RESET = "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[0m"


def text_line(r: FileResult, f: Finding, *, color: bool = False) -> str:
    """`path:line:col: CODE [*] message`; with colour, the path bold and the code in the
    colour of its severity."""
    marker = f" {FIX_MARKER}" if f.fixable else ""
    if not color:
        return f"{r.path}:{where(f)}: {f.code}{marker} {f.message}"
    tint = _RED if severity(f.code) == "error" else _YELLOW
    marker = f" {_CYAN}{FIX_MARKER}{_RESET}" if f.fixable else ""
    return f"{_BOLD}{r.path}{_RESET}:{where(f)}: {_BOLD}{tint}{f.code}{_RESET}{marker} {f.message}"


def render_text(results: Sequence[FileResult], *, color: bool = False) -> str:
    """One line per finding, like ruff: `path:line:col: CODE [*] message`."""
    return "".join(text_line(r, f, color=color) + "\n" for r, f in ordered_findings(results))


def render_statistics(results: Sequence[FileResult]) -> str:
    """One row per code, like `ruff check --statistics`: count, code, fix marker, name.

    Sorted by count (most first), then code. The marker shows when some of the code's findings
    are fixable.
    """
    from codemod.report.machine import statistics

    rows = statistics(results)
    if not rows:
        return ""
    any_fixable = any(row["fixable"] for row in rows)
    count_width = max(len(str(row["count"])) for row in rows)
    code_width = max(len(row["code"]) for row in rows)
    pad = " " * (len(FIX_MARKER) + 1)
    out = []
    for row in rows:
        marker = (f"{FIX_MARKER} " if row["fixable"] else pad) if any_fixable else ""
        out.append(f"{row['count']:>{count_width}}\t{row['code']:<{code_width}}\t{marker}{row['name']}".rstrip())
    return "\n".join(out) + "\n"


def render(fmt: str, results: Sequence[FileResult], ctx: ReportContext) -> str:
    """The main output of `check` in format `fmt` (one of FORMATS); ValueError otherwise.

    `--statistics` counts per code in `text` and `json`; other formats are consumed by machines
    that want each finding, and ignore it."""
    # Each format's module is imported only when asked for: a `check` pays for its own.
    if fmt == "text":
        return render_statistics(results) if ctx.statistics else render_text(results, color=ctx.color)
    if fmt == "full":
        from codemod.report.full import render_full

        return render_full(results, ctx)
    if fmt == "github":
        from codemod.report.github import render_github

        return render_github(results, ctx.root)
    if fmt == "sarif":
        from codemod.report.sarif import render_sarif

        return render_sarif(results, ctx.root, ctx.tool_version, ctx.rules)
    if fmt == "junit":
        from codemod.report.junit import render_junit

        return render_junit(results)
    if fmt == "markdown":
        from codemod.report.markdown import migration_report, render_markdown

        return render_markdown(migration_report(results, ctx.rules, clients=ctx.clients))
    from codemod.report import machine

    renderers: dict[str, Callable[[], str]] = {
        "json": lambda: machine.render_statistics_json(results) if ctx.statistics else machine.render_json(results, ctx),
        "json-lines": lambda: machine.render_json_lines(results, ctx),
        "gitlab": lambda: machine.render_gitlab(results, ctx),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return renderers[fmt]()


def summary(results: Sequence[FileResult], *, problems: int = 0, clean: int = 0, fix_command: str = "lumyx-migrate apply") -> str:
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
            lines.append(f"  {counts[code]:>{width}}  {code}  {name_of(code)}".rstrip())
        if n_fixable:
            lines.append(
                f"{FIX_MARKER} {n_fixable} fixable: run `{fix_command}` to fix "
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
