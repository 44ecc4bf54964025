"""Bytes to text and back without losing a byte: encoding cookie, BOM, line endings.

Text keeps its original line endings (no newline translation), so every offset maps to the
same characters on the way back. `LineIndex` converts stdlib `ast` positions (1-based lines,
UTF-8 byte columns) to offsets into that text.
"""

from __future__ import annotations

import io
import re
import tokenize
from bisect import bisect_right
from itertools import accumulate

BOM_UTF8 = b"\xef\xbb\xbf"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class DecodeError(Exception):
    """The bytes are not text in the encoding they declare."""


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of Python source bytes, as the interpreter would read them (PEP 263)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        # tokenize's own wording names no line and no remedy; say what is wrong with the file.
        msg = str(exc.msg)
        if msg.startswith("unknown encoding"):
            name = msg.split(":", 1)[1].strip() if ":" in msg else "?"
            raise DecodeError(f"unknown encoding {name!r} in the coding cookie") from exc
        if data.startswith(BOM_UTF8):
            raise DecodeError("starts with a UTF-8 BOM but its coding cookie names another encoding") from exc
        encoding = "utf-8"  # "invalid or missing encoding declaration": bytes not UTF-8, no cookie
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DecodeError(
            f"not valid {encoding} at line {line} (byte {exc.start}); "
            "add a PEP 263 coding cookie or convert the file to UTF-8"
        ) from exc
    except LookupError as exc:  # pragma: no cover - detect_encoding has looked the codec up
        raise DecodeError(f"unknown encoding {encoding!r} in the coding cookie") from exc


def encode(text: str, encoding: str) -> bytes:
    """The bytes for `text` in the file's own encoding (utf-8-sig writes the BOM back)."""
    return text.encode(encoding)


def newline_of(text: str) -> str:
    """The file's first line ending, the one new lines are written with; "\\n" when none."""
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


class LineIndex:
    """Maps (line, utf-8 column) positions of `ast` to character offsets and back."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = _LINE.findall(text)
        # each line's start, and one past the end: a position just after the last line
        self.starts: list[int] = list(accumulate(map(len, self.lines), initial=0))

    def offset(self, lineno: int, col_utf8: int) -> int:
        """Character offset of an `ast` position (1-based line, column in UTF-8 bytes)."""
        start = self.starts[lineno - 1]
        if lineno - 1 >= len(self.lines):
            return start
        line = self.lines[lineno - 1]
        if line.isascii():
            return start + col_utf8
        return start + len(line.encode("utf-8")[:col_utf8].decode("utf-8", "ignore"))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column in characters) of a character offset."""
        index = bisect_right(self.starts, offset) - 1
        index = min(index, max(len(self.lines) - 1, 0))
        return index + 1, offset - self.starts[index] + 1

    def line_start(self, lineno: int) -> int:
        return self.starts[min(lineno - 1, len(self.starts) - 1)]

    def line_text(self, lineno: int) -> str:
        """The line without its ending; "" past the end."""
        if lineno - 1 >= len(self.lines):
            return ""
        return self.lines[lineno - 1].rstrip("\r\n")
