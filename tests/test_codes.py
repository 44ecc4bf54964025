"""The finding-code index and pages: completeness, rendering, selection, generated docs file."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from codemod import codes
from codemod.rules import Rules, load_rules

SPEC_CODES = [
    "LMX101", "LMX102", "LMX103", "LMX104", "LMX105",
    "LMX201", "LMX202", "LMX203",
    "LMX301", "LMX302", "LMX303", "LMX304", "LMX305",
    "LMX401", "LMX501", "LMX900", "LMX901",
]  # fmt: skip

REPO = Path(__file__).parents[1]
DOCS_FILE = REPO / "docs" / "codes.md"


def gen_docs() -> ModuleType:
    """scripts/gen_code_docs.py, loaded as a module (it lives outside the package)."""
    spec = importlib.util.spec_from_file_location("gen_code_docs", REPO / "scripts" / "gen_code_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rules_with(tmp_path: Path, text: str) -> Rules:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return load_rules(path)


def test_registry_holds_the_spec_codes_in_order() -> None:
    """Every code of SPEC §4 is there (codes are never renumbered); codes added since follow
    the same order. A new code needs no entry here: its page's examples are its tests."""
    assert set(SPEC_CODES) <= set(codes.CODES)
    assert list(codes.CODES) == sorted(codes.CODES)


@pytest.mark.parametrize("code", SPEC_CODES)
def test_entry_is_well_formed(code: str) -> None:
    info = codes.CODES[code]
    assert info.code == code
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", info.name), info.name
    assert info.summary and "\n" not in info.summary and not info.summary.endswith(".")
    assert info.fix in codes.FIX_AVAILABILITY
    assert (info.fix_title is None) == (info.fix == "never")
    assert info.severity in codes.SEVERITIES


