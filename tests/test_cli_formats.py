"""Issue 13 through the real command line: formats CI systems read, flags, colour, positions
after `apply`, the migration report, help texts."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import FORMAT_ENV, main

KEY = "sk-proj-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv"
APP = f"""\
from openai import OpenAI

client = OpenAI(api_key="{KEY}")
client.chat.completions.create(model="gpt-4", messages=[], tools=[], n=2)
client.chat.completions.create(messages=[{{"role": "developer", "content": "x"}}])
"""
CLEAN = "print('no OpenAI here')\n"


def cli(
    args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    for name in ("NO_COLOR", "FORCE_COLOR", FORMAT_ENV):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, [*args, "--jobs", "1"], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree with the app one folder down."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "app.py").write_text(APP)
    return tmp_path


# --- JUnit, SARIF, GitLab, json-lines, json ---------------------------------------------------


def test_junit_counts_one_case_per_finding(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = cli(["check", "--format", "junit", "."], repo / "sub", monkeypatch)
    suites = ET.fromstring(out.split("\n", 1)[1])
    assert code == 1
    assert {k: suites.get(k) for k in ("tests", "failures", "errors")} == {
        "tests": "6", "failures": "6", "errors": "0"
    }


def test_sarif_from_a_subfolder_is_relative_to_the_repository_root(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = cli(["check", "--format", "sarif", "."], repo / "sub", monkeypatch)
    run = json.loads(out)["runs"][0]
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert locations == {"sub/app.py"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


def test_sarif_ranks_a_leaked_key_as_a_security_alert(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = cli(["check", "--format", "sarif", "."], repo, monkeypatch)
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["LMX501"]["properties"] == {
        "fix": "sometimes", "tags": ["security", "external/cwe/cwe-798"], "security-severity": "7.5"
    }
    assert "security-severity" not in rules["LMX302"]["properties"]  # must-not-touch


def test_sarif_fix_replaces_exactly_the_model_literal(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = cli(["check", "--format", "sarif", "."], repo, monkeypatch)
    results = json.loads(out)["runs"][0]["results"]
    with_fixes = {r["ruleId"]: r["fixes"] for r in results if "fixes" in r}
    assert list(with_fixes) == ["LMX201"]  # LMX101's call layout is the rewrite's: not offered
    [fix] = with_fixes["LMX201"]
    [change] = fix["artifactChanges"]
    [replacement] = change["replacements"]
    start = replacement["deletedRegion"]["charOffset"]
    length = replacement["deletedRegion"]["charLength"]
    assert APP[start : start + length] == '"gpt-4"'
    assert replacement["insertedContent"] == {"text": '"nova_1_1"'}
    assert fix["description"] == {"text": "Replace 'gpt-4' with 'nova_1_1'"}


def test_gitlab_code_quality(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = cli(["check", "--format", "gitlab", "."], repo / "sub", monkeypatch)
    issues = json.loads(out)
    assert code == 1
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["positions"]["begin"]["line"]) for i in issues] == [
        ("LMX101", "major", "sub/app.py", 3),
        ("LMX501", "critical", "sub/app.py", 3),
        ("LMX201", "major", "sub/app.py", 4),
        ("LMX302", "major", "sub/app.py", 4),
        ("LMX302", "major", "sub/app.py", 4),
        ("LMX303", "major", "sub/app.py", 5),
    ]
    assert len({i["fingerprint"] for i in issues}) == 6  # the two LMX302 are told apart
    assert KEY not in out


def test_json_lines_is_the_json_objects_one_per_line(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, lines, _ = cli(["check", "--format", "json-lines", "."], repo, monkeypatch)
    _, whole, _ = cli(["check", "--format", "json", "."], repo, monkeypatch)
    assert [json.loads(line) for line in lines.splitlines()] == json.loads(whole)


def test_json_has_name_severity_and_the_fix_edits(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = cli(["check", "--format", "json", "."], repo, monkeypatch)
    by_code = {item["code"]: item for item in json.loads(out)}
    model = by_code["LMX201"]
    assert (model["name"], model["severity"]) == ("openai-model-name", "error")
    [edit] = model["fix"]["edits"]
    assert APP[edit["start_offset"] : edit["end_offset"]] == '"gpt-4"'
    assert edit == {"kind": "replace", "start_offset": edit["start_offset"], "end_offset": edit["end_offset"], "content": '"nova_1_1"'}
    kinds = [e["kind"] for e in by_code["LMX101"]["fix"]["edits"]]
    assert "call_args" in kinds
    assert by_code["LMX302"]["fix"] is None


def test_statistics_as_json(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = cli(["check", "--statistics", "--format", "json", "."], repo, monkeypatch)
    assert code == 1 and err == ""
    assert json.loads(out) == [
        {"code": "LMX302", "name": "unserved-chat-parameter", "count": 2, "fixable": 0},
        {"code": "LMX101", "name": "client-not-migrated", "count": 1, "fixable": 1},
        {"code": "LMX201", "name": "openai-model-name", "count": 1, "fixable": 1},
        {"code": "LMX303", "name": "unserved-message-role", "count": 1, "fixable": 0},
        {"code": "LMX501", "name": "hardcoded-api-key", "count": 1, "fixable": 0},
    ]


# --- flags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"app.py": APP}, 0, id="findings-exit-0"),
        pytest.param({"app.py": CLEAN}, 0, id="clean-stays-0"),
        pytest.param({"bad.py": "import openai\ndef f(:\n"}, 1, id="unparsable-file-still-exits-1"),
    ],
)
def test_exit_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], expected: int) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert cli(["check", "--exit-zero", "."], tmp_path, monkeypatch)[0] == expected


def test_output_format_is_an_alias_and_reads_the_environment(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    by_flag = cli(["check", "--format", "json-lines", "."], repo, monkeypatch)
    by_alias = cli(["check", "--output-format", "json-lines", "."], repo, monkeypatch)
    by_env = cli(["check", "."], repo, monkeypatch, env={FORMAT_ENV: "json-lines"})
    flag_wins = cli(["check", "--format", "text", "."], repo, monkeypatch, env={FORMAT_ENV: "json"})
    assert by_flag == by_alias == by_env
    assert by_flag[1].startswith('{"code": "LMX101"')
    assert flag_wins[1].startswith("sub/app.py:3:10: LMX101")


def test_full_shows_the_source_with_the_key_masked(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = cli(["check", "--format", "full", "--select", "LMX501,LMX303", "."], repo / "sub", monkeypatch)
    assert out == (
        "app.py:3:25: LMX501 hardcoded API key sk-p…t0Uv in source; rotate it and read it from LUMYX_API_KEY\n"
        "  |\n"
        '3 | client = OpenAI(api_key="sk-p…t0Uv")\n'
        "  |                         ^^^^^^^^^^^ LMX501\n"
        "  |\n"
        "  = docs: https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md#lmx501\n"
        "\n"
        "app.py:5:51: LMX303 message role 'developer' is not served (roles: system, user, assistant)\n"
        "  |\n"
        '5 | client.chat.completions.create(messages=[{"role": "developer", "content": "x"}])\n'
        "  |                                                   ^^^^^^^^^^^ LMX303\n"
        "  |\n"
        "  = docs: https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md#lmx303\n"
    )


BOLD_PATH = "\x1b[1mapp.py\x1b[0m:5:51: \x1b[1m\x1b[31mLMX303\x1b[0m"


@pytest.mark.parametrize(
    ("flag", "env", "coloured"),
    [
        pytest.param([], {}, False, id="auto-not-a-terminal-plain"),
        pytest.param(["--color", "always"], {}, True, id="color-always"),
        pytest.param([], {"FORCE_COLOR": "1"}, True, id="FORCE_COLOR"),
        pytest.param([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, id="NO_COLOR-wins-over-FORCE_COLOR"),
        pytest.param(["--color", "never"], {"FORCE_COLOR": "1"}, False, id="color-never-wins"),
    ],
)
def test_findings_are_coloured_when_asked(
    repo: Path, monkeypatch: pytest.MonkeyPatch, flag: list[str], env: dict[str, str], coloured: bool
) -> None:
    _, out, _ = cli(["check", "--select", "LMX303", *flag, "."], repo / "sub", monkeypatch, env=env)
    plain = "app.py:5:51: LMX303 message role 'developer' is not served (roles: system, user, assistant)\n"
    assert out == (BOLD_PATH + plain[len("app.py:5:51: LMX303") :] if coloured else plain)


def test_a_parse_error_is_reported_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.py").write_text("import openai\ndef f(:\n")
    code, out, err = cli(["check", "."], tmp_path, monkeypatch)
    assert code == 1
    assert (out + err).count("cannot parse") == 1
    assert out.startswith("bad.py:2:7: LMX900 cannot parse: ")


# --- apply: positions in the file as written ---------------------------------------------------


def test_apply_lists_what_is_left_at_its_place_in_the_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / ".git").mkdir()  # in a repository: no warning that nothing can undo the rewrite
    code, _, err = cli(["apply", "--yes", "--allow-dirty", "."], tmp_path, monkeypatch)
    written = (tmp_path / "app.py").read_text().splitlines()
    assert code == 1
    assert err.splitlines()[:4] == [
        "app.py:5:1: LMX501 hardcoded API key sk-p…t0Uv in source; rotate it and read it from LUMYX_API_KEY",
        "app.py:11:63: LMX302 chat parameter `tools` is not served by Lumyx AI",
        "app.py:11:73: LMX302 chat parameter `n` is not served by Lumyx AI",
        "app.py:12:51: LMX303 message role 'developer' is not served (roles: system, user, assistant)",
    ]
    assert written[10][62:67] == "tools" and written[10][72] == "n"  # 1-based 11:63 and 11:73
    assert written[11][50:61] == '"developer"'  # 1-based 12:51
    assert written[4] == "client = OpenAI("  # the replaced key's line
    assert written[7:9] == ['    organization="",', '    project="",']  # no OpenAI header reaches Lumyx


def test_diff_keeps_positions_of_the_file_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is written by diff: its list points into the file on disk (must-not-touch)."""
    (tmp_path / "app.py").write_text(APP)
    _, _, err = cli(["diff", "."], tmp_path, monkeypatch)
    assert "app.py:4:60: LMX302 chat parameter `tools` is not served by Lumyx AI" in err


