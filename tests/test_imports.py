"""What a run imports (issue 5): `check` never loads libcst, `diff` only when a file has a fix,
rich only for a terminal. Each case runs the CLI in a fresh interpreter and lists sys.modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = """
import json, sys
from codemod.cli import main
try:
    main(sys.argv[1:], standalone_mode=True)
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"libcst", "rich", "pathspec", "click", "concurrent"})
heavy += ["<walked>"] if "codemod.discover" in sys.modules else []
heavy += ["<pool>"] if {"codemod.forkpool", "concurrent.futures.process"} & set(sys.modules) else []
sys.__stderr__.write("\\nMODULES=" + json.dumps(heavy) + "\\n")
"""

CLIENT = "from openai import OpenAI\nclient = OpenAI()\n"
BIG_CLIENT = CLIENT + "# padding\n" * 40_000  # 400 KB: two of them are work enough for a pool
PLAIN = "import json\nprint(json.dumps({'a': 1}))\n"


def loaded(tmp_path: Path, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    line = [x for x in result.stderr.splitlines() if x.startswith("MODULES=")]
    assert line, result.stderr
    return list(json.loads(line[-1].removeprefix("MODULES=")))


@pytest.mark.parametrize(
    ("files", "args", "libcst"),
    [
        pytest.param({"a.py": CLIENT}, ["check", "--jobs", "1", "."], False, id="check of OpenAI code: no libcst"),
        pytest.param({"a.py": PLAIN}, ["check", "--jobs", "1", "."], False, id="check of plain code: no libcst"),
        pytest.param({"a.py": PLAIN}, ["diff", "--jobs", "1", "."], False, id="diff with nothing to fix: no libcst"),
        pytest.param({"a.py": CLIENT}, ["diff", "--jobs", "1", "."], True, id="diff with a fix: libcst"),
        pytest.param({"a.py": CLIENT}, ["check", "--format", "sarif", "--jobs", "1", "."], False, id="sarif: no libcst"),
    ],
)
def test_libcst_only_when_a_file_has_a_fix(tmp_path: Path, files: dict[str, str], args: list[str], libcst: bool) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    modules = loaded(tmp_path, *args)
    assert ("libcst" in modules) is libcst
    assert "<walked>" in modules, "the driver must have run the walk (a test that cannot fail is a defect)"


@pytest.mark.parametrize(
    ("files", "args", "expected"),
    [
        pytest.param({"a.py": PLAIN}, ["check", "."], [], id="default excludes only: no pathspec, no pool"),
        pytest.param({"a.py": CLIENT, "b.py": CLIENT}, ["check", "--jobs", "2", "."], [], id="two small candidates: no pool"),
        pytest.param({"a.py": BIG_CLIENT, "b.py": BIG_CLIENT}, ["check", "--jobs", "2", "."], ["<pool>"], id="two big candidates: a pool"),
        pytest.param({"a.py": PLAIN}, ["check", "--exclude", "src/*.py", "."], [], id="a path pattern: matched without pathspec"),
        pytest.param({"a.py": PLAIN, ".gitignore": "*.log\n"}, ["check", "."], [], id="a .gitignore: matched without pathspec"),
        pytest.param({"a.py": PLAIN}, ["check", "--exclude", "generated", "."], [], id="a name pattern: no pathspec"),
    ],
)
def test_pathspec_and_the_pool_only_when_needed(tmp_path: Path, files: dict[str, str], args: list[str], expected: list[str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    modules = loaded(tmp_path, *args)
    assert "<walked>" in modules
    assert [m for m in modules if m in ("pathspec", "<pool>")] == expected


def test_rich_is_not_loaded_on_a_pipe(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CLIENT)
    assert "rich" not in loaded(tmp_path, "diff", "--jobs", "1", ".")
    assert "rich" in loaded(tmp_path, "diff", "--color", "always", "--jobs", "1", ".")
