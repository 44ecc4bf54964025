"""Which files hold uncommitted work, asked of a real git repository in a temp folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from codemod import gitstate
from codemod.gitstate import GitStateError, dirty_files, parse_status, repo_root

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=repo, check=True, capture_output=True, timeout=30,
    )  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with three committed files, all clean."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    for name in ("clean.py", "modified.py", "staged.py", "src/old_name.py", "src/deleted.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"# {name}\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial")
    return root


def dirty_tree(repo: Path) -> None:
    (repo / "modified.py").write_text("# changed, not staged\n")
    (repo / "staged.py").write_text("# changed and staged\n")
    git(repo, "add", "staged.py")
    (repo / "untracked.py").write_text("# new\n")
    (repo / "new dir" / "deep").mkdir(parents=True)
    (repo / "new dir" / "deep" / "ünïcode name.py").write_text("# new, in a new folder\n")
    git(repo, "mv", "src/old_name.py", "src/new_name.py")
    (repo / "src" / "deleted.py").unlink()
    (repo / "ignored.py").write_text("# ignored\n")
    (repo / ".gitignore").write_text("ignored.py\n")


DIRTY = [
    ".gitignore",
    "modified.py",
    "new dir/deep/ünïcode name.py",
    "src/deleted.py",
    "src/new_name.py",
    "src/old_name.py",
    "staged.py",
    "untracked.py",
]


def rels(found: set[Path] | None, root: Path) -> list[str]:
    assert found is not None
    return sorted(p.relative_to(root).as_posix() for p in found)


def test_clean_repository_has_nothing_dirty(repo: Path) -> None:
    assert dirty_files([repo]) == set()


def test_every_kind_of_change_is_listed(repo: Path) -> None:
    dirty_tree(repo)
    found = dirty_files([repo])
    assert rels(found, repo) == DIRTY
    assert found is not None
    assert all(p.is_absolute() for p in found)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(["src"], ["src/deleted.py", "src/new_name.py", "src/old_name.py"],
                     id="subfolder"),
        pytest.param(["clean.py"], [], id="clean-file"),
        pytest.param(["modified.py", "staged.py", "clean.py"], ["modified.py", "staged.py"],
                     id="files"),
        pytest.param(["new dir"], ["new dir/deep/ünïcode name.py"], id="untracked-folder"),
        pytest.param(["src", "."], DIRTY, id="overlapping"),
    ],
)  # fmt: skip
def test_only_under_the_given_paths(repo: Path, given: list[str], expected: list[str]) -> None:
    dirty_tree(repo)
    assert rels(dirty_files([repo / g for g in given]), repo) == expected


def test_relative_paths_against_the_working_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dirty_tree(repo)
    monkeypatch.chdir(repo)
    assert rels(dirty_files([Path("modified.py"), Path("clean.py")]), repo) == ["modified.py"]


def test_paths_through_a_symlink_are_spelled_through_it(repo: Path, tmp_path: Path) -> None:
    dirty_tree(repo)
    link = tmp_path / "link"
    link.symlink_to(repo)
    found = dirty_files([link / "src"])
    assert rels(found, link) == ["src/deleted.py", "src/new_name.py", "src/old_name.py"]


def test_one_git_call_per_repository(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    (other / "x.py").write_text("# new\n")
    dirty_tree(repo)
    calls: list[str] = []
    real = gitstate._run_status

    def counting(root: str, pathspecs: list[str]) -> bytes | None:
        calls.append(root)
        return real(root, pathspecs)

    monkeypatch.setattr(gitstate, "_run_status", counting)
    found = dirty_files([repo / "modified.py", repo / "clean.py", repo / "src", other])
    assert sorted(calls) == sorted([str(repo.resolve()), str(other.resolve())])
    assert found is not None
    assert {p.name for p in found} >= {"modified.py", "x.py", "new_name.py"}


def test_many_paths_ask_about_the_whole_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dirty_tree(repo)
    monkeypatch.setattr(gitstate, "_MAX_PATHSPECS", 2)
    given = [repo / "modified.py", repo / "clean.py", repo / "untracked.py"]
    assert rels(dirty_files(given), repo) == ["modified.py", "untracked.py"]


def test_a_submodule_like_nested_repository_is_asked_itself(repo: Path) -> None:
    nested = repo / "vendor" / "lib"
    nested.mkdir(parents=True)
    git(nested, "init", "-q")
    (nested / "a.py").write_text("# new in the nested repository\n")
    found = dirty_files([nested / "a.py", repo / "clean.py"])
    assert rels(found, repo) == ["vendor/lib/a.py"]


def test_not_a_repository_is_none(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    assert dirty_files([tmp_path, tmp_path / "a.py"]) is None


def test_fake_dot_git_is_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    assert dirty_files([tmp_path]) is None


@pytest.mark.parametrize(
    ("markers", "start", "root"),
    [
        pytest.param(["a/.git/"], "a", "a", id="the folder holding .git"),
        pytest.param(["a/.git/"], "a/b/c", "a", id="walked up from deep inside"),
        pytest.param(["a/.git"], "a/b", "a", id="a .git file: a linked work tree or submodule"),
        pytest.param(["a/.git/", "a/sub/.git/"], "a/sub/x", "a/sub", id="the nearest repository wins"),
    ],
)
def test_repo_root_is_the_nearest_dot_git_upwards(tmp_path: Path, markers: list[str], start: str, root: str) -> None:
    """The one finder both the walk (for info/exclude) and `dirty_files` use."""
    for marker in markers:
        if marker.endswith("/"):
            (tmp_path / marker).mkdir(parents=True)
        else:
            (tmp_path / marker).parent.mkdir(parents=True)
            (tmp_path / marker).write_text("gitdir: elsewhere\n")
    (tmp_path / start).mkdir(parents=True, exist_ok=True)
    cache: dict[str, str | None] = {}
    assert repo_root(str(tmp_path / start), cache) == str(tmp_path / root)
    assert cache[str(tmp_path / start)] == str(tmp_path / root), "the answer is cached for the start"


def test_repo_root_outside_any_repository_is_none(tmp_path: Path) -> None:
    if repo_root(str(tmp_path)) is not None:
        pytest.skip("the temp folder lies inside a repository")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert repo_root(str(tmp_path / "a" / "b")) is None


def test_git_missing_is_none(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-bin-here"))
    assert dirty_files([repo]) is None


def test_git_failing_in_a_repository_is_an_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".git" / "index").write_bytes(b"not an index")
    with pytest.raises(GitStateError, match=r"^git status failed in .*: .*index"):
        dirty_files([repo])


def test_timeout_is_an_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired(cmd="git", timeout=60)

    monkeypatch.setattr("subprocess.run", slow)
    with pytest.raises(GitStateError, match="timed out after 60 s"):
        dirty_files([repo])


def test_git_environment_of_a_hook_does_not_leak_optional_locks(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, str] = {}
    real_run = subprocess.run

    def spy(*args: object, **kwargs: object) -> object:
        env = kwargs["env"]
        assert isinstance(env, dict)
        seen.update(env)
        return real_run(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("subprocess.run", spy)
    dirty_files([repo])
    assert seen["GIT_OPTIONAL_LOCKS"] == "0"
    assert seen["GIT_LITERAL_PATHSPECS"] == "1"
    assert not (repo / ".git" / "index.lock").exists()


def test_literal_pathspecs(repo: Path) -> None:
    (repo / "[ab].py").write_text("# brackets are no glob here\n")
    (repo / "a.py").write_text("# would match the glob [ab].py\n")
    assert rels(dirty_files([repo / "[ab].py"]), repo) == ["[ab].py"]


@pytest.mark.parametrize(
    ("output", "paths"),
    [
        pytest.param(b"", [], id="empty"),
        pytest.param(b" M a.py\0?? b c.py\0", ["a.py", "b c.py"], id="modified-untracked"),
        pytest.param(b"R  new.py\0old.py\0 M z.py\0", ["new.py", "old.py", "z.py"], id="rename"),
        pytest.param(b"C  copy.py\0orig.py\0", ["copy.py", "orig.py"], id="copy"),
        pytest.param(b"RM new.py\0old.py\0", ["new.py", "old.py"], id="renamed-then-modified"),
        pytest.param(b"?? caf\xc3\xa9.py\0", ["café.py"], id="utf8-name"),
        pytest.param(b"?? bad\xff.py\0", [os.fsdecode(b"bad\xff.py")], id="undecodable-name"),
        pytest.param(b"A  a -> b.py\0", ["a -> b.py"], id="arrow-in-name"),
    ],
)
def test_parse_status(output: bytes, paths: list[str]) -> None:
    assert parse_status(output) == paths


# --- through `apply`: a dirty file is refused, naming it, unless --allow-dirty -----------------

CLIENT = "from openai import OpenAI\n\nclient = OpenAI()\n"


def apply_in(root: Path, *args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from codemod.cli import main

    old = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["apply", "--yes", "-q", "--jobs", "1", *args, "."], catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with two committed OpenAI files; `edited.py` then gets a change of the user's."""
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q")
    for name in ("committed.py", "edited.py"):
        (root / name).write_text(CLIENT)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial")
    (root / "edited.py").write_text(CLIENT + "print('work in progress')\n")
    (root / "new.py").write_text(CLIENT)
    return root


def test_apply_refuses_a_dirty_tree_and_names_the_files(project: Path) -> None:
    before = {p.name: p.read_bytes() for p in project.glob("*.py")}
    code, err = apply_in(project)
    assert code == 2
    assert err == (
        "lumyx-migrate: error: uncommitted changes in edited.py, new.py; commit or stash them so the "
        "rewrite can be reviewed and undone with git, or pass --allow-dirty\n"
    )
    assert {p.name: p.read_bytes() for p in project.glob("*.py")} == before, "nothing may be written"


def test_apply_allow_dirty_rewrites_everything(project: Path) -> None:
    code, err = apply_in(project, "--allow-dirty")
    assert code == 0, err
    for name in ("committed.py", "edited.py", "new.py"):
        assert b"LUMYX_API_KEY" in (project / name).read_bytes(), name


def test_apply_on_a_clean_tree_needs_no_flag(project: Path) -> None:
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "the user's work")
    code, err = apply_in(project)
    assert code == 0, err
    assert b"LUMYX_API_KEY" in (project / "edited.py").read_bytes()
