"""The command line as a user meets it: commands, options, exit codes, where output goes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import run_cli

from codemod.cli import main

CLIENT = 'from openai import OpenAI\n\nclient = OpenAI()\n'
MIGRATED = textwrap.dedent(
    """\
    import os

    from openai import OpenAI

    client = OpenAI(
        api_key=os.environ["LUMYX_API_KEY"],
        base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),
        organization="",
        project="",
    )
    """
)
EMBEDDINGS = MIGRATED + 'client.embeddings.create(model="text-embedding-3-small", input="x")\n'


def run(args: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUMYX_", "NO_COLOR"))}
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    return subprocess.run(
        [sys.executable, "-m", "codemod", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def run_here(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`run` in this process (click's runner): for what settings, rules and --jobs make a
    command print; where output goes, terminals and the entry point keep a process of their own."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("LUMYX_", "NO_COLOR"))}
    return run_cli(cwd, *args, env=unset)


def invoke(args: list[str], cwd: Path) -> tuple[int, str, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(CLIENT)
    (tmp_path / "done.py").write_text(MIGRATED)
    (tmp_path / "plain.py").write_text("print('hello')\n")
    return tmp_path


@pytest.mark.parametrize(
    ("files", "args", "code"),
    [
        pytest.param({"a.py": CLIENT}, ["check", "."], 1, id="check: unmigrated client fails"),
        pytest.param({"a.py": MIGRATED}, ["check", "."], 0, id="check: migrated code passes"),
        pytest.param({"a.py": "x = 1\n"}, ["check", "."], 0, id="check: no OpenAI use passes"),
        pytest.param({"a.py": EMBEDDINGS}, ["check", "."], 1, id="check: needs-a-person finding fails"),
        pytest.param({"a.py": "import openai\ndef (:\n"}, ["check", "."], 1, id="check: unparsable file is never 0"),
        pytest.param({"a.py": CLIENT}, ["diff", "."], 0, id="diff: pending change is 0 by default"),
        pytest.param({"a.py": CLIENT}, ["diff", "--exit-code", "."], 1, id="diff --exit-code: pending change is 1"),
        pytest.param({"a.py": MIGRATED}, ["diff", "--exit-code", "."], 0, id="diff --exit-code: nothing pending is 0"),
        pytest.param({"a.py": CLIENT}, ["apply", "--yes", "."], 0, id="apply: all fixed is 0"),
        pytest.param({"a.py": EMBEDDINGS}, ["apply", "--yes", "."], 1, id="apply: needs a person is 1"),
        pytest.param({"a.py": CLIENT}, ["check", "missing-dir"], 2, id="a path that does not exist is 2"),
        pytest.param({"a.py": CLIENT}, ["check", "--select", "LMX9999X", "."], 2, id="unknown --select is 2"),
        pytest.param({"a.py": CLIENT}, ["explain", "LMX999"], 2, id="explain unknown code is 2"),
        pytest.param({"a.py": CLIENT}, ["explain", "lmx101"], 0, id="explain is case-insensitive"),
        pytest.param({"a.py": CLIENT}, ["rules"], 0, id="rules is 0"),
        pytest.param({"a.py": CLIENT}, ["check", "--ignore", "LMX1", "."], 0, id="--ignore by prefix silences"),
        pytest.param({"a.py": EMBEDDINGS}, ["check", "--select", "LMX1", "."], 0, id="--select by prefix narrows"),
    ],
)
def test_exit_codes(tmp_path: Path, files: dict[str, str], args: list[str], code: int) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    exit_code, _, _ = invoke(args, tmp_path)
    assert exit_code == code


def test_diff_goes_to_stdout_plain_and_summary_to_stderr(project: Path) -> None:
    result = run(["diff", "."], project)
    assert result.returncode == 0
    assert result.stdout.startswith("--- a/app.py\n+++ b/app.py\n@@ ")
    assert "\x1b[" not in result.stdout
    assert "would be rewritten" in result.stderr
    assert (project / "app.py").read_text() == CLIENT


def test_diff_colour_always_and_no_color(project: Path) -> None:
    coloured = run(["diff", "--color", "always", "."], project)
    assert "\x1b[" in coloured.stdout
    plain = run(["diff", "."], project, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout + plain.stderr


def test_apply_without_terminal_never_asks_and_writes(project: Path) -> None:
    result = run(["apply", "."], project, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert (project / "app.py").read_text() == MIGRATED
    assert "[y/N]" not in result.stderr
    assert result.stdout.startswith("--- a/app.py"), "apply prints the diff before writing"


def test_apply_then_check_is_clean(project: Path) -> None:
    assert run(["apply", "--yes", "."], project).returncode == 0
    again = run(["check", "."], project)
    assert again.returncode == 0, again.stdout
    assert run(["diff", "--exit-code", "."], project).returncode == 0


def test_check_text_lines_are_ruff_like(project: Path) -> None:
    result = run(["check", "."], project)
    assert result.stdout == "app.py:3:10: LMX101 [*] OpenAI client `OpenAI` is not pointed at Lumyx AI\n"
    assert "Found 1 finding" in result.stderr


def test_check_json_to_output_file(project: Path) -> None:
    out = project / "report.json"
    result = run_here(["check", "--format", "json", "--output", str(out), "."], project)
    assert result.returncode == 1
    assert result.stdout == ""
    data = json.loads(out.read_text())
    assert [(d["code"], d["filename"], d["location"]) for d in data] == [
        ("LMX101", "app.py", {"row": 3, "column": 10})
    ]


def test_quiet_prints_no_summary(project: Path) -> None:
    result = run_here(["check", "-q", "."], project)
    assert result.stderr == ""


def test_rules_error_is_reported_before_reading_files(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text('[provider]\nnmae = "x"\n')
    (tmp_path / "a.py").write_bytes(b"import openai\n\xff\xfe broken")
    result = run_here(["check", "--rules", str(bad), "."], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"lumyx-migrate: error: {bad}: provider.nmae: unknown key "
        "(known: api_key_env, base_url, base_url_env, key_prefix, models, name)"
    )


def test_user_rules_extend_the_default(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[[models.map]]\nmatch = ["gpt-4o-mini"]\naction = "keep"\n')
    (tmp_path / "a.py").write_text(MIGRATED + 'client.chat.completions.create(model="gpt-4o-mini", messages=[])\n')
    assert run_here(["check", "."], tmp_path).returncode == 1
    assert run_here(["check", "--rules", str(rules), "."], tmp_path).returncode == 0


def test_pyproject_settings_apply_and_cli_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lumyx-migrate]\nignore = ["LMX301"]\n')
    (tmp_path / "a.py").write_text(EMBEDDINGS)
    assert run_here(["check", "."], tmp_path).returncode == 0
    assert run_here(["check", "--ignore", "LMX9", "."], tmp_path).returncode == 1


def test_pyproject_bad_value_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lumyx-migrate]\nselect = "LMX1"\n')
    (tmp_path / "a.py").write_text(CLIENT)
    result = run_here(["check", "."], tmp_path)
    assert result.returncode == 2
    assert "tool.lumyx-migrate.select: must be a list of strings" in result.stderr


def test_exclude_and_gitignore(tmp_path: Path) -> None:
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "a.py").write_text(CLIENT)
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / "b.py").write_text(CLIENT)
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "c.py").write_text(CLIENT)
    assert run_here(["check", "--exclude", "gen", "."], tmp_path).returncode == 0
    result = run_here(["check", "--no-gitignore", "--exclude", "gen", "."], tmp_path)
    assert result.stdout.startswith("ignored/b.py:3:10: LMX101")


@pytest.fixture(scope="module")
def thirty_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A tree and its `check` and `diff` output with --jobs 1, made once for every `jobs` case."""
    root = tmp_path_factory.mktemp("thirty")
    for i in range(30):
        (root / f"m{i:02d}.py").write_text(CLIENT if i % 3 else EMBEDDINGS)
    return root, run_here(["check", "--jobs", "1", "."], root).stdout, run_here(["diff", "--jobs", "1", "."], root).stdout


