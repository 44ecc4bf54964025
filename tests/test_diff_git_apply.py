"""`lumyx-migrate diff > p.patch && git apply p.patch` gives byte for byte what `apply --yes`
writes, for every encoding and line ending `apply` keeps (the real CLI, in a subprocess, so
stdout is the real binary pipe a shell redirects)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.report import console

BODY = (
    "from openai import OpenAI\n"
    "\n"
    "client = OpenAI(timeout=5)  # caf\u00e9\n"
    'reply = client.chat.completions.create(model="gpt-4", messages=[])\n'
)


def lines(newline: str) -> bytes:
    return BODY.replace("\n", newline).encode()


CASES = [
    pytest.param(lines("\n"), id="utf-8"),
    pytest.param(b"\xef\xbb\xbf" + lines("\n"), id="utf-8 with BOM"),
    pytest.param(b"# -*- coding: latin-1 -*-\n" + BODY.encode("latin-1"), id="latin-1 with a coding cookie"),
    pytest.param(lines("\r\n"), id="CRLF"),
    pytest.param(lines("\r"), id="CR only"),
    pytest.param(b"from openai import OpenAI\r\n\nclient = OpenAI()\rx = 1\n", id="mixed newlines"),
    pytest.param(lines("\n").rstrip(b"\n"), id="no final newline"),
]


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-m", "codemod", *args], cwd=cwd, env=env, capture_output=True, check=False)


@pytest.mark.parametrize("before", CASES)
def test_git_apply_of_the_diff_is_what_apply_writes(tmp_path: Path, before: bytes) -> None:
    patched, applied = tmp_path / "patched", tmp_path / "applied"
    for root in (patched, applied):
        root.mkdir()
        (root / "app.py").write_bytes(before)
    subprocess.run(["git", "init", "-q"], cwd=patched, check=True)

    diff = cli(patched, "diff", "app.py")
    assert diff.returncode == 0, diff.stderr.decode()
    (patched / "p.patch").write_bytes(diff.stdout)
    git = subprocess.run(["git", "apply", "p.patch"], cwd=patched, capture_output=True, check=False)
    assert git.returncode == 0, git.stderr.decode()

    done = cli(applied, "apply", "--yes", "app.py")
    assert done.returncode == 0, done.stderr.decode()
    after = (applied / "app.py").read_bytes()
    assert after != before and b"LUMYX_API_KEY" in after
    assert (patched / "app.py").read_bytes() == after


def test_write_diff_bytes_goes_to_the_binary_buffer_after_pending_text() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    stream.write("text first\n")
    console.write_diff_bytes(b"-a\r\n+\xe9\r\n", stream)
    assert raw.getvalue() == b"text first\n-a\r\n+\xe9\r\n"


def test_write_diff_bytes_to_a_text_only_stream_keeps_undecodable_bytes_as_escapes() -> None:
    stream = io.StringIO(newline="")
    console.write_diff_bytes(b"-a\r\n+\xe9\n", stream)
    console.write_diff_bytes(b"", stream)
    assert stream.getvalue() == "-a\r\n+\udce9\n"
