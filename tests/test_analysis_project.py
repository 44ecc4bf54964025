"""The project view through the runner: one decision per client from every module's calls."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import default_rules

from codemod.pool import run
from codemod.runner import Options
from codemod.types import FileResult

CLIENTS = "from openai import OpenAI\n\n\ndef get_client() -> OpenAI:\n    return OpenAI()\n"
SETTINGS = 'CHAT_MODEL = "gpt-4o"\n'
CHAT = (
    "from clients import get_client\nfrom settings import CHAT_MODEL\n\n"
    "reply = get_client().chat.completions.create(model=CHAT_MODEL, messages=[])\n"
)
EMBED = 'from clients import get_client\n\nvectors = get_client().embeddings.create(model="text-embedding-3-small", input="x")\n'


def migrate(tmp_path: Path, files: dict[str, str], **options: object) -> dict[str, FileResult]:
    pairs = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        pairs.append((tmp_path / name, name))
    results = run(pairs, Options(rules=default_rules(), fix=True, **options), jobs=1)  # type: ignore[arg-type]
    return {r.path: r for r in results}


def codes(result: FileResult) -> list[str]:
    return [f.code + ("*" if f.fix else "") for f in result.findings]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"clients.py": CLIENTS, "settings.py": SETTINGS, "chat.py": CHAT},
            {"clients.py": ["LMX101*"], "settings.py": ["LMX201*"], "chat.py": []},
            id="a factory used only for chat is migrated, the constant its calls name is mapped",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "settings.py": SETTINGS, "chat.py": CHAT, "embed.py": EMBED},
            {"clients.py": ["LMX106"], "settings.py": [], "chat.py": [], "embed.py": []},
            id="the same factory also embedding elsewhere is kept, and so is the constant (no nova model to OpenAI)",
        ),
    ],
)
def test_decisions_across_modules(tmp_path: Path, files: dict[str, str], expected: dict[str, list[str]]) -> None:
    results = migrate(tmp_path, files)
    assert {name: codes(results[name]) if name in results else [] for name in files} == expected
    if "embed.py" in files:
        assert all(not r.changed for r in results.values()), "nothing kept may be rewritten"


def test_a_constant_also_passed_to_a_migrated_client_stays_when_one_call_stays(tmp_path: Path) -> None:
    """One constant, two clients: rewriting it would break the call that stays on OpenAI."""
    other = (
        "from openai import OpenAI\nfrom settings import CHAT_MODEL\n\n"
        "client = OpenAI()\nclient.chat.completions.create(model=CHAT_MODEL, messages=[])\n"
    )
    files = {"clients.py": CLIENTS, "settings.py": SETTINGS, "chat.py": CHAT, "embed.py": EMBED, "other.py": other}
    results = migrate(tmp_path, files)
    assert codes(results["other.py"]) == ["LMX101*"]
    assert "settings.py" not in results or not results["settings.py"].changed


def test_a_factory_re_exported_by_a_package_is_followed(tmp_path: Path) -> None:
    """`pkg/__init__.py` re-exports `get_client`; a module calls it through the package."""
    (tmp_path / "pkg").mkdir()
    files = {
        "pkg/clients.py": CLIENTS,
        "pkg/__init__.py": "from .clients import get_client\n",
        "embed.py": EMBED.replace("from clients import", "from pkg import"),
        "chat.py": "from pkg import get_client\n\nget_client().chat.completions.create(model='gpt-4o', messages=[])\n",
    }
    results = migrate(tmp_path, files)
    assert codes(results["pkg/clients.py"]) == ["LMX106"]
    assert "chat.py" not in results or not results["chat.py"].changed, "the kept client's model stays"
