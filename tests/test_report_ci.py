"""What CI and pre-commit read: the hooks file and the README's GitHub Actions job, run for real.

The reports themselves are tested in the other test_report_* modules; here the commands that a
user copies into their CI must parse, exist and behave as the README says.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner
from support import REPO

from codemod import codes
from codemod.cli import main

BIN = Path(sys.executable).parent  # the environment the tool is installed in
UNMIGRATED = "from openai import OpenAI\n\nclient = OpenAI()\n"
NEEDS_PERSON = UNMIGRATED + 'client.chat.completions.create(messages=[], n=2)\n'


def parse_args(words: list[str]) -> None:
    """Parse `lumyx-migrate SUBCOMMAND ...` with the real click command: raises on an unknown
    subcommand or option, or a bad option value."""
    assert words[0] == "lumyx-migrate"
    command = main.get_command(main.make_context("lumyx-migrate", [words[1]]), words[1])
    assert command is not None, words[1]
    command.make_context(words[1], words[2:])


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`command` run by bash the way a CI step or pre-commit runs it: no terminal, no stdin."""
    assert (BIN / "lumyx-migrate").is_file(), "the console script is not installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMYX_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def git_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    """A repository whose files are staged but not committed, as pre-commit sees them."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


# --- .pre-commit-hooks.yaml ---------------------------------------------------------------------


def hooks() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return {hook["id"]: hook for hook in loaded}


def test_hooks_file_declares_a_check_and_an_apply_hook() -> None:
    found = hooks()
    assert sorted(found) == ["lumyx-migrate-apply", "lumyx-migrate-check"]
    for hook in found.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit installs this repository with pip
        assert hook["types"] == ["python"]
        assert hook["require_serial"] is True  # the tool runs its own worker processes
    assert shlex.split(found["lumyx-migrate-check"]["entry"])[:2] == ["lumyx-migrate", "check"]
    assert shlex.split(found["lumyx-migrate-apply"]["entry"])[:2] == ["lumyx-migrate", "apply"]


def test_hook_entries_are_the_installed_console_script() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'lumyx-migrate = "codemod.cli:main"' in pyproject
    for hook in hooks().values():
        parse_args([*shlex.split(hook["entry"]), "app.py"])


@pytest.mark.parametrize(
    ("hook", "text", "code", "rewritten"),
    [
        pytest.param("lumyx-migrate-check", UNMIGRATED, 1, False, id="check fails the commit, writes nothing"),
        pytest.param("lumyx-migrate-check", "print('hi')\n", 0, False, id="check passes clean files"),
        pytest.param("lumyx-migrate-apply", UNMIGRATED, 0, True, id="apply rewrites staged files without asking"),
        pytest.param("lumyx-migrate-apply", NEEDS_PERSON, 1, True, id="apply rewrites, then fails on what is left"),
    ],
)
def test_hooks_run_as_pre_commit_runs_them(
    tmp_path: Path, hook: str, text: str, code: int, rewritten: bool
) -> None:
    """pre-commit appends the staged file names, gives no terminal, and the files are dirty."""
    repo = git_repo(tmp_path, {"app.py": text})
    result = shell(f"{hooks()[hook]['entry']} app.py", repo)
    assert result.returncode == code, result.stderr
    assert "[y/N]" not in result.stderr + result.stdout
    assert ((repo / "app.py").read_text() != text) is rewritten
    if rewritten:
        assert 'api_key=os.environ["LUMYX_API_KEY"]' in (repo / "app.py").read_text()


# --- the README's GitHub Actions job -----------------------------------------------------------


