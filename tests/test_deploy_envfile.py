"""dotenv templates gain the provider's variables (exact bytes, idempotent); real .env files
are only reported, masked; nothing at all when no migrated code reads the variables."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from codemod.deploy.envfile import CODES, analyse_env
from codemod.deploy.kinds import Kind
from codemod.rules import Rules, load_rules
from codemod.types import EditKind, Finding

PAGES = Path(__file__).resolve().parents[1] / "codemod" / "codes" / "pages"
KEY = "LUMYX_API_KEY=nova_your_key_here"
BASE = "LUMYX_BASE_URL=https://api.lumyx-ai.site/v1"


@cache
def rules() -> Rules:
    return load_rules()


def run(text: str, kind: Kind = "env-template", reads: bool = True) -> list[Finding]:
    return analyse_env(text, rules(), kind=kind, project_reads_lumyx=reads)


def apply(text: str, findings: list[Finding]) -> str:
    """Apply every fix's REPLACE/INSERT edits at their offsets, last offset first."""
    edits = [e for f in findings if f.fix for e in f.fix.edits]
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        assert edit.kind in (EditKind.REPLACE, EditKind.INSERT)
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def assert_template(before: str, after: str) -> None:
    out = apply(before, run(before))
    assert out == after
    assert [f for f in run(out) if f.fixable] == [], "second run still has fixes"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "OPENAI_API_KEY=sk-your-key\n",
            f"OPENAI_API_KEY=sk-your-key\n{KEY}\n{BASE}\n",
            id="key only: key and base URL added after it",
        ),
        pytest.param(
            "# keys\r\nOPENAI_API_KEY=\r\nDEBUG=1\r\n",
            f"# keys\r\nOPENAI_API_KEY=\r\n{KEY}\r\n{BASE}\r\nDEBUG=1\r\n",
            id="CRLF kept, comment and order kept",
        ),
        pytest.param(
            "OPENAI_API_KEY=x",
            f"OPENAI_API_KEY=x\n{KEY}\n{BASE}",
            id="last line without line ending",
        ),
        pytest.param(
            "OPENAI_API_KEY=x\nOPENAI_BASE_URL=https://api.openai.com/v1  # proxy\nPORT=80\n",
            f"OPENAI_API_KEY=x\n{KEY}\nOPENAI_BASE_URL=https://api.openai.com/v1  # proxy\n{BASE}\nPORT=80\n",
            id="base URL goes after the OpenAI base-url line",
        ),
        pytest.param(
            'export OPENAI_API_KEY="sk-x"  # from the dashboard\n',
            'export OPENAI_API_KEY="sk-x"  # from the dashboard\n'
            'export LUMYX_API_KEY="nova_your_key_here"\n'
            'export LUMYX_BASE_URL="https://api.lumyx-ai.site/v1"\n',
            id="export and quotes mirrored",
        ),
        pytest.param(
            "OPENAI_KEY='line one\nline two'\nA=1\n",
            "OPENAI_KEY='line one\nline two'\nLUMYX_API_KEY='nova_your_key_here'\n"
            "LUMYX_BASE_URL='https://api.lumyx-ai.site/v1'\nA=1\n",
            id="multi-line quoted value: insert after its last line",
        ),
        pytest.param(
            f"OPENAI_API_KEY=x\n{KEY}\nOPENAI_API_BASE=http://proxy\n",
            f"OPENAI_API_KEY=x\n{KEY}\nOPENAI_API_BASE=http://proxy\n{BASE}\n",
            id="key present: only the base URL added",
        ),
        pytest.param(
            "OPENAI_MODEL=gpt-4o\n",
            "OPENAI_MODEL=nova_1_1\n",
            id="mapped model value replaced",
        ),
        pytest.param(
            'CHAT_MODEL="gpt-4"  # default\n',
            'CHAT_MODEL="nova_1_1"  # default\n',
            id="model value quotes and comment kept",
        ),
    ],
)
def test_template_rewrite(before: str, after: str) -> None:
    assert_template(before, after)


