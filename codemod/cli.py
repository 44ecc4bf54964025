"""Command line: declares the commands and their options, and nothing else.

Each command hands its flags to one function of `codemod.session` and exits with the code it
returns; this is the only place the tool exits. The session is imported inside the commands so
that `--help` and `--version` load neither the walk nor the runner.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from codemod import __version__
from codemod.report import FORMATS
from codemod.report.console import COLOR_MODES
from codemod.rewrite import DEFAULT_LINE_LENGTH
from codemod.settings import Flags

F = TypeVar("F", bound=Callable[..., Any])
FORMAT_ENV = "LUMYX_MIGRATE_OUTPUT_FORMAT"


def common_options(func: F) -> F:
    """Options every command that reads source takes (SPEC §2)."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path), help="A rules file extending (or with `extends = false`, replacing) the default."),
        click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Use this pyproject.toml's [tool.lumyx-migrate] table for every file (default: the nearest to each file)."),
        click.option("--exclude", multiple=True, help="Gitignore-style pattern to skip, on top of the default excludes (repeatable)."),
        click.option("--no-gitignore", is_flag=True, help="Do not skip files that .gitignore ignores."),
        click.option("--force-exclude", is_flag=True, help="Apply excludes and .gitignore to files named on the command line too (pre-commit hooks)."),
        click.option("--select", multiple=True, help="Codes or prefixes to report, comma-separated (e.g. LMX1,LMX301)."),
        click.option("--extend-select", multiple=True, help="Codes or prefixes to report on top of the selected ones."),
        click.option("--ignore", "ignore_codes", multiple=True, help="Codes or prefixes not to report, comma-separated."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count; 1 runs in-process)."),
        click.option("--include-generated", is_flag=True, default=None, help="Also process files marked @generated / DO NOT EDIT."),
        click.option("--unserved-clients", type=click.Choice(["keep", "split"]), default=None, help="A client some of whose calls the provider does not serve: keep it on OpenAI (default), or split it."),
        click.option("--line-length", type=click.IntRange(min=20), default=None, help=f"Line length for re-laid-out calls (default: project's ruff/black setting, else {DEFAULT_LINE_LENGTH})."),
        click.option("--max-file-size", default=None, metavar="SIZE", help="Skip candidate files bigger than this (e.g. 4MB; 0: no limit; default 2MB)."),
        click.option("--stdin-filename", metavar="PATH", help="With `-` as the path: the name of the source read from stdin (its settings and excludes apply)."),
        click.option("--show-settings", is_flag=True, help="Print the settings that apply to the first file, and exit."),
        click.option("--show-files", is_flag=True, help="Print the files a run would read, and exit."),
        click.option("--color", type=click.Choice(COLOR_MODES), default="auto", show_default=True),
        click.option("-q", "--quiet", is_flag=True, help="Print no summary, only the command's main output."),
        click.option("-v", "--verbose", is_flag=True, help="Also say which files were skipped and why."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="lumyx-migrate")
def main() -> None:
    """Move OpenAI SDK code to Lumyx AI: see the diff, apply it, gate CI on what is left."""


@main.command(short_help="Print the diff of every change; writes nothing.")
@common_options
@click.option("--exit-code", is_flag=True, help="Exit 1 when a change is pending.")
def diff(exit_code: bool, **kw: Any) -> None:
    """Print the diff of every change, then what needs a person. Writes nothing."""
    from codemod import session

    sys.exit(session.diff(Flags(**kw), exit_code=exit_code))


@main.command(short_help="Rewrite files in place (asks once), then say what is left.")
@common_options
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow-dirty", is_flag=True, help="Rewrite files even if they have uncommitted git changes.")
def apply(yes: bool, allow_dirty: bool, **kw: Any) -> None:
    """Print the diff, ask once on a terminal, rewrite files in place, say what is left."""
    from codemod import applying

    sys.exit(applying.apply(Flags(**kw), yes=yes, allow_dirty=allow_dirty))


@main.command(short_help="CI gate: report what is not migrated or not served.")
@common_options
@click.option("--format", "--output-format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, envvar=FORMAT_ENV, show_envvar=True, help="Report format (markdown: the migration report).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE instead of stdout.")
@click.option("--statistics", is_flag=True, help="Count findings per code instead of listing them (text, json).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported (errors still exit 1 or 2).")
def check(fmt: str, output: Path | None, statistics: bool, exit_zero: bool, **kw: Any) -> None:
    """CI gate: report every unmigrated call and every use Lumyx cannot serve."""
    from codemod import session

    sys.exit(session.check(Flags(**kw), fmt=fmt, output=output, statistics=statistics, exit_zero=exit_zero))


@main.command()
@common_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE instead of stdout.")
def report(output: Path | None, **kw: Any) -> None:
    """Write the migration report (Markdown) for a pull request. Writes no source file."""
    from codemod import session

    sys.exit(session.report(Flags(**kw), output=output))


@main.command("rules")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path), help="A rules file to show merged with the default.")
def rules_command(rules_path: Path | None) -> None:
    """Show the effective rules and every finding code."""
    from codemod import session

    sys.exit(session.rules(rules_path))


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show the documentation of one finding code."""
    from codemod import session

    sys.exit(session.explain(code))


@main.command(short_help="Check that this machine can reach the provider.")
@click.option("--no-chat", is_flag=True, help="Skip the one-token chat completion.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds per request.")
@click.option("--model", default=None, help="Model to look for (default: the rules' first model).")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path))
def doctor(no_chat: bool, timeout: float, model: str | None, rules_path: Path | None) -> None:
    """Check that this machine can reach Lumyx with the key in LUMYX_API_KEY."""
    from codemod import session

    sys.exit(session.doctor(chat=not no_chat, timeout=timeout, model=model, rules_path=rules_path))
