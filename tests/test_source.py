"""Bytes to text and back: what the interpreter would read, and every byte of it written back."""

from __future__ import annotations

import ast

import pytest

from codemod.source import DecodeError, LineIndex, decode, encode, newline_of


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        pytest.param(b"x = 1\n", "x = 1\n", "utf-8", id="no cookie is utf-8"),
        pytest.param(b"", "", "utf-8", id="empty file"),
        pytest.param(b'x = "\xc3\xa9"\n', 'x = "\u00e9"\n', "utf-8", id="utf-8 without a cookie"),
        pytest.param(b"\xef\xbb\xbfx = 1\n", "x = 1\n", "utf-8-sig", id="BOM is not part of the text"),
        pytest.param(b"\xef\xbb\xbf", "", "utf-8-sig", id="a BOM alone"),
        pytest.param(
            b'# -*- coding: latin-1 -*-\nx = "\xe9"\n',
            '# -*- coding: latin-1 -*-\nx = "\u00e9"\n',
            "iso-8859-1",
            id="latin-1 cookie",
        ),
        pytest.param(
            b'#!/usr/bin/env python\n# coding: cp1252\nx = "\x80"\n',
            '#!/usr/bin/env python\n# coding: cp1252\nx = "\u20ac"\n',
            "cp1252",
            id="cookie on the second line after a shebang",
        ),
        pytest.param(b"a = 1\r\nb = 2\rc = 3\n", "a = 1\r\nb = 2\rc = 3\n", "utf-8", id="line endings untranslated"),
        pytest.param(b"x = 1", "x = 1", "utf-8", id="no final newline"),
    ],
)
def test_decode(data: bytes, text: str, encoding: str) -> None:
    assert decode(data) == (text, encoding)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbfimport os\r\nx = 1\r\n", id="BOM and CRLF"),
        pytest.param(b'# coding: latin-1\nx = "\xe9\xff"\n', id="latin-1"),
        pytest.param(b"# coding: cp1252\r\nx = '\x80'\r\n", id="cp1252 with CRLF"),
        pytest.param(b"a = 1\nb = 2\r\nc = 3\rd = 4", id="mixed endings, no final newline"),
        pytest.param(b"if x:\n\ty = '\xe2\x82\xac'\n", id="tabs and a 3-byte character"),
    ],
)
def test_decode_then_encode_gives_the_same_bytes(data: bytes) -> None:
    """The write path relies on this: a file nobody edited comes back byte for byte."""
    text, encoding = decode(data)
    assert encode(text, encoding) == data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b"x = 1\n\xff\n",
            "not valid utf-8 at line 2 (byte 6); add a PEP 263 coding cookie or convert the file to UTF-8",
            id="bad byte, no cookie",
        ),
        pytest.param(
            b'x = "\xe9"\n',
            "not valid utf-8 at line 1 (byte 5); add a PEP 263 coding cookie or convert the file to UTF-8",
            id="bad byte on line 1 (where tokenize looks for a cookie)",
        ),
        pytest.param(
            b"# coding: utf-8\nok = 1\n\xc3(\n",
            "not valid utf-8 at line 3 (byte 23); add a PEP 263 coding cookie or convert the file to UTF-8",
            id="bad byte under a utf-8 cookie",
        ),
        pytest.param(b"# coding: klingon\n", "unknown encoding 'klingon' in the coding cookie", id="unknown cookie"),
        pytest.param(
            b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
            "starts with a UTF-8 BOM but its coding cookie names another encoding",
            id="BOM contradicts the cookie",
        ),
    ],
)
def test_decode_errors_say_what_and_where(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(data)
    assert str(caught.value) == message


def test_encode_cannot_write_what_the_encoding_lacks() -> None:
    """The runner turns this into an error for the file instead of writing mojibake."""
    with pytest.raises(UnicodeEncodeError):
        encode("x = '\u20ac'\n", "iso-8859-1")


@pytest.mark.parametrize(
    ("text", "newline"),
    [
        pytest.param("a\r\nb\n", "\r\n", id="first ending wins: CRLF"),
        pytest.param("a\nb\r\n", "\n", id="first ending wins: LF"),
        pytest.param("a\rb", "\r", id="old Mac CR"),
        pytest.param("a = 1", "\n", id="no ending at all"),
    ],
)
def test_newline_of(text: str, newline: str) -> None:
    assert newline_of(text) == newline


TEXT = "import os\r\nname = '\u00e9t\u00e9'; x = 1\nlast = 2"


def test_line_index_splits_on_every_ending_and_keeps_them() -> None:
    index = LineIndex(TEXT)
    assert index.lines == ["import os\r\n", "name = '\u00e9t\u00e9'; x = 1\n", "last = 2"]
    assert index.starts == [0, 11, 31, 39]


def test_line_index_offsets_match_ast_positions() -> None:
    """ast columns count UTF-8 bytes; offsets count characters: each node must land on its text."""
    index = LineIndex(TEXT)
    for node in ast.walk(ast.parse(TEXT)):
        if isinstance(node, ast.Name | ast.Constant):
            assert node.end_lineno is not None and node.end_col_offset is not None
            start = index.offset(node.lineno, node.col_offset)
            end = index.offset(node.end_lineno, node.end_col_offset)
            assert TEXT[start:end] == ast.get_source_segment(TEXT, node)


@pytest.mark.parametrize(
    ("line", "col_utf8", "offset"),
    [
        pytest.param(1, 0, 0, id="start of file"),
        pytest.param(2, 7, 18, id="ascii prefix"),
        pytest.param(2, 18, 27, id="after two 2-byte characters"),
        pytest.param(3, 8, 39, id="end of a last line without newline"),
        pytest.param(4, 0, 39, id="one past the last line"),
    ],
)
def test_line_index_offset(line: int, col_utf8: int, offset: int) -> None:
    assert LineIndex(TEXT).offset(line, col_utf8) == offset


@pytest.mark.parametrize(
    ("offset", "position"),
    [
        pytest.param(0, (1, 1), id="first character"),
        pytest.param(10, (1, 11), id="the LF of a CRLF"),
        pytest.param(11, (2, 1), id="start of line 2"),
        pytest.param(20, (2, 10), id="columns count characters, not bytes"),
        pytest.param(39, (3, 9), id="end of text"),
    ],
)
def test_line_index_position(offset: int, position: tuple[int, int]) -> None:
    assert LineIndex(TEXT).position(offset) == position


def test_line_index_line_text_and_start() -> None:
    index = LineIndex(TEXT)
    assert [index.line_text(n) for n in (1, 2, 3, 4)] == ["import os", "name = '\u00e9t\u00e9'; x = 1", "last = 2", ""]
    assert [index.line_start(n) for n in (1, 2, 3, 4, 9)] == [0, 11, 31, 39, 39]


def test_line_index_of_empty_text() -> None:
    index = LineIndex("")
    assert (index.lines, index.starts) == ([], [0])
    assert index.position(0) == (1, 1)
    assert index.line_text(1) == ""

