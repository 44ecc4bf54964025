"""Plain-text helpers every deployment-file scanner shares: positions, line endings,
suppression comments and the values written for the provider. Pure: strings in, values out."""

from __future__ import annotations

import re
from bisect import bisect_right

from codemod.rules import Rules
from codemod.types import Finding, Fix

_BREAK = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# The same comment the Python analysis honours; here `#` or `//` may open it.
_IGNORE = re.compile(
    r"(?:#|//)\s*lumyx:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\]|(?![\w\[-]))", re.IGNORECASE
)
# What a deployment file calls an environment variable: upper-case words and digits.
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*\Z")


class Lines:
    """Maps character offsets of one text to 1-based (line, column) and finds line ends.
    Lines end at \\r\\n, \\r or \\n, as the file's own line endings say."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        first = _BREAK.search(text)
        self.newline = first.group(0) if first else "\n"

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def start_of(self, line: int) -> int:
        return self.starts[line - 1]

    def end_of(self, line: int) -> int:
        """Offset of the line break ending `line` (len(text) on an unterminated last line)."""
        match = _BREAK.search(self.text, self.starts[line - 1])
        return match.start() if match else len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line - 1] : self.end_of(line)]

    def insert_after(self, line: int, new_line: str) -> tuple[int, str]:
        """(offset, text) that adds `new_line` as a line of its own after `line`, with the
        file's line ending; a last line without one gets one before the new line."""
        end = self.end_of(line)
        if end == len(self.text):
            return end, self.newline + new_line
        match = _BREAK.match(self.text, end)
        assert match is not None
        return match.end(), new_line + self.newline


def ignored(comment: str, code: str) -> bool:
    """Does this comment text (or the rest of a line) hold a suppression covering `code`?"""
    match = _IGNORE.search(comment)
    if match is None:
        return False
    if match.group(1) is None:
        return True
    codes = [c.strip().upper() for c in match.group(1).split(",") if c.strip()]
    return any(code.startswith(c) for c in codes)


def mentions_openai_env(text: str, rules: Rules) -> bool:
    """Cheap first look: does any word of the text name an OpenAI key or base-URL variable?
    Files that do not are never parsed (and so never reported as unparsable)."""
    source = rules.source
    return any(
        source.is_openai_key_env(w) or source.is_openai_base_env(w)
        for w in set(_WORD.findall(text))
    )


def placeholder_key(rules: Rules) -> str:
    """A value that shows the key's shape but is no key: without a digit no key pattern of the
    rules matches it, so LMX501 never fires on what `apply` wrote."""
    return f"{rules.provider.key_prefix}your_key_here"


def finding(
    code: str, message: str, lines: Lines, start: int, end: int, fix: Fix | None = None
) -> Finding:
    line, col = lines.position(start)
    end_line, end_col = lines.position(end)
    return Finding(code, message, line, col, end_line, end_col, fix)
