"""Gitignore patterns matched as git matches them, one path at a time.

pathspec answers for files: its patterns also match everything under a folder they match, and
it reads `plugins/**/` as `plugins/` itself, so a negation such as `!plugins/godcmd` under it
never re-includes what git re-includes. Here a pattern matches a path only when git's
wildmatch would match that very path (a folder is asked about before its content is walked,
which is git's rule that a file inside an excluded folder cannot be re-included).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    text: str


def _class(pat: str, start: int) -> tuple[str, int] | None:
    """A `[...]` bracket expression at `start` as a regex class (never matching "/"), and the
    index after it; None when it is not closed (then "[" is literal)."""
    i = start + 1
    negate = i < len(pat) and pat[i] in "!^"
    i += negate
    body: list[str] = []
    first = True
    while i < len(pat):
        c = pat[i]
        if c == "]" and not first:
            inner = "".join(body)
            return (f"[^/{inner}]" if negate else f"(?!/)[{inner}]"), i + 1
        if c == "\\" and i + 1 < len(pat):
            body.append(re.escape(pat[i + 1]))
            i += 2
        else:
            body.append("-" if c == "-" else re.escape(c))
            i += 1
        first = False
    return None


def translate(pat: str) -> str:
    """The regex (to be full-matched) of a pattern already stripped of `!` and trailing "/"."""
    anchored = "/" in pat
    pat = pat[1:] if pat.startswith("/") else pat
    out, i, n = ["" if anchored else "(?:.*/)?"], 0, len(pat)
    while i < n:
        c = pat[i]
        if c == "*":
            j = i
            while j < n and pat[j] == "*":
                j += 1
            whole = j - i >= 2 and (i == 0 or pat[i - 1] == "/") and (j == n or pat[j] == "/")
            if whole and j == n:
                out.append(".*")  # `a/**`: everything inside a, `**`: everything
            elif whole:
                out.append("(?:.*/)?")  # `**/`: zero or more folders
                j += 1
            else:
                out.append("[^/]*")
            i = j
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (found := _class(pat, i)) is not None:
            out.append(found[0])
            i = found[1]
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pat[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def parse(line: str) -> Pattern | None:
    """One line of an ignore file; None for blank lines and comments."""
    line = line.rstrip("\r")
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "  # an escaped trailing space is kept
    if not stripped or stripped.startswith("#"):
        return None
    negated = stripped.startswith("!")
    body = stripped[1:] if negated else stripped
    dir_only = body.endswith("/")
    body = body.rstrip("/") if dir_only else body
    if not body:
        return None
    try:
        regex = re.compile(translate(body), re.DOTALL)
    except re.error:
        return None  # git ignores a pattern it cannot use; so do we
    return Pattern(regex, negated, dir_only, stripped)


class IgnoreFile:
    """The patterns of one ignore file (or one list of excludes), relative to its folder."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.patterns = [p for p in map(parse, lines) if p is not None]

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def verdict(self, path: str, is_dir: bool) -> bool | None:
        """True when the last pattern matching `path` ("/"-separated, relative, no trailing
        "/") ignores it, False when it re-includes it, None when none matches."""
        for pattern in reversed(self.patterns):
            if (is_dir or not pattern.dir_only) and pattern.regex.fullmatch(path):
                return not pattern.negated
        return None

    def ignores(self, path: str, is_dir: bool) -> bool:
        return bool(self.verdict(path, is_dir))


def read_patterns(path: str) -> tuple[IgnoreFile | None, str | None]:
    """The patterns of an ignore file, and a one-line error when it exists but cannot be read."""
    if not os.path.isfile(path):  # missing, or a FIFO that would block the run
        return None, None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return None, f"cannot read ignore file: {exc.strerror or exc}"
    lines = data.decode("utf-8", "surrogateescape").splitlines()
    if not any(line.strip() for line in lines):
        return None, None
    spec = IgnoreFile(lines)
    return (spec or None), None


def info_exclude(repo: str) -> str:
    git = os.path.join(repo, ".git")
    if os.path.isfile(git):  # a linked work tree or submodule: "gitdir: <path>"
        try:
            with open(git, encoding="utf-8", errors="surrogateescape") as handle:
                first = handle.readline().strip()
        except OSError:
            return os.path.join(git, "info", "exclude")
        if first.startswith("gitdir:"):
            git = os.path.join(repo, first[len("gitdir:") :].strip())
            common = os.path.join(git, "commondir")
            try:
                with open(common, encoding="utf-8", errors="surrogateescape") as handle:
                    git = os.path.join(git, handle.readline().strip())
            except OSError:
                pass
    return os.path.join(git, "info", "exclude")


def matches_path(spec: IgnoreFile, rel: str) -> bool:
    """Whether `spec` ignores the file at `rel` or one of the folders holding it."""
    parts = rel.split("/")
    return any(spec.ignores("/".join(parts[:depth]), depth < len(parts)) for depth in range(1, len(parts) + 1))


class Names:
    """Exclude patterns that name a file or folder anywhere (`build`, `*.egg-info`, `dist/`),
    matched against a name alone; `rest` keeps the others for pathspec. Split only when no
    pattern negates: then a path is excluded when any pattern matches it."""

    _SIMPLE = re.compile(r"[^/!#\\\[\s][^/\\\[\s]*/?")

    def __init__(self, patterns: Sequence[str]) -> None:
        lines = [p for p in patterns if p.strip()]
        ok = not any(p.startswith("!") for p in lines)
        simple = [p for p in lines if ok and self._SIMPLE.fullmatch(p) and "**" not in p and p not in (".", "..")]
        self.rest = [p for p in lines if p not in simple]
        globs = ([p for p in simple if not p.endswith("/")], [p[:-1] for p in simple if p.endswith("/")])
        self.any_kind, self.dirs_only = (re.compile("|".join(map(fnmatch.translate, g)) or "(?!)") for g in globs)

    def match(self, name: str, is_dir: bool) -> bool:
        return self.any_kind.match(name) is not None or (is_dir and self.dirs_only.match(name) is not None)


def sort_as_paths(paths: list[str]) -> None:
    """Sort in the order of sorted `Path`s (a separator before any character), in place: each
    string is swapped for its sort key and back, never a key list of every path at once (the
    peak memory of a walk of many files). No path holds a NUL character."""
    for i, path in enumerate(paths):
        paths[i] = path.replace(os.sep, "\0")
    paths.sort()
    for i, key in enumerate(paths):
        paths[i] = key.replace("\0", os.sep)
