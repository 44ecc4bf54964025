"""What every report format shares: the context, the order of findings, paths and levels."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from codemod import codes
from codemod.rules import Rules
from codemod.types import FileResult, Finding

if TYPE_CHECKING:
    from codemod.analysis.facts import ClientRecord

FIX_MARKER = "[*]"  # marks a finding `apply` fixes


@dataclass(frozen=True)
class ReportContext:
    """What a report needs besides the results.

    `root` is the repository root: SARIF and JSON give paths relative to it where possible.
    `rules` are the run's rules, whose facts the code documentation (SARIF help) states;
    None means the default rules. `color` colours the text format for a terminal; `sources`
    holds the text of each file (by display path) that the `full` format quotes; `clients` the
    decision the project view made for each client (the markdown report's table).
    """

    root: Path
    tool_version: str
    statistics: bool = False
    rules: Rules | None = None
    color: bool = False
    sources: Mapping[str, str] = field(default_factory=dict)
    clients: Sequence[ClientRecord] = ()


def finding_key(f: Finding) -> tuple[int, int, int, int, int, str, str]:
    return (f.cell or 0, f.line, f.col, f.end_line, f.end_col, f.code, f.message)


def where(f: Finding) -> str:
    """`line:col`, or ruff's `cell N:line:col` for a finding in a notebook."""
    line, col, _, _ = span(f)
    return f"cell {f.cell}:{line}:{col}" if f.cell is not None else f"{line}:{col}"


def ordered(results: Sequence[FileResult]) -> list[FileResult]:
    """Results sorted by path (stable for equal paths)."""
    return sorted(results, key=lambda r: r.path)


def ordered_findings(results: Sequence[FileResult]) -> list[tuple[FileResult, Finding]]:
    """Every finding with its file, sorted by path, then position, then code."""
    return [(r, f) for r in ordered(results) for f in sorted(r.findings, key=finding_key)]


def relative_to_root(path: str, root: Path) -> PurePosixPath | None:
    """`path` (absolute, or relative to the working directory) relative to `root`, or None
    when it is not under `root`. Symlinks are resolved only when the plain paths disagree."""
    for resolve in (False, True):
        p = Path(path)
        r = root
        if resolve:
            try:
                p, r = p.resolve(), r.resolve()
            except OSError:
                return None
        else:
            p, r = Path(os.path.abspath(p)), Path(os.path.abspath(r))
        try:
            return PurePosixPath(p.relative_to(r).as_posix())
        except ValueError:
            continue
    return None


def root_relative(path: str, root: Path) -> str:
    """The path to show where paths must be relative to the repository root: relative with
    forward slashes when under `root`, else the absolute path."""
    rel = relative_to_root(path, root)
    return str(rel) if rel is not None else os.path.abspath(path)


def severity(code: str) -> str:
    """The code's severity, "error" or "warning"; an unknown code is an error."""
    info = codes.CODES.get(code)
    return info.severity if info is not None else "error"


def name_of(code: str) -> str:
    """The code's kebab-case name; empty for a code the index does not know."""
    info = codes.CODES.get(code)
    return info.name if info is not None else ""


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def cell_message(f: Finding) -> str:
    """The message, led by its notebook cell where the format's own positions are file lines."""
    return f"cell {f.cell}, line {max(f.line, 1)}: {f.message}" if f.cell is not None else f.message


def span(f: Finding) -> tuple[int, int, int, int]:
    """(line, col, end_line, end_col), clamped to 1-based and end not before start."""
    line, col = max(f.line, 1), max(f.col, 1)
    end_line, end_col = max(f.end_line, 1), max(f.end_col, 1)
    if (end_line, end_col) < (line, col):
        end_line, end_col = line, col
    return line, col, end_line, end_col
