"""Diffs that `git apply` takes back exactly, whatever the file's line endings."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codemod.report.diff import unified_diff
from codemod.types import FileResult


def result(old: str, new: str, path: str = "pkg/app.py") -> FileResult:
    return FileResult(path, old_text=old, new_text=new)


def test_headers_and_hunk() -> None:
    assert unified_diff(result("a = 1\nb = 2\n", "a = 1\nb = 3\n")) == (
        "--- a/pkg/app.py\n+++ b/pkg/app.py\n@@ -1,2 +1,2 @@\n a = 1\n-b = 2\n+b = 3\n"
    )


def test_unchanged_is_empty() -> None:
    assert unified_diff(result("a\n", "a\n")) == ""
    assert unified_diff(FileResult("x.py")) == ""


def test_missing_final_newline_is_marked() -> None:
    assert unified_diff(result("a = 1", "a = 2")) == (
        "--- a/pkg/app.py\n+++ b/pkg/app.py\n@@ -1 +1 @@\n-a = 1\n\\ No newline at end of file\n+a = 2\n\\ No newline at end of file\n"
    )


def test_absolute_path_is_made_relative_like_git() -> None:
    assert unified_diff(result("a\n", "b\n", "/tmp/x.py")).startswith("--- a/tmp/x.py\n+++ b/tmp/x.py\n")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("import x\nclient = 1\n", "import os\nimport x\nclient = 2\n", id="lf"),
        pytest.param("import x\r\nclient = 1\r\n", "import os\r\nimport x\r\nclient = 2\r\n", id="crlf kept"),
        pytest.param("a\r\nb\nc = 1\n", "a\r\nb\nc = 2\n", id="mixed endings kept"),
        pytest.param("a\nc = 1", "a\nc = 2", id="no final newline"),
        pytest.param("-- x\n--- y\n+++ z\n", "-- x\n--- y2\n+++ z\n", id="content that looks like headers"),
    ],
)
def test_git_apply_reproduces_the_new_text(tmp_path: Path, old: str, new: str) -> None:
    target = tmp_path / "pkg" / "app.py"
    target.parent.mkdir()
    target.write_bytes(old.encode())
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    patch = tmp_path / "p.patch"
    patch.write_bytes(unified_diff(result(old, new)).encode())
    subprocess.run(["git", "apply", "p.patch"], cwd=tmp_path, check=True, capture_output=True)
    assert target.read_bytes() == new.encode()
