"""Diffs that `git apply` takes back exactly, whatever the file's line endings."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codemod.report.diff import unified_diff, unified_diff_bytes
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


def encoded(old: bytes, new: bytes, encoding: str, path: str = "pkg/app.py") -> FileResult:
    """A changed file as the runner makes it: texts decoded as `source.decode` does, and the
    bytes `apply` writes."""
    return FileResult(path, old_text=old.decode(encoding), new_text=new.decode(encoding), encoding=encoding, new_bytes=new)


LATIN1 = b"# -*- coding: latin-1 -*-\n"
BYTE_CASES = [
    pytest.param(b"a = 1\nb = 2\n", b"a = 1\nb = 3\n", "utf-8", id="utf-8"),
    pytest.param(b"\xef\xbb\xbfa = 1\nb = 2\n", b"\xef\xbb\xbfimport os\na = 1\nb = 3\n", "utf-8-sig", id="BOM moves to an inserted first line"),
    pytest.param(b"\xef\xbb\xbfa = 1\nb = 2\n", b"\xef\xbb\xbfa = 1\nb = 3\n", "utf-8-sig", id="BOM in a context line"),
    pytest.param(LATIN1 + b"s = '\xe9'\nb = 2\n", LATIN1 + b"s = '\xe9'\nb = '\xe0'\n", "latin-1", id="latin-1 stays latin-1"),
    pytest.param(b"a = 1\r\nb = 2\r\n", b"import os\r\na = 1\r\nb = 3\r\n", "utf-8", id="CRLF"),
    pytest.param(b"a = 1\rb = 2\rc = 3\r", b"import os\ra = 1\rb = 3\rc = 3\r", "utf-8", id="CR only"),
    pytest.param(b"a = 1\rb = 2", b"a = 1\rb = 3", "utf-8", id="CR only without a final one"),
    pytest.param(b"a\r\nb\rc = 1\nd\n", b"a\r\nb\rc = 2\nd\n", "utf-8", id="mixed endings"),
    pytest.param(b"a\nc = 1", b"a\nc = 2", "utf-8", id="no final newline"),
    pytest.param("s = '\u00e9'\nb = 2\n".encode(), "s = '\u00e9'\nb = '\u20ac'\n".encode(), "utf-8", id="non-ASCII utf-8"),
]


@pytest.mark.parametrize(("old", "new", "encoding"), BYTE_CASES)
def test_git_apply_reproduces_the_bytes_apply_writes(tmp_path: Path, old: bytes, new: bytes, encoding: str) -> None:
    target = tmp_path / "pkg" / "app.py"
    target.parent.mkdir()
    target.write_bytes(old)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    patch = tmp_path / "p.patch"
    patch.write_bytes(unified_diff_bytes(encoded(old, new, encoding)))
    subprocess.run(["git", "apply", "p.patch"], cwd=tmp_path, check=True, capture_output=True)
    assert target.read_bytes() == new


def test_bom_is_in_the_first_line_of_the_patch() -> None:
    patch = unified_diff_bytes(encoded(b"\xef\xbb\xbfa\nb\n", b"\xef\xbb\xbfimport os\na\nb\n", "utf-8-sig"))
    assert patch == b"--- a/pkg/app.py\n+++ b/pkg/app.py\n@@ -1,2 +1,3 @@\n-\xef\xbb\xbfa\n+\xef\xbb\xbfimport os\n+a\n b\n"


def test_latin1_patch_is_in_latin1_and_its_text_reads_right() -> None:
    result = encoded(LATIN1 + b"s = '\xe9'\n", LATIN1 + b"s = '\xe0'\n", "latin-1")
    assert unified_diff_bytes(result) == (
        b"--- a/pkg/app.py\n+++ b/pkg/app.py\n@@ -1,2 +1,2 @@\n " + LATIN1 + b"-s = '\xe9'\n+s = '\xe0'\n"
    )
    assert unified_diff(result).splitlines()[-2:] == ["-s = '\u00e9'", "+s = '\u00e0'"]


def test_cr_only_file_is_one_line_to_git_and_keeps_its_crs() -> None:
    patch = unified_diff_bytes(encoded(b"a\rb\r", b"a\rc\r", "utf-8"))
    assert patch == (
        b"--- a/pkg/app.py\n+++ b/pkg/app.py\n@@ -1 +1 @@\n-a\rb\r\n\\ No newline at end of file\n"
        b"+a\rc\r\n\\ No newline at end of file\n"
    )


def test_bytes_and_text_are_the_same_diff_for_utf8() -> None:
    result = encoded("a\r\nb = '\u00e9'\n".encode(), "a\r\nb = '\u20ac'\n".encode(), "utf-8")
    assert unified_diff_bytes(result) == unified_diff(result).encode() != b""


def test_unchanged_bytes_are_empty() -> None:
    assert unified_diff_bytes(encoded(b"a\n", b"a\n", "utf-8")) == b""
    assert unified_diff_bytes(FileResult("x.py")) == b""
