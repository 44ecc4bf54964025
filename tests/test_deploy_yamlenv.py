"""Compose files, workflows, Kubernetes manifests and Helm values: the exact OpenAI entry is
reported; block-style workflow and compose mappings gain the line (exact bytes, idempotent);
third-party action steps, unrelated services and unparsable files are never touched."""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path

import pytest

from codemod.deploy.kinds import Kind
from codemod.deploy.yamlenv import analyse_yaml
from codemod.rules import Rules, load_rules
from codemod.types import EditKind, Finding

PAGES = Path(__file__).resolve().parents[1] / "codemod" / "codes" / "pages"
SECRET = "LUMYX_API_KEY: ${{ secrets.LUMYX_API_KEY }}"


@cache
def rules() -> Rules:
    return load_rules()


def run(text: str, kind: Kind, reads: bool = True) -> list[Finding]:
    return analyse_yaml(text, rules(), kind=kind, project_reads_lumyx=reads)


def apply(text: str, findings: list[Finding]) -> str:
    """Apply every fix's REPLACE/INSERT edits at their offsets, last offset first."""
    edits = [e for f in findings if f.fix for e in f.fix.edits]
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        assert edit.kind in (EditKind.REPLACE, EditKind.INSERT)
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


WORKFLOW = """\
name: tests
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m pytest
        env:
          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}  # the key
          PYTHONUNBUFFERED: "1"
"""


@pytest.mark.parametrize(
    ("before", "kind", "after"),
    [
        pytest.param(
            WORKFLOW,
            "workflow",
            WORKFLOW.replace("  # the key\n", f"  # the key\n          {SECRET}\n"),
            id="workflow run step: secret line after the OpenAI one",
        ),
        pytest.param(
            "env:\r\n  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\r\njobs:\r\n  a:\r\n"
            "    runs-on: x\r\n    steps:\r\n      - run: make\r\n",
            "workflow",
            f"env:\r\n  OPENAI_API_KEY: ${{{{ secrets.OPENAI_API_KEY }}}}\r\n  {SECRET}\r\njobs:\r\n"
            "  a:\r\n    runs-on: x\r\n    steps:\r\n      - run: make\r\n",
            id="workflow-level env, CRLF kept",
        ),
        pytest.param(
            "jobs:\n  a:\n    runs-on: x\n    env:\n      OPENAI_BASE_URL: https://api.openai.com/v1\n"
            "    steps:\n      - run: make",
            "workflow",
            "jobs:\n  a:\n    runs-on: x\n    env:\n      OPENAI_BASE_URL: https://api.openai.com/v1\n"
            "      LUMYX_BASE_URL: https://api.lumyx-ai.site/v1\n    steps:\n      - run: make",
            id="job-level base URL",
        ),
        pytest.param(
            "services:\n  app:\n    build: .\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\n",
            "compose",
            "services:\n  app:\n    build: .\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\n"
            "      LUMYX_API_KEY: ${LUMYX_API_KEY}\n",
            id="compose mapping form",
        ),
        pytest.param(
            "services:\n  app:\n    environment:\n      - OPENAI_API_KEY=${OPENAI_API_KEY}\n      - DEBUG=1\n",
            "compose",
            "services:\n  app:\n    environment:\n      - OPENAI_API_KEY=${OPENAI_API_KEY}\n"
            "      - LUMYX_API_KEY=${LUMYX_API_KEY}\n      - DEBUG=1\n",
            id="compose list form",
        ),
        pytest.param(
            "services:\n  app:\n    environment:\n    - \"OPENAI_API_KEY\"\n",
            "compose",
            "services:\n  app:\n    environment:\n    - \"OPENAI_API_KEY\"\n    - LUMYX_API_KEY=${LUMYX_API_KEY}\n",
            id="compose list, quoted pass-through entry, dash at the parent's indentation",
        ),
        pytest.param(
            "services:\n  app:\n    environment:\n      OPENAI_API_KEY:\n",
            "compose",
            "services:\n  app:\n    environment:\n      OPENAI_API_KEY:\n      LUMYX_API_KEY: ${LUMYX_API_KEY}\n",
            id="compose pass-through with empty value",
        ),
    ],
)
def test_rewrite(before: str, kind: Kind, after: str) -> None:
    out = apply(before, run(before, kind))
    assert out == after
    assert [f for f in run(out, kind) if f.fixable] == [], "second run still has fixes"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param(
            "jobs:\n  a:\n    steps:\n      - uses: some/openai-action@v1\n        with:\n"
            "          key: x\n        env:\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n",
            "workflow",
            id="step only feeds a third-party action",
        ),
        pytest.param(
            "env:\n  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\njobs:\n  a:\n    steps:\n"
            "      - uses: some/review-action@v2\n",
            "workflow",
            id="workflow env seen only by action steps",
        ),
        pytest.param(
            "jobs:\n  call:\n    uses: org/repo/.github/workflows/x.yml@main\n    secrets:\n"
            "      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n",
            "workflow",
            id="reusable workflow call",
        ),
        pytest.param(
            "services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: x\n",
            "compose",
            id="compose file for an unrelated service",
        ),
        pytest.param(
            "services:\n  app:\n    environment:\n      OPENAI_API_KEY: x\n      LUMYX_API_KEY: y\n",
            "compose",
            id="already has the provider key",
        ),
        pytest.param(
            "services:\n  app:\n    environment:\n      OPENAI_API_KEY: x  # lumyx: ignore[LMX602]\n",
            "compose",
            id="suppressed",
        ),
        pytest.param("x: [unclosed\n", "compose", id="unparsable but no OpenAI variable: not our file"),
        pytest.param(
            "services:\n  app:\n    labels:\n      OPENAI_API_KEY: x\n", "compose", id="not an environment block"
        ),
    ],
)
def test_no_finding(text: str, kind: Kind) -> None:
    assert run(text, kind) == []


