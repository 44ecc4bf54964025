"""Which files a run reads: excludes, .gitignore, symlinks, odd entries, and determinism."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from codemod.discover import (
    DEFAULT_EXCLUDES,
    MSG_BROKEN,
    MSG_NOT_REGULAR,
    MSG_OUTSIDE,
    MSG_TEMP,
    Discovery,
    PathError,
    discover,
    display_path,
)


def build(root: Path, entries: tuple[str, ...]) -> None:
    """Create a tree. `d/` a folder, `f` a file, `f=text` a file with text (`\\n` escapes),
    `l -> target` a symlink (`{out}` in target: the folder outside the project), `p|fifo`."""
    outside = root.parent / "outside"
    for entry in entries:
        if " -> " in entry:
            name, target = entry.split(" -> ")
            link = root / name
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(target.replace("{out}", str(outside)))
        elif entry.endswith("|fifo"):
            path = root / entry[: -len("|fifo")]
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(path)
        elif entry.endswith("/"):
            (root / entry).mkdir(parents=True, exist_ok=True)
        else:
            name, _, text = entry.partition("=")
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("\\n", "\n") or "x = 1\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "evil.py").write_text("x = 1\n")
    (outside / "pkg" / "mod.py").write_text("x = 1\n")
    return root


def rels(found: Discovery, root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in found.files]


CASES = [
    pytest.param(("a.py", "b.txt", "c.pyi", "d.pyc", "sub/e.py", "sub/deep/f.py"), {},
                 ["a.py", "sub/deep/f.py", "sub/e.py"], [], id="py-files-recursively"),
    pytest.param((*(f"{name}/x.py" for name in DEFAULT_EXCLUDES if "*" not in name),
                  "pkg.egg-info/x.py", "lib/python3.11/site-packages/y.py", "src/venv/z.py",
                  "src/m.py"), {},
                 ["src/m.py"], [], id="default-excludes-at-any-depth"),
    pytest.param(("x.py/inner.py", "x.py/y.py/z.py"), {},
                 ["x.py/inner.py", "x.py/y.py/z.py"], [], id="folder-named-x.py-is-descended"),
    pytest.param(("gen/a.py", "src/gen/b.py", "src/c.py", "build/d.py"),
                 {"extend_exclude": ["gen"]}, ["src/c.py"], [], id="extend-exclude-adds"),
    pytest.param(("only/a.py", "build/b.py", ".venv/c.py", "d.py"),
                 {"exclude": ["only"]}, [".venv/c.py", "build/b.py", "d.py"], [],
                 id="exclude-replaces-defaults"),
    pytest.param((".git/hooks/x.py", ".hg/y.py", "a.py"), {"exclude": ["nothing"]},
                 ["a.py"], [], id="vcs-folders-always-skipped"),
    pytest.param(("top.py", "sub/top.py"), {"extend_exclude": ["/top.py"]},
                 ["sub/top.py"], [], id="anchored-exclude-relative-to-root"),
    pytest.param(("a_pb2.py", "sub/b_pb2.py", "c.py"), {"extend_exclude": ["*_pb2.py"]},
                 ["c.py"], [], id="exclude-glob-on-files"),
    pytest.param(("keep/a.py", "drop/b.py"), {"extend_exclude": ["drop/"]},
                 ["keep/a.py"], [], id="exclude-dir-only-pattern"),
    pytest.param((".gitignore=*.gen.py\\nsecret/\\n", "a.py", "a.gen.py", "secret/s.py",
                  "sub/b.gen.py"), {}, ["a.py"], [], id="root-gitignore"),
    pytest.param((".gitignore=*.gen.py\\n", "sub/.gitignore=!keep.gen.py\\n", "a.gen.py",
                  "sub/keep.gen.py", "sub/drop.gen.py"), {},
                 ["sub/keep.gen.py"], [], id="nested-gitignore-negates-outer"),
    pytest.param(("sub/.gitignore=/only.py\\n", "only.py", "sub/only.py", "sub/deep/only.py"),
                 {}, ["only.py", "sub/deep/only.py"], [],
                 id="nested-gitignore-anchored-to-its-folder"),
    pytest.param(("a/.gitignore=x.py\\n", "a/x.py", "b/x.py"), {}, ["b/x.py"], [],
                 id="nested-gitignore-scoped-to-its-folder"),
    pytest.param((".gitignore=*.gen.py\\nsecret/\\n", "a.gen.py", "secret/s.py", "c.py"),
                 {"use_gitignore": False}, ["a.gen.py", "c.py", "secret/s.py"], [],
                 id="no-gitignore"),
    pytest.param((".gitignore=# only a comment\\n\\n", "a.py"), {}, ["a.py"], [],
                 id="gitignore-with-nothing-in-it"),
    pytest.param((".gitignore=\\n   \\n", "a.py"), {}, ["a.py"], [],
                 id="gitignore-of-blank-lines"),
    pytest.param(("a.py", ".a.py.0123456789ab.lumyx-tmp", "sub/.b.py.abcdefabcdef.lumyx-tmp"),
                 {}, ["a.py"], [], id="writer-temps-never-yielded"),
    pytest.param(("real.py", "alias.py -> real.py", "pkg/m.py", "pkgalias -> pkg"), {},
                 ["pkg/m.py", "real.py"], [], id="inside-links-are-aliases"),
    pytest.param(("loop -> .", "a.py", "sub/up -> .."), {}, ["a.py"], [],
                 id="link-cycles-end"),
    pytest.param(("a.py", "ext -> {out}/pkg", "evil.py -> {out}/evil.py"), {}, ["a.py"],
                 [("ext", MSG_OUTSIDE), ("evil.py", MSG_OUTSIDE)], id="links-leading-outside"),
    pytest.param(("notes.txt -> {out}/evil.py",), {}, [], [],
                 id="outside-link-to-non-source-is-not-noise"),
    pytest.param(("gone.py -> missing.py", "gone.txt -> missing.txt", ".#a.py -> user@host.1"),
                 {}, [], [("gone.py", MSG_BROKEN)], id="broken-links"),
    pytest.param(("build/ext -> {out}/pkg", "venv -> {out}/pkg"), {}, [], [],
                 id="excluded-links-are-not-reported"),
    pytest.param(("pipe.py|fifo", "pipe.txt|fifo", "a.py"), {}, ["a.py"],
                 [("pipe.py", MSG_NOT_REGULAR)], id="fifo-is-never-opened"),
    pytest.param(("src/a.py", "src/gen/b.py"), {"paths": ["src"], "extend_exclude": ["src/gen"]},
                 ["src/a.py"], [], id="exclude-relative-to-cwd"),
    pytest.param(("build/proj/a.py", "build/proj/build/b.py"), {"paths": ["build/proj"]},
                 ["build/proj/a.py"], [], id="named-folder-inside-excluded-is-walked"),
    pytest.param(("build/x.py", "gen.py"), {"paths": ["build/x.py", "gen.py"],
                                          "extend_exclude": ["gen.py"]},
                 ["build/x.py", "gen.py"], [], id="named-files-taken-even-if-excluded"),
    pytest.param(("bin/tool",), {"paths": ["bin/tool"]}, ["bin/tool"], [],
                 id="named-file-of-any-name"),
    pytest.param(("src/a.py", "src/b.py"), {"paths": [".", "src", "src/a.py", "./src/../src"]},
                 ["src/a.py", "src/b.py"], [], id="overlapping-paths-give-each-file-once"),
    pytest.param(("real.py", "alias.py -> real.py"), {"paths": ["alias.py"]}, ["alias.py"], [],
                 id="named-link-taken-as-named"),
    pytest.param(("real.py", "alias.py -> real.py"), {"paths": ["alias.py", "."]},
                 ["real.py"], [], id="named-link-and-its-target-once"),
    pytest.param(("a.py",), {"paths": ["{out}/pkg"]}, ["../outside/pkg/mod.py"], [],
                 id="path-outside-cwd"),
    pytest.param(("gone.py -> missing.py",), {"paths": ["gone.py"]}, [],
                 [("gone.py", MSG_BROKEN)], id="named-broken-link"),
    pytest.param(("p.py|fifo",), {"paths": ["p.py"]}, [], [("p.py", MSG_NOT_REGULAR)],
                 id="named-fifo"),
    pytest.param((".a.py.0123456789ab.lumyx-tmp",), {"paths": [".a.py.0123456789ab.lumyx-tmp"]},
                 [], [(".a.py.0123456789ab.lumyx-tmp", MSG_TEMP)], id="named-temp-file"),
    pytest.param(("linked -> {out}/pkg",), {"paths": ["linked"]}, ["linked/mod.py"], [],
                 id="named-link-to-folder-is-walked"),
    # environment templates and deployment files (issue 12), by name
    pytest.param((".env.example", ".env.sample", "prod.env", ".github/workflows/ci.yml",
                  "docker-compose.yml", "compose.yaml", "k8s/deploy.yaml", "infra/main.bicep",
                  "infra/main.tf", "infra/prod.tfvars", "azuredeploy.json",
                  "app.parameters.json", "nb.ipynb"), {},
                 [".env.example", ".env.sample", ".github/workflows/ci.yml", "app.parameters.json",
                  "azuredeploy.json", "compose.yaml", "docker-compose.yml", "infra/main.bicep",
                  "infra/main.tf", "infra/prod.tfvars", "k8s/deploy.yaml", "nb.ipynb", "prod.env"],
                 [], id="deployment-and-env-files-by-name"),
    pytest.param(("package.json", "config.json", "notes.txt", "env.py", ".env.py", "Dockerfile",
                  "environment.md", "a.py"), {}, [".env.py", "a.py", "env.py"], [],
                 id="other-names-are-not-deployment-files"),
    pytest.param((".gitignore=.env\n", ".env", ".env.example", "a.py"), {},
                 [".env.example", "a.py"], [], id="gitignored-env-is-not-read"),
    pytest.param((".gitignore=.env\n", ".env"), {"use_gitignore": False}, [".env"], [],
                 id="env-read-without-gitignore"),
    pytest.param(("node_modules/x/.env.example", "ci/.github/workflows/ci.yml", "build/compose.yaml"),
                 {"extend_exclude": ["ci"]}, [], [], id="deployment-files-excluded-like-the-rest"),
    pytest.param((".env.example -> missing",), {}, [], [(".env.example", MSG_BROKEN)],
                 id="broken-link-to-an-env-template"),
    pytest.param(("deploy/values.yaml",), {"paths": ["deploy/values.yaml"]},
                 ["deploy/values.yaml"], [], id="named-deployment-file"),
]  # fmt: skip


@pytest.mark.parametrize(("entries", "options", "files", "problems"), CASES)
def test_discover(
    project: Path,
    entries: tuple[str, ...],
    options: dict[str, object],
    files: list[str],
    problems: list[tuple[str, str]],
) -> None:
    build(project, entries)
    outside = str(project.parent / "outside")
    paths = [str(p).replace("{out}", outside) for p in options.pop("paths", ["."])]  # type: ignore[attr-defined]
    found = discover(paths, cwd=project, **options)  # type: ignore[arg-type]
    expected = [os.path.normpath(project / f) for f in files]
    assert [str(p) for p in found.files] == expected
    assert found.problems == sorted(problems)
    assert all(p.is_absolute() for p in found.files)


def test_nonexistent_path_raises_before_walking(project: Path) -> None:
    build(project, ("a.py",))
    with pytest.raises(PathError, match=r"^path does not exist: nope/x\.py$"):
        discover([".", "nope/x.py"], cwd=project)


def test_relative_paths_resolve_against_cwd(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project, ("src/a.py",))
    monkeypatch.chdir(project / "src")
    found = discover(["."])
    assert found.files == [project / "src" / "a.py"]


def test_stale_temps_are_collected(project: Path) -> None:
    build(project, ("a.py", ".a.py.0123456789ab.lumyx-tmp", "build/.b.py.0123456789ab.lumyx-tmp"))
    found = discover(["."], cwd=project)
    assert found.stale_temps == [project / ".a.py.0123456789ab.lumyx-tmp"]


def git_repo(root: Path) -> None:
    (root / ".git" / "info").mkdir(parents=True)


def test_info_exclude_of_the_repository(project: Path) -> None:
    git_repo(project)
    (project / ".git" / "info" / "exclude").write_text("local_*.py\n")
    build(project, ("local_x.py", "sub/local_y.py", "a.py"))
    assert rels(discover(["."], cwd=project), project) == ["a.py"]


def test_info_exclude_of_a_linked_worktree(project: Path, tmp_path: Path) -> None:
    main = tmp_path / "main-repo" / ".git"
    (main / "info").mkdir(parents=True)
    (main / "info" / "exclude").write_text("local_*.py\n")
    worktree_git = main / "worktrees" / "wt"
    worktree_git.mkdir(parents=True)
    (worktree_git / "commondir").write_text("../..\n")
    (project / ".git").write_text(f"gitdir: {worktree_git}\n")
    build(project, ("local_x.py", "a.py"))
    assert rels(discover(["."], cwd=project), project) == ["a.py"]


@pytest.mark.parametrize(
    ("dot_git", "gitdir"),
    [
        pytest.param("gitdir: ../modules/sub\n", "modules/sub",
                     id="submodule: gitdir without commondir"),
        pytest.param("not a gitdir line\n", None, id="a .git file of another kind"),
    ],
)  # fmt: skip
def test_info_exclude_of_a_git_file_repository(
    tmp_path: Path, dot_git: str, gitdir: str | None
) -> None:
    """A `.git` file points at the git folder (its `info/exclude` applies) when it says
    `gitdir:`; otherwise `info/exclude` is looked for under the `.git` file and not found."""
    work = tmp_path / "super" / "sub"
    work.mkdir(parents=True)
    if gitdir is not None:
        (tmp_path / "super" / gitdir / "info").mkdir(parents=True)
        (tmp_path / "super" / gitdir / "info" / "exclude").write_text("local_*.py\n")
    (work / ".git").write_text(dot_git)
    build(work, ("local_x.py", "a.py"))
    expected = ["a.py"] if gitdir is not None else ["a.py", "local_x.py"]
    assert rels(discover(["."], cwd=work), work) == expected


def test_root_folder_as_cwd_shows_paths_without_a_leading_slash(tmp_path: Path) -> None:
    assert display_path(tmp_path / "a.py", Path(os.sep)) == str(tmp_path / "a.py").lstrip(os.sep)


def test_gitignore_above_the_named_folder_applies_inside_the_repo(project: Path) -> None:
    git_repo(project)
    build(project, (".gitignore=*_gen.py\\n", "pkg/sub/.gitignore=local.py\\n",
                    "pkg/sub/a_gen.py", "pkg/sub/local.py", "pkg/sub/b.py"))  # fmt: skip
    found = discover(["pkg/sub"], cwd=project)
    assert rels(found, project) == ["pkg/sub/b.py"]


def test_gitignore_above_the_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.py\n")
    repo = tmp_path / "repo"
    git_repo(repo)
    build(repo, ("a.py",))
    assert rels(discover(["."], cwd=repo), repo) == ["a.py"]


def test_gitignore_that_ignores_the_named_folder_does_not_hide_its_content(project: Path) -> None:
    git_repo(project)
    build(project, (".gitignore=generated/\\n", "generated/a.py", "b.py"))
    assert rels(discover(["."], cwd=project), project) == ["b.py"]
    assert rels(discover(["generated"], cwd=project), project) == ["generated/a.py"]


def test_unreadable_folder_is_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project, ("a.py", "locked/b.py", "open/c.py"))
    real_scandir = os.scandir
    locked = str(project / "locked")

    def scandir(path: str) -> object:
        if path == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr("codemod.discover.os.scandir", scandir)
    found = discover(["."], cwd=project)
    assert rels(found, project) == ["a.py", "open/c.py"]
    assert found.problems == [("locked", "cannot read directory: Permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_folder_for_real(project: Path) -> None:
    build(project, ("a.py", "locked/b.py"))
    (project / "locked").chmod(0)
    try:
        found = discover(["."], cwd=project)
    finally:
        (project / "locked").chmod(0o755)
    assert found.problems == [("locked", "cannot read directory: Permission denied")]


def test_unreadable_gitignore_is_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project, (".gitignore=*.gen.py\\n", "a.py", "a.gen.py"))
    real_open = open
    target = str(project / ".gitignore")

    def guarded_open(file: str, *args: object, **kwargs: object) -> object:
        if file == target:
            raise PermissionError(13, "Permission denied", file)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", guarded_open)
    found = discover(["."], cwd=project)
    assert found.problems == [(".gitignore", "cannot read ignore file: Permission denied")]


def test_gitignore_that_is_a_fifo_is_not_opened(project: Path) -> None:
    build(project, (".gitignore|fifo", "a.py"))
    assert rels(discover(["."], cwd=project), project) == ["a.py"]


def test_output_is_deterministic_whatever_the_creation_order(tmp_path: Path) -> None:
    names = [f"d{i % 7}/s{i % 3}/m{i}.py" for i in range(60)] + ["a.py", "a-b.py", "a/b.py"]
    results = []
    for attempt in range(3):
        root = tmp_path / f"run{attempt}"
        root.mkdir()
        shuffled = names[:]
        random.Random(attempt).shuffle(shuffled)
        build(root, tuple(shuffled))
        found = discover(["."], cwd=root)
        assert found.files == sorted(found.files)
        results.append(rels(found, root))
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == len(names)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("proj", ".", id="cwd-itself"),
        pytest.param("proj/a/b.py", "a/b.py", id="under-cwd"),
        pytest.param("projx/b.py", "{tmp}/projx/b.py", id="sibling-with-common-prefix"),
        pytest.param("other/b.py", "{tmp}/other/b.py", id="outside-cwd"),
    ],
)
def test_display_path(tmp_path: Path, path: str, expected: str) -> None:
    shown = display_path(tmp_path / path, tmp_path / "proj")
    assert shown == expected.replace("{tmp}", str(tmp_path))


def test_wide_tree_keeps_python_files_only(tmp_path: Path) -> None:
    """100 packages: only .py files, minus the ones .gitignore names, none under node_modules
    (a default exclude). `make bench` times the same walk at 10,000 files; no test times it."""
    root = tmp_path / "big"
    for d in range(100):
        folder = root / f"pkg{d}" / "sub"
        folder.mkdir(parents=True)
        for f in range(5):
            (folder / f"m{f}.py").write_bytes(b"")
            (folder.parent / f"data{f}.json").write_bytes(b"")
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "vendored.py").write_bytes(b"")
    (root / ".gitignore").write_text("*.json\n__pycache__/\nm4.py\n")
    found = discover(["."], cwd=root)
    expected = sorted(root / f"pkg{d}" / "sub" / f"m{f}.py" for d in range(100) for f in range(4))
    assert found.files == expected
    assert found.problems == []