def test_names_are_unique() -> None:
    names = [info.name for info in codes.CODES.values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("code", SPEC_CODES)
def test_doc_has_the_four_sections_and_code_examples(code: str) -> None:
    info = codes.CODES[code]
    page = codes.page(code)
    doc = codes.doc_markdown(code)
    assert doc.startswith(f"# {code} ({info.name})\n\n")
    headings = re.findall(r"^## (.+)$", doc, flags=re.M)
    assert headings == ["What it does", "Why is this bad?", "Example", "Use instead"]
    assert page.what.strip() and page.why.strip()
    assert page.example.strip() and page.use_instead.strip()
    assert page.example != page.use_instead
    assert f"## What it does\n{page.what}\n\n## Why is this bad?\n{page.why}\n\n" in doc
    assert f"```python\n{page.example}\n```" in doc
    assert f"```python\n{page.use_instead}\n```" in doc


@pytest.mark.parametrize("code", SPEC_CODES)
def test_every_page_renders_with_every_placeholder_filled(code: str) -> None:
    doc = codes.render_page(code, load_rules(), level=3)
    assert doc.startswith(f"### {code} (")
    assert "$" not in doc  # no page needs a dollar sign; a left-over `${` would show here


@pytest.mark.parametrize(
    "code", [c for c in SPEC_CODES if c != "LMX900"]
)  # LMX900's example is a syntax error on purpose
def test_examples_are_valid_python(code: str) -> None:
    page = codes.page(code)
    ast.parse(page.example)
    ast.parse(page.use_instead)


def test_syntax_error_example_really_does_not_parse() -> None:
    with pytest.raises(SyntaxError):
        ast.parse(codes.page("LMX900").example)
    ast.parse(codes.page("LMX900").use_instead)


@pytest.mark.parametrize("code", SPEC_CODES)
def test_docs_state_no_wrong_provider_fact(code: str) -> None:
    text = codes.doc_markdown(code)
    for url in re.findall(r"https?://[^\s\"`)]+", text):
        assert url in {
            "https://api.lumyx-ai.site/v1",
            "http://localhost:8080/v1",
            "https://contoso.openai.azure.com",
        }, url
    assert not re.search(r"\bnova[-_](?!1_1\b|\.\.\.|key\b)\w", text), "unknown nova_ name"
    assert 'os.getenv("LUMYX_API_KEY")' not in text  # the key read must fail loudly
    assert 'os.environ.get("LUMYX_API_KEY"' not in text


@pytest.mark.parametrize("code", SPEC_CODES)
def test_pages_name_no_provider_fact_the_rules_own(code: str) -> None:
    """Facts come from the rules: the page sources hold placeholders, never the values."""
    from importlib import resources

    source = resources.files("codemod.codes").joinpath(f"pages/{code}.md").read_text("utf-8")
    for fact in ("Lumyx", "LUMYX_", "nova_", "lumyx-ai.site", "4 stop", "0 and 2", "[0, 2]"):
        assert fact not in source.replace("# lumyx: ignore", ""), fact


def test_fixable_client_docs_use_the_loud_key_read() -> None:
    for code in ("LMX101", "LMX105"):
        assert 'os.environ["LUMYX_API_KEY"]' in codes.page(code).use_instead


def test_doc_page_exact_header() -> None:
    doc = codes.doc_markdown("LMX101")
    assert doc.startswith(
        "# LMX101 (client-not-migrated)\n\n"
        "OpenAI client not pointed at Lumyx AI.\n\n"
        "Fix is always available.\n\n"
        "## What it does\n"
    )
    assert "Fix is" not in codes.doc_markdown("LMX302")


def test_doc_page_exact_text_with_the_default_rules() -> None:
    """One whole page, so that a change of rendering (spacing, lists, numbers) shows."""
    assert codes.doc_markdown("LMX304") == (
        "# LMX304 (too-many-stop-sequences)\n\n"
        "More than 4 stop sequences.\n\n"
        "## What it does\n"
        "Checks for chat completion calls whose `stop=` argument is a list or tuple display\n"
        "(given directly or through a name assigned one) of more than 4 stop\nsequences.\n\n"
        "## Why is this bad?\n"
        "Lumyx AI accepts up to 4 stop sequences (`max_stop` in the rules\n"
        "file). Keep the 4 that matter, or cut the output after the fact.\n\n"
        "## Example\n```python\n"
        'response = client.chat.completions.create(\n    model="nova_1_1",\n    messages=messages,\n'
        '    stop=["END", "###", "Human:", "User:", "Q:"],\n)\n```\n\n'
        "## Use instead\n```python\n"
        'response = client.chat.completions.create(\n    model="nova_1_1",\n    messages=messages,\n'
        '    stop=["END", "###", "Human:", "User:"],\n)\n```\n'
    )


def test_a_rules_file_changes_the_facts_of_the_pages(tmp_path: Path) -> None:
    """The acceptance example: `max_stop = 8` makes the LMX304 page say 8, title included."""
    rules = rules_with(
        tmp_path,
        '[provider]\nname = "Acme"\nmodels = ["acme-large", "acme-small"]\n'
        '[chat]\nmax_stop = 8\ntemperature_max = 1.5\nroles = ["system", "user"]\n',
    )
    stop = codes.render_page("LMX304", rules)
    assert stop.startswith("# LMX304 (too-many-stop-sequences)\n\nMore than 8 stop sequences.\n")
    assert "Acme accepts up to 8 stop sequences" in stop and " 4 " not in stop
    assert 'model="acme-large"' in stop
    assert codes.summary("LMX304", rules) == "more than 8 stop sequences"
    assert "between\n0 and 1.5." in codes.page("LMX305", rules).why
    assert "Acme serves the `system` and `user` roles." in codes.page("LMX303", rules).why
    assert "Acme serves `acme-large` and `acme-small`;" in codes.page("LMX202", rules).why


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("${provider.name}", "Lumyx AI", id="string"),
        pytest.param("${chat.max_stop}", "4", id="int"),
        pytest.param("${chat.temperature_max}", "2", id="float-shortest"),
        pytest.param("${provider.models[0]}", "nova_1_1", id="index"),
        pytest.param("${chat.roles}", "`system`, `user` and `assistant`", id="list"),
        pytest.param("${provider.models}", "`nova_1_1`", id="list-of-one"),
        pytest.param("a $ b {c} ${provider.key_prefix}", "a $ b {c} nova_", id="other-dollars-and-braces"),
        pytest.param("$${{ secrets.${provider.api_key_env} }}", "${{ secrets.LUMYX_API_KEY }}", id="escaped-dollar"),
        pytest.param("$${provider.name}", "${provider.name}", id="escaped-placeholder-stays-literal"),
        pytest.param("a $$ b", "a $ b", id="lone-escape"),
    ],
)
def test_fill(text: str, expected: str) -> None:
    assert codes.fill(text, load_rules()) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("${provider.nmae}", "unknown placeholder ${provider.nmae}", id="typo"),
        pytest.param("${nope}", "unknown placeholder ${nope}", id="unknown-table"),
        pytest.param("${provider.models[1]}", "indexes past", id="index-past-the-end"),
        pytest.param("${provider.name[0]}", "indexes past", id="index-of-a-string"),
        pytest.param("${clients}", "cannot be shown", id="not-text"),
        pytest.param("${chat.max_stop", "unterminated", id="unterminated"),
        pytest.param("${provider.__class__}", "malformed", id="dunder"),
        pytest.param("${}", "malformed", id="empty"),
    ],
)
def test_fill_fails_loudly(text: str, message: str) -> None:
    with pytest.raises(codes.PageError, match=re.escape(message)):
        codes.fill(text, load_rules(), "here")


