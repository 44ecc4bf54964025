"""Jupyter notebooks as one Python module, and back, changing only the `source` of changed cells.

Every code cell is analysed as part of one module (imports in cell 1 reach cell 5), as ruff does.
IPython magics and shell lines (`%pip`, `!ls`, `x = !ls`, `%%time`) are not Python: each such
line becomes a `pass` statement that names its place, so the module parses, positions stay on
the same line, and the original line comes back verbatim when the module is split again. A cell
that starts with a cell magic other than the Python-bodied ones (`%%time`, `%%capture`, ...) is
left out of the module entirely.

Writing back edits the raw JSON text at the exact span of each changed cell's `source` value, so
outputs, metadata, key order, indentation and the final newline stay byte for byte; a notebook
with no change is not rewritten at all. Pure: no disk, no printing, no nbformat (tests validate
with it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

SUPPORTED_MAJOR = 4
# Cell magics whose body is Python run as usual: the body is analysed, the first line kept.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "pypy"})
_MAGIC_LINE = re.compile(r"^[ \t]*(?:[%!?]|[A-Za-z_][\w.]*[ \t]*=[ \t]*[%!])|^[^#'\"]*\?\??[ \t]*$")
_PLACEHOLDER = "pass  # lumyx-migrate: notebook line {n}"
_PLACEHOLDER_RX = re.compile(r"^([ \t]*)pass  # lumyx-migrate: notebook line (\d+)\r?\n?$")
_BOUNDARY = "# lumyx-migrate: cell {n}"
_BOUNDARY_RX = re.compile(r"^# lumyx-migrate: cell (\d+)\r?\n?$")


class NotebookError(ValueError):
    """A notebook this tool cannot handle; the message is one line saying why."""


@dataclass(frozen=True)
class Cell:
    """A code cell: its index among all cells, its source text, and the raw JSON span of it."""

    index: int
    source: str
    span: tuple[int, int]  # [start, end) of the `source` value in the raw JSON text
    is_list: bool  # source stored as a list of lines (nbformat's usual form) or one string


@dataclass(frozen=True)
class Notebook:
    """A parsed notebook: its raw text, its code cells and the module built from them."""

    raw: str
    cells: tuple[Cell, ...]
    module: str  # the Python module the analysis sees
    line_map: tuple[tuple[int, int], ...]  # module line (0-based) -> (cell index, cell line 1-based)
    hidden: tuple[str, ...]  # original text of each line replaced by a placeholder
    open_ended: frozenset[int]  # cells whose last line had no newline (the module added one)

    def position(self, line: int) -> tuple[int, int] | None:
        """The (cell number, line in cell) of a 1-based module line; cells count from 1 as
        Jupyter shows them. None for the lines this module adds between cells."""
        if not 1 <= line <= len(self.line_map):
            return None
        cell, cell_line = self.line_map[line - 1]
        return (cell + 1, cell_line) if cell >= 0 else None

    def rebuild(self, new_module: str) -> str:
        """The notebook's JSON text with the cells changed in `new_module`; every other byte kept.

        Raises NotebookError when the module's cell markers were disturbed (never by a rewrite
        that only edits inside statements)."""
        sources = _split_module(new_module, self.hidden, self.open_ended)
        out: list[str] = []
        last = 0
        by_index = {cell.index: cell for cell in self.cells}
        for index, cell in sorted(by_index.items()):
            new_source = sources.get(index)
            if new_source is None:
                raise NotebookError(f"cell {index + 1} is missing from the rewritten module")
            if new_source == cell.source:
                continue
            start, end = cell.span
            out.append(self.raw[last:start])
            out.append(_encode_source(new_source, self.raw, cell))
            last = end
        out.append(self.raw[last:])
        return "".join(out)


def parse(raw: str) -> Notebook:
    """Read a notebook's JSON text. NotebookError for broken JSON, another nbformat major
    version, or a shape that is not a notebook."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a Jupyter notebook (no 'cells' list)")
    major = data.get("nbformat")
    if major != SUPPORTED_MAJOR:
        raise NotebookError(f"nbformat {major} notebooks are not supported (only nbformat {SUPPORTED_MAJOR})")
    spans = _source_spans(raw)
    cells = []
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            text, is_list = "".join(source), True
        elif isinstance(source, str):
            text, is_list = source, False
        else:
            raise NotebookError(f"cell {index + 1}: 'source' is neither a string nor a list of strings")
        if index not in spans:
            raise NotebookError(f"cell {index + 1}: has no 'source' key")
        cells.append(Cell(index, text, spans[index], is_list))
    module, line_map, hidden = _module_of(cells)
    open_ended = frozenset(c.index for c in cells if c.source and not c.source.endswith(("\n", "\r")))
    return Notebook(raw, tuple(cells), module, line_map, hidden, open_ended)


# --- the module -------------------------------------------------------------------------------


def _module_of(cells: list[Cell]) -> tuple[str, tuple[tuple[int, int], ...], tuple[str, ...]]:
    parts: list[str] = []
    line_map: list[tuple[int, int]] = []
    hidden: list[str] = []
    for cell in cells:
        parts.append(_BOUNDARY.format(n=cell.index) + "\n")
        line_map.append((-1, 0))
        lines = cell.source.splitlines(keepends=True)
        skip_cell = bool(lines) and _foreign_cell_magic(lines[0])
        for number, line in enumerate(lines, start=1):
            if not line.endswith(("\n", "\r")):
                line += "\n"
            if skip_cell or (number == 1 and line.startswith("%%")) or _is_magic(line, number, lines):
                indent = line[: len(line) - len(line.lstrip(" \t"))] if not skip_cell else ""
                parts.append(indent + _PLACEHOLDER.format(n=len(hidden)) + "\n")
                hidden.append(line)
            else:
                parts.append(line)
            line_map.append((cell.index, number))
    return "".join(parts), tuple(line_map), tuple(hidden)


