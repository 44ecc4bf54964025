"""Discovery skips exactly what git ignores: trees with negations, anchored and nested
patterns, checked against git itself (`git ls-files --others --exclude-standard`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from codemod.discover import discover
from codemod.gitignore import IgnoreFile

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

FILES = (
    "a.py",
    "plugins/x.py",
    "plugins/godcmd/x.py",
    "plugins/godcmd/sub/y.py",
    "plugins/other/z.py",
    "src/build/gen.py",
    "src/keep/build/gen.py",
    "build/top.py",
    "docs/conf.py",
    "docs/api/auto.py",
    "deep/a/b/c/d.py",
    "deep/a/keep.py",
    "weird/[x].py",
    "weird/#hash.py",
    "weird/sp ace.py",
    "weird/q1.py",
    "weird/q12.py",
)


def _tree(root: Path, ignores: dict[str, str]) -> None:
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x = 1\n")
    for rel, text in ignores.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def _git_files(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "-z"], cwd=root, check=True, capture_output=True
    ).stdout.decode()
    return sorted(p for p in out.split("\0") if p.endswith(".py"))


def _ours(root: Path) -> list[str]:
    found = discover(["."], exclude=["__nothing__"], cwd=root)
    return sorted(Path(p).relative_to(root).as_posix() for p in found.paths)


@pytest.mark.parametrize(
    "ignores",
    [
        pytest.param({".gitignore": "plugins/**/\n!plugins/godcmd\n"}, id="a negation re-includes a folder under plugins/**/"),
        pytest.param({".gitignore": "plugins/*\n!plugins/godcmd/\n"}, id="a negated folder under plugins/*"),
        pytest.param({".gitignore": "plugins/\n!plugins/godcmd\n"}, id="an excluded folder's content cannot be re-included"),
        pytest.param({".gitignore": "/build\n"}, id="an anchored pattern matches at the top only"),
        pytest.param({".gitignore": "build/\n"}, id="an unanchored folder pattern matches at every depth"),
        pytest.param({".gitignore": "src/build\n"}, id="a pattern with a slash is anchored"),
        pytest.param({".gitignore": "deep/**/d.py\n"}, id="a double star in the middle"),
        pytest.param({".gitignore": "**/api\n"}, id="a leading double star"),
        pytest.param({".gitignore": "*.py\n!a.py\n!*/\n"}, id="everything ignored but one file"),
        pytest.param({".gitignore": "q?.py\n\\#hash.py\n\\[x\\].py\nsp\\ ace.py\n"}, id="?, escaped # and brackets, escaped space"),
        pytest.param({".gitignore": "q[0-9][0-9].py\n"}, id="a character class"),
        pytest.param({".gitignore": "plugins\n", "plugins/.gitignore": "!godcmd\n"}, id="a nested .gitignore cannot re-include inside an ignored folder"),
        pytest.param({".gitignore": "*.py\n", "docs/.gitignore": "!*.py\n"}, id="a nested .gitignore overrides its parent"),
        pytest.param({"docs/.gitignore": "/api\nconf.py\n"}, id="nested patterns are relative to their folder"),
        pytest.param({".git/info/exclude": "deep/a/\n", ".gitignore": "!deep/a/keep.py\n"}, id="info/exclude and a negation that cannot reach"),
        pytest.param({".gitignore": "# comment\n\n  \nweird\n"}, id="comments and blank lines"),
    ],
)
def test_discovery_matches_git(tmp_path: Path, ignores: dict[str, str]) -> None:
    _tree(tmp_path, {k: v for k, v in ignores.items() if not k.startswith(".git/")})
    for rel, text in ignores.items():
        if rel.startswith(".git/"):
            (tmp_path / rel).write_text(text)
    assert _ours(tmp_path) == _git_files(tmp_path)


def test_the_reported_case_keeps_the_re_included_files(tmp_path: Path) -> None:
    _tree(tmp_path, {".gitignore": "plugins/**/\n!plugins/godcmd\n"})
    assert [p for p in _ours(tmp_path) if p.startswith("plugins/")] == ["plugins/godcmd/x.py", "plugins/x.py"]


@pytest.mark.parametrize(
    ("line", "path", "is_dir", "expected"),
    [
        pytest.param("plugins/**/", "plugins", True, None, id="plugins/**/ does not match plugins itself"),
        pytest.param("plugins/**/", "plugins/a", True, True, id="plugins/**/ matches a folder inside"),
        pytest.param("plugins/**/", "plugins/a.py", False, None, id="plugins/**/ matches no file"),
        pytest.param("!keep", "x/keep", False, False, id="a negation re-includes"),
        pytest.param("a/**", "a", True, None, id="a/** matches inside a only"),
        pytest.param("a/**/b", "a/b", False, True, id="a/**/b matches zero folders between"),
        pytest.param("[!x].py", "/.py", False, None, id="a class never matches a slash"),
        pytest.param("[abc", "[abc", False, True, id="an unclosed bracket is literal"),
    ],
)
def test_pattern_matches_only_the_path_itself(line: str, path: str, is_dir: bool, expected: bool | None) -> None:
    assert IgnoreFile([line]).verdict(path, is_dir) is expected


def test_patterns_against_git_check_ignore(tmp_path: Path) -> None:
    """Each pattern alone, each file path asked of git with --no-index: the same answers.
    (Folders are compared through the walks above: `check-ignore dir/` answers differently
    from git's own walk, e.g. for `plugins/**/`.)"""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    patterns = ["plugins/**/", "a/**", "*.py", "/top", "x/*/y", "**/z", "q?", "[a-c]*", "d/"]
    paths = ["plugins", "plugins/a", "a", "a/b", "m.py", "s/m.py", "top", "s/top", "x/1/y", "x/1/2/y", "z", "k/z", "q1", "b9", "d"]
    for pattern in patterns:
        (tmp_path / ".gitignore").write_text(pattern + "\n")
        spec = IgnoreFile([pattern])
        for path in paths:
            git = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=tmp_path, env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
            assert (pattern, path, spec.ignores(path, False)) == (pattern, path, git.returncode == 0)
