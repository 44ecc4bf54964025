"""One command's run from discovery to exit code: the glue between CLI, runner and reports.

Discovery and the runner produce values; this module decides what to print where (through the
report modules), what to write (through the writer), and which exit code that makes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from codemod import __version__
from codemod.discover import PathError, discover, display_path
from codemod.report import console
from codemod.runner import Options, run
from codemod.types import FileResult

if TYPE_CHECKING:
    from codemod.cli import Run


@dataclass
class Outcome:
    results: list[FileResult]
    problems: list[tuple[str, str]] = field(default_factory=list)
    stale_temps: list[Path] = field(default_factory=list)
    absolute: dict[str, Path] = field(default_factory=dict)  # display path -> path to write

    @property
    def changed(self) -> list[FileResult]:
        return [r for r in self.results if r.changed]

    @property
    def file_errors(self) -> int:
        return sum(1 for r in self.results if r.error is not None) + len(self.problems)

    @property
    def internal_errors(self) -> int:
        return sum(1 for r in self.results if r.internal_error)


def execute(run_: Run, *, fix: bool) -> Outcome:
    try:
        found = discover(
            run_.paths,
            exclude=run_.exclude,
            extend_exclude=run_.extend_exclude,
            use_gitignore=run_.gitignore,
        )
    except PathError as exc:
        console.write(f"lumyx-migrate: error: {exc}\n", sys.stderr)
        sys.exit(2)
    pairs = [(path, _display(path)) for path in found.files]
    opts = Options(
        rules=run_.rules,
        fix=fix,
        select=run_.select,
        ignore=run_.ignore,
        line_length=run_.line_length,
        include_generated=run_.include_generated,
    )
    with console.progress_bar(len(pairs), console.show_progress(run_.quiet), "Scanning") as advance:
        results = run(pairs, opts, jobs=run_.jobs, progress=advance)
    outcome = Outcome(results, list(found.problems), list(found.stale_temps), {d: p for p, d in pairs})
    for display, message in outcome.problems:
        console.write(f"{display}: {message}\n", sys.stderr)
    for result in results:
        if result.error is not None:
            console.write(f"{result.path}: {result.error}\n", sys.stderr)
        elif result.skipped is not None and run_.verbose:
            console.write(f"{result.path}: skipped: {result.skipped}\n", sys.stderr)
    return outcome


def _display(path: Path, _cwd: list[str] = []) -> str:  # noqa: B006 - a per-process cache
    """`discover.display_path`, with a fast path for the usual case of files under the cwd."""
    if not _cwd:
        _cwd.append(os.path.join(os.path.abspath(os.getcwd()), ""))
    text = str(path)
    if text.startswith(_cwd[0]) and os.path.isabs(text):
        return text[len(_cwd[0]) :]
    return display_path(path)


def print_diffs(outcome: Outcome, run_: Run) -> None:
    from codemod.report.diff import unified_diff, unified_diff_bytes

    color = console.use_color(run_.color, sys.stdout)
    for result in outcome.changed:
        if color:
            console.write_diff(unified_diff(result), sys.stdout, color=color)
        else:  # byte for byte, so that `git apply` reproduces what `apply` writes
            console.write_diff_bytes(unified_diff_bytes(result), sys.stdout)


def print_needs_person(outcome: Outcome, run_: Run, *, applied: bool = False) -> int:
    """The findings no fix covers, as `path:line:col: CODE message` on stderr; their count."""
    from codemod.report.formats import render_text

    # A file that could not be processed was named once already, with its error, by `execute`:
    # the finding that carries that error is not listed again.
    needs = [(r, tuple(f for f in r.findings if f.fix is None and f.message != r.error)) for r in outcome.results]
    manual = [FileResult(r.path, found) for r, found in needs if found]
    count = sum(len(r.findings) for r in manual)
    if run_.quiet:
        return count
    color = console.use_color(run_.color, sys.stderr)
    files = len(outcome.changed)
    verb = "rewritten" if applied else "would be rewritten"
    lines = [f"{files} file{'s' if files != 1 else ''} {verb}."]
    if count:
        console.write(render_text(manual), sys.stderr)
        lines.append(f"{count} finding{'s' if count != 1 else ''} need{'s' if count == 1 else ''} a person (listed above; `lumyx-migrate explain CODE` says why).")
    elif not outcome.file_errors:
        lines.append("Nothing needs a person.")
    if outcome.file_errors:
        n = outcome.file_errors
        lines.append(f"{n} file{'s' if n != 1 else ''} could not be processed and {'was' if n == 1 else 'were'} left as {'it was' if n == 1 else 'they were'} (listed above).")
    console.write("\n".join(lines) + "\n", sys.stderr, style="bold", color=color)
    return count


def apply(outcome: Outcome, run_: Run, *, yes: bool, allow_dirty: bool) -> int:
    from codemod.writer import WriteError, remove_stale_temps, write_atomic

    if outcome.internal_errors:
        print_diffs(outcome, run_)
        console.write("lumyx-migrate: internal errors above; nothing was written\n", sys.stderr)
        return 2
    for temp in remove_stale_temps(outcome.stale_temps):
        console.write(f"{temp}: removed a temporary file left by an interrupted run\n", sys.stderr)
    changed = outcome.changed
    if changed and not allow_dirty:
        from codemod.gitstate import GitStateError, dirty_files

        targets = [outcome.absolute[r.path] for r in changed]
        try:
            dirty = dirty_files(targets) or set()
        except GitStateError as exc:
            console.write(f"lumyx-migrate: error: {exc}\n", sys.stderr)
            return 2
        refused = sorted(r.path for r in changed if outcome.absolute[r.path].resolve() in {d.resolve() for d in dirty})
        if refused:
            names = ", ".join(refused[:10]) + (f" and {len(refused) - 10} more" if len(refused) > 10 else "")
            console.write(
                f"lumyx-migrate: error: uncommitted changes in {names}; commit or stash them so the "
                "rewrite can be reviewed and undone with git, or pass --allow-dirty\n",
                sys.stderr,
            )
            return 2
    print_diffs(outcome, run_)
    question = f"Rewrite {len(changed)} file{'s' if len(changed) != 1 else ''}?"
    if changed and not yes and sys.stdin.isatty() and not console.confirm(question):
        console.write("Nothing written.\n", sys.stderr)
        return 1
    failed = 0
    for result in changed:
        assert result.new_bytes is not None
        try:
            write_atomic(outcome.absolute[result.path], result.new_bytes, expected_digest=result.old_digest)
        except WriteError as exc:
            failed += 1
            console.write(f"{result.path}: {exc.reason}\n", sys.stderr)
    left = print_needs_person(outcome, run_, applied=True)
    if failed or outcome.file_errors or left:
        return 1
    return 0


def report_check(outcome: Outcome, run_: Run, *, fmt: str, output: Path | None, statistics: bool) -> int:
    from codemod.report.formats import ReportContext, render, summary

    root = Path.cwd()
    ctx = ReportContext(root=root, tool_version=__version__, statistics=statistics)
    text = render(fmt, outcome.results, ctx)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            console.write(f"lumyx-migrate: error: cannot write {output}: {exc.strerror or exc}\n", sys.stderr)
            return 2
    else:
        console.write(text, sys.stdout)
    if fmt == "text" and not run_.quiet:
        console.write(summary(outcome.results, ctx, problems=len(outcome.problems)), sys.stderr)
    if outcome.internal_errors:
        return 2
    if outcome.problems or any(r.findings for r in outcome.results):
        return 1
    return 0