@pytest.mark.parametrize(
    ("text", "kind", "reads"),
    [
        pytest.param("OPENAI_API_KEY=x\n", "env-template", False, id="no migrated code reads them"),
        pytest.param(f"OPENAI_API_KEY=x\n{KEY}\n", "env-template", True, id="already has the key"),
        pytest.param("DATABASE_URL=postgres://db\n", "env-template", True, id="no OpenAI variable"),
        pytest.param("# OPENAI_API_KEY=x\n", "env-template", True, id="commented-out line"),
        pytest.param("OPENAI_MODEL=text-embedding-3-small\n", "env-template", True, id="kept model"),
        pytest.param("OPENAI_MODEL=nova_1_1\n", "env-template", True, id="model already mapped"),
        pytest.param("OPENAI_API_KEY=x  # lumyx: ignore\n", "env-template", True, id="suppressed"),
        pytest.param("OPENAI_API_KEY=x # lumyx: ignore[LMX6]\n", "env-template", True, id="suppressed by prefix"),
        pytest.param("OPENAI_API_KEY=x\n", "compose", True, id="not a dotenv kind"),
        pytest.param("OPENAI_API_KEY=sk-proj-abcdef1234567890\n", "env-real", False, id="real, not read"),
    ],
)
def test_no_finding(text: str, kind: Kind, reads: bool) -> None:
    assert run(text, kind, reads) == []


def test_suppression_names_another_code_does_not_hide() -> None:
    (finding,) = run("OPENAI_API_KEY=x # lumyx: ignore[LMX201]\n")
    assert (finding.code, finding.line, finding.col, finding.end_col) == ("LMX601", 1, 1, 15)


def test_template_finding_position_and_message() -> None:
    (finding,) = run("A=1\n  OPENAI_API_KEY=x\n")
    assert (finding.code, finding.line, finding.col, finding.end_line, finding.end_col) == (
        "LMX601", 2, 3, 2, 17,
    )
    assert finding.message == (
        "OPENAI_API_KEY is set but LUMYX_API_KEY, LUMYX_BASE_URL, which the migrated code reads, "
        f"are not: add {KEY}; {BASE}"
    )


def test_real_env_reported_masked_never_fixed() -> None:
    text = "OPENAI_API_KEY=sk-proj-abcdef1234567890\nOPENAI_BASE_URL=https://api.openai.com/v1\nOPENAI_MODEL=gpt-4o\n"
    found = run(text, "env-real")
    assert [(f.code, f.line, f.col, f.fixable) for f in found] == [
        ("LMX603", 1, 1, False), ("LMX603", 2, 1, False), ("LMX201", 3, 14, False),
    ]
    assert found[0].message == (
        "OPENAI_API_KEY (value sk-p…7890) is set but LUMYX_API_KEY, which the migrated code reads, "
        "is not: add LUMYX_API_KEY to this file (it is never rewritten)"
    )
    assert "abcdef" not in " ".join(f.message for f in found)
    assert found[2].message == "OPENAI_MODEL names an OpenAI model; it maps to nova_1_1"


def test_real_env_short_value_fully_hidden() -> None:
    (finding,) = run("OPENAI_API_KEY=short-ab\n", "env-real")
    assert "short" not in finding.message and "(value shor…)" in finding.message


def test_unsupported_model_reported_without_fix() -> None:
    (finding,) = run("OPENAI_MODEL=o1-mini\n")
    assert (finding.code, finding.fixable, finding.col, finding.end_col) == ("LMX202", False, 14, 21)
    assert finding.message == (
        "OPENAI_MODEL names o1-mini with no mapping: reasoning model: choose its Lumyx replacement by hand"
    )


def test_placeholder_is_no_key() -> None:
    assert not rules().source.looks_like_key("nova_your_key_here")


def test_codes_declared() -> None:
    found = run("OPENAI_API_KEY=x\nOPENAI_MODEL=gpt-4\nM_MODEL=o1\n") + run("OPENAI_KEY=x\n", "env-real")
    assert {f.code for f in found} == set(CODES)


def _fill(page: str, r: Rules) -> str:
    """The pages' placeholders: `${provider.x}` is a rules fact, `$${` a literal `${`."""
    def fact(m: re.Match[str]) -> str:
        return "${" if m.group(0) == "$${" else str(getattr(r.provider, m.group(1)))
    return re.sub(r"\$\$\{|\$\{provider\.([a-z_]+)\}", fact, page)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        pytest.param("LMX601", "env-template", id="LMX601 page example triggers it, use-instead not"),
        pytest.param("LMX603", "env-real", id="LMX603 page example triggers it, use-instead not"),
    ],
)
def test_page_examples(code: str, kind: Kind) -> None:
    page = _fill((PAGES / f"{code}.md").read_text("utf-8"), rules())
    headings = re.findall(r"^## (.*)$", page, re.MULTILINE)
    assert headings == ["What it does", "Why is this bad?", "Example", "Use instead"]
    example, use_instead = re.findall(r"```dotenv\n(.*?)```", page, re.DOTALL)
    assert code in {f.code for f in run(example, kind)}
    assert [f for f in run(use_instead, kind) if f.code == code] == []
