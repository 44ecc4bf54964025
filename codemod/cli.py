"""Command line: parses arguments, runs the runner, hands results to the report module.

Exit codes: 0 clean, 1 findings/pending changes (per command), 2 tool, usage or rules error,
130 interrupted.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from codemod import __version__, codes
from codemod.config import ConfigError, Settings, load_settings
from codemod.rules import Rules, RulesError, load_rules

F = TypeVar("F", bound=Callable[..., Any])
EXIT_INTERRUPTED = 130


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"lumyx-migrate: error: {message}", err=True)
    sys.exit(code)


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip().upper() for value in values for v in value.split(",") if v.strip())


def common_options(func: F) -> F:
    """Options every command that reads source takes (SPEC §2)."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path), help="A rules file extending (or with `extends = false`, replacing) the default."),
        click.option("--exclude", multiple=True, help="Gitignore-style pattern to skip, on top of the default excludes (repeatable)."),
        click.option("--no-gitignore", is_flag=True, help="Do not skip files that .gitignore ignores."),
        click.option("--select", multiple=True, help="Codes or prefixes to report, comma-separated (e.g. LMX1,LMX301)."),
        click.option("--ignore", "ignore_codes", multiple=True, help="Codes or prefixes not to report, comma-separated."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count; 1 runs in-process)."),
        click.option("--include-generated", is_flag=True, default=None, help="Also process files marked @generated / DO NOT EDIT."),
        click.option("--line-length", type=click.IntRange(min=20), default=None, help="Line length for re-laid-out calls (default: project's ruff/black setting, else 88)."),
        click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True),
        click.option("-q", "--quiet", is_flag=True, help="Print only diffs and findings, no summary."),
        click.option("-v", "--verbose", is_flag=True, help="Also say which files were skipped and why."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@dataclass
class Run:
    """A command's resolved inputs: settings merged with the command line."""

    paths: tuple[str, ...]
    rules: Rules
    settings: Settings
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    gitignore: bool
    jobs: int | None
    line_length: int
    include_generated: bool
    color: str
    quiet: bool
    verbose: bool


def _prepare(kw: dict[str, Any]) -> Run:
    paths = tuple(kw["paths"]) or (".",)
    try:
        settings = load_settings(Path(paths[0]))
    except ConfigError as exc:
        _fail(str(exc))
    select = _split(kw["select"]) or _split(settings.select)
    # As in ruff, a --select on the command line starts afresh: the file's ignore no longer applies.
    ignore = _split(kw["ignore_codes"]) or (() if kw["select"] else _split(settings.ignore))
    for selector in (*select, *ignore):
        if not codes.known_selector(selector):
            _fail(f"unknown code or prefix {selector!r} in --select/--ignore (see `lumyx-migrate rules`)")
    try:
        rules = load_rules(kw["rules_path"] or settings.rules)
    except RulesError as exc:
        _fail(str(exc))
    return Run(
        paths=paths,
        rules=rules,
        settings=settings,
        select=select,
        ignore=ignore,
        exclude=settings.exclude or (),
        extend_exclude=(*settings.extend_exclude, *kw["exclude"]),
        gitignore=not kw["no_gitignore"],
        jobs=kw["jobs"],
        line_length=kw["line_length"] or settings.line_length,
        include_generated=bool(kw["include_generated"] if kw["include_generated"] is not None else settings.include_generated),
        color=kw["color"],
        quiet=kw["quiet"],
        verbose=kw["verbose"],
    )


def _interruptible(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("lumyx-migrate: interrupted; files already written are complete, the rest untouched", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="lumyx-migrate")
def main() -> None:
    """Move OpenAI SDK code to Lumyx AI: see the diff, apply it, gate CI on what is left."""


@main.command()
@common_options
@click.option("--exit-code", is_flag=True, help="Exit 1 when a change is pending.")
@_interruptible
def diff(exit_code: bool, **kw: Any) -> None:
    """Print the diff of every change, then what needs a person. Writes nothing."""
    from codemod import session

    run = _prepare(kw)
    outcome = session.execute(run, fix=True)
    session.print_diffs(outcome, run)
    session.print_needs_person(outcome, run)
    code = 0
    if outcome.file_errors:
        code = 1
    if exit_code and outcome.changed:
        code = 1
    if outcome.internal_errors:
        code = 2
    sys.exit(code)


@main.command()
@common_options
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow-dirty", is_flag=True, help="Rewrite files even if they have uncommitted git changes.")
@_interruptible
def apply(yes: bool, allow_dirty: bool, **kw: Any) -> None:
    """Print the diff, ask once on a terminal, rewrite files in place, say what is left."""
    from codemod import session

    run = _prepare(kw)
    outcome = session.execute(run, fix=True)
    sys.exit(session.apply(outcome, run, yes=yes, allow_dirty=allow_dirty))


@main.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif", "junit"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE instead of stdout.")
@click.option("--statistics", is_flag=True, help="Count findings per code instead of listing them.")
@_interruptible
def check(fmt: str, output: Path | None, statistics: bool, **kw: Any) -> None:
    """CI gate: report every unmigrated call and every use Lumyx cannot serve."""
    from codemod import session

    run = _prepare(kw)
    outcome = session.execute(run, fix=False)
    sys.exit(session.report_check(outcome, run, fmt=fmt, output=output, statistics=statistics))


@main.command("rules")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path), help="A rules file to show merged with the default.")
def rules_command(rules_path: Path | None) -> None:
    """Show the effective rules and every finding code."""
    from codemod.report.rules_view import render_rules

    click.echo(render_rules(_project_rules(rules_path)), nl=False)


def _project_rules(rules_path: Path | None) -> Rules:
    """The rules a command run here would use: --rules, else the project's pyproject setting."""
    try:
        return load_rules(rules_path or load_settings(Path(".")).rules)
    except (RulesError, ConfigError) as exc:
        _fail(str(exc))


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show the documentation of one finding code."""
    try:
        codes.get(code)
    except KeyError:
        _fail(f"unknown code {code!r}; `lumyx-migrate rules` lists them all")
    click.echo(codes.render_page(code, _project_rules(None)).rstrip("\n"))


@main.command()
@click.option("--no-chat", is_flag=True, help="Skip the one-token chat completion.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds per request.")
@click.option("--model", default=None, help="Model to look for (default: the rules' first model).")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path))
def doctor(no_chat: bool, timeout: float, model: str | None, rules_path: Path | None) -> None:
    """Check that this machine can reach Lumyx with the key in LUMYX_API_KEY."""
    from codemod.doctor import run_checks
    from codemod.report.doctor import render_checks

    provider = _project_rules(rules_path).provider
    checks = run_checks(
        api_key=os.environ.get(provider.api_key_env),
        base_url=os.environ.get(provider.base_url_env) or provider.base_url,
        model=model or provider.models[0],
        key_prefix=provider.key_prefix,
        chat=not no_chat,
        timeout=timeout,
        key_env=provider.api_key_env,
    )
    click.echo(render_checks(checks), nl=False)
    sys.exit(0 if all(c.ok for c in checks) else 1)
