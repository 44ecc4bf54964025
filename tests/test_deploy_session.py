"""Environment and deployment files through the CLI, in process (issue 12): every report format gives
their findings as plain `line:col` (no cell); `apply` rewrites templates and CI files but never
the real `.env`; `diff` is what `apply` does; a gitignored `.env` is not read at all."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support import run_cli

APP = "from openai import OpenAI\n\nclient = OpenAI()\n"
TEMPLATE = "# keys\nOPENAI_API_KEY=\n"
TEMPLATE_AFTER = "# keys\nOPENAI_API_KEY=\nLUMYX_API_KEY=nova_your_key_here\nLUMYX_BASE_URL=https://api.lumyx-ai.site/v1\n"
REAL_ENV = "OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz0123\n"


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(cwd, *args, env={"CI": None, "NO_COLOR": "1"})


def make(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    make(tmp_path, {"app.py": APP, ".env.example": TEMPLATE})
    return tmp_path


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        pytest.param("text", ".env.example:2:1: LMX601 [*] OPENAI_API_KEY is set", id="text"),
        pytest.param("github", "::error title=lumyx-migrate (LMX601),file=.env.example,line=2,col=1,endLine=2,endColumn=15::LMX601 OPENAI_API_KEY is set", id="github"),
        pytest.param("junit", '<testcase classname=".env.example" name="LMX601 at 2:1" file=".env.example" line="2">', id="junit"),
    ],
)
def test_every_text_format_places_the_finding_by_line(proj: Path, fmt: str, expected: str) -> None:
    result = cli(proj, "check", "-q", "--format", fmt, ".")
    assert result.returncode == 1, result.stderr
    assert expected in result.stdout
    assert "cell" not in result.stdout.split("app.py")[0]


def test_json_and_sarif_give_line_and_column_without_a_cell(proj: Path) -> None:
    found = json.loads(cli(proj, "check", "-q", "--format", "json", ".").stdout)
    env = [f for f in found if f["filename"] == ".env.example"]
    assert [(f["code"], f["location"], f["end_location"], f["cell"]) for f in env] == [
        ("LMX601", {"row": 2, "column": 1}, {"row": 2, "column": 15}, None)
    ]
    sarif = json.loads(cli(proj, "check", "-q", "--format", "sarif", ".").stdout)
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "LMX601"]
    assert [r["locations"][0]["physicalLocation"] for r in results] == [{
        "artifactLocation": {"uri": ".env.example", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 15},
    }]
    assert not results[0]["message"]["text"].startswith("cell")


def test_apply_fixes_the_template_and_only_reports_the_real_env(proj: Path) -> None:
    make(proj, {".env": REAL_ENV})
    result = cli(proj, "apply", "--yes", ".")
    assert result.returncode == 1, result.stderr  # the real .env needs a person
    assert (proj / ".env.example").read_text("utf-8") == TEMPLATE_AFTER
    assert (proj / ".env").read_text("utf-8") == REAL_ENV
    assert ".env:1:1: LMX603 OPENAI_API_KEY (value sk-a…0123) is set but LUMYX_API_KEY" in result.stderr
    assert "abcdefghijklmnop" not in result.stderr + result.stdout
    again = cli(proj, "diff", "--exit-code", ".")
    assert (again.returncode, again.stdout) == (0, "")


def test_diff_of_deployment_files_is_what_apply_writes(proj: Path, tmp_path: Path) -> None:
    make(proj, {"compose.yaml": "services:\n  app:\n    environment:\n      - OPENAI_API_KEY\n"})
    result = cli(proj, "diff", ".")
    assert "+LUMYX_API_KEY=nova_your_key_here\n" in result.stdout
    assert "+      - LUMYX_API_KEY=${LUMYX_API_KEY}\n" in result.stdout
    subprocess.run(["git", "init", "-q"], cwd=proj, check=True)
    patch = tmp_path.parent / f"{tmp_path.name}.patch"
    patch.write_text(result.stdout, encoding="utf-8", newline="")
    subprocess.run(["git", "apply", str(patch)], cwd=proj, check=True)
    assert (proj / ".env.example").read_text("utf-8") == TEMPLATE_AFTER
    assert (proj / "compose.yaml").read_text("utf-8").endswith(
        "      - OPENAI_API_KEY\n      - LUMYX_API_KEY=${LUMYX_API_KEY}\n"
    )
    assert cli(proj, "diff", "--exit-code", ".").returncode == 0  # the patch held every change


def test_a_gitignored_env_is_not_read(proj: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=proj, check=True)
    make(proj, {".gitignore": ".env\n", ".env": REAL_ENV})
    result = cli(proj, "check", "-q", ".")
    assert ".env.example:2:1: LMX601" in result.stdout
    assert ".env:" not in result.stdout
    named = cli(proj, "check", "-q", ".env", "app.py")
    assert ".env:1:1: LMX603" in named.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(("--ignore", "LMX6"), "app.py:3:10: LMX101", id="--ignore LMX6 hides them"),
        pytest.param(("--select", "LMX6"), ".env.example:2:1: LMX601", id="--select LMX6 shows only them"),
    ],
)
def test_select_and_ignore(proj: Path, args: tuple[str, ...], expected: str) -> None:
    result = cli(proj, "check", "-q", *args, ".")
    assert result.stdout.splitlines()[0].startswith(expected)
    assert len(result.stdout.splitlines()) == 1


def test_without_code_that_reads_the_provider_nothing_is_said(tmp_path: Path) -> None:
    make(tmp_path, {"app.py": "import requests\n", ".env.example": TEMPLATE})
    result = cli(tmp_path, "check", ".")
    assert (result.returncode, result.stdout) == (0, "")
    assert "All checks passed!" in result.stderr
