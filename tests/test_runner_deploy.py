"""Environment templates and deployment files through the runner (issue 12): read only when
they name OpenAI, checked only when the migrated code reads the provider's key variable (the
second phase of a run), fixed by a text splice that keeps every other byte, never the real
`.env`; a file that does not parse or decode is one error value and is left as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import CLIENT, MIGRATED, default_rules

from codemod.deploy.kinds import is_deployment_file
from codemod.pool import run, scan
from codemod.runner import Options, process_file
from codemod.types import FileResult

TEMPLATE = "# copy to .env\nOPENAI_API_KEY=sk-your-key\nOPENAI_MODEL=gpt-4\nDEBUG=1\n"
TEMPLATE_AFTER = (
    "# copy to .env\nOPENAI_API_KEY=sk-your-key\nLUMYX_API_KEY=nova_your_key_here\n"
    "LUMYX_BASE_URL=https://api.lumyx-ai.site/v1\nOPENAI_MODEL=nova_1_1\nDEBUG=1\n"
)
COMPOSE = (
    "services:\n  app:\n    build: .\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\n"
    "  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: example\n"
)
COMPOSE_AFTER = COMPOSE.replace(
    "      OPENAI_API_KEY: ${OPENAI_API_KEY}\n",
    "      OPENAI_API_KEY: ${OPENAI_API_KEY}\n      LUMYX_API_KEY: ${LUMYX_API_KEY}\n",
)


def opts(**kwargs: object) -> Options:
    return Options(rules=default_rules(), **kwargs)  # type: ignore[arg-type]


def one(tmp_path: Path, name: str, data: bytes | str, **kwargs: object) -> FileResult:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return process_file(path, name, opts(**kwargs))


def codes(result: FileResult) -> list[str]:
    return [f.code + ("*" if f.fix else "") for f in result.findings]


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        pytest.param(".env.example", True, id="env template"),
        pytest.param(".env", True, id="real env"),
        pytest.param(".github/workflows/ci.yml", True, id="workflow"),
        pytest.param("deploy/values.yaml", True, id="helm values"),
        pytest.param("k8s/app.yaml", True, id="any YAML: a Kubernetes candidate"),
        pytest.param("infra/main.bicep", True, id="bicep"),
        pytest.param("app.py", False, id="python"),
        pytest.param("nb.ipynb", False, id="notebook"),
        pytest.param("compose.py", False, id="python named like compose"),
        pytest.param("bin/tool", False, id="named file of another name: python"),
        pytest.param("package.json", False, id="other json"),
    ],
)
def test_is_deployment_file(display: str, expected: bool) -> None:
    assert is_deployment_file(display) is expected


# --- one file ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        pytest.param(".env.example", TEMPLATE, TEMPLATE_AFTER, id="env template"),
        pytest.param(
            ".env.example",
            "\ufeffOPENAI_API_KEY=x\r\n",
            "\ufeffOPENAI_API_KEY=x\r\nLUMYX_API_KEY=nova_your_key_here\r\nLUMYX_BASE_URL=https://api.lumyx-ai.site/v1\r\n",
            id="BOM and CRLF kept",
        ),
        pytest.param("docker-compose.yml", COMPOSE, COMPOSE_AFTER, id="compose: other service untouched"),
        pytest.param(
            ".github/workflows/ci.yml",
            "jobs:\n  t:\n    steps:\n      - uses: some/action@v1\n        with:\n          key: x\n"
            "        env:\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
            "      - run: pytest\n        env:\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n",
            "jobs:\n  t:\n    steps:\n      - uses: some/action@v1\n        with:\n          key: x\n"
            "        env:\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
            "      - run: pytest\n        env:\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
            "          LUMYX_API_KEY: ${{ secrets.LUMYX_API_KEY }}\n",
            id="workflow: a step that only feeds an action is untouched",
        ),
    ],
)
def test_fix_is_a_splice_and_idempotent(tmp_path: Path, name: str, before: str, after: str) -> None:
    result = one(tmp_path, name, before.encode("utf-8"), fix=True, project_reads_lumyx=True)
    assert result.error is None
    assert result.new_bytes == after.encode("utf-8")
    assert result.old_digest != ""
    again = one(tmp_path, name, after.encode("utf-8"), fix=True, project_reads_lumyx=True)
    assert (again.new_bytes, [f for f in again.findings if f.fix]) == (None, [])


@pytest.mark.parametrize(
    ("name", "text", "kwargs", "expected"),
    [
        pytest.param(".env.example", TEMPLATE, {"project_reads_lumyx": False}, [],
                     id="no code reads the provider: nothing"),
        pytest.param(".env", "OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwx12\n", {}, ["LMX603"],
                     id="the real .env: reported, never fixed"),
        pytest.param(".env.example", TEMPLATE, {"ignore": ("LMX601",)}, ["LMX201*"],
                     id="--ignore applies"),
        pytest.param(".env.example", TEMPLATE, {"select": ("LMX601",)}, ["LMX601*"],
                     id="--select applies"),
        pytest.param(".env.example", "OPENAI_API_KEY=x  # lumyx: ignore[LMX601]\n", {}, [],
                     id="suppression comment"),
        pytest.param("compose.yaml", "services:\n  db:\n    image: postgres\n", {}, [],
                     id="names no OpenAI: not read further"),
        pytest.param("chart/templates/d.yaml", "env:\n  - name: OPENAI_API_KEY\n    value: {{ .Values.k }}\n",
                     {}, [], id="helm template: no YAML, left alone"),
        pytest.param("k8s/notes.yaml", "title: OPENAI_API_KEY rotation\n", {}, [],
                     id="YAML that is no manifest"),
    ],
)
def test_findings(tmp_path: Path, name: str, text: str, kwargs: dict[str, object], expected: list[str]) -> None:
    settings: dict[str, object] = {"fix": True, "project_reads_lumyx": True, **kwargs}
    result = one(tmp_path, name, text, **settings)
    assert (codes(result), result.error) == (expected, None)
    if not any(f.fix for f in result.findings):
        assert result.new_bytes is None


def test_the_real_env_is_never_rewritten_even_if_a_fix_were_planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner's own guard: an analysis that planned a fix for `.env` still writes nothing."""
    from codemod.deploy import envfile

    original = envfile.analyse_env

    def as_template(text: str, rules: object, *, kind: str, project_reads_lumyx: bool) -> object:
        return original(text, rules, kind="env-template", project_reads_lumyx=project_reads_lumyx)  # type: ignore[arg-type]

    monkeypatch.setattr(envfile, "analyse_env", as_template)
    result = one(tmp_path, ".env", "OPENAI_API_KEY=x\n", fix=True, project_reads_lumyx=True)
    assert codes(result) == ["LMX601"] and result.new_bytes is None


