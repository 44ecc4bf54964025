"""Two scale inputs for `make bench` whose timings used to be asserted by tests.

No test asserts a duration (a loaded 2-core machine, or coverage tracing, makes any bound
either flaky or meaningless); the tests keep the functional part on a small input, and the
bench prints the time at full size next to the bound the test used to assert:

* a walk of 10,000 entries (`codemod.discover.discover` alone, in one process):
  100 packages of 50 modules and 50 JSON files that `.gitignore` drops, and a `node_modules`
  folder; goal <= 1.0 s, as in tests/test_discover.py before.
* `diff` of one 5 MB module without a generated-file marker: an OpenAI client, then a long
  data table; goal <= 60 s, as in tests/test_bad_input.py before.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

WALK_GOAL_S = 1.0
BIG_MODULE_GOAL_S = 60.0
WALK_PY_FILES = 5000

WALK = r'''
"""Time codemod.discover over a tree in this process: one untimed walk, then N timed ones."""
import json, sys, time

from codemod.discover import discover

root, runs = sys.argv[1], int(sys.argv[2])
discover(["."], cwd=root)
walls = []
for _ in range(runs):
    t0 = time.perf_counter()
    found = discover(["."], cwd=root)
    walls.append(time.perf_counter() - t0)
print(json.dumps({"files": len(found.files), "problems": len(found.problems), "walls": walls}))
'''

CLIENT = "from openai import OpenAI\n\nclient = OpenAI()\n"


def write_walk_tree(root: Path) -> None:
    """10,000 files: 5,000 modules the walk keeps, 5,000 JSON files .gitignore drops."""
    for d in range(100):
        folder = root / f"pkg{d}" / "sub"
        folder.mkdir(parents=True)
        for f in range(50):
            (folder / f"m{f}.py").write_bytes(b"")
            (folder.parent / f"data{f}.json").write_bytes(b"")
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / ".gitignore").write_text("*.json\n__pycache__/\n", encoding="utf-8")


def write_big_module(path: Path, size: int = 5_000_000) -> None:
    """A module of `size` bytes or a little more: a client to migrate, then a table of rows."""
    rows = [CLIENT, "\nROWS = [\n"]
    total = sum(map(len, rows))
    i = 0
    while total < size:
        row = f'    ("name_{i:06d}", {i}, "row {i} of a generated table, padded to a realistic width"),\n'
        rows.append(row)
        total += len(row)
        i += 1
    rows.append("]\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(rows), encoding="utf-8")


def walk_row(work: Path, runs: int, env: dict[str, str], timeout: float) -> tuple[list[str], bool]:
    """Time the walk; return its goal row and whether the measurement itself succeeded."""
    label = "discover walk, 10,000 entries (in process)"
    target = f"<= {WALK_GOAL_S} s"
    root = work / "walk"
    write_walk_tree(root)
    script = work / "walk.py"
    script.write_text(WALK, encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, str(script), str(root), str(runs)], env=env,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return [label, "FAILED (timed out)", target, "FAIL"], False
    try:
        res = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        why = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        return [label, f"FAILED ({why})", target, "FAIL"], False
    if res["files"] != WALK_PY_FILES or res["problems"]:
        found = f"FAILED (found {res['files']} files, {res['problems']} problems)"
        return [label, found, target, "FAIL"], False
    median = statistics.median(res["walls"])
    measured = f"{median:.3f} s median, {min(res['walls']):.3f} s min"
    return [label, measured, target, "PASS" if median <= WALK_GOAL_S else "FAIL"], True