def readme_section(title: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n## {title}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else len(readme)]


def workflow() -> dict[str, Any]:
    block = re.search(r"```yaml\n(name: .*?)```", readme_section("In CI"), re.S)
    assert block, "no workflow in the README's In CI section"
    loaded: dict[str, Any] = yaml.safe_load(block.group(1))
    return loaded


def steps() -> list[dict[str, Any]]:
    [job] = workflow()["jobs"].values()
    return list(job["steps"])


def test_workflow_annotates_and_uploads_sarif() -> None:
    [job] = workflow()["jobs"].values()
    assert job["permissions"]["security-events"] == "write"  # needed by upload-sarif
    runs = [step.get("run", "") for step in steps()]
    assert any("lumyx-migrate check --format github" in run for run in runs)
    [sarif_run] = [run for run in runs if "--format sarif" in run]
    output = shlex.split(sarif_run)[shlex.split(sarif_run).index("--output") + 1]
    [upload] = [s for s in steps() if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == output
    assert upload["if"] == "always()"  # uploads even after the annotations step failed the job


def test_workflow_commands_parse() -> None:
    with pytest.raises(click.NoSuchOption):  # the check below can fail
        parse_args(["lumyx-migrate", "check", "--formatt", "github"])
    for step in steps():
        for line in str(step.get("run", "")).splitlines():
            words = shlex.split(line.split("||")[0])
            if words[:1] == ["lumyx-migrate"]:
                parse_args(words)


@pytest.mark.parametrize(
    ("pyproject", "exit_ok"),
    [
        pytest.param(None, True, id="findings: the step passes and the file is written"),
        pytest.param('[tool.lumyx-migrate]\nselect = ["LMX7"]\n', False, id="a tool error fails the step"),
    ],
)
def test_sarif_step_tolerates_findings_not_errors(tmp_path: Path, pyproject: str | None, exit_ok: bool) -> None:
    (tmp_path / "app.py").write_text(NEEDS_PERSON)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    [sarif_run] = [s["run"] for s in steps() if "--format sarif" in s.get("run", "")]
    result = shell(sarif_run, tmp_path)
    assert (result.returncode == 0) is exit_ok, result.stderr
    if exit_ok:
        log = json.loads((tmp_path / "lumyx.sarif").read_text(encoding="utf-8"))
        assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["LMX101", "LMX302"]


def test_annotations_step_output_is_workflow_commands(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(NEEDS_PERSON)
    [github_run] = [s["run"] for s in steps() if "--format github" in s.get("run", "")]
    result = shell(github_run, tmp_path)
    assert result.returncode == 1  # fails the job: something is left
    assert result.stdout.splitlines() == [
        "::error title=lumyx-migrate (LMX101),file=app.py,line=3,col=10,endLine=3,endColumn=18"
        "::LMX101 OpenAI client `OpenAI` is not pointed at Lumyx AI",
        "::error title=lumyx-migrate (LMX302),file=app.py,line=4,col=45,endLine=4,endColumn=48"
        "::LMX302 chat parameter `n` is not served by Lumyx AI",
    ]


# --- the README's other sections this feature owns ---------------------------------------------


def test_readme_links_the_code_list_instead_of_copying_it() -> None:
    """docs/codes.md is the one list of codes (generated, tested in test_codes); no copy here."""
    section = readme_section("Finding codes")
    assert "[docs/codes.md](docs/codes.md)" in section
    assert "`lumyx-migrate explain CODE`" in section
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"^\| LMX\d{3} \|", readme, re.M), "a hand-kept table of codes"
    assert ".venv/bin/python scripts/gen_code_docs.py" in readme  # how to regenerate the list


def test_readme_pyproject_example_is_accepted(tmp_path: Path) -> None:
    from codemod.settings import load_settings

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[tool\.lumyx-migrate\]\n.*?)```", readme, re.S)
    assert block
    (tmp_path / "pyproject.toml").write_text(block.group(1))
    settings = load_settings(tmp_path)
    assert settings.rules == tmp_path / "ci/lumyx-rules.toml"
    assert (settings.exclude, settings.extend_exclude) == (None, ("legacy/", "gen/"))
    assert settings.per_file_ignores == (("tests/", ("LMX5",)),)


def test_readme_suppression_example_suppresses() -> None:
    from support import findings

    block = re.search(r"```python\n(response = .*?)```", readme_section("The three modes"), re.S)
    assert block
    head = (
        "import os\nfrom openai import OpenAI\n"
        'client = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])\n'
    )
    assert findings(head + block.group(1)) == []
    unsuppressed = block.group(1).replace("  # lumyx: ignore[LMX302]", "")
    assert [f.code for f in findings(head + unsuppressed)] == ["LMX302"]


def test_explain_works_for_every_code_through_the_cli() -> None:
    for code in codes.CODES:
        result = CliRunner().invoke(main, ["explain", code.lower()])
        assert result.exit_code == 0
        assert result.stdout == codes.doc_markdown(code)
