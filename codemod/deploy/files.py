"""One environment or deployment file from bytes to a result, as the runner needs it: decoded as
UTF-8 (a BOM kept), analysed, its findings selected, its fixes spliced in, encoded back.

No Python compile check: the new text is no Python. Fixes are plain INSERT/REPLACE edits at
character offsets, so every byte outside them is kept, line endings included. The real `.env`
never gets a fix, whatever the analysis says. Pure: bytes in, a `FileResult` out (the runner
adds the digest the writer needs).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from codemod import codes
from codemod.deploy import analyse, kind_of
from codemod.rewrite import apply_fixes
from codemod.rules import Rules
from codemod.source import BOM_UTF8
from codemod.types import FileResult, Finding

# LMX901 for a file that is no UTF-8 text; LMX900, found by the scanners for a file that does
# not parse, becomes the file's error here.
CODES = ("LMX900", "LMX901")


def trigger(rules: Rules) -> re.Pattern[bytes]:
    """What a deployment file's bytes must hold to be read further: the longest literal part of
    each OpenAI variable glob of the rules (`OPENAI` for the default ones), in any case. A glob
    without a literal part of 3 characters or more makes every such file worth reading."""
    words = set()
    for glob in (*rules.source.api_key_env, *rules.source.base_url_env):
        word = max(re.split(r"[*?\[\]]", glob), key=len)
        if len(word) < 3:
            return re.compile(b"")
        words.add(word.upper())
    kept = sorted(w for w in words if not any(o != w and o in w for o in words))
    return re.compile("|".join(map(re.escape, kept)).encode(), re.IGNORECASE)


def process(
    display: str,
    data: bytes,
    rules: Rules,
    *,
    project_reads_lumyx: bool,
    fix: bool,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> FileResult:
    """The result for one deployment file at `display` (its name decides its kind)."""
    if b"\0" in data:
        return _undecodable(display, "file contains NUL bytes (binary content?); not a text file")
    encoding = "utf-8-sig" if data.startswith(BOM_UTF8) else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _undecodable(display, f"cannot decode: not valid UTF-8 at line {line} (byte {exc.start})")
    path = display.replace("\\", "/")
    found = analyse(path, text, rules, project_reads_lumyx=project_reads_lumyx)
    if found is None:
        return FileResult(display)
    broken = next((f for f in found if f.code == "LMX900"), None)
    if broken is not None:  # reported whatever --select says, like a module that does not parse
        return FileResult(display, (broken,), error=broken.message)
    if kind_of(path, text) == "env-real":
        found = [dataclasses.replace(f, fix=None) for f in found]
    findings = tuple(f for f in found if codes.select(f.code, select, ignore))
    result = FileResult(display, findings, encoding=encoding)
    if not fix or not any(f.fix for f in findings):
        return result
    new_text = apply_fixes(text, findings)
    if new_text == text:
        return result
    return dataclasses.replace(result, old_text=text, new_text=new_text, new_bytes=new_text.encode(encoding))


def _undecodable(display: str, message: str) -> FileResult:
    return FileResult(display, (Finding("LMX901", message, 1, 1, 1, 1),), error=message)
