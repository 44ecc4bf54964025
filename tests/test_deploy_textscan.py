"""Bicep, ARM and Terraform: report-only, at the exact line and column of the OpenAI key's
setting; names in comments or inside longer strings never count; a file with the provider's
key beside it is left alone; bad ARM JSON is LMX900."""

from __future__ import annotations

from functools import cache

import pytest

from codemod.deploy.kinds import Kind
from codemod.deploy.textscan import analyse_text, lex
from codemod.rules import Rules, load_rules
from codemod.types import Finding


@cache
def rules() -> Rules:
    return load_rules()


def run(text: str, kind: Kind, reads: bool = True) -> list[Finding]:
    return analyse_text(text, rules(), kind=kind, project_reads_lumyx=reads)


BICEP = """\
// OPENAI_API_KEY comes from Key Vault
resource app 'Microsoft.Web/sites@2022-03-01' = {
  properties: {
    siteConfig: {
      appSettings: [
        {
          name: 'OPENAI_API_KEY'
          value: openAiKey
        }
        { name: 'NOTE', value: 'set OPENAI_API_KEY ${toLower('x')}' }
      ]
    }
  }
}
"""

TERRAFORM = """\
resource "azurerm_linux_web_app" "app" {
  app_settings = {
    OPENAI_API_KEY = var.openai_api_key
    "OPENAI_KEY"   = "${var.a == "b" ? "c" : "d"}"
  }
  # OPENAI_API_KEY = "old"
  /* OPENAI_API_KEY = "older" */
}
resource "aws_ecs_task_definition" "t" {
  container_definitions = jsonencode([{ environment = [{ name = "OPENAI_API_KEY", value = var.k }] }])
}
"""

ARM = """\
{
  "parameters": { "openAiApiKey": { "type": "securestring" } },
  "resources": [{
    "properties": { "siteConfig": { "appSettings": [
      { "name": "OPENAI_API_KEY", "value": "[parameters('openAiApiKey')]" },
      { "name": "DESCRIPTION", "value": "OPENAI_API_KEY" }
    ] } }
  }]
}
"""

ARM_PARAMETERS = '{\n  "parameters": {\n    "OPENAI_API_KEY": { "value": "" }\n  }\n}\n'


@pytest.mark.parametrize(
    ("text", "kind", "where"),
    [
        pytest.param(BICEP, "bicep", [(7, 18, 7, 32)], id="bicep appSettings name, not comment or note"),
        pytest.param(
            "param settings object = {\n  OPENAI_API_KEY: key\n  'OPENAI_KEY': key\n}\n",
            "bicep",
            [(2, 3, 2, 17), (3, 4, 3, 14)],
            id="bicep object keys, bare and quoted",
        ),
        pytest.param(
            TERRAFORM,
            "terraform",
            [(3, 5, 3, 19), (4, 6, 4, 16), (10, 66, 10, 80)],
            id="terraform app_settings keys and an ECS environment name",
        ),
        pytest.param(ARM, "arm", [(5, 18, 5, 32)], id="ARM appSettings name, not a value or parameter"),
        pytest.param(ARM_PARAMETERS, "arm", [(3, 6, 3, 20)], id="ARM parameters file key"),
    ],
)
def test_reported(text: str, kind: Kind, where: list[tuple[int, int, int, int]]) -> None:
    found = run(text, kind)
    assert [(f.line, f.col, f.end_line, f.end_col) for f in found] == where
    assert {(f.code, f.fixable) for f in found} == {("LMX602", False)}


def test_message() -> None:
    (finding,) = run(BICEP, "bicep")
    assert finding.message == (
        "OPENAI_API_KEY is handed to the deployed program but LUMYX_API_KEY, which the migrated "
        "code reads, is set nowhere in this file: add a LUMYX_API_KEY setting beside it"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param(BICEP.replace("        { name: 'NOTE'", "        { name: 'LUMYX_API_KEY'"), "bicep",
                     id="bicep with the provider key beside it"),
        pytest.param(ARM.replace('"DESCRIPTION"', '"LUMYX_API_KEY"'), "arm", id="ARM with the provider key"),
        pytest.param(TERRAFORM.replace("  }\n  # OPENAI", "  LUMYX_API_KEY = var.k\n  }\n  # OPENAI"),
                     "terraform", id="terraform with the provider key"),
        pytest.param("// name: 'OPENAI_API_KEY'\n/* OPENAI_KEY: x */\n", "bicep", id="bicep comments only"),
        pytest.param("# OPENAI_API_KEY = 1\nlocals { x = \"OPENAI_API_KEY\" }\n", "terraform",
                     id="terraform comment and a plain string value"),
        pytest.param('variable "openai_api_key" {\n  sensitive = true\n}\n', "terraform",
                     id="terraform variable declaration"),
        pytest.param("OPENAI_API_KEY = var.k # lumyx: ignore[LMX602]\n", "terraform", id="suppressed #"),
        pytest.param("{ OPENAI_API_KEY: k } // lumyx: ignore\n", "bicep", id="suppressed //"),
        pytest.param("{\n  \"a\": 1,\n}\n", "arm", id="bad JSON without OpenAI: not our file"),
        pytest.param("OPENAI_API_KEY = var.k\n", "compose", id="not a text kind"),
    ],
)
def test_no_finding(text: str, kind: Kind) -> None:
    assert run(text, kind) == []


def test_not_read_by_migrated_code() -> None:
    assert run(TERRAFORM, "terraform", reads=False) == []


def test_bad_arm_json() -> None:
    (finding,) = run('{\n  "OPENAI_API_KEY": ,\n}\n', "arm")
    assert (finding.code, finding.line, finding.col, finding.fixable) == ("LMX900", 2, 21, False)
    assert finding.message == "not valid JSON: Expecting value (line 2, column 21); not analysed"


@pytest.mark.parametrize(
    ("text", "quote", "strings", "comment_lines"),
    [
        pytest.param("a = 'x' // c\n", "'", ["x"], [1], id="bicep string and line comment"),
        pytest.param("'''\nmulti 'q'\n''' /* b\nc */", "'", ["\nmulti 'q'\n"], [3],
                     id="bicep verbatim string holds quotes"),
        pytest.param("'it\\'s'", "'", ["it\\'s"], [], id="escaped quote"),
        pytest.param('"${f("a}")}" # c', '"', ['${f("a}")}'], [1], id="interpolation with a nested string"),
        pytest.param('"open\nb = "c"', '"', ["open", "c"], [], id="unterminated string ends at its line"),
    ],
)
def test_lex(text: str, quote: str, strings: list[str], comment_lines: list[int]) -> None:
    lexed = lex(text, quote=quote, hash_comments=quote == '"')
    assert [s for s, _, _ in lexed.strings] == strings
    assert [text[a:b] for s, a, b in lexed.strings] == strings
    assert sorted(lexed.comments) == comment_lines
    assert len(lexed.code) == len(lexed.bare) == len(text)