def test_a_deployment_page_keeps_its_fence_language_and_literal_dollars() -> None:
    doc = codes.render_page("LMX602", load_rules(), level=1)
    assert "## Example\n```yaml\njobs:\n" in doc
    assert "          LUMYX_API_KEY: ${{ secrets.LUMYX_API_KEY }}\n```\n" in doc
    assert codes.page("LMX601").lang == "dotenv" and codes.page("LMX101").lang == "python"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("LMX302", "LMX302", id="exact"),
        pytest.param("lmx302", "LMX302", id="case-insensitive"),
        pytest.param(" LMX302 ", "LMX302", id="surrounding-space"),
    ],
)
def test_get(given: str, expected: str) -> None:
    assert codes.get(given).code == expected


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("LMX999", id="unknown-number"),
        pytest.param("LMX3", id="prefix-is-not-a-code"),
        pytest.param("", id="empty"),
    ],
)
def test_get_unknown_raises_key_error(code: str) -> None:
    with pytest.raises(KeyError):
        codes.get(code)


def test_doc_markdown_unknown_raises_key_error() -> None:
    with pytest.raises(KeyError):
        codes.doc_markdown("LMX000")


def test_doc_url() -> None:
    assert codes.doc_url("LMX101") == (
        "https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md#lmx101"
    )


def test_importing_codes_reads_no_file() -> None:
    """The index is loaded on first use, not at import (the command line imports codes)."""
    probe = (
        "import codemod.codes, codemod.codes.registry as r, codemod.codes.render as p\n"
        "print(r._index.cache_info().currsize, p._source.cache_info().currsize)\n"
        "codemod.codes.get('LMX101')\n"
        "print(r._index.cache_info().currsize, p._source.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["0 0", "1 0"]


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        pytest.param("LMX302", [], [], True, id="empty-select-selects-all"),
        pytest.param("LMX302", ["LMX3"], [], True, id="prefix-selects"),
        pytest.param("LMX101", ["LMX3"], [], False, id="unselected-prefix"),
        pytest.param("LMX302", ["LMX"], [], True, id="family-prefix"),
        pytest.param("LMX302", ["ALL"], [], True, id="all"),
        pytest.param("LMX302", [], ["LMX3"], False, id="ignore-prefix-over-implicit-all"),
        pytest.param("LMX302", ["LMX3"], ["LMX302"], False, id="ignore-more-specific-wins"),
        pytest.param("LMX302", ["LMX302"], ["LMX3"], True, id="select-more-specific-wins"),
        pytest.param("LMX303", ["LMX302"], ["LMX3"], False, id="sibling-still-ignored"),
        pytest.param("LMX302", ["LMX3"], ["LMX3"], False, id="tie-ignore-wins"),
        pytest.param("LMX302", ["ALL"], ["ALL"], False, id="all-tie-ignore-wins"),
        pytest.param("LMX302", ["lmx3"], [], True, id="selectors-case-insensitive"),
        pytest.param("LMX302", ["LMX3", "LMX1"], ["LMX30"], False, id="several-selectors"),
        pytest.param("LMX900", ["LMX1"], [], False, id="errors-can-be-deselected"),
    ],
)
def test_select(code: str, select: list[str], ignore: list[str], expected: bool) -> None:
    assert codes.select(code, select, ignore) is expected


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        pytest.param("LMX3", True, id="prefix"),
        pytest.param("lmx302", True, id="code-any-case"),
        pytest.param("ALL", True, id="all"),
        pytest.param("LMX", True, id="family"),
        pytest.param("LMX7", False, id="no-such-group"),
        pytest.param("LMX6", True, id="deployment-file group"),
        pytest.param("E501", False, id="other-tool"),
        pytest.param("", False, id="empty"),
    ],
)
def test_known_selector(selector: str, expected: bool) -> None:
    assert codes.known_selector(selector) is expected


