"""Killing or interrupting `apply` mid-run never leaves a file that is neither old nor new.

A real `python -m codemod apply` runs on two hundred files in its own process group; the
signal goes to the whole group, as a terminal's Ctrl-C or an OOM/CI kill would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import rewrite

from codemod.writer import TEMP_SUFFIX

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")

FILES = 200
INTERRUPTED = "lumyx-migrate: interrupted; files already written are complete, the rest untouched"


def make_tree(root: Path) -> dict[Path, tuple[bytes, bytes]]:
    """FILES small modules in a few folders, each with a client to rewrite: path -> (before, after)."""
    # The files differ only by their number: one rewrite of a template gives every expected text.
    template = "from openai import OpenAI\n\n\ndef fNUM():\n    return NUM\n\nclient = OpenAI(timeout=NUM)\n"
    rewritten = rewrite(template)
    assert rewritten.count("NUM") == 3
    tree: dict[Path, tuple[bytes, bytes]] = {}
    for i in range(FILES):
        path = root / f"pkg{i // 100}" / f"m{i:04d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = template.replace("NUM", str(i))
        path.write_text(text)
        tree[path] = (text.encode(), rewritten.replace("NUM", str(i)).encode())
    return tree


def start(root: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMYX_")}
    return subprocess.Popen(
        [sys.executable, "-m", "codemod", "apply", "--yes", "--allow-dirty", "--jobs", "2", *extra, "."],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the signal reaches the workers too
    )


def wait_for_first_write(process: subprocess.Popen[bytes], path: Path, before: bytes) -> None:
    """Files are written in path order, so the first one changing means writing has begun."""
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        if path.read_bytes() != before:
            return
        time.sleep(0.0005)


def wait_for_workers(process: subprocess.Popen[bytes]) -> None:
    """Until the run has worker processes, i.e. it is scanning (Linux /proc; else a short sleep)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if not children.exists():
        time.sleep(1.0)
        return
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        if children.read_text().split():
            time.sleep(0.05)
            return
        time.sleep(0.005)


def states(tree: dict[Path, tuple[bytes, bytes]]) -> tuple[int, int, list[Path]]:
    """(files still old, files new, files that are neither)."""
    old = new = 0
    broken: list[Path] = []
    for path, (before, after) in tree.items():
        data = path.read_bytes()
        if data == before:
            old += 1
        elif data == after:
            new += 1
        else:
            broken.append(path)
    return old, new, broken


def temps(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(f"*{TEMP_SUFFIX}"))


def test_sigkill_mid_apply_leaves_each_file_old_or_new_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    first = min(tree)
    process = start(tmp_path, "-q")
    wait_for_first_write(process, first, tree[first][0])
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    old, new, broken = states(tree)
    assert (old + new, broken) == (FILES, [])
    assert 1 <= new < FILES, f"{new} of {FILES} written: the kill did not land mid-write"

    # What a kill inside `write_atomic` leaves behind (the kill above rarely lands exactly there).
    stale = first.parent / f".{first.name}.0123456789ab{TEMP_SUFFIX}"
    stale.write_bytes(b"from openai import OpenAI\nclient = OpenAI(\n")
    leftovers = temps(tmp_path)
    again = start(tmp_path)
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err.decode()
    assert states(tree) == (0, FILES, [])
    assert temps(tmp_path) == []
    removed = [line for line in err.decode().splitlines() if line.endswith("removed a temporary file left by an interrupted run")]
    assert sorted(str(Path(line.split(": ")[0]).relative_to(tmp_path)) for line in removed) == leftovers
    assert str(stale.relative_to(tmp_path)) in leftovers


@pytest.mark.parametrize("phase", [pytest.param("scanning", id="while scanning"), pytest.param("writing", id="while writing")])
def test_sigint_exits_130_with_no_partial_or_temp_file(tmp_path: Path, phase: str) -> None:
    tree = make_tree(tmp_path)
    first = min(tree)
    process = start(tmp_path, "-q")
    if phase == "scanning":
        wait_for_workers(process)
    else:
        wait_for_first_write(process, first, tree[first][0])
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=30)
    stderr = err.decode()
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1:] == [INTERRUPTED]
    assert "Traceback" not in stderr
    old, new, broken = states(tree)
    assert (old + new, broken) == (FILES, [])
    assert temps(tmp_path) == []
    if phase == "scanning":
        assert new == 0, "interrupted before writing, yet files were written"
    else:
        assert 1 <= new < FILES, f"{new} of {FILES} written: the interrupt did not land mid-write"
