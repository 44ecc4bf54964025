"""JUnit XML: one testcase per file, one failure per finding, counts, escaping."""

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


def test_structure_and_counts() -> None:
    suites = parse(SAMPLE)
    assert suites.tag == "testsuites"
    [suite] = suites
    assert suite.tag == "testsuite" and suite.get("name") == "lumyx-migrate"
    for el in (suites, suite):
        assert {k: el.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
            "tests": "4",
            "failures": "1",
            "errors": "1",
            "skipped": "1",
        }
    cases = {case.get("name"): case for case in suite}
    assert list(cases) == ["bad.py", "gen.py", "src/a.py", "src/b.py"]
    assert all(case.get("classname") == name for name, case in cases.items())
    assert list(cases["src/a.py"]) == []  # a file with no findings passes
    assert [el.tag for el in cases["gen.py"]] == ["skipped"]
    assert cases["gen.py"][0].get("message") == "generated"


def test_one_failure_per_finding_in_position_order() -> None:
    case = next(c for c in parse(SAMPLE).iter("testcase") if c.get("name") == "src/b.py")
    assert [(f.tag, f.get("type"), f.get("message"), f.text) for f in case] == [
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
    case = next(c for c in parse(SAMPLE).iter("testcase") if c.get("name") == "bad.py")
    assert [(e.tag, e.get("type"), e.text) for e in case] == [
        ("error", "LMX900", "bad.py:2:1: LMX900 invalid syntax")
    ]


def test_internal_error_without_findings_still_reports_an_error() -> None:
    suites = parse([FileResult("a.py", internal_error=True)])
    [case] = suites.iter("testcase")
    assert [(e.tag, e.get("message")) for e in case] == [("error", "internal error")]
    assert suites.get("errors") == "1"


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
    [case] = suites.iter("testcase")
    assert case.get("name") == path
    [failure] = case
    expected = message.replace("\x01", "\\x01").replace("\x1b", "\\x1b")
    assert failure.get("message") == f"LMX302 {expected}"


def test_empty_run() -> None:
    suites = parse([])
    assert suites.get("tests") == "0"
    assert [s.get("tests") for s in suites] == ["0"]
