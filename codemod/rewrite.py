"""Rewrite: apply fix plans to one file's text. Pure: text in, text out.

Edits are spliced in at the offsets analysis gave, so every byte outside an edit is untouched
by construction. Only a call that gains keyword arguments is handed to libcst, and only its
own source segment: libcst's cost follows the edits, not the file (SPEC §7). libcst is imported
the first time such an edit is applied, never by `check`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from codemod.source import newline_of
from codemod.types import ArgChange, Edit, EditKind, Finding

if TYPE_CHECKING:
    import libcst as cst

DEFAULT_LINE_LENGTH = 88
# Comments a type checker or linter reads on the line of the code they silence.
_PRAGMA = re.compile(r"#.*?\b(?:type:\s*ignore|noqa|pyright:\s*ignore)\b", re.IGNORECASE)
# The first block of the file indented with a tab: its continuation lines get tabs too.
_TAB_BLOCK = re.compile(
    r"(?:^|(?<=[\r\n]))[ \t\f]*(?:async\s+)?(?:def|class|if|elif|else|for|while|with|try|except|finally|match|case)\b"
    r"[^\r\n]*:[ \t]*(?:#[^\r\n]*)?(?:\r\n?|\n)(?:[ \t\f]*(?:#[^\r\n]*)?(?:\r\n?|\n))*\f?([ \t])"
)


class RewriteError(Exception):
    """A fix plan that cannot be applied (a bug of the tool, never the user's fault)."""


def apply_fixes(text: str, findings: Iterable[Finding], *, line_length: int = DEFAULT_LINE_LENGTH) -> str:
    """The text with the fixes of `findings` applied; `text` itself when there are none."""
    edits = {edit for f in findings if f.fix is not None for edit in f.fix.edits}
    if not edits:
        return text
    block = _TAB_BLOCK.search(text) if any(edit.kind is EditKind.CALL_ARGS for edit in edits) else None
    unit = "\t" if block is not None and block.group(1) == "\t" else "    "
    ordered = sorted(edits, key=_order)
    return apply_edits(text, ordered, line_length=line_length, newline=newline_of(text), indent_unit=unit)


def _order(edit: Edit) -> tuple[int, int, int, str]:
    # Outer edits before the edits they contain; inserts at one offset in a stable order.
    return (edit.start, 0 if edit.kind is EditKind.INSERT else 1, -edit.end, edit.text)


def apply_edits(
    text: str, edits: Sequence[Edit], *, line_length: int = DEFAULT_LINE_LENGTH, newline: str = "\n", indent_unit: str = "    "
) -> str:
    """Apply sorted, properly nested edits (an edit may contain others, never overlap them).

    `indent_unit` is one step of indentation for a call split at module level (no indentation
    of its own line to copy it from)."""
    out: list[str] = []
    cuts: list[tuple[int, int]] = []  # pragma comments moved up onto an exploded call's first line
    pos = 0
    i = 0
    while i < len(edits):
        edit = edits[i]
        if edit.start < pos:
            raise RewriteError(f"overlapping edits at offset {edit.start}")
        inner: list[Edit] = []
        j = i + 1
        while j < len(edits) and edits[j].start < edit.end and edit.kind is not EditKind.INSERT:
            if edits[j].end > edit.end:
                raise RewriteError(f"overlapping edits at offset {edits[j].start}")
            inner.append(edits[j])
            j += 1
        out.append(_copy(text, pos, edit.start, cuts))
        if edit.kind is EditKind.INSERT:
            out.append(edit.text)
        elif edit.kind is EditKind.REPLACE:
            out.append(edit.text)  # a replaced node's inner edits are moot
        else:
            out.append(_call_edit(text, edit, inner, cuts, line_length=line_length, newline=newline, unit=indent_unit))
        pos = edit.end
        i = j
    out.append(_copy(text, pos, len(text), cuts))
    return "".join(out)


def _call_edit(
    text: str, edit: Edit, inner: list[Edit], cuts: list[tuple[int, int]], *, line_length: int, newline: str, unit: str
) -> str:
    """The call of a CALL_ARGS edit with its inner edits applied and its arguments added. A
    pragma comment ending its line, not yet taken by a call before it, moves onto the line of
    `(` when the call is split (and its span goes to `cuts`)."""
    segment = text[edit.start : edit.end]
    multiline = "\n" in segment or "\r" in segment  # the call's own layout, before inner edits
    if inner:
        shifted = [_shift(e, -edit.start) for e in inner]
        segment = apply_edits(segment, shifted, line_length=line_length, newline=newline, indent_unit=unit)
    line_start = max(text.rfind("\n", 0, edit.start), text.rfind("\r", 0, edit.start)) + 1
    line_end = _line_end(text, edit.end)
    pragma = _pragma(text, edit.end, line_end)
    if pragma is not None and any(end == line_end for _, end in cuts):
        pragma = None
    rendered = add_call_args(
        segment,
        edit.args,
        prefix=text[line_start : edit.start],
        suffix=text[edit.end : line_end],
        line_length=line_length,
        newline=newline,
        multiline=multiline,
        indent_unit=unit,
        pragma=pragma[1] if pragma is not None else None,
    )
    # A call written on one line comes out with a line break only when it was split.
    if pragma is not None and not multiline and ("\n" in rendered or "\r" in rendered):
        cuts.append((pragma[0], line_end))
    return rendered


def _copy(text: str, start: int, end: int, cuts: list[tuple[int, int]]) -> str:
    """text[start:end] without the spans in `cuts` (sorted, never overlapping)."""
    parts = []
    for cut_start, cut_end in (cut for cut in cuts if cut[1] > start and cut[0] < end):
        parts.append(text[start : max(start, cut_start)])
        start = min(end, cut_end)
    return "".join(parts) + text[start:end]


def _pragma(text: str, start: int, end: int) -> tuple[int, str] | None:
    """(where its cut begins, the comment) of a pragma comment ending text[start:end], the rest
    of a call's line; the cut takes the blanks before the comment too. None without one."""
    suffix = text[start:end]
    if "#" not in suffix:
        return None
    at = _comment_start(suffix)
    if at < 0 or not _PRAGMA.match(suffix, at):
        return None
    return start + len(suffix[:at].rstrip(" \t\f")), suffix[at:].rstrip()


def _comment_start(code: str) -> int:
    """Offset of the `#` opening the comment of one line of code, -1 when none (a `#` inside a
    string literal is not one; a string running on past the line leaves no comment)."""
    i = 0
    while i < len(code):
        char = code[i]
        if char == "#":
            return i
        if char in "'\"":
            quote = char * 3 if code.startswith(char * 3, i) else char
            i += len(quote)
            while not code.startswith(quote, i):
                if i >= len(code):
                    return -1
                i += 2 if code[i] == "\\" else 1
            i += len(quote)
        else:
            i += 1
    return -1


def _shift(edit: Edit, delta: int) -> Edit:
    return Edit(edit.kind, edit.start + delta, edit.end + delta, edit.text, edit.args)


def _line_end(text: str, offset: int) -> int:
    ends = [i for i in (text.find("\n", offset), text.find("\r", offset)) if i != -1]
    return min(ends) if ends else len(text)


def add_call_args(
    segment: str,
    changes: Sequence[ArgChange],
    *,
    prefix: str,
    suffix: str,
    line_length: int = DEFAULT_LINE_LENGTH,
    newline: str = "\n",
    multiline: bool | None = None,
    indent_unit: str = "    ",
    pragma: str | None = None,
) -> str:
    """The call `segment` with keyword arguments `changes` appended, in the call's own layout.

    A call on one line stays on one line when it still fits `line_length` (counting `prefix`,
    the text before it on its line, and `suffix`, the text after it); otherwise it becomes one
    argument per line with a trailing comma. A multi-line call keeps its layout and comments.
    `multiline` says how the call was written before inner edits (e.g. a nested call that was
    exploded) changed `segment`; by default it is read from `segment`. A call on a line with no
    indentation is indented by `indent_unit`; `pragma`, a comment, goes after `(` of a split call.
    """
    import libcst as cst

    module, call = _parse_call(segment, newline)
    new_args = [
        cst.Arg(
            value=cst.parse_expression(change.value),
            keyword=cst.Name(change.name),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        for change in changes
    ]
    if multiline is None:
        multiline = "\n" in segment or "\r" in segment
    # Python counts indentation from the last form feed; a form feed is never copied.
    indent = prefix[: len(prefix) - len(prefix.lstrip(" \t\f"))].rpartition("\f")[2]
    step = "\t" if indent.startswith("\t") else "    " if indent else indent_unit
    if multiline:
        if not new_args:
            return module.code_for_node(call)
        align = _first_arg_column(module, call, prefix)
        return module.code_for_node(_append_multiline(call, new_args, indent + step, align))
    new_call = _append_inline(call, new_args) if new_args else call
    rendered = module.code_for_node(new_call)
    too_long = len(prefix.expandtabs()) + len(rendered) + len(suffix.rstrip()) > line_length
    if new_call.args and (too_long or "\n" in rendered or "\r" in rendered):
        rendered = module.code_for_node(_explode(module, new_call, indent, step, newline, pragma))
    return rendered


def _parse_call(segment: str, newline: str) -> tuple[cst.Module, cst.Call]:
    import libcst as cst

    try:
        module = cst.parse_module(f"({segment}){newline}")
    except cst.ParserSyntaxError as exc:
        raise RewriteError(f"cannot parse call segment: {exc}") from exc
    stmt = module.body[0]
    assert isinstance(stmt, cst.SimpleStatementLine)
    expr = stmt.body[0]
    assert isinstance(expr, cst.Expr)
    if not isinstance(expr.value, cst.Call):
        raise RewriteError("fix plan points at something that is not a call")
    call = expr.value
    return module, call.with_changes(lpar=call.lpar[1:], rpar=call.rpar[:-1])  # our wrapping parentheses


def _first_arg_column(module: cst.Module, call: cst.Call, prefix: str) -> str | None:
    """Whitespace reaching the column of the first argument when it hugs `(` (visual indent)."""
    import libcst as cst

    head = module.code_for_node(call.func) + module.code_for_node(call.whitespace_after_func) + "("
    lead = call.whitespace_before_args
    if "\n" in head or "\r" in head or not isinstance(lead, cst.SimpleWhitespace):
        return None
    return "".join(c if c == "\t" else " " for c in prefix if c != "\f") + " " * len(head + lead.value)


def _append_inline(call: cst.Call, new_args: list[cst.Arg]) -> cst.Call:
    import libcst as cst

    args = list(call.args)
    space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if args:
        last = args[-1]
        trailing = isinstance(last.comma, cst.Comma)
        args[-1] = last.with_changes(comma=space, whitespace_after_arg=cst.SimpleWhitespace(""))
        for arg in new_args[:-1]:
            args.append(arg.with_changes(comma=space))
        final_comma = cst.Comma() if trailing else cst.MaybeSentinel.DEFAULT
        args.append(new_args[-1].with_changes(comma=final_comma, whitespace_after_arg=last.whitespace_after_arg))
    else:
        for arg in new_args[:-1]:
            args.append(arg.with_changes(comma=space))
        args.append(new_args[-1])
    return call.with_changes(args=args)


def _append_multiline(call: cst.Call, new_args: list[cst.Arg], inner: str, align: str | None) -> cst.Call:
    """Append arguments to a call spread over lines, copying how its arguments are laid out.

    `inner` is the indentation for arguments when the call has none to copy it from; `align`
    the visual indent of a call whose first argument hugs `(` (None when it does not).
    """
    import libcst as cst

    args = list(call.args)
    lead = call.whitespace_before_args
    if not args:
        # `f(\n)`: the new arguments on their own lines, one step in, before the closing parenthesis.
        if not isinstance(lead, cst.ParenthesizedWhitespace):
            space = cst.SimpleWhitespace(" ")
            return call.with_changes(args=[a.with_changes(comma=cst.Comma(whitespace_after=space)) for a in new_args])
        opening = lead.with_changes(last_line=cst.SimpleWhitespace(inner))  # keeps a comment after `(`
        between = _clean(opening)
        built = [a.with_changes(comma=cst.Comma(whitespace_after=between)) for a in new_args[:-1]]
        built.append(new_args[-1].with_changes(comma=cst.Comma(whitespace_after=_clean(lead))))
        return call.with_changes(whitespace_before_args=opening, args=built)
    last = args[-1]
    tail = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else last.whitespace_after_arg
    sep = _separator(call, tail, align)
    if isinstance(last.comma, cst.Comma):
        kept_comment = _join(tail, sep)
        args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=kept_comment))
        for arg in new_args[:-1]:
            args.append(arg.with_changes(comma=cst.Comma(whitespace_after=sep)))
        args.append(new_args[-1].with_changes(comma=cst.Comma(whitespace_after=_strip_comment(tail))))
    else:
        # black's `f(\n    a, b\n)`, the arguments on a line of their own, is split one per line
        # with the trailing comma ruff format keeps; other layouts without one get none added.
        body = isinstance(lead, cst.ParenthesizedWhitespace) and isinstance(tail, cst.ParenthesizedWhitespace)
        body = body and not _breaks(call)
        if body:
            args[:-1] = [arg.with_changes(comma=cst.Comma(whitespace_after=sep)) for arg in args[:-1]]
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=_join(tail, sep)), whitespace_after_arg=cst.SimpleWhitespace("")
        )
        for arg in new_args[:-1]:
            args.append(arg.with_changes(comma=cst.Comma(whitespace_after=sep)))
        closing = _strip_comment(tail)
        if body:
            args.append(new_args[-1].with_changes(comma=cst.Comma(whitespace_after=closing)))
        else:
            args.append(new_args[-1].with_changes(whitespace_after_arg=closing))
    return call.with_changes(args=args)