def test_not_read_by_migrated_code() -> None:
    assert run(WORKFLOW, "workflow", reads=False) == []


def test_workflow_finding_position_and_message() -> None:
    (finding,) = run(WORKFLOW, "workflow")
    assert (finding.code, finding.line, finding.col, finding.end_line, finding.end_col) == (
        "LMX602", 10, 11, 10, 25,
    )
    assert finding.message == (
        "OPENAI_API_KEY is handed to the program but LUMYX_API_KEY, which the migrated code reads, "
        "is not: add `LUMYX_API_KEY: ${{ secrets.LUMYX_API_KEY }}` beside it "
        "and create the secret LUMYX_API_KEY"
    )


@pytest.mark.parametrize(
    ("text", "kind", "where", "message_end"),
    [
        pytest.param(
            "services:\n  app:\n    environment: {OPENAI_API_KEY: x, A: b}\n",
            "compose",
            (3, 19),
            "add `LUMYX_API_KEY: ${LUMYX_API_KEY}` beside it",
            id="compose flow style: reported, not fixed",
        ),
        pytest.param(
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
            "        - name: app\n          env:\n            - name: \"OPENAI_API_KEY\"\n"
            "              valueFrom:\n                secretKeyRef:\n                  name: openai\n"
            "                  key: api-key\n",
            "kubernetes",
            (9, 22),
            "add `- name: LUMYX_API_KEY` with valueFrom.secretKeyRef "
            "{name: openai, key: LUMYX_API_KEY} beside it",
            id="kubernetes secretKeyRef mirrored",
        ),
        pytest.param(
            "---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    env:\n"
            "    - name: OPENAI_BASE_URL\n      value: https://api.openai.com/v1\n",
            "kubernetes",
            (8, 13),
            "add `- name: LUMYX_BASE_URL` with `value: https://api.lumyx-ai.site/v1` beside it",
            id="kubernetes base URL",
        ),
        pytest.param(
            "image: app\nenv:\n  OPENAI_API_KEY: changeme\n",
            "helm",
            (3, 3),
            "add `LUMYX_API_KEY: <your LUMYX_API_KEY>` beside it",
            id="helm values mapping",
        ),
        pytest.param(
            "app:\n  extraEnv:\n    - name: OPENAI_API_KEY\n      value: x\n",
            "helm",
            (3, 13),
            "add `- name: LUMYX_API_KEY` with valueFrom.secretKeyRef "
            "{name: <a Secret>, key: LUMYX_API_KEY} beside it",
            id="helm values list",
        ),
    ],
)
def test_report_only(text: str, kind: Kind, where: tuple[int, int], message_end: str) -> None:
    (finding,) = run(text, kind)
    assert (finding.code, (finding.line, finding.col), finding.fixable) == ("LMX602", where, False)
    assert finding.message.endswith(message_end)


def test_alias_reported_once() -> None:
    text = (
        "x-env: &env\n  OPENAI_API_KEY: k\nservices:\n  a:\n    environment: *env\n"
        "  b:\n    environment: *env\n"
    )
    found = run(text, "compose")
    assert [(f.line, f.col) for f in found] == [(2, 3)]
    out = apply(text, found)
    assert out == text.replace("k\n", "k\n  LUMYX_API_KEY: ${LUMYX_API_KEY}\n", 1)


def test_unparsable_reported_never_fixed() -> None:
    text = "services:\n  app:\n    environment:\n      OPENAI_API_KEY: [x\n"
    (finding,) = run(text, "compose")
    assert (finding.code, finding.line, finding.col, finding.fixable) == ("LMX900", 5, 1, False)
    assert finding.message == (
        "not valid YAML: expected ',' or ']', but got '<stream end>' (line 5, column 1); not analysed"
    )


def test_quoted_value_needs_quotes() -> None:
    base = rules()
    odd = dataclasses.replace(base, provider=dataclasses.replace(base.provider, base_url="http://h: #x"))
    text = "services:\n  a:\n    environment:\n      OPENAI_BASE_URL: u\n"
    out = apply(text, analyse_yaml(text, odd, kind="compose", project_reads_lumyx=True))
    assert out == text + '      LUMYX_BASE_URL: "http://h: #x"\n'


def test_page_examples() -> None:
    page = (PAGES / "LMX602.md").read_text("utf-8")
    r = rules()
    page = re.sub(r"\$\$\{|\$\{provider\.([a-z_]+)\}",
                  lambda m: "${" if m.group(0) == "$${" else str(getattr(r.provider, m.group(1))), page)
    assert re.findall(r"^## (.*)$", page, re.MULTILINE) == ["What it does", "Why is this bad?", "Example", "Use instead"]
    example, use_instead = re.findall(r"```yaml\n(.*?)```", page, re.DOTALL)
    assert [f.code for f in run(example, "workflow")] == ["LMX602"]
    assert run(use_instead, "workflow") == []
    assert apply(example, run(example, "workflow")) == use_instead
