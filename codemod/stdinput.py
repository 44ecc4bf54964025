"""`check -` and `diff -`: source read from stdin, for editors and tools.

`--stdin-filename PATH` names it: the settings governing PATH apply, and so do its excludes
(an excluded PATH is reported on nothing, as with --force-exclude). Nothing is ever written.
"""

from __future__ import annotations

import os
import sys

from codemod.discover import display_path, is_excluded
from codemod.perfile import PerFile, options_of
from codemod.runner import process_data
from codemod.settings import Run
from codemod.types import FileResult

STDIN_NAME = "stdin.py"  # what source from stdin is called without --stdin-filename


def stdin_outcome(run_: Run, *, fix: bool) -> tuple[list[FileResult], int]:
    """The result of the source on stdin, if it has something to say, and the count of clean
    files (0 or 1); raises `ConfigError` or `RulesError`."""
    name = run_.flags.stdin_filename
    absolute = os.path.abspath(name or STDIN_NAME)
    display = display_path(absolute) if name else "-"
    per = PerFile(run_)
    data = sys.stdin.buffer.read()
    if name and (
        is_excluded(name, exclude=run_.exclude, extend_exclude=run_.extend_exclude, use_gitignore=run_.gitignore)
        or per.excluded(absolute)
    ):
        if run_.verbose:
            sys.stderr.write(f"{display}: skipped: excluded\n")
        return [], 0
    result = process_data(data, absolute, display, options_of(per.run_for(absolute), fix=fix))
    noteworthy = result.findings or result.error is not None or result.skipped is not None or result.changed
    if result.error is not None:
        sys.stderr.write(f"{display}: {result.error}\n")
    return ([result], 0) if noteworthy else ([], 1)
