"""Which deployment kind a path is (and, for generic YAML, its text); and the one call the
runner makes per file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codemod import codes as codes_index
from codemod.deploy import CODES, analyse, kind_of
from codemod.deploy.kinds import Kind
from codemod.rules import load_rules

DEPLOY = Path(__file__).resolve().parents[1] / "codemod" / "deploy"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        pytest.param(".env.example", "env-template", id=".env.example"),
        pytest.param("app/.env.sample", "env-template", id=".env.sample in a folder"),
        pytest.param(".env.template", "env-template", id=".env.template"),
        pytest.param(".env.dist", "env-template", id=".env.dist"),
        pytest.param(".env.production.example", "env-template", id=".env.<stage>.example"),
        pytest.param("example.env", "env-template", id="example.env"),
        pytest.param("prod.env.example", "env-template", id="<stage>.env.example"),
        pytest.param("env.example", "env-template", id="env.example"),
        pytest.param(".ENV.Example", "env-template", id="case-insensitive"),
        pytest.param(".env", "env-real", id="the real .env"),
        pytest.param(".env.local", "env-real", id=".env.local"),
        pytest.param("deploy/.env.production", "env-real", id=".env.production"),
        pytest.param("prod.env", "env-real", id="<stage>.env"),
        pytest.param(".envrc", None, id="direnv script"),
        pytest.param("env.py", None, id="a Python module named env"),
        pytest.param(".env.json", None, id="a JSON file"),
        pytest.param("environment.txt", None, id="a word starting with env"),
        pytest.param("docker-compose.yml", "compose", id="docker-compose.yml"),
        pytest.param("ops/docker-compose.prod.yaml", "compose", id="docker-compose.<stage>.yaml"),
        pytest.param("compose.yaml", "compose", id="compose.yaml"),
        pytest.param("compose.override.yml", "compose", id="compose.override.yml"),
        pytest.param("composer.yaml", "kubernetes", id="composer.yaml is only a YAML candidate"),
        pytest.param(".github/workflows/ci.yml", "workflow", id="workflow"),
        pytest.param("sub/.github/workflows/release.yaml", "workflow", id="workflow of a nested repo"),
        pytest.param(".github/dependabot.yml", "kubernetes", id="not a workflow: a YAML candidate"),
        pytest.param("charts/app/values.yaml", "helm", id="helm values"),
        pytest.param("values-prod.yml", "helm", id="helm values per stage"),
        pytest.param("k8s/deployment.yaml", "kubernetes", id="YAML without text: candidate"),
        pytest.param("infra/main.bicep", "bicep", id="bicep"),
        pytest.param("main.bicepparam", "bicep", id="bicepparam"),
        pytest.param("azuredeploy.json", "arm", id="azuredeploy.json"),
        pytest.param("infra/app.parameters.json", "arm", id="ARM parameters"),
        pytest.param("package.json", None, id="other JSON"),
        pytest.param("main.tf", "terraform", id="terraform"),
        pytest.param("prod.tfvars", "terraform", id="tfvars"),
        pytest.param("app.py", None, id="Python"),
        pytest.param("notebook.ipynb", None, id="notebook"),
    ],
)
def test_kind_by_path(path: str, kind: Kind | None) -> None:
    assert kind_of(path) == kind


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        pytest.param("k8s/app.yaml", "apiVersion: v1\nkind: Pod\n", "kubernetes", id="manifest"),
        pytest.param("k8s/app.yaml", "---\nkind: Pod\napiVersion: v1\n", "kubernetes", id="any key order"),
        pytest.param("mkdocs.yml", "site_name: docs\n", None, id="other YAML"),
        pytest.param("x.yaml", "spec:\n  kind: Pod\n  apiVersion: v1\n", None, id="nested keys only"),
        pytest.param("chart/templates/d.yaml", "apiVersion: v1\nkind: {{ .Values.k }}\n", None,
                     id="helm template"),
        pytest.param("docker-compose.yml", "services: {}\n", "compose", id="text does not change a named kind"),
    ],
)
def test_kind_by_text(path: str, text: str, kind: Kind | None) -> None:
    assert kind_of(path, text) == kind


def test_analyse_dispatch() -> None:
    rules = load_rules()
    text = "OPENAI_API_KEY=x\n"
    assert analyse("app.py", text, rules, project_reads_lumyx=True) is None
    assert analyse("mkdocs.yml", "a: OPENAI_API_KEY\n", rules, project_reads_lumyx=True) is None
    codes = {
        path: [f.code for f in analyse(path, body, rules, project_reads_lumyx=True) or []]
        for path, body in [
            (".env.example", text),
            (".env", text),
            ("compose.yaml", "services:\n  a:\n    environment:\n      - OPENAI_API_KEY\n"),
            ("main.tf", "OPENAI_API_KEY = 1\n"),
        ]
    }
    assert codes == {".env.example": ["LMX601"], ".env": ["LMX603"], "compose.yaml": ["LMX602"], "main.tf": ["LMX602"]}
    assert {c for found in codes.values() for c in found} == set(CODES)
    assert analyse(".env.example", text, rules, project_reads_lumyx=False) == []


def test_codes_live_in_the_one_code_index() -> None:
    """The package's codes are documented in codemod/codes, not in a second index of its own."""
    assert {code: codes_index.get(code).fix for code in CODES} == {
        "LMX601": "always", "LMX602": "sometimes", "LMX603": "never",
    }
    assert not (DEPLOY / "codes.toml").exists() and not (DEPLOY / "pages").exists()


@pytest.mark.parametrize(
    ("path", "text", "imported"),
    [
        pytest.param(".env.example", "OPENAI_API_KEY=x\n", False, id="dotenv: no YAML parser"),
        pytest.param("compose.yaml", "services: {}\n", False, id="YAML without OpenAI: not parsed"),
        pytest.param("compose.yaml", "x: OPENAI_API_KEY\n", True, id="YAML naming OpenAI: parsed"),
    ],
)
def test_yaml_imported_lazily(path: str, text: str, imported: bool) -> None:
    script = (
        "import sys\nfrom codemod.deploy import analyse\nfrom codemod.rules import load_rules\n"
        f"analyse({path!r}, {text!r}, load_rules(), project_reads_lumyx=True)\n"
        "print('yaml' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout == f"{imported}\n"
