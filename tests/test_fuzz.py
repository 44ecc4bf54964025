"""Generated programs: OpenAI-usage blocks mixed into ordinary code, rewritten in every layout.

Properties: the output compiles; a second run changes nothing; only lines holding an OpenAI
construct (or the added `import os`) differ; afterwards nothing auto-fixable is left.

Profiles: "ci" (default, CI-friendly) and "long" (thorough): `LUMYX_FUZZ_PROFILE=long pytest
tests/test_fuzz.py`. The profile is applied to these tests only, never loaded globally.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support import default_rules, rewrite

from codemod.analysis import analyse
from codemod.cli import main

settings.register_profile(
    "lumyx-ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "lumyx-long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
PROFILE = settings.get_profile("lumyx-" + os.environ.get("LUMYX_FUZZ_PROFILE", "ci"))


@dataclass(frozen=True)
class Line:
    text: str
    openai: bool  # holds an OpenAI construct: the only kind of line the rewrite may change


# --- building blocks ---------------------------------------------------------------------------

# import line -> constructor callees it makes available
IMPORTS: dict[str, tuple[str, ...]] = {
    "from openai import OpenAI": ("OpenAI",),
    "from openai import AsyncOpenAI": ("AsyncOpenAI",),
    "from openai import OpenAI as C": ("C",),
    "from openai import OpenAI, AsyncOpenAI as AC": ("OpenAI", "AC"),
    "import openai": ("openai.OpenAI", "openai.AsyncOpenAI", "openai.Client"),
    "import openai as oa": ("oa.OpenAI", "oa.AsyncClient"),
}
KWARGS: dict[str, tuple[str, ...]] = {
    "timeout": ("5", "30.0", "httpx.Timeout(10)"),
    "max_retries": ("0", "3"),
    "api_key": ('"sk-proj-abcdefghijklmnopqrstuvwxyz0123"', 'os.environ["OPENAI_API_KEY"]', 'os.getenv("OPENAI_API_KEY")'),
    "base_url": ('"https://api.openai.com/v1"', 'os.environ.get("OPENAI_BASE_URL")'),
    "organization": ('"org-123"',),
}
COMMENTS = ("# keep this", "# noqa: E501", "# see gpt-4 notes", "#")
PLAIN = (
    "x = 1",
    "total = sum(range(10))",
    "print('hello, world')",
    'NOTE = "we moved from gpt-4 to something cheaper"',
    "items = [i * 2 for i in range(3)]",
    "value = {'model': 'unrelated', 'n': 2}",
    "pass",
)


@st.composite
def constructor(draw: st.DrawFn, callees: tuple[str, ...], indent: str) -> list[Line]:
    """`<target> = <callee>(...)` in one of the layouts people write, or nested in another call."""
    callee = draw(st.sampled_from(callees))
    names = draw(st.lists(st.sampled_from(sorted(KWARGS)), unique=True, max_size=3))
    args = [f"{name}={draw(st.sampled_from(KWARGS[name]))}" for name in names]
    target = draw(st.sampled_from(["client", "self_client", "llm"]))
    layout = draw(st.sampled_from(["inline", "multiline", "comments", "nested"]))
    if layout == "inline" or (layout == "nested" and not args):
        return [Line(f"{indent}{target} = {callee}({', '.join(args)})", True)]
    if layout == "nested":
        return [Line(f"{indent}{target} = wrap({callee}({', '.join(args)}), retries=2)", True)]
    lines = [Line(f"{indent}{target} = {callee}(" + (f"  {draw(st.sampled_from(COMMENTS))}" if layout == "comments" else ""), True)]
    for arg in args:
        comment = f"  {draw(st.sampled_from(COMMENTS))}" if layout == "comments" and draw(st.booleans()) else ""
        lines.append(Line(f"{indent}    {arg},{comment}", True))
    lines.append(Line(f"{indent})", True))
    return lines


@st.composite
def chat_call(draw: st.DrawFn, indent: str, models: tuple[str, ...], in_async: bool) -> list[Line]:
    model = draw(st.sampled_from(models))
    await_ = "await " if in_async and draw(st.booleans()) else ""
    if draw(st.booleans()):
        return [Line(f'{indent}reply = {await_}client.chat.completions.create(model={model}, messages=[{{"role": "user", "content": "hi"}}])', True)]
    return [
        Line(f"{indent}reply = {await_}client.chat.completions.create(", True),
        Line(f"{indent}    model={model},  # the model", True),
        Line(f'{indent}    messages=[{{"role": "system", "content": "Use gpt-4 style answers."}}],', True),
        Line(f"{indent})", True),
    ]


@st.composite
def block(
    draw: st.DrawFn, callees: tuple[str, ...], models: tuple[str, ...], indent: str, depth: int, in_async: bool = False
) -> list[Line]:
    """A non-empty statement list at `indent`: OpenAI statements, plain code, compound ones."""
    kinds = ["plain", "client", "chat"] + (["def", "decorated", "class", "if"] if depth < 3 else [])
    modules = [c.split(".")[0] for c in callees if "." in c]
    if not indent and modules:
        kinds.append("config")  # module-level configuration of SDK < 1.0 / the module client
    lines: list[Line] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(kinds))
        inner = indent + draw(st.sampled_from(["    ", "\t"])) if not indent else indent + ("\t" if indent[0] == "\t" else "    ")
        if kind == "plain":
            lines.append(Line(indent + draw(st.sampled_from(PLAIN)), False))
        elif kind == "client":
            lines += draw(constructor(callees, indent))
        elif kind == "chat":
            lines += draw(chat_call(indent, models, in_async))
        elif kind == "config":
            module = draw(st.sampled_from(modules))
            name = draw(st.sampled_from(["api_key", "api_base", "base_url"]))
            value = draw(st.sampled_from(KWARGS["api_key" if name == "api_key" else "base_url"]))
            lines.append(Line(f"{module}.{name} = {value}", True))
        elif kind in ("def", "decorated"):
            if kind == "decorated":
                lines.append(Line(f"{indent}@functools.lru_cache(maxsize=None)", False))
            prefix = draw(st.sampled_from(["", "async "]))
            lines.append(Line(f"{indent}{prefix}def make_{len(lines)}(prompt: str = 'ask gpt-4 nicely'):", False))
            lines.append(Line(f'{inner}"""Build a client; OpenAI(...) in a docstring is prose."""', False))
            lines += draw(block(callees, models, inner, depth + 1, prefix == "async "))
        elif kind == "class":
            lines.append(Line(f"{indent}class Service{len(lines)}:", False))
            lines.append(Line(f"{inner}name = 'service'", False))
            lines += draw(block(callees, models, inner, depth + 1))  # a class body is not async
        else:
            lines.append(Line(f"{indent}if os.environ.get('DEBUG'):", False))
            lines += draw(block(callees, models, inner, depth + 1, in_async))
            if draw(st.booleans()):
                lines.append(Line(f"{indent}else:", False))
                lines += draw(block(callees, models, inner, depth + 1, in_async))
    return lines


@st.composite
def program(draw: st.DrawFn) -> tuple[str, list[Line]]:
    """(source, its lines): imports, then a module body mixing OpenAI use into plain code."""
    imports = draw(st.lists(st.sampled_from(sorted(IMPORTS)), min_size=1, max_size=3, unique=True))
    callees = tuple(c for imp in imports for c in IMPORTS[imp])
    models: tuple[str, ...] = ('"gpt-4"', "'gpt-3.5-turbo'", '"gpt-4-turbo"')
    constant = draw(st.booleans())
    if constant:
        models += ("MODEL",)  # a module constant that reaches `model=`: rewritten where defined
    body = draw(block(callees, models, "", 0))
    if constant:
        body.insert(0, Line('MODEL = "gpt-4-turbo"', True))
    head = [Line("import functools", False), Line("import httpx", False)]
    # `import os` may be missing even where the code reads `os.environ`: the first run must then
    # replace those reads and add the import at once (a second run used to find more to do).
    if draw(st.booleans()):
        head.append(Line("import os", False))
    head += [Line(imp, False) for imp in imports]
    if draw(st.booleans()):
        head.insert(0, Line('"""A module that talks to a model."""', False))
    head.append(Line("", False))
    lines = [*head, Line("", False), *body]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(line.text for line in lines) + (newline if draw(st.booleans()) else "")
    return text, lines


# --- properties --------------------------------------------------------------------------------


def unexpected_changes(lines: list[Line], old: str, new: str) -> list[str]:
    """Diff hunks touching a line that holds no OpenAI construct (beyond an added `import os`)."""
    a = old.splitlines()
    b = new.splitlines()
    assert len(a) == len(lines)
    problems = []
    # Every line with no OpenAI construct comes out verbatim and in order. (Checked on the whole
    # file, not per hunk: difflib may align a call's new lines across an unchanged line.)
    plain = [text for text, line in zip(a, lines, strict=True) if not line.openai]
    if not _in_order(plain, b):
        problems.append(f"a line with no OpenAI construct was changed, moved or dropped: {plain!r}")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":
            near_openai = (i1 > 0 and lines[i1 - 1].openai) or (i1 < len(lines) and lines[i1].openai)
            if not near_openai and any(text not in ("import os", "") for text in b[j1:j2]):
                problems.append(f"insert before old {i1 + 1}: {b[j1:j2]!r}")
    return problems


def _in_order(needles: list[str], hay: list[str]) -> bool:
    """Is `needles` a subsequence of `hay`?"""
    rest = iter(hay)
    return all(any(n == h for h in rest) for n in needles)


def check_rewrite(text: str, lines: list[Line]) -> str:
    new = rewrite(text)
    compile(new, "<rewritten>", "exec", dont_inherit=True)
    assert rewrite(new) == new, "a second run changed the output"
    assert unexpected_changes(lines, text, new) == []
    fixable = [f"{f.line}:{f.col} {f.code} {f.message}" for f in analyse(new, default_rules()) if f.fix is not None]
    assert fixable == [], new
    newline = "\r\n" if "\r\n" in text else "\n"
    assert new.count("\n") == new.count(newline), "a line ending of another kind appeared"
    return new


@settings(PROFILE)
@given(program())
def test_generated_programs(generated: tuple[str, list[Line]]) -> None:
    text, lines = generated
    compile(text, "<generated>", "exec", dont_inherit=True)  # the generator's own contract
    check_rewrite(text, lines)


def test_the_change_detector_catches_a_change_to_a_plain_line() -> None:
    """The line property must be able to fail: a changed non-OpenAI line is flagged."""
    lines = [Line("x = 1", False), Line("client = OpenAI()", True)]
    assert unexpected_changes(lines, "x = 1\nclient = OpenAI()\n", "x = 1\nclient = OpenAI(a=1)\n") == []
    assert unexpected_changes(lines, "x = 1\nclient = OpenAI()\n", "x = 2\nclient = OpenAI()\n") != []
    assert unexpected_changes(lines, "x = 1\nclient = OpenAI()\n", "y = 0\nx = 1\nclient = OpenAI()\n") == [
        "insert before old 1: ['y = 0']"
    ]


@settings(PROFILE, max_examples=max(8, PROFILE.max_examples // 25))  # a CLI run costs more
@given(program())
def test_apply_then_check_reports_nothing_fixable(tmp_path_factory: pytest.TempPathFactory, generated: tuple[str, list[Line]]) -> None:
    """Through the CLI: what `apply` writes, `check` finds nothing auto-fixable in."""
    text, _ = generated
    root = tmp_path_factory.mktemp("fuzz")
    path = root / "app.py"
    path.write_bytes(text.encode())
    old = Path.cwd()
    os.chdir(root)
    try:
        applied = CliRunner().invoke(main, ["apply", "--yes", "-q", "--jobs", "1", "."], catch_exceptions=False)
        checked = CliRunner().invoke(main, ["check", "--format", "json", "--jobs", "1", "."], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert applied.exit_code in (0, 1), applied.stderr
    assert path.read_bytes() == rewrite(text).encode()
    assert [f for f in json.loads(checked.stdout) if f.get("fix")] == []
    assert "LMX900" not in checked.stdout and "LMX901" not in checked.stdout


hypothesmith = pytest.importorskip("hypothesmith")  # placed last: the tests above never skip


@settings(PROFILE, max_examples=max(40, PROFILE.max_examples // 5))  # generation is slow
# Deferred: building the grammar takes a second or two, paid by the worker that runs this test
# only, not by every worker that collects the module.
@given(st.deferred(hypothesmith.from_grammar))
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
def test_arbitrary_programs_without_openai_come_out_byte_identical(text: str) -> None:
    """Any valid program the grammar yields, with no OpenAI use in it, is left as it is."""
    assume("openai" not in text.lower())
    assert rewrite(text) == text
    assert [f for f in analyse(text, default_rules()) if f.fix is not None] == []


def test_a_plain_line_between_rewritten_calls_is_not_taken_for_a_change() -> None:
    """Found by the long profile: difflib aligned the new call lines across the unchanged `if`."""
    parts = [
        ("from openai import OpenAI", False),
        ("def make():", False),
        ("    class Service:", False),
        ('        client = OpenAI(organization="org-123")', True),
        ("    if os.environ.get('DEBUG'):", False),
        ("        client = OpenAI()", True),
        ("        client = OpenAI(", True),
        ('            organization="org-123",', True),
        ("        )", True),
    ]
    text = "\n".join(t for t, _ in parts) + "\n"
    check_rewrite(text, [Line(t, o) for t, o in parts])
