"""GitHub workflow-command annotations: exact lines, escaping, parsed back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codemod.report.github import annotation, escape_data, escape_property, render_github
from codemod.types import FileResult, Finding


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        pytest.param("plain text", "plain text", "plain text", id="nothing-to-escape"),
        pytest.param("100%", "100%25", "100%25", id="percent"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="cr-lf"),
        pytest.param("a:b,c", "a:b,c", "a%3Ab%2Cc", id="colon-comma-only-in-properties"),
        pytest.param("%0A", "%250A", "%250A", id="percent-first-no-double-meaning"),
    ],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_annotation_exact() -> None:
    f = Finding("LMX101", "OpenAI client not pointed at Lumyx", 3, 10, 6, 2)
    assert annotation("src/app.py", f) == (
        "::error title=lumyx-migrate (LMX101),file=src/app.py,line=3,col=10,endLine=6,"
        "endColumn=2::LMX101 OpenAI client not pointed at Lumyx"
    )


def test_judgement_codes_are_warnings() -> None:
    f = Finding("LMX102", "base_url points at http://localhost:8080/v1", 1, 1, 1, 9)
    assert annotation("a.py", f).startswith("::warning title=")


COMMAND = re.compile(r"^::(error|warning) ([^:]*)::(.*)$")


def _unescape(s: str) -> str:
    for esc, ch in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        s = s.replace(esc, ch)
    return s


def parse(out: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in out.splitlines():
        m = COMMAND.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        parsed.append(
            (m.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(m.group(3)))
        )
    return parsed


def test_render_parses_back_with_hostile_paths_and_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    message = "base_url=http://x:8080/v1, 100% odd\r\nsecond line"
    results = [
        FileResult("dir,with:odd%/m.py", (Finding("LMX102", message, 4, 2, 4, 30),)),
        FileResult("a.py", (Finding("LMX301", "embeddings: coming soon on Lumyx", 1, 1, 1, 5),)),
    ]
    assert parse(render_github(results, tmp_path)) == [
        (
            "error",
            {
                "title": "lumyx-migrate (LMX301)",
                "file": "a.py",
                "line": "1",
                "col": "1",
                "endLine": "1",
                "endColumn": "5",
            },
            "LMX301 embeddings: coming soon on Lumyx",
        ),
        (
            "warning",
            {
                "title": "lumyx-migrate (LMX102)",
                "file": "dir,with:odd%/m.py",
                "line": "4",
                "col": "2",
                "endLine": "4",
                "endColumn": "30",
            },
            f"LMX102 {message}",
        ),
    ]


def test_paths_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # run from a subfolder: display path is "m.py"
    out = render_github([FileResult("m.py", (Finding("LMX101", "m", 1, 1, 1, 2),))], tmp_path)
    assert ",file=sub/m.py," in out
