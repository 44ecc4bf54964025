"""Rewrite (codemod/rewrite.py): edits spliced at offsets, calls re-laid out by libcst.

Two kinds of tables: hand-made edits on synthetic text (what the splicer and the call layout
do, byte for byte), and real sources through analysis + rewrite with `assert_rewrite`, which
also proves idempotency.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
import support
from support import assert_noop, assert_rewrite, rewrite, untraced_env

from codemod.rewrite import RewriteError, add_call_args, apply_edits, apply_fixes
from codemod.types import ArgChange, Edit, EditKind, Finding, Fix

K = (ArgChange("k", "1"),)
KB = (ArgChange("k", "1"), ArgChange("b", '"x"'))


@pytest.fixture(autouse=True)
def _mechanics(monkeypatch: pytest.MonkeyPatch) -> None:
    """These cases show the rewrite's own changes; the blank organization/project arguments
    every migrated constructor also gets are tested in test_detector_placement.py."""
    support.without_blanks(monkeypatch)


def replace(text: str, old: str, new: str, *, nth: int = 0) -> Edit:
    start = _find(text, old, nth)
    return Edit(EditKind.REPLACE, start, start + len(old), new)


def call_args(text: str, call: str, args: tuple[ArgChange, ...] = K) -> Edit:
    start = _find(text, call, 0)
    return Edit(EditKind.CALL_ARGS, start, start + len(call), args=args)


def _find(text: str, part: str, nth: int) -> int:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start


def fixed(text: str, *edits: Edit, line_length: int = 88) -> str:
    finding = Finding("LMX101", "m", 1, 1, 1, 1, Fix("t", edits))
    return apply_fixes(text, [finding], line_length=line_length)


# --- splicing -----------------------------------------------------------------------------------


def test_no_fix_returns_the_very_same_text() -> None:
    text = "x = 1\r\n"
    assert apply_fixes(text, [Finding("LMX201", "m", 1, 1, 1, 2)]) is text


def test_bytes_outside_the_edits_are_untouched() -> None:
    text = "\ta = 'gpt-4'  # é\r\n\n  b = \"gpt-4\"\\\n  + 1\r"
    out = fixed(text, replace(text, "gpt-4", "nova_1_1"), replace(text, "gpt-4", "nova_1_1", nth=1))
    assert out == "\ta = 'nova_1_1'  # é\r\n\n  b = \"nova_1_1\"\\\n  + 1\r"


def test_the_same_edit_from_two_findings_is_applied_once() -> None:
    text = "x = 1\n"
    insert = Edit(EditKind.INSERT, 0, 0, "import os\n")
    findings = [Finding("LMX101", "m", 1, 1, 1, 1, Fix("t", (insert,))) for _ in range(2)]
    assert apply_fixes(text, findings) == "import os\nx = 1\n"


def test_inserts_at_one_offset_come_in_a_stable_order() -> None:
    text = "x = 1\n"
    a = Edit(EditKind.INSERT, 0, 0, "a\n")
    b = Edit(EditKind.INSERT, 0, 0, "b\n")
    assert fixed(text, b, a) == fixed(text, a, b) == "a\nb\nx = 1\n"


def test_an_edit_inside_a_call_is_applied_before_its_arguments_are_added() -> None:
    text = "c = f(model='gpt-4')\n"
    out = fixed(text, call_args(text, "f(model='gpt-4')"), replace(text, "'gpt-4'", "'nova_1_1'"))
    assert out == "c = f(model='nova_1_1', k=1)\n"


def test_a_replaced_node_swallows_the_edits_inside_it() -> None:
    text = "x = f(a)\n"
    assert fixed(text, replace(text, "f(a)", "g()"), replace(text, "a", "b", nth=0)) == "x = g()\n"


def test_overlapping_edits_are_refused() -> None:
    text = "abcdef\n"
    with pytest.raises(RewriteError, match="overlapping"):
        apply_edits(text, [Edit(EditKind.REPLACE, 0, 3, "x"), Edit(EditKind.REPLACE, 2, 5, "y")])


def test_an_edit_that_would_not_parse_is_refused() -> None:
    text = "x = f(1\n"
    with pytest.raises(RewriteError, match="cannot parse"):
        fixed(text, Edit(EditKind.CALL_ARGS, 4, 7, args=K))


def test_call_args_on_something_that_is_not_a_call_is_refused() -> None:
    text = "x = a + b\n"
    with pytest.raises(RewriteError, match="not a call"):
        fixed(text, Edit(EditKind.CALL_ARGS, 4, 9, args=K))


# --- add_call_args: one line --------------------------------------------------------------------

INLINE = [
    pytest.param("f()", K, "f(k=1)", id="no arguments"),
    pytest.param("f(a)", KB, 'f(a, k=1, b="x")', id="after a positional, in order"),
    pytest.param("f(a,)", K, "f(a, k=1,)", id="trailing comma kept at the end"),
    pytest.param("f(a )", K, "f(a, k=1 )", id="space before ) kept at the end"),
    pytest.param("f(*args)", K, "f(*args, k=1)", id="after *args"),
    pytest.param("f(**{'t': 5})", K, "f(**{'t': 5}, k=1)", id="after a **dict"),
    pytest.param("(f)(a)", K, "(f)(a, k=1)", id="parenthesised function"),
    pytest.param("f(g(h(1)), (2,))", K, "f(g(h(1)), (2,), k=1)", id="nested parentheses"),
    pytest.param("f(a)", (), "f(a)", id="nothing to add: unchanged"),
]


@pytest.mark.parametrize(("segment", "args", "expected"), INLINE)
def test_inline(segment: str, args: tuple[ArgChange, ...], expected: str) -> None:
    assert add_call_args(segment, args, prefix="x = ", suffix="") == expected


def test_exactly_at_the_line_length_stays_on_one_line() -> None:
    # "x = f(a, k=1)" is 13 characters.
    assert add_call_args("f(a)", K, prefix="x = ", suffix="", line_length=13) == "f(a, k=1)"


def test_one_over_the_line_length_is_exploded() -> None:
    out = add_call_args("f(a)", K, prefix="x = ", suffix="", line_length=12)
    assert out == "f(\n    a,\n    k=1,\n)"


def test_text_after_the_call_counts_towards_the_length() -> None:
    assert add_call_args("f(a)", K, prefix="x = ", suffix="  # c", line_length=15) == "f(\n    a,\n    k=1,\n)"
    assert add_call_args("f(a)", K, prefix="x = ", suffix="  # c", line_length=18) == "f(a, k=1)"


def test_trailing_spaces_after_the_call_do_not_count() -> None:
    assert add_call_args("f(a)", K, prefix="x = ", suffix="   ", line_length=13) == "f(a, k=1)"


def test_tab_indentation_is_kept_and_counted_as_eight() -> None:
    out = add_call_args("f(a)", K, prefix="\tx = ", suffix="", line_length=16)
    assert out == "f(\n\t\ta,\n\t\tk=1,\n\t)"
    assert add_call_args("f(a)", K, prefix="\tx = ", suffix="", line_length=21) == "f(a, k=1)"


def test_exploded_with_crlf() -> None:
    out = add_call_args("f(a)", K, prefix="    x = ", suffix="", line_length=10, newline="\r\n")
    assert out == "f(\r\n        a,\r\n        k=1,\r\n    )"


def test_a_call_made_multi_line_by_an_inner_edit_is_exploded() -> None:
    out = add_call_args("f(g(\n    1,\n))", K, prefix="", suffix="", multiline=False)
    assert out == "f(\n    g(\n    1,\n),\n    k=1,\n)"


# --- add_call_args: a call already spread over lines ----------------------------------------------

MULTILINE = [
    pytest.param(
        "f(\n    a,\n    b,\n)",
        "f(\n    a,\n    b,\n    k=1,\n    b=\"x\",\n)",
        id="black layout with trailing comma",
    ),
    pytest.param(
        "f(\n    a,\n    b\n)",
        "f(\n    a,\n    b,\n    k=1,\n    b=\"x\"\n)",
        id="no trailing comma: none added",
    ),
    pytest.param(
        "f(  # why\n    a,  # first\n    b,  # second\n)",
        "f(  # why\n    a,  # first\n    b,  # second\n    k=1,\n    b=\"x\",\n)",
        id="comments after ( and after arguments kept, not copied",
    ),
    pytest.param(
        "f(\n    a,\n    # about b\n    b,\n)",
        "f(\n    a,\n    # about b\n    b,\n    k=1,\n    b=\"x\",\n)",
        id="comment line between arguments kept, not copied",
    ),
    pytest.param(
        "f(\n    a,\n    b  # last\n)",
        "f(\n    a,\n    b,  # last\n    k=1,\n    b=\"x\"\n)",
        id="comment after the last argument stays on its line",
    ),
    pytest.param(
        "f(a,\n  b)",
        "f(a,\n  b,\n  k=1,\n  b=\"x\")",
        id="hanging indent copied",
    ),
    pytest.param(
        "f(a, b,\n  c)",
        "f(a, b,\n  c,\n  k=1,\n  b=\"x\")",
        id="the line break between arguments is copied, not the space",
    ),
    pytest.param(
        "f(a  # only\n)",
        "f(a,  # only\n  k=1,\n  b=\"x\"\n)",
        id="hugging argument with a comment: the comment survives, visual indent",
    ),
    pytest.param(
        "f(a,  # only\n)",
        "f(a,  # only\n  k=1,\n  b=\"x\",\n)",
        id="hugging argument with comma and comment",
    ),
    pytest.param(
        "f(\n\n    a,\n\n)",
        "f(\n\n    a,\n\n    k=1,\n    b=\"x\",\n)",
        id="blank lines kept where they were",
    ),
    pytest.param("f(\n)", "f(\n    k=1,\n    b=\"x\",\n)", id="f(\\n)"),
    pytest.param("f(  # c\n)", "f(  # c\n    k=1,\n    b=\"x\",\n)", id="f(  # c\\n)"),
    pytest.param("f(a=\\\n    1)", "f(a=\\\n    1, k=1, b=\"x\")", id="backslash continuation inside the call"),
    pytest.param(
        "f(\n    a, b\n)",
        "f(\n    a,\n    b,\n    k=1,\n    b=\"x\",\n)",
        id="arguments on one line of their own (black): one per line, trailing comma",
    ),
    pytest.param(
        "f(\n    a, b  # c\n)",
        "f(\n    a,\n    b,  # c\n    k=1,\n    b=\"x\",\n)",
        id="arguments on one line of their own with a comment: it stays on the last old one",
    ),
    pytest.param("f(\n    a\n)", "f(\n    a,\n    k=1,\n    b=\"x\",\n)", id="one argument on its own line: trailing comma"),
    pytest.param("f(\n    a, b)", "f(\n    a, b,\n    k=1,\n    b=\"x\")", id="closing parenthesis hugging: layout kept"),
    pytest.param(
        "f(\n\f    a,\n\f    b,\n)",
        "f(\n\f    a,\n\f    b,\n    k=1,\n    b=\"x\",\n)",
        id="form feed in an argument's indentation is not copied",
    ),
]


@pytest.mark.parametrize(("segment", "expected"), MULTILINE)
def test_multiline(segment: str, expected: str) -> None:
    assert add_call_args(segment, KB, prefix="", suffix="") == expected


def test_multiline_inside_a_block_uses_the_block_indent() -> None:
    assert add_call_args("f(\n)", K, prefix="\t\tx = ", suffix="") == "f(\n\t\t\tk=1,\n)"


def test_multiline_crlf_is_kept() -> None:
    out = add_call_args("f(\r\n    a,  # c\r\n)", K, prefix="", suffix="", newline="\r\n")
    assert out == "f(\r\n    a,  # c\r\n    k=1,\r\n)"


def test_visual_indent_follows_the_text_before_the_call() -> None:
    out = add_call_args("f(a  # c\n)", K, prefix="\tclient = ", suffix="")
    assert out == "f(a,  # c\n\t           k=1\n)"


# --- through analysis: real constructors, idempotent ---------------------------------------------

KEY = 'api_key=os.environ["LUMYX_API_KEY"]'
BASE = 'base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")'
HEAD = "import os\nfrom openai import OpenAI\n"

REWRITES = [
    pytest.param(
        HEAD + "c = OpenAI(  # why\n    timeout=5,  # the timeout\n)\n",
        HEAD + f"c = OpenAI(  # why\n    timeout=5,  # the timeout\n    {KEY},\n    {BASE},\n)\n",
        id="comments inside the call parens kept",
    ),
    pytest.param(
        HEAD + "c = OpenAI(timeout=5  # c\n)\n",
        HEAD + f"c = OpenAI(timeout=5,  # c\n           {KEY},\n           {BASE}\n)\n",
        id="comment after the last argument of a hugging call kept",
    ),
    pytest.param(
        HEAD + "c = OpenAI(\n    timeout=5,\n    max_retries=2  # last\n)\n",
        HEAD + f"c = OpenAI(\n    timeout=5,\n    max_retries=2,  # last\n    {KEY},\n    {BASE}\n)\n",
        id="split call with a comment after the last argument",
    ),
    pytest.param(
        HEAD + "def f():\n\tc = OpenAI(timeout=1)\n\treturn c\n",
        HEAD + f"def f():\n\tc = OpenAI(\n\t\ttimeout=1,\n\t\t{KEY},\n\t\t{BASE},\n\t)\n\treturn c\n",
        id="tabs",
    ),
    pytest.param(
        HEAD.replace("\n", "\r\n") + "c = OpenAI(timeout=5)\r\n",
        HEAD.replace("\n", "\r\n") + f"c = OpenAI(\r\n    timeout=5,\r\n    {KEY},\r\n    {BASE},\r\n)\r\n",
        id="CRLF",
    ),
    pytest.param(
        HEAD + "c = OpenAI(timeout=5,)\n",
        HEAD + f"c = OpenAI(\n    timeout=5,\n    {KEY},\n    {BASE},\n)\n",
        id="trailing comma on one line",
    ),
    pytest.param(
        HEAD + "c = OpenAI(\n)\n",
        HEAD + f"c = OpenAI(\n    {KEY},\n    {BASE},\n)\n",
        id="OpenAI(\\n)",
    ),
    pytest.param(
        HEAD + "c = \\\n    OpenAI()\n",
        HEAD + f"c = \\\n    OpenAI(\n        {KEY},\n        {BASE},\n    )\n",
        id="backslash continuation before the call",
    ),
    pytest.param(
        HEAD + 'r = OpenAI().chat.completions.create(model="gpt-4", messages=[])\n',
        HEAD + f'r = OpenAI(\n    {KEY},\n    {BASE},\n).chat.completions.create(model="nova_1_1", messages=[])\n',
        id="constructor and model edit on one line",
    ),
    pytest.param(
        HEAD + "a, b = OpenAI(), OpenAI()\n",
        HEAD + f"a, b = OpenAI(\n    {KEY},\n    {BASE},\n), OpenAI(\n    {KEY},\n    {BASE},\n)\n",
        id="two edits on one line",
    ),
    pytest.param(
        HEAD + 's = "é"; c = OpenAI()\n',
        HEAD + f's = "é"; c = OpenAI(\n    {KEY},\n    {BASE},\n)\n',
        id="non-ASCII text before the call on its line",
    ),
    pytest.param(
        HEAD + "c = OpenAI(http_client=OpenAI())\n",
        HEAD + f"c = OpenAI(\n    http_client=OpenAI(\n    {KEY},\n    {BASE},\n),\n    {KEY},\n    {BASE},\n)\n",
        id="a constructor inside another: both fixed, the result parses",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrite(before: str, after: str) -> None:
    assert_rewrite(before, after)


SHORT = "import os as o\nfrom openai import OpenAI\n"
ONE_LINE = 'c = OpenAI(api_key=o.environ["LUMYX_API_KEY"], base_url=o.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"))'


def test_line_length_limit_through_analysis() -> None:
    before = SHORT + "c = OpenAI()\n"
    assert_rewrite(before, SHORT + ONE_LINE + "\n", line_length=len(ONE_LINE))
    exploded = ONE_LINE.replace("(api", "(\n    api").replace(", base", ",\n    base").removesuffix(")") + ",\n)"
    assert_rewrite(before, SHORT + exploded + "\n", line_length=len(ONE_LINE) - 1)


UNTOUCHED = [
    pytest.param(HEAD + 'x = f"{OpenAI()}"\n', id="constructor inside an f-string: reported, not rewritten"),
    pytest.param(HEAD + "c = OpenAI(api_key=os.environ['LUMYX_API_KEY'], base_url=os.environ['LUMYX_BASE_URL'])\n", id="already migrated: no edit"),
]


@pytest.mark.parametrize("source", UNTOUCHED)
def test_untouched(source: str) -> None:
    assert_noop(source)


def test_exploded_call_closes_at_the_indent_of_its_line() -> None:
    before = dedent(
        """\
        import os
        from openai import OpenAI

        class A:
            def f(self):
                return OpenAI(timeout=1)
        """
    )
    after = dedent(
        f"""\
        import os
        from openai import OpenAI

        class A:
            def f(self):
                return OpenAI(
                    timeout=1,
                    {KEY},
                    {BASE},
                )
        """
    )
    assert_rewrite(before, after)


# --- rewrite safety: pragmas, form feeds, tabs, trailing commas -----------------------------------

BODY = "c = OpenAI(\n    {KEY},\n    {BASE},\n)"

SAFETY = [
    pytest.param(
        HEAD + "x = OpenAI()  # type: ignore[call-arg]\n",
        HEAD + f"x = OpenAI(  # type: ignore[call-arg]\n    {KEY},\n    {BASE},\n)\n",
        id="type: ignore of a split call stays on its first line",
    ),
    pytest.param(
        HEAD + "x = OpenAI(timeout=5)  # noqa: E501\n",
        HEAD + f"x = OpenAI(  # noqa: E501\n    timeout=5,\n    {KEY},\n    {BASE},\n)\n",
        id="noqa of a split call stays on its first line",
    ),
    pytest.param(
        HEAD + "x = OpenAI()  # the client\n",
        HEAD + f"x = OpenAI(\n    {KEY},\n    {BASE},\n)  # the client\n",
        id="an ordinary comment stays where it was",
    ),
    pytest.param(
        HEAD + 'r = OpenAI().chat.completions.create(model="gpt-4", messages=[])  # type: ignore\n',
        HEAD + f'r = OpenAI(  # type: ignore\n    {KEY},\n    {BASE},\n).chat.completions.create(model="nova_1_1", messages=[])\n',
        id="pragma after more code and another edit on the line",
    ),
    pytest.param(
        HEAD + "a, b = OpenAI(), OpenAI()  # NOQA\n",
        HEAD + f"a, b = OpenAI(  # NOQA\n    {KEY},\n    {BASE},\n), OpenAI(\n    {KEY},\n    {BASE},\n)\n",
        id="two split calls on the line: the first takes the pragma, once",
    ),
    pytest.param(
        HEAD + 'x = OpenAI(); s = "# noqa"\n',
        HEAD + f'x = OpenAI(\n    {KEY},\n    {BASE},\n); s = "# noqa"\n',
        id="a pragma inside a string is not a comment",
    ),
    pytest.param(
        HEAD + 'x = OpenAI(); s = "\\"#"  # pyright: ignore\n',
        HEAD + f'x = OpenAI(  # pyright: ignore\n    {KEY},\n    {BASE},\n); s = "\\"#"\n',
        id="escaped quote and # in a string before the pragma",
    ),
    pytest.param(
        HEAD.replace("\n", "\r\n") + "x = OpenAI()  # type: ignore  \r\n",
        HEAD.replace("\n", "\r\n") + f"x = OpenAI(  # type: ignore\r\n    {KEY},\r\n    {BASE},\r\n)\r\n",
        id="CRLF, blanks after the pragma dropped",
    ),
    pytest.param(
        HEAD + "\f\ndef f():\n\f    return OpenAI(timeout=5)\n",
        HEAD + f"\f\ndef f():\n\f    return OpenAI(\n        timeout=5,\n        {KEY},\n        {BASE},\n    )\n",
        id="form feed before the indentation is not copied onto new lines",
    ),
    pytest.param(
        HEAD + "\n\ndef f():\n\treturn 1\n\n\nc = OpenAI()\n",
        HEAD + f"\n\ndef f():\n\treturn 1\n\n\nc = OpenAI(\n\t{KEY},\n\t{BASE},\n)\n",
        id="tab-indented file: a module-level call is split with tabs",
    ),
    pytest.param(
        HEAD + "\n\nclass A:  # c\n\n\tx = 1\n\n\nc = OpenAI()\n",
        HEAD + f"\n\nclass A:  # c\n\n\tx = 1\n\n\nc = OpenAI(\n\t{KEY},\n\t{BASE},\n)\n",
        id="tab-indented file: found past a comment and a blank line",
    ),
    pytest.param(
        HEAD + "\n\ndef f():\n    return 1\n\n\nc = OpenAI()\n",
        HEAD + "\n\ndef f():\n    return 1\n\n\n" + BODY.format(KEY=KEY, BASE=BASE) + "\n",
        id="space-indented file: a module-level call is split with spaces",
    ),
    pytest.param(
        HEAD + 'd = {"a":\n\t1}\nc = OpenAI()\n',
        HEAD + 'd = {"a":\n\t1}\n' + BODY.format(KEY=KEY, BASE=BASE) + "\n",
        id="a tab on a continuation line is not a tab-indented block",
    ),
    pytest.param(
        HEAD + "c = OpenAI()\n",
        HEAD + BODY.format(KEY=KEY, BASE=BASE) + "\n",
        id="no block at all: spaces",
    ),
    pytest.param(
        HEAD + "c = OpenAI(\n    timeout=5, max_retries=2\n)\n",
        HEAD + f"c = OpenAI(\n    timeout=5,\n    max_retries=2,\n    {KEY},\n    {BASE},\n)\n",
        id="arguments on a line of their own: split one per line with a trailing comma",
    ),
]


@pytest.mark.parametrize(("before", "after"), SAFETY)
def test_rewrite_safety(before: str, after: str) -> None:
    assert_rewrite(before, after)


def test_a_pragma_on_a_call_that_stays_on_one_line_stays_put() -> None:
    before = SHORT + "c = OpenAI()  # noqa\n"
    assert_rewrite(before, SHORT + ONE_LINE + "  # noqa\n", line_length=len(ONE_LINE) + len("  # noqa"))


def test_a_pragma_moves_onto_the_line_of_the_parenthesis_in_add_call_args() -> None:
    out = add_call_args("f(a)", K, prefix="x = ", suffix="  # noqa", line_length=10, pragma="# noqa")
    assert out == "f(  # noqa\n    a,\n    k=1,\n)"


def test_form_feed_in_the_prefix_is_not_copied() -> None:
    assert add_call_args("f(a)", K, prefix="\f    x = ", suffix="", line_length=10) == "f(\n        a,\n        k=1,\n    )"
    assert add_call_args("f(a  # c\n)", K, prefix="\fx = ", suffix="") == "f(a,  # c\n      k=1\n)"


def test_indent_unit_is_used_only_without_an_indentation_to_copy() -> None:
    assert add_call_args("f(a)", K, prefix="x = ", suffix="", line_length=10, indent_unit="\t") == "f(\n\ta,\n\tk=1,\n)"
    assert add_call_args("f(a)", K, prefix="  x = ", suffix="", line_length=10, indent_unit="\t") == "f(\n      a,\n      k=1,\n  )"


# --- ruff format: a formatted file stays formatted ------------------------------------------------

IMPORTS = "import os\n\nimport httpx\nfrom openai import OpenAI\n\n"
FORMATTED = [
    pytest.param(IMPORTS + "client = OpenAI()\n", "space", id="empty call split"),
    pytest.param(IMPORTS + "client = OpenAI(timeout=5)  # type: ignore[call-arg]\n", "space", id="type: ignore moved"),
    pytest.param(IMPORTS + "client = OpenAI(timeout=5)  # noqa: F841\n", "space", id="noqa moved"),
    pytest.param(
        IMPORTS + 'client = OpenAI(\n    organization="org-1234567890abcdef", project="proj-1234567890", timeout=5.0\n)\n',
        "space",
        id="arguments on a line of their own",
    ),
    pytest.param(IMPORTS + "client = OpenAI(\n    http_client=httpx.Client(\n        timeout=5,\n    )\n)\n", "space", id="one split argument"),
    pytest.param(IMPORTS + "client = OpenAI(\n    timeout=5,\n)\n", "space", id="magic trailing comma"),
    pytest.param(IMPORTS + "\ndef make():\n    return OpenAI(max_retries=2)\n", "space", id="in a function"),
    pytest.param(IMPORTS + 'r = OpenAI().chat.completions.create(model="gpt-4", messages=[])\n', "space", id="call chain"),
    pytest.param(IMPORTS + "\ndef make():\n\treturn 1\n\n\nclient = OpenAI(timeout=5)\n", "tab", id="tabs, module level"),
    pytest.param(IMPORTS + "\ndef make():\n\tif True:\n\t\treturn OpenAI(timeout=5)\n", "tab", id="tabs, nested block"),
]


def ruff_formatted(tmp_path: Path, text: str, indent_style: str) -> bool:
    path = tmp_path / "f.py"
    path.write_text(text, newline="")
    options = ["--isolated", "--line-length", "88", "--config", f"format.indent-style='{indent_style}'"]
    done = subprocess.run([sys.executable, "-m", "ruff", "format", "--check", *options, str(path)], capture_output=True, text=True, env=untraced_env())
    assert done.returncode in (0, 1), done.stderr  # 2: ruff itself failed
    return done.returncode == 0


@pytest.mark.parametrize(("before", "indent_style"), FORMATTED)
def test_a_ruff_formatted_file_stays_formatted(tmp_path: Path, before: str, indent_style: str) -> None:
    assert ruff_formatted(tmp_path, before, indent_style), "the case itself must be formatted"
    after = rewrite(before)
    assert after != before
    assert ruff_formatted(tmp_path, after, indent_style), after


def test_the_ruff_check_sees_an_unformatted_file(tmp_path: Path) -> None:
    assert not ruff_formatted(tmp_path, IMPORTS + "client = OpenAI(\n    timeout=5\n)\n", "space")