@pytest.mark.parametrize(
    ("name", "data", "code", "error"),
    [
        pytest.param("compose.yaml", b"services:\n  a:\n    environment: [OPENAI_API_KEY\n", "LMX900",
                     "not valid YAML: expected ',' or ']', but got '<stream end>' (line 4, column 1); not analysed",
                     id="broken YAML"),
        pytest.param("azuredeploy.json", b'{"name": "OPENAI_API_KEY",}', "LMX900",
                     "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 27); not analysed",
                     id="broken ARM JSON"),
        pytest.param(".env.example", b"OPENAI_API_KEY=caf\xe9\n", "LMX901",
                     "cannot decode: not valid UTF-8 at line 1 (byte 18)", id="not UTF-8"),
        pytest.param(".env.example", b"OPENAI_API_KEY=x\0\n", "LMX901",
                     "file contains NUL bytes (binary content?); not a text file", id="NUL bytes"),
    ],
)
def test_bad_file_is_one_error_value(tmp_path: Path, name: str, data: bytes, code: str, error: str) -> None:
    result = one(tmp_path, name, data, fix=True, project_reads_lumyx=True)
    assert [f.code for f in result.findings] == [code]
    assert result.error == error
    assert result.new_bytes is None and (tmp_path / name).read_bytes() == data


def test_broken_yaml_is_reported_whatever_select_says(tmp_path: Path) -> None:
    data = "services:\n  a:\n    environment: [OPENAI_API_KEY\n"
    result = one(tmp_path, "compose.yaml", data, project_reads_lumyx=True, select=("LMX601",))
    assert [f.code for f in result.findings] == ["LMX900"]


def test_generated_deployment_file_is_skipped(tmp_path: Path) -> None:
    data = "# DO NOT EDIT: generated\nOPENAI_API_KEY=x\n"
    result = one(tmp_path, ".env.example", data, fix=True, project_reads_lumyx=True)
    assert (result.skipped, result.findings) == ("generated file", ())


# --- the two phases --------------------------------------------------------------------------------