@pytest.mark.parametrize("jobs", ["1", "2", "3"])
def test_output_is_the_same_whatever_jobs(thirty_files: tuple[Path, str, str], jobs: str) -> None:
    root, check, diff = thirty_files
    assert run_here(["check", "--jobs", jobs, "."], root).stdout == check
    assert run_here(["diff", "--jobs", jobs, "."], root).stdout == diff


def test_module_entry_point_and_version(tmp_path: Path) -> None:
    result = run(["--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("lumyx-migrate, version ")


def test_explain_has_the_four_headings(tmp_path: Path) -> None:
    code, out, _ = invoke(["explain", "LMX302"], tmp_path)
    assert code == 0
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in out


def test_rules_shows_effective_rules_and_every_code(tmp_path: Path) -> None:
    from codemod import codes

    code, out, _ = invoke(["rules"], tmp_path)
    assert code == 0
    assert "https://api.lumyx-ai.site/v1" in out
    assert "gpt-4, gpt-4-turbo, gpt-3.5-turbo, gpt-*  -> nova_1_1" in out
    for c in codes.CODES:
        assert c in out


def test_every_code_is_in_the_code_list_the_readme_links() -> None:
    from support import REPO

    from codemod import codes

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "[docs/codes.md](docs/codes.md)" in readme
    listed = (REPO / "docs" / "codes.md").read_text(encoding="utf-8")
    for code in codes.CODES:
        assert f"| [{code}](#{code.lower()}) |" in listed, code


def test_explain_states_the_facts_of_the_project_rules(tmp_path: Path) -> None:
    """The acceptance example: the project's rules file says `max_stop = 8`, so does explain."""
    (tmp_path / "pyproject.toml").write_text('[tool.lumyx-migrate]\nrules = "lumyx-rules.toml"\n')
    (tmp_path / "lumyx-rules.toml").write_text("[chat]\nmax_stop = 8\n")
    code, out, _ = invoke(["explain", "lmx304"], tmp_path)
    assert code == 0
    assert out.startswith("# LMX304 (too-many-stop-sequences)\n\nMore than 8 stop sequences.\n")
    assert "accepts up to 8 stop sequences" in out and "4 stop" not in out


def test_explain_with_a_broken_project_rules_file_is_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lumyx-migrate]\nrules = "lumyx-rules.toml"\n')
    (tmp_path / "lumyx-rules.toml").write_text("[chat]\nmax_stop = 'eight'\n")
    code, out, err = invoke(["explain", "LMX304"], tmp_path)
    assert (code, out) == (2, "")
    assert "lumyx-rules.toml" in err


def test_pre_commit_hooks_call_real_commands() -> None:
    from support import REPO

    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: lumyx-migrate check --force-exclude\n" in hooks
    assert "entry: lumyx-migrate apply --yes --allow-dirty --force-exclude\n" in hooks
    out = CliRunner().invoke(main, ["apply", "--help"]).output
    assert "--yes" in out and "--allow-dirty" in out


@pytest.mark.parametrize(
    ("answer", "written"),
    [
        pytest.param(b"y\n", True, id="terminal, yes: rewritten"),
        pytest.param(b"\n", False, id="terminal, just Enter: nothing written"),
        pytest.param(b"no\n", False, id="terminal, no: nothing written"),
    ],
)
def test_apply_asks_once_on_a_terminal(tmp_path: Path, answer: bytes, written: bool) -> None:
    """With a terminal on stdin, `apply` shows the diff, asks once, and writes only on yes."""
    app = tmp_path / "app.py"
    app.write_text(CLIENT)
    leader, follower = os.openpty()
    try:
        os.write(leader, answer)
        result = subprocess.run(
            [sys.executable, "-m", "codemod", "apply", "--allow-dirty", "--jobs", "1", "."],
            cwd=tmp_path,
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "NO_COLOR": "1"},
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.stderr.count("Rewrite 1 file? [y/N]") == 1, result.stderr
    assert result.stdout.startswith("--- a/app.py\n+++ b/app.py\n"), "the diff comes before the question"
    assert ("LUMYX_API_KEY" in app.read_text()) is written
    assert result.returncode == (0 if written else 1)
    if not written:
        assert "Nothing written." in result.stderr
