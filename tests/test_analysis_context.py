"""Per-file context (codemod/analysis/context.py): the checks that keep a fix from breaking
code, and what a name's uses allow."""

from __future__ import annotations

import ast

import pytest
from support import default_rules, findings, rewrite

from codemod.analysis.context import Context


def context(text: str) -> Context:
    return Context(text, ast.parse(text), default_rules())


# --- checks that keep a fix from breaking code ----------------------------------------------------

UNFIXABLE = [
    pytest.param("from openai import OpenAI\ndef f(os):\n    return OpenAI()\n", "not the os module", id="os is a parameter"),
    pytest.param("from openai import OpenAI\nos = 'linux'\nc = OpenAI()\n", "not the os module", id="os is a variable"),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI()\nimport os\n", "not the os module", id="os imported only after the call"
    ),
    pytest.param("from openai import OpenAI\nx = f'{OpenAI()}'\n", "f-string", id="constructor inside an f-string"),
]


@pytest.mark.parametrize(("source", "why"), UNFIXABLE)
def test_a_client_the_fix_would_break_is_reported_without_a_fix(source: str, why: str) -> None:
    (found,) = findings(source)
    assert (found.code, found.fixable) == ("LMX101", False)
    assert why in found.message
    assert rewrite(source) == source


def test_os_usable_where_a_function_imports_it_itself() -> None:
    source = "from openai import OpenAI\ndef f():\n    import os\n    return OpenAI()\n"
    assert [f.fixable for f in findings(source)] == [True]


def test_only_spread_sees_mutation_from_another_function() -> None:
    source = "opts = {'timeout': 5}\ndef g():\n    opts['base_url'] = 'x'\nf(**opts)\n"
    ctx = context(source)
    binding = ctx.module_scope.bindings["opts"][0]
    assert not ctx.only_spread("opts", binding)
    clean = context("opts = {'timeout': 5}\nf(**opts)\ng(**opts)\n")
    assert clean.only_spread("opts", clean.module_scope.bindings["opts"][0])
