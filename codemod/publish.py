"""Where a report goes and what it is measured against: the output file, the repository root,
the source text the `full` format quotes. Shell: it touches the file system."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from codemod import source
from codemod.report import console
from codemod.types import FileResult


def emit(text: str, output: Path | None) -> str | None:
    """Write a report to `output`, else stdout; None, or why the file could not be written."""
    if output is None:
        console.write(text, sys.stdout)
        return None
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"cannot write {output}: {exc.strerror or exc}"
    return None


def repository_root(start: Path) -> Path:
    """The git work tree holding `start` (machine formats give paths relative to it whatever
    the working folder), else `start` itself."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def read_sources(results: Sequence[FileResult], absolute: Mapping[str, Path]) -> dict[str, str]:
    """The text of each file with findings, for the `full` format's snippets; a file that
    cannot be read again is shown without them."""
    texts = {}
    for r in results:
        if not r.findings or r.error is not None or r.path.endswith(".ipynb") or r.path not in absolute:
            continue
        try:
            texts[r.path] = source.decode(absolute[r.path].read_bytes())[0]
        except (OSError, source.DecodeError):
            continue
    return texts


def unknown_suppressions(results: Sequence[FileResult], absolute: Mapping[str, Path]) -> list[str]:
    """A warning for every code a suppression comment names that is no code of the tool
    (`# lumyx: ignore[LMX3O2]` suppresses nothing). Only files with findings are read again:
    a mistyped code leaves its finding reported, so that is where one shows."""
    from codemod import codes
    from codemod.analysis.suppress import listed_codes

    warnings = []
    for r in results:
        if not r.findings or r.error is not None or r.path not in absolute:
            continue
        try:
            text = absolute[r.path].read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        for line, code in listed_codes(text):
            if not codes.known_selector(code):
                warnings.append(
                    f"{r.path}:{line}: warning: unknown code {code!r} in a suppression comment;"
                    " it suppresses nothing (`lumyx-migrate rules` lists the codes)"
                )
    return warnings
