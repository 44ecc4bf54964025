"""Hardcoded keys (LMX501): found in any string literal, reported at their literal, always masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import default_rules, findings

from codemod.analysis.detectors.secrets import find_key
from codemod.redact import mask
from codemod.rules import Rules, load_rules

SK = "sk-proj-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8"
SK_OLD = "sk-" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3"
NOVA = "nova_" + "Qw3Er4Ty5Ui6Op7"


def rules_with(tmp_path: Path, text: str) -> Rules:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return load_rules(path)


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        pytest.param("tok_a1b2c3d4e5f6g7", "tok_…f6g7", id="more than 12 characters: first and last four"),
        pytest.param("tok_a1b2c3d4", "tok_…", id="8 to 12 characters: first four only"),
        pytest.param("tok_a1b", "…", id="fewer than 8 characters: hidden whole"),
    ],
)
def test_keys_are_masked_by_the_one_masking_function(tmp_path: Path, key: str, shown: str) -> None:
    """The detector shows a key as `codemod.redact.mask` does, whatever its length (a rules file
    may allow keys shorter than the default patterns do)."""
    rules = rules_with(tmp_path, '[source]\nkey_patterns = ["^tok_[a-z0-9]{3,}$"]\n')
    [found] = findings(f'KEY = "{key}"\n', rules)
    assert found.message == f"hardcoded API key {shown} in source; rotate it and read it from LUMYX_API_KEY"
    assert mask(key) == shown


@pytest.mark.parametrize(
    ("value", "key"),
    [
        pytest.param(SK, SK, id="sk-proj key, the whole literal"),
        pytest.param(SK_OLD, SK_OLD, id="sk- key"),
        pytest.param(NOVA, NOVA, id="nova_ key"),
        pytest.param(f"Bearer {NOVA}", NOVA, id="a word of a header"),
        pytest.param(f"https://h.example/v1?key={SK}&x=1", SK, id="a URL parameter"),
        pytest.param(f'{{"api_key": "{SK}"}}', SK, id="inside JSON text"),
        pytest.param("sk-...", None, id="documentation placeholder"),
        pytest.param("sk-short", None, id="too short for a key"),
        pytest.param("nova_1_1", None, id="the Lumyx model name"),
        pytest.param("OPENAI_API_KEY", None, id="an environment variable name"),
        pytest.param("task-Ab1Cd2Ef3Gh4Ij5Kl6Mn7", None, id="sk- inside a longer word"),
        pytest.param("sk-learn-pipeline-config", None, id="a slug with no digit is no key"),
        pytest.param("nova_release_candidate", None, id="a nova_ slug with no digit is no key"),
        pytest.param("Bearer " + "x" * 40, None, id="a long token with no key prefix"),
    ],
)
def test_find_key(value: str, key: str | None) -> None:
    """Keys hide in headers and URLs; placeholders and model names are not keys."""
    assert find_key(default_rules().source, value) == key


def lmx501(source: str) -> list[tuple[int, int, int, int, str]]:
    return [(f.line, f.col, f.end_line, f.end_col, f.message) for f in findings(source) if f.code == "LMX501"]


def message(key: str) -> str:
    return f"hardcoded API key {key[:4]}…{key[-4:]} in source; rotate it and read it from LUMYX_API_KEY"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(f'KEY = "{SK}"\n', [(1, 7, 1, 7 + len(SK) + 2, message(SK))], id="module constant"),
        pytest.param(f'"""Module doc with {SK_OLD}."""\n', [(1, 1, 1, 24 + len(SK_OLD), message(SK_OLD))], id="docstring"),
        pytest.param(
            f'from openai import OpenAI\nclient = OpenAI(api_key="{SK}", base_url="http://localhost:1/v1")\n',
            [(2, 25, 2, 25 + len(SK) + 2, message(SK))],
            id="api_key of a client pointing elsewhere",
        ),
        pytest.param(f'KEY = b"{SK}"\n', [(1, 7, 1, 7 + len(SK) + 3, message(SK))], id="bytes literal"),
        pytest.param('KEY = b"sk-..."\n', [], id="bytes placeholder"),
        pytest.param('KEY = "sk-..."\nMODEL = "nova_1_1"\n', [], id="placeholder and model name"),
        pytest.param(f"# {SK} in a comment is not a literal\nx = 1\n", [], id="comment"),
        pytest.param('import os\nKEY = os.environ["OPENAI_API_KEY"]\n', [], id="key read from the environment"),
    ],
)
def test_scan_positions_and_messages(source: str, expected: list[tuple[int, int, int, int, str]]) -> None:
    """Reported at the literal that holds the key, masked, with what to do."""
    assert lmx501(source) == expected


def test_key_in_an_f_string() -> None:
    """Found in a piece of an f-string. Where the piece starts depends on the Python version
    (3.12 gives pieces their own positions), so the column is checked to lie inside the literal."""
    source = f'def f(user):\n    return {{"Authorization": f"Bearer {NOVA} for {{user}}"}}\n'
    [(line, col, end_line, end_col, text)] = lmx501(source)
    literal_start = source.splitlines()[1].index('f"') + 1
    assert (line, end_line, text) == (2, 2, message(NOVA))
    assert literal_start <= col < end_col <= literal_start + len(f'f"Bearer {NOVA} for {{user}}"')


def test_no_finding_message_of_any_code_carries_a_key() -> None:
    """Keys end up in other codes' messages too (a URL, an expression): all masked."""
    source = (
        "import os\nfrom openai import OpenAI\n"
        f'a = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url="http://h.example/v1?token={SK}")\n'
        f'b = OpenAI(api_key=os.getenv("LUMYX_API_KEY") or "{NOVA}", base_url=os.environ["LUMYX_BASE_URL"])\n'
        f'b.chat.completions.create(model="{NOVA}", messages=[])\n'
    )
    found = findings(source)
    assert {f.code for f in found} >= {"LMX102", "LMX103", "LMX501"}
    for f in found:
        assert SK not in f.message and NOVA not in f.message, f
