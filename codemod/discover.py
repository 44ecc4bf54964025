"""Decide which files a run reads, so that it never strays outside what the user named.

The walk honours excludes and `.gitignore` files (read here, git is never run), never follows a
symlink, and reports instead of skipping silently what a user would want to know about: links
leading outside the given paths, broken links, unreadable folders. In-tree symlinks are aliases:
every file is taken once, at its real location. Output is sorted, so runs are reproducible.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codemod.deploy.kinds import kind_of, maybe_deployment_name
from codemod.gitignore import IgnoreFile, info_exclude, read_patterns, sort_as_paths
from codemod.gitignore import Names as _Names
from codemod.gitstate import repo_root
from codemod.writer import is_temp_name

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".eggs",
    ".direnv",
    "__pypackages__",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".pytype",
    ".ipynb_checkpoints",
    "*.egg-info",
)

# Version-control metadata is never source and must never be written, whatever the excludes say.
_ALWAYS_SKIPPED = frozenset({".git", ".hg", ".svn", ".bzr"})
SOURCE_SUFFIX = (".py", ".ipynb")  # Python modules and Jupyter notebooks

MSG_OUTSIDE = "symlink leads outside the given paths; not followed"
MSG_BROKEN = "broken symlink"
MSG_NOT_REGULAR = "not a regular file; skipped"
MSG_TEMP = "leftover temporary file of an interrupted run; skipped"


@dataclass(frozen=True)
class Discovery:
    """What a walk found: source files to read, and what it could not or would not take.

    `paths`: absolute paths spelled under the given paths (not resolved), sorted, as strings
    (a run may find a great many; `files` makes `Path`s). `problems`: (display path, one-line
    message), sorted. `stale_temps`: temp files a killed run of the writer left behind."""

    paths: list[str]
    problems: list[tuple[str, str]]
    stale_temps: list[Path] = field(default_factory=list)
    excluded: int = 0  # folders and files skipped by the excludes (a folder counts once)
    ignored: int = 0  # ... and by .gitignore files

    @property
    def files(self) -> list[Path]:
        return [Path(path) for path in self.paths]


class PathError(Exception):
    """A path given on the command line does not exist."""


@dataclass(frozen=True)
class _Layer:
    """A pattern set and how to turn a path relative to the walked root into one it expects."""

    spec: IgnoreFile
    prefix: str = ""  # prepended: the root's path relative to the layer's base, "/"-terminated
    strip: int = 0  # characters dropped first: the layer's base relative to the root, plus "/"

    def relative(self, rel: str) -> str:
        return self.prefix + rel[self.strip :]


def display_path(path: str | Path, cwd: Path | None = None) -> str:
    """A path as the user would type it: relative to `cwd` when under it, else absolute."""
    base = os.path.abspath(cwd if cwd is not None else os.getcwd())
    text = os.path.abspath(path)
    if text == base:
        return "."
    if _is_under(text, base):
        return printable(os.path.relpath(text, base))
    return printable(text)


def printable(name: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (kept by Python as surrogates)
    spelled `\\xff`, so that no report, JSON included, carries invalid text."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def _is_under(path: str, directory: str) -> bool:
    if directory == os.sep or directory.endswith(os.sep):
        return path.startswith(directory)
    return path.startswith(directory + os.sep)


def _posix(rel: str) -> str:
    return rel if os.sep == "/" else rel.replace(os.sep, "/")


def _wanted(name: str, rel: str) -> bool:
    """Is a file with this name (at `rel`, "/"-separated under the walked root) read? Python
    modules, notebooks, and environment and deployment files (named like one; any YAML file is
    a Kubernetes candidate, decided later from its text)."""
    if name.endswith(SOURCE_SUFFIX):
        return True
    return maybe_deployment_name(name) and kind_of(rel) is not None


class _Walker:
    def __init__(
        self, cwd: str, excludes: IgnoreFile | None, names: _Names, use_gitignore: bool, real_dirs: list[str], real_files: set[str]
    ) -> None:
        self.cwd = cwd
        self.excludes = excludes
        self.names = names
        self.use_gitignore = use_gitignore
        self.real_dirs = real_dirs
        self.real_files = real_files
        # real path -> logical paths it was found at (overlapping roots find a file twice)
        self.found: dict[str, str | list[tuple[bool, str]]] = {}  # a list: found twice, or by a link
        self.problems: set[tuple[str, str]] = set()
        self.temps: set[str] = set()
        self.excluded = self.ignored = 0  # folders and files skipped, for -v

    def problem(self, path: str, message: str) -> None:
        self.problems.add((display_path(path, Path(self.cwd)), message))

    def take(self, path: str, real: str, *, is_link: bool) -> None:
        seen = self.found.get(real)
        if seen is None and not is_link:
            self.found[real] = path  # the usual case, kept small: one string per file
            return
        earlier = [] if seen is None else [(False, seen)] if isinstance(seen, str) else seen
        self.found[real] = [*earlier, (is_link, path)]

    def inside(self, real: str) -> bool:
        return real in self.real_files or any(
            real == root or _is_under(real, root) for root in self.real_dirs
        )

    def _ancestor_layers(self, root: str, real_root: str) -> list[_Layer]:
        """Layers from above `root` (info/exclude, outer `.gitignore`s) that apply inside it.

        A layer that ignores `root` itself is dropped: a folder the user names explicitly is
        walked, and the patterns that would have hidden it do not hide its content either.
        """
        layers: list[_Layer] = []
        if not self.use_gitignore:
            return layers
        repo = repo_root(real_root)
        if repo is None:
            return layers
        candidates: list[tuple[str, str]] = [(info_exclude(repo), repo)]
        if repo != real_root:
            rel = os.path.relpath(real_root, repo)
            parts = rel.split(os.sep)
            for depth in range(len(parts)):
                base = os.path.join(repo, *parts[:depth])
                candidates.append((os.path.join(base, ".gitignore"), base))
        for pattern_file, base in candidates:
            spec, error = read_patterns(pattern_file)
            if error is not None:
                self.problem(pattern_file, error)
            if spec is None:
                continue
            prefix = "" if base == real_root else _posix(os.path.relpath(real_root, base)) + "/"
            if prefix and spec.ignores(prefix[:-1], True):
                continue
            layers.append(_Layer(spec, prefix))
        return layers

    def _exclude_layers(self, root: str) -> list[_Layer]:
        if self.excludes is None:
            return []
        layers = [_Layer(self.excludes)]
        if root != self.cwd and _is_under(root, self.cwd):
            prefix = _posix(os.path.relpath(root, self.cwd)) + "/"
            if not self.excludes.ignores(prefix[:-1], True):
                layers.append(_Layer(self.excludes, prefix))
        return layers

    def _skipped(
        self, rel: str, is_dir: bool, excludes: list[_Layer], ignores: tuple[_Layer, ...]
    ) -> bool:
        if self.names.match(rel.rpartition("/")[2], is_dir) or any(
            layer.spec.ignores(layer.relative(rel), is_dir) for layer in excludes
        ):
            self.excluded += 1
            return True
        for layer in reversed(ignores):  # the deepest .gitignore decides first
            verdict = layer.spec.verdict(layer.relative(rel), is_dir)
            if verdict is not None:
                self.ignored += verdict
                return verdict
        return False

    def walk(self, root: str) -> None:
        real_root = os.path.realpath(root)
        excludes = self._exclude_layers(root)
        stack: list[tuple[str, str, tuple[_Layer, ...]]] = [(root, "", tuple(self._ancestor_layers(root, real_root)))]

        while stack:
            directory, rel_dir, ignores = stack.pop()
            try:
                with os.scandir(directory) as scan:
                    entries = list(scan)
            except OSError as exc:
                self.problem(directory, f"cannot read directory: {exc.strerror or exc}")
                continue
            if self.use_gitignore:
                for entry in entries:
                    if entry.name == ".gitignore":
                        spec, error = read_patterns(entry.path)
                        if error is not None:
                            self.problem(entry.path, error)
                        if spec is not None:
                            strip = len(rel_dir) + 1 if rel_dir else 0
                            ignores = (*ignores, _Layer(spec, "", strip))
                        break
            for entry in entries:
                name = entry.name
                rel = f"{rel_dir}/{name}" if rel_dir else name
                try:
                    if entry.is_symlink():
                        self._link(entry, rel, excludes, ignores)
                    elif entry.is_dir(follow_symlinks=False):
                        if name not in _ALWAYS_SKIPPED and not self._skipped(rel, True, excludes, ignores):
                            stack.append((entry.path, rel, ignores))
                    elif not _wanted(name, rel):
                        if is_temp_name(name):
                            self.temps.add(entry.path)
                    elif self._skipped(rel, False, excludes, ignores):
                        continue
                    elif entry.is_file(follow_symlinks=False):
                        real = entry.path if real_root == root else os.path.join(real_root, rel)
                        self.take(entry.path, real, is_link=False)
                    else:
                        self.problem(entry.path, MSG_NOT_REGULAR)
                except OSError as exc:
                    self.problem(entry.path, f"cannot read: {exc.strerror or exc}")

    def _link(self, entry: os.DirEntry[str], rel: str, excludes: list[_Layer], ignores: tuple[_Layer, ...]) -> None:
        try:
            is_dir = stat.S_ISDIR(os.stat(entry.path).st_mode)
        except OSError:
            # Editors' lock files (Emacs `.#name.py`) are dangling links by design.
            if entry.name.startswith(".#"):
                return
            if _wanted(entry.name, rel) and not self._skipped(rel, False, excludes, ignores):
                self.problem(entry.path, MSG_BROKEN)
            return
        if not is_dir and not _wanted(entry.name, rel):
            return
        if (is_dir and entry.name in _ALWAYS_SKIPPED) or self._skipped(rel, is_dir, excludes, ignores):
            return
        if not self.inside(os.path.realpath(entry.path)):
            self.problem(entry.path, MSG_OUTSIDE)
        # A link leading inside is an alias: its target is walked at its real location.

    def forced_out(self, path: str) -> bool:
        """--force-exclude: is a file named on the command line excluded, or ignored by git,
        as a walk from the working folder (or from its repository) would find it?"""
        rel = _posix(os.path.relpath(path, self.cwd)) if _is_under(path, self.cwd) else os.path.basename(path)
        parts = rel.split("/")
        for depth, name in enumerate(parts, 1):
            is_dir = depth < len(parts)
            if self.names.match(name, is_dir) or (
                self.excludes is not None and self.excludes.ignores("/".join(parts[:depth]), is_dir)
            ):
                self.excluded += 1
                return True
        return self.use_gitignore and self._gitignored(os.path.realpath(path))

    def _gitignored(self, real: str) -> bool:
        repo = repo_root(os.path.dirname(real))
        if repo is None:
            return False
        parts = _posix(os.path.relpath(real, repo)).split("/")
        spec, _ = read_patterns(info_exclude(repo))
        layers = [_Layer(spec)] if spec is not None else []
        for depth in range(len(parts)):
            here = "/".join(parts[:depth])
            spec, _ = read_patterns(os.path.join(repo, *parts[:depth], ".gitignore"))
            if spec is not None:
                layers.append(_Layer(spec, "", len(here) + 1 if here else 0))
            if self._skipped("/".join(parts[: depth + 1]), depth < len(parts) - 1, [], tuple(layers)):
                return True
        return False

    def explicit_file(self, path: str, force_exclude: bool = False) -> None:
        name = os.path.basename(path)
        if force_exclude and self.forced_out(path):
            return
        if is_temp_name(name):
            self.problem(path, MSG_TEMP)
            return
        try:
            st = os.stat(path)
        except OSError:
            self.problem(path, MSG_BROKEN)
            return
        if not stat.S_ISREG(st.st_mode):
            self.problem(path, MSG_NOT_REGULAR)
            return
        self.take(path, os.path.realpath(path), is_link=os.path.islink(path))

    def result(self) -> Discovery:
        # Each real file once, at a path that is not itself a symlink when there is one.
        chosen = [p if isinstance(p, str) else min(p)[1] for p in self.found.values()]
        self.found = {}
        sort_as_paths(chosen)
        return Discovery(
            paths=chosen,
            problems=sorted(self.problems),
            stale_temps=sorted(Path(t) for t in self.temps),
            excluded=self.excluded,
            ignored=self.ignored,
        )


def discover(
    paths: Sequence[str],
    *,
    exclude: Sequence[str] = (),
    extend_exclude: Sequence[str] = (),
    use_gitignore: bool = True,
    cwd: Path | None = None,
    force_exclude: bool = False,
) -> Discovery:
    """The files under `paths` a run should read (`.py`, `.ipynb`, environment and deployment
    files: see `_wanted`), and the problems met finding them.

    A path may be a directory (walked) or a file (taken whatever its name, even if excluded,
    unless `force_exclude`).
    `exclude` replaces `DEFAULT_EXCLUDES` when non-empty, `extend_exclude` adds to them; both are
    gitignore-style patterns matched against paths relative to each given directory and, when
    that directory lies under `cwd`, relative to `cwd` too. Raises `PathError` when a path
    does not exist, before anything is walked.
    """
    base = os.path.abspath(cwd if cwd is not None else os.getcwd())
    roots: list[str] = []
    for given in paths:
        absolute = os.path.normpath(os.path.join(base, given))
        if not os.path.lexists(absolute):
            raise PathError(f"path does not exist: {given}")
        roots.append(absolute)

    dirs = [root for root in roots if os.path.isdir(root)]
    files = [root for root in roots if root not in dirs]
    names = _Names([*(exclude or DEFAULT_EXCLUDES), *extend_exclude])
    walker = _Walker(
        cwd=base,
        excludes=IgnoreFile(names.rest) or None,
        names=names,
        use_gitignore=use_gitignore,
        real_dirs=sorted({os.path.realpath(root) for root in dirs}),
        real_files={os.path.realpath(root) for root in files if os.path.exists(root)},
    )
    for root in files:
        walker.explicit_file(root, force_exclude)
    for root in sorted(set(dirs)):
        walker.walk(root)
    return walker.result()


def is_excluded(
    path: str, *, exclude: Sequence[str] = (), extend_exclude: Sequence[str] = (), use_gitignore: bool = True
) -> bool:
    """Whether a run given `path` with --force-exclude would skip it (the path need not exist:
    the `--stdin-filename` of source read from stdin)."""
    names = _Names([*(exclude or DEFAULT_EXCLUDES), *extend_exclude])
    cwd = os.path.abspath(os.getcwd())
    walker = _Walker(cwd, IgnoreFile(names.rest) or None, names, use_gitignore, [], set())
    return walker.forced_out(os.path.join(cwd, path))
