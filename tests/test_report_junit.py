"""JUnit XML: one suite per file, one failed case per finding, counts, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from codemod.report.junit import render_junit
from codemod.types import FileResult, Finding


def parse(results: list[FileResult]) -> ET.Element:
    out = render_junit(results)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(out.split("\n", 1)[1])


SAMPLE = [
    FileResult(
        "src/b.py",
        (
            Finding("LMX302", "`tools` is not served", 9, 5, 9, 10),
            Finding("LMX101", "OpenAI client not pointed at Lumyx", 3, 10, 4, 2),
        ),
    ),
    FileResult("src/a.py"),
    FileResult("bad.py", (Finding("LMX900", "invalid syntax", 2, 1, 2, 1),), error="syntax"),
    FileResult("gen.py", skipped="generated"),
]


def counts(el: ET.Element) -> dict[str, str | None]:
    return {k: el.get(k) for k in ("tests", "failures", "errors", "skipped")}


def test_structure_and_counts() -> None:
    suites = parse(SAMPLE)
    assert suites.tag == "testsuites" and suites.get("name") == "lumyx-migrate"
    # one case per finding: 2 failures in src/b.py, 1 error in bad.py; one case per other file
    assert counts(suites) == {"tests": "5", "failures": "2", "errors": "1", "skipped": "1"}
    by_file = {suite.get("name"): suite for suite in suites}
    assert list(by_file) == ["bad.py", "gen.py", "src/a.py", "src/b.py"]
    assert counts(by_file["src/b.py"]) == {"tests": "2", "failures": "2", "errors": "0", "skipped": "0"}
    assert counts(by_file["src/a.py"]) == {"tests": "1", "failures": "0", "errors": "0", "skipped": "0"}
    [clean] = by_file["src/a.py"]
    assert (clean.get("name"), list(clean)) == ("src/a.py", [])  # a file with no findings passes
    [gen] = by_file["gen.py"]
    assert [(el.tag, el.get("message")) for el in gen] == [("skipped", "generated")]


def test_five_findings_are_five_failed_cases() -> None:
    findings = tuple(Finding("LMX302", f"`p{i}` is not served", i, 1, i, 3) for i in range(1, 6))
    suites = parse([FileResult("app.py", findings)])
    assert counts(suites) == {"tests": "5", "failures": "5", "errors": "0", "skipped": "0"}


def test_one_case_per_finding_in_position_order() -> None:
    suite = next(s for s in parse(SAMPLE) if s.get("name") == "src/b.py")
    assert [(c.get("name"), c.get("classname"), c.get("file"), c.get("line")) for c in suite] == [
        ("LMX101 at 3:10", "src/b.py", "src/b.py", "3"),
        ("LMX302 at 9:5", "src/b.py", "src/b.py", "9"),
    ]
    assert [(f.tag, f.get("type"), f.get("message"), f.text) for c in suite for f in c] == [
        (
            "failure",
            "LMX101",
            "LMX101 OpenAI client not pointed at Lumyx",
            "src/b.py:3:10: LMX101 OpenAI client not pointed at Lumyx",
        ),
        (
            "failure",
            "LMX302",
            "LMX302 `tools` is not served",
            "src/b.py:9:5: LMX302 `tools` is not served",
        ),
    ]


def test_unreadable_file_is_an_error_not_a_failure() -> None:
    suite = next(s for s in parse(SAMPLE) if s.get("name") == "bad.py")
    assert [(e.tag, e.get("type"), e.text) for c in suite for e in c] == [
        ("error", "LMX900", "bad.py:2:1: LMX900 invalid syntax")
    ]


def test_internal_error_without_findings_still_reports_an_error() -> None:
    suites = parse([FileResult("a.py", internal_error=True)])
    [case] = suites.iter("testcase")
    assert [(e.tag, e.get("message")) for e in case] == [("error", "internal error")]
    assert counts(suites) == {"tests": "1", "failures": "0", "errors": "1", "skipped": "0"}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param('dir/<a & "b">.py', "`x` < 0 & 'y' > \"z\"", id="markup-characters"),
        pytest.param("ünïcode.py", "emoji 🙂 in message", id="non-ascii"),
        pytest.param("a.py", "control\x01char and \x1b escape", id="control-characters"),
    ],
)
def test_escaping_round_trips(path: str, message: str) -> None:
    suites = parse([FileResult(path, (Finding("LMX302", message, 1, 1, 1, 2),))])
    [suite] = suites
    assert suite.get("name") == path
    [case] = suite
    assert case.get("classname") == path
    [failure] = case
    expected = message.replace("\x01", "\\x01").replace("\x1b", "\\x1b")
    assert failure.get("message") == f"LMX302 {expected}"


def test_empty_run() -> None:
    suites = parse([])
    assert counts(suites) == {"tests": "0", "failures": "0", "errors": "0", "skipped": "0"}
    assert list(suites) == []