def _foreign_cell_magic(first: str) -> bool:
    """A cell magic whose body is not Python (`%%bash`, `%%writefile x.py`, `%%html`)."""
    if not first.startswith("%%"):
        return False
    name = first[2:].split(None, 1)[0] if first[2:].strip() else ""
    return name not in PYTHON_CELL_MAGICS


def _is_magic(line: str, number: int, lines: list[str]) -> bool:
    """An IPython line (magic, shell escape, help query) rather than Python. A line continuing
    a previous one (after a backslash or inside brackets) is never a magic."""
    if number > 1 and lines[number - 2].rstrip("\r\n").endswith("\\"):
        return False
    return _MAGIC_LINE.match(line) is not None and not _is_python(line)


def _is_python(line: str) -> bool:
    """`x = 5 % 3` and `a != b` look like magics to a regex; a line that compiles is Python."""
    stripped = line.strip()
    if stripped.startswith(("%", "!", "?")):
        return False
    try:
        compile(stripped, "<cell>", "exec")
    except SyntaxError:
        return False
    return True


def _split_module(module: str, hidden: tuple[str, ...], open_ended: frozenset[int]) -> dict[int, str]:
    """Cell index -> source, from a (possibly rewritten) module; placeholders restored."""
    sources: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in module.splitlines(keepends=True):
        boundary = _BOUNDARY_RX.match(line)
        if boundary is not None:
            current = sources.setdefault(int(boundary.group(1)), [])
            continue
        if current is None:
            raise NotebookError("text before the first cell in the rewritten module")
        placeholder = _PLACEHOLDER_RX.match(line)
        if placeholder is not None:
            line = hidden[int(placeholder.group(2))]
        current.append(line)
    out = {index: "".join(lines) for index, lines in sources.items()}
    for index in open_ended & out.keys():  # cells usually end without a newline: give it back
        if out[index].endswith("\n"):
            out[index] = out[index][:-1]
    return out


# --- JSON spans -------------------------------------------------------------------------------


def _encode_source(source: str, raw: str, cell: Cell) -> str:
    """The JSON text of a new `source` value, laid out like the one it replaces."""
    ascii_only = not any(ord(ch) > 127 for ch in raw)
    if not cell.is_list:
        return json.dumps(source, ensure_ascii=ascii_only)
    old = raw[cell.span[0] : cell.span[1]]
    items = [json.dumps(line, ensure_ascii=ascii_only) for line in source.splitlines(keepends=True)]
    if not items:
        return "[]"
    layout = re.match(r"\[(\s*)", old)
    opening = layout.group(1) if layout and layout.group(1) else ""
    closing = re.search(r"(\s*)\]$", old)
    if not opening:  # an empty or one-line list: lay it out as nbformat does
        indent = _indent_before(raw, cell.span[0])
        opening, closing_ws = "\n" + indent + " ", "\n" + indent
    else:
        closing_ws = closing.group(1) if closing else ""
    return "[" + opening + ("," + opening).join(items) + closing_ws + "]"


def _indent_before(raw: str, offset: int) -> str:
    line_start = raw.rfind("\n", 0, offset) + 1
    line = raw[line_start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


_DECODER = json.JSONDecoder()


def _source_spans(raw: str) -> dict[int, tuple[int, int]]:
    """Cell index -> [start, end) of its `source` value: a small scanner over JSON already known
    to be valid, recording only the spans of `cells[i].source`."""
    spans: dict[int, tuple[int, int]] = {}
    _value(raw, _skip(raw, 0), (), spans)
    return spans


def _skip(raw: str, i: int) -> int:
    """The offset of the first non-blank character at or after `i`."""
    while i < len(raw) and raw[i] in " \t\n\r":
        i += 1
    return i


def _value(raw: str, i: int, path: tuple[object, ...], spans: dict[int, tuple[int, int]]) -> int:
    start = i
    ch = raw[i]
    if ch == "{":
        i = _object(raw, i, path, spans)
    elif ch == "[":
        i = _array(raw, i, path, spans)
    else:  # a string or a scalar: the decoder says where it ends
        i = _DECODER.raw_decode(raw, i)[1]
    if len(path) == 3 and path[0] == "cells" and path[2] == "source" and isinstance(path[1], int):
        spans[path[1]] = (start, i)
    return i


def _object(raw: str, i: int, path: tuple[object, ...], spans: dict[int, tuple[int, int]]) -> int:
    i = _skip(raw, i + 1)
    while raw[i] != "}":
        key, i = _DECODER.raw_decode(raw, i)
        i = _skip(raw, _skip(raw, i) + 1)  # past the colon
        i = _skip(raw, _value(raw, i, (*path, key), spans))
        if raw[i] == ",":
            i = _skip(raw, i + 1)
    return i + 1


def _array(raw: str, i: int, path: tuple[object, ...], spans: dict[int, tuple[int, int]]) -> int:
    i = _skip(raw, i + 1)
    index = 0
    while raw[i] != "]":
        child = (*path, index) if path == ("cells",) else (*path, None)
        i = _skip(raw, _value(raw, i, child, spans))
        if raw[i] == ",":
            i = _skip(raw, i + 1)
        index += 1
    return i + 1
