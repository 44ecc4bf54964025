"""Unified diffs that `git apply` accepts: a/ and b/ prefixes, "\\ No newline at end of file",
line endings kept as they are in the file."""

from __future__ import annotations

import difflib
import re

from codemod.types import FileResult

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_NO_EOL = "\\ No newline at end of file\n"


def unified_diff(result: FileResult, *, context: int = 3) -> str:
    """The diff of one changed file; "" when it did not change."""
    if not result.changed or result.old_text is None or result.new_text is None:
        return ""
    old = _LINE.findall(result.old_text)
    new = _LINE.findall(result.new_text)
    path = result.path.replace("\\", "/").lstrip("/")  # absolute paths: as `git diff --no-index`
    out = []
    lines = difflib.unified_diff(old, new, f"a/{path}", f"b/{path}", n=context, lineterm="")
    for index, line in enumerate(lines):
        if index < 2 or line.startswith("@@"):  # file headers and hunk headers
            out.append(line.rstrip("\r\n") + "\n")
        elif line.endswith(("\n", "\r")):
            out.append(line if line.endswith("\n") else line + "\n")
        else:
            out.append(line + "\n" + _NO_EOL)
    return "".join(out)