def _breaks(call: cst.Call) -> list[cst.ParenthesizedWhitespace]:
    """The line breaks between the call's arguments (after their commas)."""
    import libcst as cst

    return [
        a.comma.whitespace_after
        for a in call.args[:-1]
        if isinstance(a.comma, cst.Comma) and isinstance(a.comma.whitespace_after, cst.ParenthesizedWhitespace)
    ]


def _separator(
    call: cst.Call, tail: cst.BaseParenthesizableWhitespace, align: str | None
) -> cst.BaseParenthesizableWhitespace:
    """What goes between two appended arguments: the last line break the call already uses
    between arguments (or after `(`), without its comment; a break to the visual indent when the
    arguments hug `(` but the last one ends its line (its comment must survive); else a space."""
    import libcst as cst

    breaks = _breaks(call)
    lead = call.whitespace_before_args
    if breaks:
        return _clean(breaks[-1])
    if isinstance(lead, cst.ParenthesizedWhitespace):
        return _clean(lead)
    if isinstance(tail, cst.ParenthesizedWhitespace) and align is not None:
        return cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(newline=tail.first_line.newline),
            indent=False,
            last_line=cst.SimpleWhitespace(align),
        )
    return cst.SimpleWhitespace(" ")


def _clean(ws: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """The same line break and indentation, without a comment, blank lines or a form feed."""
    import libcst as cst

    indent = cst.SimpleWhitespace(ws.last_line.value.rpartition("\f")[2])
    return ws.with_changes(first_line=cst.TrailingWhitespace(newline=ws.first_line.newline), empty_lines=(), last_line=indent)


def _join(tail: cst.BaseParenthesizableWhitespace, sep: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """Whitespace after an argument that keeps its trailing comment but leads to the next one."""
    import libcst as cst

    if isinstance(tail, cst.ParenthesizedWhitespace) and isinstance(sep, cst.ParenthesizedWhitespace):
        return sep.with_changes(first_line=tail.first_line, empty_lines=tail.empty_lines)
    return sep


def _strip_comment(ws: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    import libcst as cst

    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.with_changes(first_line=cst.TrailingWhitespace(newline=ws.first_line.newline), empty_lines=())
    return ws


def _explode(module: cst.Module, call: cst.Call, indent: str, step: str, newline: str, pragma: str | None) -> cst.Call:
    """One argument per line, indented one step, with a trailing comma (black's layout); the
    `pragma` comment after `(`, on the line where checkers report the call."""
    import libcst as cst

    def line_break(level: str) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(newline=cst.Newline(None if newline == module.default_newline else newline)),
            indent=False,
            last_line=cst.SimpleWhitespace(level),
        )

    inner = indent + step
    args = [
        arg.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""), comma=cst.Comma(whitespace_after=line_break(inner)))
        for arg in call.args
    ]
    args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=line_break(indent)))
    opening = line_break(inner)
    if pragma is not None:
        comment = opening.first_line.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(pragma))
        opening = opening.with_changes(first_line=comment)
    return call.with_changes(whitespace_before_args=opening, args=args)
