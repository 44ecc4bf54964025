"""One command's run from flags to exit code: the glue between CLI, runner and reports.

Each command is one function here that returns its exit code and never exits: the CLI only
parses flags and exits with what it gets back. Discovery and the runner produce values; this
module decides what to print where (through the report modules), what to write (through the
writer), and which exit code that makes: 0 clean, 1 findings or pending changes (per
command), 2 tool, usage or rules error, 130 interrupted.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec

from codemod import __version__, codes, publish
from codemod.discover import Discovery, PathError, discover, display_path, printable
from codemod.perfile import PerFile, describe
from codemod.pool import scan
from codemod.report import console
from codemod.report.common import plural
from codemod.rules import RulesError
from codemod.settings import ConfigError, Flags, Run, project_rules, resolve_run
from codemod.types import FileResult

if TYPE_CHECKING:
    from codemod.analysis.facts import ClientRecord

P = ParamSpec("P")
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
INTERRUPTED = "lumyx-migrate: interrupted; files already written are complete, the rest untouched"
INTERRUPTED_READING = "lumyx-migrate: interrupted; no file was written"


@dataclass
class Outcome:
    results: list[FileResult]  # the files with something to say; clean ones are only counted
    problems: list[tuple[str, str]] = field(default_factory=list)
    stale_temps: list[Path] = field(default_factory=list)
    absolute: dict[str, Path] = field(default_factory=dict)  # display path -> path to write
    clean: int = 0
    clean_paths: list[str] | None = None  # kept only for a report that lists every file
    clients: list[ClientRecord] = field(default_factory=list)  # each client's decision, by place

    @property
    def changed(self) -> list[FileResult]:
        return [r for r in self.results if r.changed]

    @property
    def file_errors(self) -> int:
        return sum(1 for r in self.results if r.error is not None) + len(self.problems)

    @property
    def internal_errors(self) -> int:
        return sum(1 for r in self.results if r.internal_error)


def error(message: str) -> int:
    """Say in one line on stderr what stopped the command; the exit code that makes."""
    console.write(f"lumyx-migrate: error: {message}\n", sys.stderr)
    return EXIT_ERROR


def _interruptible(message: str) -> Callable[[Callable[P, int]], Callable[P, int]]:
    """Ctrl-C ends a command with one line and exit 130, never with a traceback; an error of
    ours that escapes the per-file guard ends it with one line and exit 2."""

    def decorate(func: Callable[P, int]) -> Callable[P, int]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> int:
            try:
                return func(*args, **kwargs)
            except KeyboardInterrupt:
                console.write(message + "\n", sys.stderr)
                return EXIT_INTERRUPTED
            except Exception as exc:  # a bug of ours: one line, exit 2, never exit 1
                text = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
                return error(f"internal error: {text}; please report it")

        return wrapper

    return decorate


interruptible = _interruptible(INTERRUPTED_READING)  # commands that write no source file
interruptible_writes = _interruptible(INTERRUPTED)


# -- the commands -----------------------------------------------------------------------------


@interruptible
def diff(flags: Flags, *, exit_code: bool = False) -> int:
    """Print every change and what needs a person; 1 on a pending change only with `exit_code`."""
    started = start(flags, fix=True)
    if isinstance(started, int):
        return started
    run_, outcome = started
    print_diffs(outcome, run_)
    print_needs_person(outcome, run_, clients=True)
    if outcome.internal_errors:
        return EXIT_ERROR
    if outcome.file_errors or (exit_code and outcome.changed):
        return EXIT_FAILED
    return 0


@interruptible
def check(
    flags: Flags, *, fmt: str, output: Path | None, statistics: bool, exit_zero: bool = False
) -> int:
    """Report every finding in `fmt`; 1 when there is any (unless `exit_zero`)."""
    started = start(flags, fix=False, name_errors=False, keep_clean=fmt == "junit")  # JUnit lists every file
    if isinstance(started, int):
        return started
    run_, outcome = started
    code = report_check(outcome, run_, fmt=fmt, output=output, statistics=statistics)
    if exit_zero and code == EXIT_FAILED and not outcome.file_errors:
        return 0
    return code


@interruptible
def report(flags: Flags, *, output: Path | None) -> int:
    """Write the migration report of what `apply` would do; writes no source file."""
    from codemod.report.markdown import migration_report, render_markdown

    started = start(flags, fix=True)
    if isinstance(started, int):
        return started
    run_, outcome = started
    report_ = migration_report(outcome.results, run_.rules, clients=outcome.clients)
    problem = publish.emit(render_markdown(report_), output)
    if problem is not None:
        return error(problem)
    return EXIT_ERROR if outcome.internal_errors else (EXIT_FAILED if outcome.file_errors else 0)


def rules(rules_path: Path | None) -> int:
    """Show the rules a run here would use, and every finding code."""
    from codemod.report.rules_view import render_rules

    try:
        effective = project_rules(rules_path)
    except (RulesError, ConfigError) as exc:
        return error(str(exc))
    console.write(render_rules(effective), sys.stdout)
    return 0


def explain(code: str) -> int:
    """Show the documentation of one finding code."""
    try:
        codes.get(code)
    except KeyError:
        return error(f"unknown code {code!r}; `lumyx-migrate rules` lists them all")
    try:
        text = codes.render_page(code.upper(), project_rules(None))
    except (RulesError, ConfigError) as exc:
        return error(str(exc))
    console.write(text.rstrip("\n") + "\n", sys.stdout)
    return 0


def doctor(*, chat: bool, timeout: float, model: str | None, rules_path: Path | None) -> int:
    """Check that this machine can reach the provider of the rules; 1 when a check fails."""
    from codemod.doctor import run_checks
    from codemod.report.doctor import render_checks

    try:
        provider = project_rules(rules_path).provider
    except (RulesError, ConfigError) as exc:
        return error(str(exc))
    checks = run_checks(
        api_key=os.environ.get(provider.api_key_env),
        base_url=os.environ.get(provider.base_url_env) or provider.base_url,
        model=model or provider.models[0],
        key_prefix=provider.key_prefix,
        chat=chat,
        timeout=timeout,
        key_env=provider.api_key_env,
    )
    console.write(render_checks(checks), sys.stdout)
    return 0 if all(c.ok for c in checks) else EXIT_FAILED


# -- the steps --------------------------------------------------------------------------------


def start(flags: Flags, *, fix: bool, name_errors: bool = True, keep_clean: bool = False) -> tuple[Run, Outcome] | int:
    """The resolved run and its outcome; an exit code instead when settings or paths are wrong."""
    try:
        run_ = resolve_run(flags)
    except (ConfigError, RulesError) as exc:
        return error(str(exc))
    try:
        if run_.flags.show_settings or run_.flags.show_files:
            return show(run_)
        if run_.paths == ("-",):
            from codemod.stdinput import stdin_outcome

            results, clean = stdin_outcome(run_, fix=fix)
            return run_, Outcome(results, clean=clean)
        if "-" in run_.paths:
            return error("`-` (read stdin) cannot be given with other paths")
        outcome = execute(run_, fix=fix, name_errors=name_errors, keep_clean=keep_clean)
    except (PathError, ConfigError, RulesError) as exc:
        return error(str(exc))
    for warning in publish.unknown_suppressions(outcome.results, outcome.absolute):
        console.write(warning + "\n", sys.stderr)
    return run_, outcome


def find(run_: Run) -> tuple[Discovery, list[str], PerFile]:
    """The files of the run, each kept by its own table's excludes; raises `PathError`,
    `ConfigError` or `RulesError`. With -v, says which settings and rules applied and how
    much the excludes and `.gitignore` skipped."""
    found = discover(run_.paths, exclude=run_.exclude, extend_exclude=run_.extend_exclude,
                     use_gitignore=run_.gitignore, force_exclude=run_.flags.force_exclude)
    per = PerFile(run_)
    named = set() if run_.flags.force_exclude else {os.path.abspath(p) for p in run_.paths}
    kept = []
    for path in found.paths:
        per.run_for(path)  # every file's table is known before the options are built
        if path in named or not per.excluded(path):
            kept.append(path)
    if run_.verbose:
        for each in per.runs():
            rules = run_.flags.rules_path or each.settings.rules or "built-in rules"
            console.write(f"lumyx-migrate: settings {each.settings.path or '(defaults)'}, rules {rules}\n", sys.stderr)
        excluded = found.excluded + len(found.paths) - len(kept)
        console.write(
            f"lumyx-migrate: skipped {plural(excluded, 'path')} excluded and {found.ignored} ignored by .gitignore"
            " (a folder counts once)\n",
            sys.stderr,
        )
    if not kept and not found.problems:
        console.write("lumyx-migrate: warning: No Python files found\n", sys.stderr)
    return found, kept, per


def execute(run_: Run, *, fix: bool, name_errors: bool = True, keep_clean: bool = False) -> Outcome:
    """Discover and process the files, naming on stderr those that could not be; raises
    `PathError` when a given path does not exist. Without `name_errors` (check), an error its
    report lists as a finding (LMX900/LMX901) is not named again."""
    found, kept, per = find(run_)
    opts = per.options(fix=fix)
    total = len(kept)
    found.paths.clear()  # the same strings as `kept`, let go as the scan reads them
    with console.progress_bar(total, console.show_progress(run_.quiet), "Scanning") as advance:
        done = scan(_let_go(kept), opts, jobs=run_.jobs, progress=advance, keep_clean=keep_clean)
    results = done.results
    absolute = {display: Path(path) for display, path in done.where.items() if path}
    outcome = Outcome(results, list(found.problems), list(found.stale_temps), absolute, done.clean, done.clean_paths, done.clients)
    for display, message in outcome.problems:
        console.write(f"{display}: {message}\n", sys.stderr)
    for result in results:
        if result.error is not None and (name_errors or not _listed(result)):
            console.write(f"{result.path}: {result.error}\n", sys.stderr)
        elif result.skipped is not None and run_.verbose:
            console.write(f"{result.path}: skipped: {result.skipped}\n", sys.stderr)
    return outcome


def _let_go(paths: list[str]) -> Iterator[tuple[str, str]]:
    """(path, display) of each path, dropped from `paths` once handed out: a run holds
    nothing per clean file (issue 11)."""
    paths.reverse()
    cwd = _cwd()  # once a run: a file costs no getcwd
    while paths:
        path = paths.pop()
        yield path, _display(path, cwd)


def show(run_: Run) -> int:
    """--show-files: the files a run would read; --show-settings: the settings of the first."""
    _, kept, per = find(run_)
    if run_.flags.show_files:
        cwd = _cwd()
        console.write("".join(f"{_display(path, cwd)}\n" for path in kept), sys.stdout)
    if run_.flags.show_settings:
        console.write(describe(per.run_for(kept[0]) if kept else run_), sys.stdout)
    return 0


def _listed(result: FileResult) -> bool:
    """Whether a finding of the result carries its error (so a report lists it)."""
    return any(f.message == result.error for f in result.findings)


def _display(path: str | Path, cwd: str | None = None) -> str:
    """`discover.display_path`, fast for files under `cwd` (`_cwd()`, worked out once a run)."""
    text, cwd = str(path), _cwd() if cwd is None else cwd
    if text.startswith(cwd) and os.path.isabs(text):
        return printable(text[len(cwd) :])
    return display_path(path)


def _cwd() -> str:
    return os.path.join(os.path.abspath(os.getcwd()), "")


def print_diffs(outcome: Outcome, run_: Run) -> None:
    from codemod.report.diff import unified_diff, unified_diff_bytes

    color = console.use_color(run_.color, sys.stdout)
    for result in outcome.changed:
        if color:
            console.write_diff(unified_diff(result), sys.stdout, color=color)
        else:  # byte for byte, so that `git apply` reproduces what `apply` writes
            console.write_diff_bytes(unified_diff_bytes(result), sys.stdout)


def print_needs_person(
    outcome: Outcome,
    run_: Run,
    *,
    applied: bool = False,
    rewritten: int | None = None,
    not_written: int = 0,
    listed: bool = True,
    summary: bool = True,
    clients: bool = False,
) -> int:
    """The findings no fix covers, as `path:line:col: CODE message` on stderr (unless `listed`
    before), with `clients` the table of client decisions, then the summary: files rewritten
    (`rewritten` when some could not be), what is left; their count."""
    from codemod.report.clients import render_clients
    from codemod.report.formats import render_text

    # A file that could not be processed was named once already, with its error, by `execute`:
    # the finding that carries that error is not listed again.
    needs = [(r, tuple(f for f in r.findings if f.fix is None and f.message != r.error)) for r in outcome.results]
    manual = [FileResult(r.path, found) for r, found in needs if found]
    count = sum(len(r.findings) for r in manual)
    if run_.quiet:
        return count
    color = console.use_color(run_.color, sys.stderr)
    verb = "rewritten" if applied else "would be rewritten"
    lines = [f"{plural(len(outcome.changed) if rewritten is None else rewritten, 'file')} {verb}."]
    if not_written:
        lines.append(f"{plural(not_written, 'file')} could not be written (listed above).")
    if count and listed:
        console.write(render_text(manual, color=color), sys.stderr)
    if clients:
        console.write(render_clients(outcome.clients), sys.stderr)
    if not summary:
        return count
    if count:
        need = "needs" if count == 1 else "need"
        lines.append(f"{plural(count, 'finding')} {need} a person (listed above; `lumyx-migrate explain CODE` says why).")
    elif not outcome.file_errors and not not_written:
        lines.append("Nothing needs a person.")
    if outcome.file_errors:
        n = outcome.file_errors
        left = "was left as it was" if n == 1 else "were left as they were"
        lines.append(f"{plural(n, 'file')} could not be processed and {left} (listed above).")
    console.write("\n".join(lines) + "\n", sys.stderr, style="bold", color=color)
    return count


def report_check(outcome: Outcome, run_: Run, *, fmt: str, output: Path | None, statistics: bool) -> int:
    """Render the findings in `fmt` to stdout or `output`, the summary to stderr."""
    from codemod.report.formats import ReportContext, render, summary

    ctx = ReportContext(
        root=publish.repository_root(Path.cwd()),
        tool_version=__version__,
        statistics=statistics,
        rules=run_.rules,
        color=output is None and console.use_color(run_.color, sys.stdout),
        sources=publish.read_sources(outcome.results, outcome.absolute) if fmt == "full" else {},
        clients=outcome.clients,
    )
    clean = [FileResult(path) for path in outcome.clean_paths or ()]  # kept for JUnit only
    listed = sorted([*outcome.results, *clean], key=lambda r: r.path) if clean else outcome.results
    problem = publish.emit(render(fmt, listed, ctx), output)
    if problem is not None:
        return error(problem)
    if fmt in ("text", "full") and not run_.quiet:
        from codemod.report.clients import render_clients

        console.write(render_clients(outcome.clients), sys.stderr)
        # In a pre-commit hook the files are staged, which plain `apply` refuses as uncommitted work.
        fix = "lumyx-migrate apply --allow-dirty" if os.environ.get("PRE_COMMIT") else "lumyx-migrate apply"
        console.write(summary(outcome.results, problems=len(outcome.problems), clean=outcome.clean, fix_command=fix), sys.stderr)
    if outcome.internal_errors:
        return EXIT_ERROR
    if outcome.problems or any(r.findings for r in outcome.results):
        return EXIT_FAILED
    return 0
