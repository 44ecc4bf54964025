"""Unified diffs that `git apply` turns into exactly the bytes `apply` writes.

The diff is made of bytes, old bytes against new bytes, because git reads a patch that way:
lines end at LF only (a CR is content, so a CR-only file is one line), a BOM is part of the
first line, and the text stays in the file's own encoding. a/ and b/ prefixes and
"\\ No newline at end of file" as git writes them. `unified_diff` is the same diff as text, for
the coloured display on a terminal only.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator

from codemod import source
from codemod.types import FileResult

_LINE = re.compile(rb"[^\n]*\n|[^\n]+\Z")
_NO_EOL = b"\\ No newline at end of file\n"


def unified_diff_bytes(result: FileResult, *, context: int = 3) -> bytes:
    """The patch of one changed file, byte for byte what `git apply` needs; b"" when unchanged."""
    return b"".join(line for line, _ in _diff_lines(result, context))


def unified_diff(result: FileResult, *, context: int = 3) -> str:
    """The same diff as text: headers decoded as file names, the rest in the file's encoding."""
    return "".join(
        os.fsdecode(line) if header else line.decode(result.encoding, "replace")
        for line, header in _diff_lines(result, context)
    )


def _diff_lines(result: FileResult, context: int) -> Iterator[tuple[bytes, bool]]:
    """(line, is a header) pairs of the diff, each line with its own ending."""
    if not result.changed or result.old_text is None or result.new_text is None:
        return
    # What is on disk (the runner checks its digest before writing) and what `apply` writes.
    old = source.encode(result.old_text, result.encoding)
    new = result.new_bytes if result.new_bytes is not None else source.encode(result.new_text, result.encoding)
    path = os.fsencode(result.path.replace("\\", "/").lstrip("/"))  # absolute: as `git diff --no-index`
    lines = difflib.diff_bytes(
        difflib.unified_diff, _LINE.findall(old), _LINE.findall(new), b"a/" + path, b"b/" + path, n=context, lineterm=b""
    )
    for index, line in enumerate(lines):
        if index < 2 or line.startswith(b"@@"):  # file headers and hunk headers
            yield line + b"\n", index < 2
        elif line.endswith(b"\n"):
            yield line, False
        else:
            yield line + b"\n" + _NO_EOL, False
