"""Helpers every report format shares: order, paths relative to the root, spans, levels."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from codemod.report.common import (
    ordered_findings,
    plural,
    relative_to_root,
    root_relative,
    severity,
    span,
)
from codemod.types import FileResult, Finding


def f(code: str, line: int, col: int) -> Finding:
    return Finding(code, "m", line, col, line, col + 1)


def test_ordered_findings_by_path_then_position_then_code() -> None:
    results = [
        FileResult("b.py", (f("LMX302", 2, 1), f("LMX101", 1, 9), f("LMX201", 1, 9))),
        FileResult("a/z.py", (f("LMX301", 5, 1),)),
    ]
    assert [(r.path, x.code, x.line, x.col) for r, x in ordered_findings(results)] == [
        ("a/z.py", "LMX301", 5, 1),
        ("b.py", "LMX101", 1, 9),
        ("b.py", "LMX201", 1, 9),
        ("b.py", "LMX302", 2, 1),
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("m.py", "sub/m.py", id="relative-to-cwd-below-root"),
        pytest.param("../top.py", "top.py", id="parent-of-cwd-still-under-root"),
        pytest.param("../../out.py", None, id="outside-root"),
        pytest.param("{root}/sub/m.py", "sub/m.py", id="absolute"),
    ],
)
def test_relative_to_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, expected: str | None
) -> None:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    monkeypatch.chdir(root / "sub")
    rel = relative_to_root(path.format(root=root), root)
    assert rel == (PurePosixPath(expected) if expected else None)


def test_relative_to_root_through_a_symlinked_root(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "pkg").mkdir(parents=True)
    (real / "pkg" / "m.py").write_text("")
    link = tmp_path / "link"
    link.symlink_to(real)
    assert relative_to_root(str(real / "pkg" / "m.py"), link) == PurePosixPath("pkg/m.py")


def test_root_relative_falls_back_to_absolute(tmp_path: Path) -> None:
    outside = tmp_path / "x.py"
    assert root_relative(str(outside), tmp_path / "repo") == os.path.abspath(outside)


@pytest.mark.parametrize(
    ("finding", "expected"),
    [
        pytest.param(Finding("X", "m", 3, 4, 5, 6), (3, 4, 5, 6), id="kept"),
        pytest.param(Finding("X", "m", 0, 0, 0, 0), (1, 1, 1, 1), id="zero-to-one"),
        pytest.param(Finding("X", "m", 4, 9, 4, 2), (4, 9, 4, 9), id="end-before-start"),
    ],
)
def test_span(finding: Finding, expected: tuple[int, int, int, int]) -> None:
    assert span(finding) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("LMX301", "error", id="unserved-is-error"),
        pytest.param("LMX102", "warning", id="judgement-is-warning"),
        pytest.param("NOPE1", "error", id="unknown-is-error"),
    ],
)
def test_severity(code: str, expected: str) -> None:
    assert severity(code) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        pytest.param(0, "0 files", id="zero"),
        pytest.param(1, "1 file", id="one"),
        pytest.param(2, "2 files", id="many"),
    ],
)
def test_plural(n: int, expected: str) -> None:
    assert plural(n, "file") == expected


def test_path_that_cannot_be_resolved_is_not_under_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plain paths disagree (a link), and resolving fails (a loop): not under the root."""
    root = tmp_path / "link"
    root.symlink_to(tmp_path / "real")

    def loop(self: Path, strict: bool = False) -> Path:
        raise OSError(40, "Too many levels of symbolic links")

    monkeypatch.setattr(Path, "resolve", loop)
    assert relative_to_root(str(tmp_path / "real" / "m.py"), root) is None