def project(tmp_path: Path, files: dict[str, str]) -> list[tuple[Path, str]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [(tmp_path / name, name) for name in sorted(files)]


def notebook(source: str) -> str:
    cell = {"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
            "source": source.splitlines(keepends=True)}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


@pytest.mark.parametrize(
    ("code", "select", "expected"),
    [
        pytest.param({"app.py": CLIENT}, (), ["LMX601*"], id="a client the fix points at the provider"),
        pytest.param({"app.py": MIGRATED}, (), ["LMX601*"], id="migrated code naming the variable"),
        pytest.param({"conf.py": 'import os\nKEY = os.environ["LUMYX_API_KEY"]\n'}, (), ["LMX601*"],
                     id="a module the prefilter skips still names the variable"),
        pytest.param({"nb.ipynb": notebook(CLIENT)}, (), ["LMX601*"], id="a notebook"),
        pytest.param({"app.py": CLIENT}, ("LMX6",), ["LMX601*"],
                     id="--select of deployment codes: the code still counts"),
        pytest.param({"app.py": "import requests\n"}, (), [], id="code that never uses OpenAI"),
        pytest.param({"app.py": "from openai import AzureOpenAI\nc = AzureOpenAI()\n"}, (), [],
                     id="an Azure client: never pointed at the provider"),
        pytest.param({"app.py": 'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\n'},
                     (), [], id="a client of a local server: never pointed at the provider"),
        pytest.param({}, (), [], id="no code at all"),
    ],
)
@pytest.mark.parametrize("jobs", [pytest.param(1, id="jobs 1"), pytest.param(2, id="jobs 2")])
def test_deployment_files_are_checked_after_the_code(
    tmp_path: Path, code: dict[str, str], select: tuple[str, ...], expected: list[str], jobs: int
) -> None:
    files = project(tmp_path, {**code, ".env.example": "OPENAI_API_KEY=x\n"})
    results = run(files, opts(fix=True, select=select), jobs=jobs)
    assert [r.path for r in results] == sorted(d for _, d in files)
    template = next(r for r in results if r.path == ".env.example")
    assert codes(template) == expected


def test_reads_provider_env_is_set_per_module(tmp_path: Path) -> None:
    files = project(tmp_path, {"a.py": CLIENT, "b.py": "import requests\n", "c.py": MIGRATED})
    results = run(files, opts())
    assert {r.path: r.reads_provider_env for r in results} == {"a.py": True, "b.py": False, "c.py": True}


# A module of ~300 KB with a client: two of them are enough work for scan's pool.
BIG_CLIENT = CLIENT + 'DATA = "' + "x" * 300_000 + '"\n'


@pytest.mark.parametrize(
    ("code", "expected", "clean"),
    [
        pytest.param({"conf.py": 'import os\nKEY = os.environ["LUMYX_API_KEY"]\n'}, ["LMX601*"], ["conf.py"],
                     id="a module the prefilter skips is only counted, but still names the variable"),
        pytest.param({"app.py": CLIENT}, ["LMX601*"], [],
                     id="a template the Python prefilter would skip is read by its own trigger"),
        pytest.param({"a.py": BIG_CLIENT, "b.py": BIG_CLIENT}, ["LMX601*"], [],
                     id="modules analysed by the pool tell the second phase"),
        pytest.param({"app.py": "import requests\n"}, [], ["app.py", ".env.example"],
                     id="code that never uses OpenAI: the template is clean, only counted"),
    ],
)
@pytest.mark.parametrize("jobs", [pytest.param(1, id="jobs 1"), pytest.param(2, id="jobs 2")])
def test_scan_keeps_the_two_phases_and_counts_clean_files(
    tmp_path: Path, code: dict[str, str], expected: list[str], clean: list[str], jobs: int
) -> None:
    """Where issue 11's scan (clean files only counted) meets the deployment phase."""
    files = project(tmp_path, {**code, ".env.example": "OPENAI_API_KEY=x\n"})
    done = scan(((str(p), d) for p, d in files), opts(fix=True), jobs=jobs, keep_clean=True)
    assert (done.clean, done.clean_paths) == (len(clean), sorted(clean))
    assert sorted([r.path for r in done.results] + sorted(clean)) == sorted(d for _, d in files)
    template = [r for r in done.results if r.path == ".env.example"]
    assert [codes(r) for r in template] == ([expected] if expected else [])


def test_scan_counts_a_template_without_openai_as_clean(tmp_path: Path) -> None:
    files = project(tmp_path, {"app.py": CLIENT, ".env.example": "DEBUG=1\n"})
    done = scan(((str(p), d) for p, d in files), opts(fix=True), jobs=2)
    assert ([r.path for r in done.results], done.clean) == (["app.py"], 1)


# --- what makes a deployment file worth reading ------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "pattern", "read", "skipped"),
    [
        pytest.param("", b"OPENAI", b"x: ${{ secrets.OpenAI_Key }}", b"x: ${{ secrets.GPT_KEY }}",
                     id="default rules: OPENAI in any case"),
        pytest.param('[source]\napi_key_env = ["*OPENAI*KEY*", "ACME_GPT_*"]\n', b"ACME_GPT_|OPENAI",
                     b"ACME_GPT_TOKEN=1", b"GPT_TOKEN=1", id="a user's glob adds its literal part"),
        pytest.param('[source]\napi_key_env = ["*_K*"]\n', b"", b"anything", None,
                     id="a glob without a 3-character literal: every file is read"),
    ],
)
def test_trigger_comes_from_the_rules(
    tmp_path: Path, source: str, pattern: bytes, read: bytes, skipped: bytes | None
) -> None:
    from codemod.deploy.files import trigger
    from codemod.rules import load_rules

    rules = default_rules()
    if source:
        path = tmp_path / "rules.toml"
        path.write_text(source)
        rules = load_rules(path)
    found = trigger(rules)
    assert found.pattern == pattern
    assert found.search(read) is not None
    assert skipped is None or found.search(skipped) is None
