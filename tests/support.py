"""The exact before/after helpers every rewrite test uses. No whitespace is ever normalised."""

from __future__ import annotations

import ast
import dataclasses
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.analysis import analyse
from codemod.cli import main
from codemod.rewrite import apply_fixes
from codemod.rules import Rules, load_rules
from codemod.types import Finding

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"


@cache
def default_rules() -> Rules:
    return load_rules()


@cache
def rules_without_blanks() -> Rules:
    """The shipped rules less the blank organization/project arguments and headers every
    migrated constructor gets: what the tests of the rewrite's mechanics compare against, so
    that each of their cases shows its own change (the blanks have tests of their own)."""
    rules = load_rules()
    clients = tuple(dataclasses.replace(c, blank_args=(), blank_headers=()) for c in rules.clients)
    return dataclasses.replace(rules, clients=clients)


def without_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `default_rules()` the blank-less rules for one test module (an autouse fixture)."""
    monkeypatch.setattr(sys.modules[__name__], "default_rules", rules_without_blanks)


def rewrite(source: str, rules: Rules | None = None, *, line_length: int = 88) -> str:
    rules = rules or default_rules()
    return apply_fixes(source, analyse(source, rules), line_length=line_length)


def assert_rewrite(before: str, after: str, rules: Rules | None = None, *, line_length: int = 88) -> None:
    """`before` becomes exactly `after`; `after` parses; running again changes nothing."""
    ast.parse(after)  # a typo in the expected text must not pass as a "difference"
    out = rewrite(before, rules, line_length=line_length)
    assert out == after
    assert rewrite(out, rules, line_length=line_length) == out, "second run changed the output"


def assert_noop(source: str, rules: Rules | None = None) -> None:
    """`source` is left exactly as it is."""
    ast.parse(source)
    assert rewrite(source, rules) == source


def findings(source: str, rules: Rules | None = None) -> list[Finding]:
    return analyse(source, rules or default_rules())


def codes(source: str, rules: Rules | None = None) -> list[str]:
    """The codes found, in position order; fixable ones marked with a trailing '*'."""
    return [f.code + ("*" if f.fix else "") for f in findings(source, rules)]


# The smallest client to migrate, and exactly what the tool makes of it.
CLIENT = "from openai import OpenAI\n\nclient = OpenAI()\n"
MIGRATED = (
    "import os\n\nfrom openai import OpenAI\n\nclient = OpenAI(\n"
    '    api_key=os.environ["LUMYX_API_KEY"],\n'
    '    base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),\n'
    '    organization="",\n    project="",\n)\n'
)


def run_cli(cwd: Path, *args: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """`lumyx-migrate ARGS` in `cwd`, in this process (click's runner; `env` changes os.environ
    for the run, None removing a variable): for tests of what a command prints, writes and
    exits with. Exit statuses of a real process, pipes, signals and the installed entry point
    are tested in processes of their own (test_cli*.py, test_interrupt.py, test_install.py)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
    return subprocess.CompletedProcess(["lumyx-migrate", *args], result.exit_code, result.stdout, result.stderr)


def untraced_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """`env` (default os.environ) without coverage's start-up variables: for a subprocess that runs
    no code of the tool (pip, ruff), which coverage would otherwise trace and record for nothing."""
    return {k: v for k, v in (os.environ if env is None else env).items() if not k.startswith("COVERAGE_PROCESS_")}
