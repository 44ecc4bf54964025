"""`# lumyx: ignore[...]` comments: which findings a comment covers, and which it must not."""

from __future__ import annotations

import pytest
from support import assert_noop, findings

from codemod.analysis.suppress import codes_on_line

HEAD = (
    "import os\n"
    "from openai import OpenAI\n"
    'client = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])\n'
)


def found(source: str) -> list[tuple[str, int, int, int, int]]:
    return [(f.code, f.line, f.col, f.end_line, f.end_col) for f in findings(HEAD + source)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("x = 1  # lumyx: ignore", frozenset(), id="blanket"),
        pytest.param("x = 1  # lumyx: ignore[LMX302,LMX303]", frozenset({"LMX302", "LMX303"}), id="list"),
        pytest.param("x = 1  # lumyx: ignore[ lmx302 , LMX3 ]", frozenset({"LMX302", "LMX3"}), id="spaces and case"),
        pytest.param("x = 1  #lumyx:ignore", frozenset(), id="no spaces"),
        pytest.param("x = 1  # noqa  # lumyx: ignore[LMX501]", frozenset({"LMX501"}), id="after another tool's comment"),
        pytest.param("x = 1", None, id="no comment"),
        pytest.param("x = 1  # lumyx: ignored", None, id="a longer word is not the directive"),
        pytest.param("x = 1  # lumyx: ignore[LMX3!]", None, id="malformed list is not a blanket"),
        pytest.param("x = 1  # lumyx ignore", None, id="colon required"),
    ],
)
def test_codes_on_line(line: str, expected: frozenset[str] | None) -> None:
    """A malformed or look-alike comment must never silence everything."""
    assert codes_on_line(line) == expected


TOOLS_ROLE = 'client.chat.completions.create(messages=[{"role": "tool", "content": "x"}], tools=[])'

CASES = [
    pytest.param(TOOLS_ROLE + "\n", [("LMX303", 4, 51, 4, 57), ("LMX302", 4, 77, 4, 85)], id="no comment: both reported"),
    pytest.param(TOOLS_ROLE + "  # lumyx: ignore\n", [], id="blanket on the line"),
    pytest.param(TOOLS_ROLE + "  # lumyx: ignore[LMX302,LMX303]\n", [], id="both codes listed"),
    pytest.param(TOOLS_ROLE + "  # lumyx: ignore[LMX302]\n", [("LMX303", 4, 51, 4, 57)], id="only the listed code"),
    pytest.param(TOOLS_ROLE + "  # lumyx: ignore[LMX3]\n", [], id="prefix in the list"),
    pytest.param(TOOLS_ROLE + "  # lumyx: ignore[LMX1]\n", [("LMX303", 4, 51, 4, 57), ("LMX302", 4, 77, 4, 85)], id="other prefix covers nothing"),
    pytest.param(TOOLS_ROLE + "  # LUMYX: IGNORE[lmx302,lmx303]\n", [], id="case-insensitive"),
    pytest.param(
        "client.chat.completions.create(  # lumyx: ignore[LMX302]\n    messages=[],\n    tools=[],\n)\n",
        [],
        id="first line of a multi-line call",
    ),
    pytest.param(
        "client.chat.completions.create(\n    messages=[],\n    tools=[],\n)  # lumyx: ignore[LMX302]\n",
        [],
        id="last line of a multi-line call",
    ),
    pytest.param(
        "client.chat.completions.create(\n    messages=[],\n    tools=[],  # lumyx: ignore[LMX302]\n    n=2,\n)\n",
        [("LMX302", 7, 5, 7, 8)],
        id="on an argument's line: that argument only",
    ),
    pytest.param(
        "with client.chat.completions.stream(  # lumyx: ignore\n    messages=[],\n    tools=[],\n) as s:\n    pass\n",
        [],
        id="first line of a call heading a with block",
    ),
    pytest.param(
        "if client.chat.completions.create(\n    messages=[],\n    tools=[],\n):  # lumyx: ignore\n    pass\n",
        [],
        id="last line of a call heading an if block",
    ),
    pytest.param(
        "def f():\n    return client.chat.completions.create(\n        messages=[],\n        tools=[],\n    )  # lumyx: ignore[LMX302]\n",
        [],
        id="inside a function",
    ),
    pytest.param(
        "def f():  # lumyx: ignore\n    client.chat.completions.create(messages=[], tools=[])\n",
        [("LMX302", 5, 49, 5, 57)],
        id="a comment on a def does not cover its body",
    ),
    pytest.param(
        "client.chat.completions.create(messages=[], tools=[])\nx = 1  # lumyx: ignore\n",
        [("LMX302", 4, 45, 4, 53)],
        id="a comment on the next line covers nothing",
    ),
    pytest.param(
        'client.chat.completions.create(messages=[], tools=[], user="# lumyx: ignore")\n',
        [("LMX302", 4, 45, 4, 53), ("LMX302", 4, 55, 4, 77)],
        id="the text inside a string is not a comment",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_what_a_comment_covers(source: str, expected: list[tuple[str, int, int, int, int]]) -> None:
    """One comment where ruff users put it covers its call; nowhere else."""
    assert found(source) == expected


def test_suppressed_fixable_finding_is_neither_reported_nor_fixed() -> None:
    """A person who ignores a finding keeps the code as it is: no fix behind their back."""
    source = 'from openai import OpenAI\nclient = OpenAI(\n    timeout=5,\n)  # lumyx: ignore[LMX101]\n'
    assert findings(source) == []
    assert_noop(source)


def test_unsuppressed_fixable_finding_still_fixed() -> None:
    """The same client with a comment for another code is reported and fixable."""
    source = 'from openai import OpenAI\nclient = OpenAI(\n    timeout=5,\n)  # lumyx: ignore[LMX302]\n'
    assert [(f.code, f.fixable) for f in findings(source)] == [("LMX101", True)]


def test_hardcoded_key_suppressed_by_its_own_code() -> None:
    """A test fixture key may be kept on purpose, but only by naming LMX501."""
    source = 'KEY = "sk-proj-AbCdEfGhIjKlMnOpQrSt1234"  # lumyx: ignore[LMX501]\n'
    assert findings(source) == []
    assert [f.code for f in findings(source.replace("LMX501", "LMX302"))] == ["LMX501"]