# --- the migration report ---------------------------------------------------------------------

REPORT = """\
# Migration to Lumyx AI

## Files to rewrite (1)

- `sub/app.py`: 2 fixes

## Clients

| client | where | decision | why |
|---|---|---|---|
| `OpenAI` | `sub/app.py:3:10` | migrate | OpenAI client `OpenAI` is not pointed at Lumyx AI |

## Needs a person (4)

### `LMX302` unserved-chat-parameter (2) ([docs](https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md#lmx302))

- `sub/app.py:4:60` chat parameter `tools` is not served by Lumyx AI
- `sub/app.py:4:70` chat parameter `n` is not served by Lumyx AI

### `LMX303` unserved-message-role (1) ([docs](https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md#lmx303))

- `sub/app.py:5:51` message role 'developer' is not served (roles: system, user, assistant)

### `LMX501` hardcoded-api-key (1) ([docs](https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md#lmx501))

- `sub/app.py:3:25` hardcoded API key sk-p…t0Uv in source; rotate it and read it from LUMYX_API_KEY

## Environment variables to set

- `LUMYX_API_KEY` (required): the Lumyx AI API key (starts with `nova_`)
- `LUMYX_BASE_URL` (optional): defaults to `https://api.lumyx-ai.site/v1`
"""


@pytest.mark.parametrize(
    "args",
    [pytest.param(["report", "."], id="report-command"), pytest.param(["check", "--format", "markdown", "."], id="check-format-markdown")],
)
def test_migration_report(repo: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    _, out, _ = cli(args, repo, monkeypatch)
    assert out == REPORT
    assert (repo / "sub" / "app.py").read_text() == APP  # nothing written


def test_report_of_a_clean_project_names_no_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text(CLEAN)
    code, out, _ = cli(["report", "."], tmp_path, monkeypatch)
    assert (code, out) == (
        0,
        "# Migration to Lumyx AI\n\n## Files to rewrite (0)\n\nNone.\n\n## Needs a person (0)\n\n"
        "Nothing: every finding is fixed by the migration.\n",
    )


# --- help -------------------------------------------------------------------------------------


def test_top_level_help_lines_are_not_cut(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = CliRunner().invoke(main, ["--help"]).stdout
    commands = out.split("Commands:\n", 1)[1].splitlines()
    assert len(commands) == 7 and not any(line.endswith("...") for line in commands)


def test_check_quiet_help_does_not_speak_of_diffs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _, out, _ = cli(["check", "--help"], tmp_path, monkeypatch)
    quiet = out.split("-q, --quiet", 1)[1].split("\n  -", 1)[0]
    assert "diff" not in quiet and "summary" in quiet


@pytest.mark.parametrize(
    ("project", "rows"),
    [
        pytest.param(
            "rag_app",
            ["| `OpenAI` | `rag/clients.py:10:12` | keep on OpenAI |", "| `OpenAI` | `rag/rerank.py:7:10` | migrate |"],
            id="a shared factory that embeds is kept, a chat-only client migrated",
        ),
        pytest.param(
            "class_client_app",
            ["| `OpenAI` | `assistant.py:11:23` | split |"],
            id="with unserved-clients = split the class's client is split",
        ),
    ],
)
def test_report_gives_each_clients_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: str, rows: list[str]
) -> None:
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / project / "before", tmp_path / project)
    _, out, _ = cli(["report", "."], tmp_path / project, monkeypatch)
    table = [line for line in out.splitlines() if line.startswith("| `")]
    assert [row.rsplit(" | ", 1)[0] + " |" for row in table] == rows
