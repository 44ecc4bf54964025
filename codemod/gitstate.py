"""Ask git which files hold uncommitted work, so `apply` never mixes its edits into the user's.

A file the tool rewrites must be one the user can inspect and undo with git alone; a file with
changes of their own would mix both. One `git status` per repository; no git, or no repository,
means there is nothing to protect (None), while a git that fails inside a repository is an error.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

GIT_TIMEOUT_SECONDS = 60.0
_MAX_PATHSPECS = 500  # beyond this, ask about the whole repository and filter here


class GitStateError(Exception):
    """git is there and the paths are in a repository, but git could not say what is dirty."""


def repo_root(directory: str, cache: dict[str, str | None] | None = None) -> str | None:
    """The work-tree root holding `directory`, found as git does: the nearest folder upwards
    holding `.git` (a folder, or a file for work trees and submodules); None outside one.

    `cache` (folder -> answer) spares the walk for the many files of one tree."""
    if cache is None:
        cache = {}
    seen: list[str] = []
    current = directory
    root: str | None = None
    while True:
        if current in cache:
            root = cache[current]
            break
        seen.append(current)
        if os.path.lexists(os.path.join(current, ".git")):
            root = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for folder in seen:
        cache[folder] = root
    return root


def _run_status(root: str, pathspecs: list[str]) -> bytes | None:
    """`git status` of one repository: its raw -z output, or None when it is no repository."""
    import subprocess  # imported here: discovery imports this module, and only `apply` asks git

    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", GIT_LITERAL_PATHSPECS="1")
    command = [
        "git",
        "-C",
        root,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--ignore-submodules=none",
        "--",
        *pathspecs,
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            env=env,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise GitStateError(
            f"git status timed out after {GIT_TIMEOUT_SECONDS:.0f} s in {root}"
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in message:
            return None
        first = message.splitlines()[0] if message else f"exit code {done.returncode}"
        raise GitStateError(f"git status failed in {root}: {first}")
    return done.stdout


def parse_status(output: bytes) -> list[str]:
    """The paths `git status --porcelain=v1 -z` lists, relative to the repository root.

    A rename or copy entry names the new path, then (as its own NUL-terminated field) the old
    one; both are returned.
    """
    paths: list[str] = []
    fields = output.split(b"\0")
    index = 0
    while index < len(fields):
        entry = fields[index]
        index += 1
        if len(entry) < 4:
            continue
        status = entry[:2]
        paths.append(os.fsdecode(entry[3:]))
        if (b"R" in status or b"C" in status) and index < len(fields):
            paths.append(os.fsdecode(fields[index]))
            index += 1
    return paths


def _is_within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def dirty_files(paths: Sequence[Path]) -> set[Path] | None:
    """The files under `paths` with uncommitted changes: modified, staged, untracked, renamed.

    Paths (files or folders) are grouped by repository; each repository gets one `git status`.
    Results are absolute and spelled under the given paths (a path given through a symlink
    yields its files through that symlink), so they compare equal to `discover`'s files.
    None when git is not installed or no path lies in a git work tree. Raises `GitStateError`
    when git fails in a repository (e.g. a repository git refuses as of dubious ownership).
    """
    cache: dict[str, str | None] = {}
    # repository root -> [(logical given path, its real path)]
    by_repo: dict[str, list[tuple[str, str]]] = {}
    for given in paths:
        logical = os.path.abspath(given)
        real = os.path.realpath(logical)
        start = real if os.path.isdir(real) else os.path.dirname(real)
        root = repo_root(start, cache)
        if root is not None:
            by_repo.setdefault(root, []).append((logical, real))
    if not by_repo:
        return None

    dirty: set[Path] = set()
    found_repo = False
    for root, members in sorted(by_repo.items()):
        specs = sorted({os.path.relpath(real, root) for _, real in members})
        if len(specs) > _MAX_PATHSPECS or "." in specs:
            specs = []
        try:
            output = _run_status(root, specs)
        except OSError:
            return None  # no git executable (or one that cannot be run)
        if output is None:
            continue
        found_repo = True
        for rel in parse_status(output):
            real_file = os.path.normpath(os.path.join(root, rel))
            for logical, real in members:
                if _is_within(real_file, real):
                    suffix = os.path.relpath(real_file, real)
                    dirty.add(Path(os.path.normpath(os.path.join(logical, suffix))))
    return dirty if found_repo else None