# --- docs/codes.md, generated outside the package; the README points to it -------------------


def test_docs_file_is_generated_by_the_script() -> None:
    assert DOCS_FILE.read_text(encoding="utf-8") == gen_docs().codes_markdown(), (
        "docs/codes.md is stale; run .venv/bin/python scripts/gen_code_docs.py"
    )


def test_docs_have_an_index_row_and_an_anchored_page_for_every_code() -> None:
    md = gen_docs().codes_markdown()
    for info in codes.CODES.values():
        assert f"| [{info.code}](#{info.code.lower()}) | {info.name} |" in md
        assert f'<a id="{info.code.lower()}"></a>\n\n' + codes.render_page(info.code, None, 2) in md
    assert md.startswith("# Finding codes\n")
    assert md.count("### What it does\n") == len(codes.CODES)
    assert "| [LMX304](#lmx304) | too-many-stop-sequences | more than 4 stop sequences | no | error |\n" in md


def test_docs_script_writes_and_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = gen_docs()
    target = tmp_path / "codes.md"
    monkeypatch.setattr(gen, "DOCS_PATH", target)
    assert gen.main(["--check"]) == 1  # missing is stale
    assert gen.main([]) == 0
    assert target.read_bytes() == gen.codes_markdown().encode()
    assert gen.main(["--check"]) == 0
    target.write_text(target.read_text() + "edited by hand\n")
    assert gen.main(["--check"]) == 1
    assert gen.main(["--bogus"]) == 2


# --- every code is found, at its exact place, and not where it does not apply ------------------

_LUMYX = (
    "import os\nfrom openai import OpenAI\n"
    'client = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])\n'
)
_CHAT = _LUMYX + "client.chat.completions.create(messages=[], {})\n"  # the call is on line 4

