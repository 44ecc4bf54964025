"""What is left after `apply`, at its place in the files as written.

The rewrite moves lines (a client call gains arguments, `import os` is added), so positions from
the analysis before it would point at the wrong place. The written files are analysed again,
which gives exact positions; a finding the rewrite removed from the source but that still needs
a person (a hardcoded key replaced by the env read still has to be rotated) is kept, placed on
the line of the rewritten code that replaced its line.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path

from codemod.options import Options
from codemod.pool import run
from codemod.settings import Run
from codemod.types import FileResult, Finding


def as_written(
    results: Sequence[FileResult], absolute: Mapping[str, Path], run_: Run, written: Sequence[FileResult]
) -> list[FileResult]:
    """`results` with each written file's findings as they are in the file now."""
    if not written:
        return list(results)
    opts = Options(
        rules=run_.rules,
        select=run_.select,
        ignore=run_.ignore,
        line_length=run_.line_length,
        include_generated=run_.include_generated,
    )
    pairs = [(absolute[r.path], r.path) for r in written]
    fresh = {r.path: r for r in run(pairs, opts, jobs=run_.jobs)}
    out = []
    for r in results:
        now = fresh.get(r.path)
        if now is None:
            out.append(r)
            continue
        kept = removed_but_left(r, now)
        out.append(dataclasses.replace(now, findings=(*now.findings, *kept), old_text=r.old_text, new_text=r.new_text))
    return out


def removed_but_left(before: FileResult, now: FileResult) -> tuple[Finding, ...]:
    """Findings no fix covered that the new text no longer shows, moved to the new lines."""
    present = {(f.code, f.message) for f in now.findings}
    gone = [f for f in before.findings if f.fix is None and (f.code, f.message) not in present]
    if not gone or before.old_text is None or before.new_text is None or any(f.cell for f in gone):
        return tuple(gone)
    opcodes = difflib.SequenceMatcher(
        None, before.old_text.splitlines(), before.new_text.splitlines(), autojunk=False
    ).get_opcodes()
    return tuple(_moved(f, opcodes) for f in gone)


def _moved(f: Finding, opcodes: Sequence[tuple[str, int, int, int, int]]) -> Finding:
    """The finding on the line that holds its old line now: the same line shifted when it did
    not change, else the first line of the code that replaced it."""
    old = f.line - 1
    for tag, i1, i2, j1, _ in opcodes:
        if i1 <= old < i2 or (i1 == i2 == old):
            if tag == "equal":
                shift = j1 - i1
                return dataclasses.replace(f, line=f.line + shift, end_line=f.end_line + shift)
            return dataclasses.replace(f, line=j1 + 1, col=1, end_line=j1 + 1, end_col=1)
    return f
