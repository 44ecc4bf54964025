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


# --- clients kept on an instance (`self.llm_client`) by a class of another module -------------

SERVICE = (
    "class Service:\n"
    "    def __init__(self, name, llm_client):\n"
    "        self.name = name\n"
    "        self.llm_client = llm_client\n\n"
    "    def ask(self):\n"
    "        return self.llm_client.chat.completions.create(model='gpt-4o', messages=[])\n\n"
    "    def embed(self):\n"
    "        return self.llm_client.embeddings.create(model='text-embedding-3-small', input='x')\n"
)
CHAT_SERVICE = SERVICE.split("\n    def embed")[0] + "\n"
FIELDS = (
    "from dataclasses import dataclass\n\nfrom openai import OpenAI\n\n\n@dataclass\n"
    "class Service:\n    name: str\n    client: OpenAI\n\n"
    "    def embed(self):\n        return self.client.embeddings.create(model='m', input='x')\n"
)
UNSET = "class Holder:\n    def draw(self):\n        return self.client.images.generate(prompt='x')\n"
MAIN = "from openai import OpenAIError\nfrom clients import get_client\nfrom service import Service\n\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"clients.py": CLIENTS, "service.py": SERVICE, "main.py": MAIN + "svc = Service('a', get_client())\n"},
            {"clients.py": ["LMX106"], "service.py": [], "main.py": []},
            id="a factory's client handed by position to __init__ and embedding on self.llm_client is kept",
        ),
        pytest.param(
            {"service.py": SERVICE, "main.py": "from openai import OpenAI\nfrom service import Service\n\nsvc = Service(name='a', llm_client=OpenAI())\n"},
            {"service.py": [], "main.py": ["LMX106"]},
            id="a client built in place and handed by keyword is kept",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "service.py": CHAT_SERVICE, "main.py": MAIN + "svc = Service('a', get_client())\n"},
            {"clients.py": ["LMX101*"], "service.py": ["LMX201*"], "main.py": []},
            id="must not touch: a client the instance uses only for chat is migrated with its model",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "service.py": SERVICE, "main.py": MAIN + "svc = Service(get_client(), None)\n"},
            {"clients.py": ["LMX101*"], "service.py": ["LMX201"], "main.py": []},
            id="must not touch: a client handed as another parameter is not the embedding one (its calls untied: model for review, no LMX307 without an openai import)",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "service.py": FIELDS, "main.py": MAIN + "svc = Service('a', get_client())\n"},
            {"clients.py": ["LMX106"], "service.py": [], "main.py": []},
            id="a dataclass field filled by position at construction is tied",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "service.py": FIELDS, "main.py": MAIN + "svc = Service(name='a', client=get_client())\n"},
            {"clients.py": ["LMX106"], "service.py": [], "main.py": []},
            id="a dataclass (pydantic-style) field filled by keyword is tied",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "service.py": UNSET, "main.py": MAIN.replace("Service", "Holder") + "h = Holder()\nh.client = get_client()\n"},
            {"clients.py": ["LMX106"], "service.py": [], "main.py": []},
            id="an attribute assigned from outside the class is tied",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "service.py": "from openai import OpenAI\n" + UNSET + "\nh = Holder()\nh.client = OpenAI()\n"},
            {"clients.py": ["LMX101*"], "service.py": ["LMX106"]},
            id="an attribute of an instance of a class of the same module, assigned a client built there",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "service.py": UNSET, "main.py": "import requests\n" + MAIN.replace("Service", "Holder") + "r = requests.get('u')\nr.client = get_client()\n"},
            {"clients.py": ["LMX101*"], "service.py": [], "main.py": []},
            id="must not touch: an attribute of some library's object",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "service.py": UNSET, "main.py": MAIN.replace("Service", "Holder") + "h = Holder()\nh.other = get_client()\n"},
            {"clients.py": ["LMX101*"], "service.py": [], "main.py": []},
            id="must not touch: another attribute assigned from outside is not the one drawing",
        ),
    ],
)
def test_clients_kept_on_an_instance(tmp_path: Path, files: dict[str, str], expected: dict[str, list[str]]) -> None:
    results = migrate(tmp_path, files)
    assert {name: codes(results[name]) if name in results else [] for name in files} == expected
    after = {n: results[n].new_text or text if n in results else text for n, text in files.items()}
    again = migrate(tmp_path, after)
    assert [n for n, r in again.items() if r.changed] == [], "a second run changes nothing"
    if expected.get("clients.py") == ["LMX106"] or "LMX106" in expected.get("main.py", []):
        assert after == files, "nothing kept is rewritten"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "def configure(client):\n    client.base_url = 'https://api.openai.com/v1'\n",
            [("p:configure:client", "client.base_url", "repoint", 2)],
            id="a parameter re-pointed: a repoint use the project can tie",
        ),
        pytest.param(
            "from openai import OpenAI\n\ndef fast(client: OpenAI):\n    return client.with_options(api_key='k')\n",
            [("p:fast:client", "client.with_options(api_key=...)", "repoint", 4)],
            id="with_options(api_key=...) on an annotated parameter",
        ),
        pytest.param(
            "import os\nimport openai\n\nopenai.api_key = os.environ['OPENAI_API_KEY']\n",
            [],
            id="must not record: the module client (module_config's business)",
        ),
        pytest.param(
            "import os\nfrom openai import OpenAI\n\nclient = OpenAI()\nclient.api_key = os.environ['OPENAI_API_KEY']\n",
            [],
            id="must not record: a client built here (detectors.repoint rewrites the line)",
        ),
        pytest.param(
            "def tune(client):\n    client.timeout = 5\n    return client.with_options(timeout=3)\n",
            [],
            id="must not record: other options",
        ),
    ],
)
def test_repoint_uses_in_the_summary(source: str, expected: list[tuple[str, str, str, int]]) -> None:
    from codemod.analysis import analyse_module

    summary = analyse_module(source, default_rules(), path="m.py")[1]
    assert [(*sorted(u.refs), u.path, u.kind, u.line) for u in summary.uses if u.kind == "repoint"] == expected