# code, source that must give exactly one finding of the code at (line, col, end_line, end_col),
# source of the same shape that must not give it
FOUND_AND_NOT: list[tuple[str, str, tuple[int, int, int, int], str]] = [
    ("LMX101", "from openai import OpenAI\nclient = OpenAI(timeout=5)\n", (2, 10, 2, 27), _LUMYX),
    (
        "LMX102",
        'import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url="http://localhost:8080/v1")\n',
        (3, 54, 3, 89),
        'import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url="https://api.lumyx-ai.site/v1")\n',
    ),
    (
        "LMX103",
        'import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=settings.key, base_url=os.environ["LUMYX_BASE_URL"])\n',
        (3, 17, 3, 37),
        _LUMYX,
    ),
    ("LMX104", 'from openai import AzureOpenAI\nclient = AzureOpenAI(api_version="2024-06-01")\n', (2, 10, 2, 47), _LUMYX),
    (
        "LMX105",
        'import os\nimport openai\nopenai.api_key = os.getenv("OPENAI_API_KEY")\nopenai.base_url = os.environ["LUMYX_BASE_URL"]\n',
        (3, 1, 3, 45),
        'import os\nimport openai\nopenai.api_key = os.environ["LUMYX_API_KEY"]\nopenai.base_url = os.environ["LUMYX_BASE_URL"]\n',
    ),
    ("LMX201", _CHAT.format('model="gpt-4"'), (4, 51, 4, 58), _CHAT.format('model="nova_1_1"') + 'print("gpt-4 is fast")\n'),
    ("LMX202", _CHAT.format('model="o1-mini"'), (4, 51, 4, 60), _CHAT.format('model="gpt-4o"')),
    ("LMX203", _CHAT.format("model=pick_model()"), (4, 51, 4, 63), 'MODEL = "nova_1_1"\n' + _CHAT.format("model=MODEL")),
    ("LMX301", _LUMYX + 'client.embeddings.create(input="x")\n', (4, 1, 4, 25), _LUMYX + "client.models.list()\n"),
    ("LMX302", _CHAT.format("tools=[]"), (4, 45, 4, 53), _CHAT.format("extra_body={}, timeout=5")),
    (
        "LMX303",
        _LUMYX + 'client.chat.completions.create(messages=[{"role": "tool", "content": "x"}])\n',
        (4, 51, 4, 57),
        _LUMYX + 'client.chat.completions.create(messages=[{"role": "system", "content": "x"}])\n',
    ),
    ("LMX304", _CHAT.format('stop=["a", "b", "c", "d", "e"]'), (4, 50, 4, 75), _CHAT.format('stop=["a", "b", "c", "d"]')),
    ("LMX305", _CHAT.format("temperature=2.5"), (4, 57, 4, 60), _CHAT.format("temperature=2")),
    (
        "LMX401",
        'import os\nimport openai\nopenai.api_key = os.environ["LUMYX_API_KEY"]\nopenai.api_base = os.environ["LUMYX_BASE_URL"]\n'
        "openai.ChatCompletion.create(messages=[])\n",
        (5, 1, 5, 29),
        _LUMYX + "client.chat.completions.create(messages=[])\n",
    ),
    ("LMX501", 'KEY = "sk-proj-Ab1Cd2Ef3Gh4Ij5Kl6Mn7"\n', (1, 7, 1, 38), 'KEY = "sk-..."\n'),
]  # fmt: skip

# Codes about a file as a whole: bytes on disk, through the runner.
FILE_FOUND_AND_NOT: list[tuple[str, bytes, tuple[int, int, int, int], bytes]] = [
    ("LMX900", b"import openai\n\ndef ask(:\n    pass\n", (3, 9, 3, 9), b"import openai\n\ndef ask():\n    pass\n"),
    (
        "LMX901",
        b'# -*- coding: utf-8 -*-\nimport openai\nX = "\xe1"\n',
        (1, 1, 1, 1),
        b'# -*- coding: latin-1 -*-\nimport openai\nX = "\xe1"\n',
    ),
]


def test_the_tables_cover_every_spec_code() -> None:
    covered = [row[0] for row in FOUND_AND_NOT] + [row[0] for row in FILE_FOUND_AND_NOT]
    assert covered == [code for code in codes.CODES if code in SPEC_CODES or code in covered]
    assert set(SPEC_CODES) <= set(covered)


@pytest.mark.parametrize(("code", "source", "span", "clean"), [pytest.param(*row, id=row[0]) for row in FOUND_AND_NOT])
def test_every_code_found_at_its_place_and_not_elsewhere(
    code: str, source: str, span: tuple[int, int, int, int], clean: str
) -> None:
    """Each code has a positive case with its exact 1-based span and a must-not-flag twin."""
    from support import findings

    got = [(f.line, f.col, f.end_line, f.end_col) for f in findings(source) if f.code == code]
    assert got == [span]
    assert code not in [f.code for f in findings(clean)]


@pytest.mark.parametrize(
    ("code", "data", "span", "clean"), [pytest.param(*row, id=row[0]) for row in FILE_FOUND_AND_NOT]
)
def test_every_file_code_found_at_its_place_and_not_elsewhere(
    tmp_path: Path, code: str, data: bytes, span: tuple[int, int, int, int], clean: bytes
) -> None:
    from support import default_rules

    from codemod.runner import Options, process_file

    path = tmp_path / "m.py"
    path.write_bytes(data)
    result = process_file(path, "m.py", Options(default_rules()))
    assert [(f.code, f.line, f.col, f.end_line, f.end_col) for f in result.findings] == [(code, *span)]
    assert result.error is not None
    path.write_bytes(clean)
    result = process_file(path, "m.py", Options(default_rules()))
    assert (result.findings, result.error) == ((), None)
