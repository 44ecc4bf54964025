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


# --- model names other modules rely on (issue 10 item 5, LMX204) ----------------------------

PRICING = 'PRICES = {"gpt-4o": 2.5, "gpt-4.1": 2.0}\n\n\ndef cost(model, tokens):\n    return PRICES[model] * tokens\n'


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"clients.py": CLIENTS, "settings.py": SETTINGS, "chat.py": CHAT, "pricing.py": PRICING},
            {"clients.py": ["LMX106"], "settings.py": ["LMX204"], "chat.py": [], "pricing.py": ["LMX201", "LMX201"]},
            id="a price table in another module keeps the constant and the client that sends it",
        ),
        pytest.param(
            {
                "clients.py": CLIENTS,
                "settings.py": SETTINGS,
                "chat.py": CHAT,
                "route.py": 'def limit(model):\n    return 128_000 if model == "gpt-4o" else 8_000\n',
            },
            {"clients.py": ["LMX106"], "settings.py": ["LMX204"], "chat.py": [], "route.py": ["LMX201"]},
            id="a comparison in another module",
        ),
        pytest.param(
            {
                "clients.py": CLIENTS,
                "chat.py": "from clients import get_client\n\nget_client().chat.completions.create(model='gpt-4o', messages=[])\n",
                "tiers.py": 'import enum\n\n\n@enum.unique\nclass Tier(enum.Enum):\n    SMART = "gpt-4o"\n    FAST = "gpt-4o-mini"\n',
            },
            {"clients.py": ["LMX106"], "chat.py": ["LMX204"], "tiers.py": ["LMX201", "LMX201"]},
            id="an Enum in another module keeps the literal at the call",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "settings.py": 'DEFAULT_MODEL = "gpt-4o"\n', "pricing.py": PRICING},
            {"clients.py": ["LMX101*"], "settings.py": ["LMX204"], "pricing.py": ["LMX201", "LMX201"]},
            id="a constant no call sends, kept only by the second look",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "settings.py": SETTINGS, "chat.py": CHAT, "pricing.py": PRICING.replace("gpt-4o", "gpt-4o-mini")},
            {"clients.py": ["LMX101*"], "settings.py": ["LMX201*"], "chat.py": [], "pricing.py": ["LMX201", "LMX201"]},
            id="a table keyed by other names changes nothing",
        ),
        pytest.param(
            {"clients.py": CLIENTS, "settings.py": 'DEFAULT_MODEL = "gpt-4o"\n', "pricing.py": "PRICES = {'gpt-4.1': 2.0}\n"},
            {"clients.py": ["LMX101*"], "settings.py": ["LMX201*"], "pricing.py": ["LMX201"]},
            id="a constant no call sends, no other use: still mapped",
        ),
    ],
)
def test_model_names_relied_on_across_modules(
    tmp_path: Path, files: dict[str, str], expected: dict[str, list[str]]
) -> None:
    results = migrate(tmp_path, files)
    assert {name: codes(results[name]) if name in results else [] for name in files} == expected
    for name, found in expected.items():
        if "LMX204" in found or "LMX106" in found:
            assert name not in results or not results[name].changed, f"{name} was rewritten"


def test_a_kept_name_says_which_module_relies_on_it(tmp_path: Path) -> None:
    results = migrate(tmp_path, {"clients.py": CLIENTS, "settings.py": SETTINGS, "chat.py": CHAT, "pricing.py": PRICING})
    (found,) = results["settings.py"].findings
    assert "a dict key at pricing.py:1" in found.message
    (kept,) = results["clients.py"].findings
    assert "it sends model 'gpt-4o' (chat.py:4), a name other code relies on (LMX204)" in kept.message


def test_a_default_whose_calls_all_go_to_a_kept_client_is_left_alone(tmp_path: Path) -> None:
    """`def ask(client, q, model="gpt-4o")` in a helper module, handed only a client that stays."""
    files = {
        "llm.py": 'def ask(client, q, model="gpt-4o"):\n    return client.chat.completions.create(model=model, messages=[])\n',
        "main.py": (
            "from openai import OpenAI\n\nfrom llm import ask\n\nclient = OpenAI()\n"
            'client.embeddings.create(model="text-embedding-3-small", input="x")\nask(client, "hi")\n'
        ),
    }
    results = migrate(tmp_path, files)
    assert codes(results["main.py"]) == ["LMX106"]
    assert codes(results["llm.py"]) == [] and not results["llm.py"].changed


def test_the_same_default_handed_a_migrated_client_is_mapped(tmp_path: Path) -> None:
    """The counterpart of the test above: the default follows its client."""
    files = {
        "llm.py": 'def ask(client, q, model="gpt-4o"):\n    return client.chat.completions.create(model=model, messages=[])\n',
        "main.py": 'from openai import OpenAI\n\nfrom llm import ask\n\nclient = OpenAI()\nask(client, "hi")\n',
    }
    results = migrate(tmp_path, files)
    assert codes(results["main.py"]) == ["LMX101*"]
    assert codes(results["llm.py"]) == ["LMX201*"]


def test_check_keeps_the_summary_of_a_module_that_only_holds_a_price_table(tmp_path: Path) -> None:
    """`check` (pool.scan) drops summaries that matter to nobody: a price table matters."""
    from codemod.pool import scan

    files = {"clients.py": CLIENTS, "settings.py": SETTINGS, "chat.py": CHAT, "pricing.py": PRICING}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    out = scan([(str(tmp_path / n), n) for n in files], Options(rules=default_rules()), jobs=1)
    assert {r.path: codes(r) for r in out.results} == {
        "clients.py": ["LMX106"],
        "settings.py": ["LMX204"],
        "pricing.py": ["LMX201", "LMX201"],
    }


REGISTRY_DEFAULT = 'DEFAULT_MODEL = "gpt-4o-mini"\n'
# The reading module names models itself (a registry does), so the byte prefilter reads it: a
# module naming neither a model nor a client module is never read, and its reads are not seen.
KNOWN = 'KNOWN = ("gpt-4o-mini", "gpt-4.1")\n'


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        pytest.param(
            KNOWN + "from defaults import DEFAULT_MODEL\n\n\ndef get_default_model():\n    return DEFAULT_MODEL\n",
            ["LMX204"],
            id="returned by another module (simonw/llm's registry default)",
        ),
        pytest.param(
            KNOWN + "import defaults\n\n\ndef is_default(name):\n    return name == defaults.DEFAULT_MODEL\n",
            ["LMX204"],
            id="compared in another module",
        ),
        pytest.param(
            KNOWN + "from defaults import DEFAULT_MODEL\n\nALIASES = {DEFAULT_MODEL: 'default'}\n",
            ["LMX204"],
            id="a dict key in another module",
        ),
        pytest.param(
            "from clients import get_client\nfrom defaults import DEFAULT_MODEL\n\n"
            "get_client().chat.completions.create(model=DEFAULT_MODEL, messages=[])\n",
            ["LMX201*"],
            id="only sent as a model by another module: mapped",
        ),
        pytest.param(
            KNOWN + "from defaults import DEFAULT_MODEL\n\nprint(f'default: {DEFAULT_MODEL}')\n",
            ["LMX201*"],
            id="only printed by another module: mapped",
        ),
        pytest.param(
            KNOWN + "from defaults import DEFAULT_MODEL\n\n\ndef choose():\n    return 'gpt-4o'\n",
            ["LMX201*"],
            id="another module returns a literal, not the constant: mapped",
        ),
    ],
)
def test_a_registry_default_read_by_another_module(tmp_path: Path, reader: str, expected: list[str]) -> None:
    """A module constant another module hands back, compares or uses as a key is relied on."""
    results = migrate(tmp_path, {"clients.py": CLIENTS, "defaults.py": REGISTRY_DEFAULT, "registry.py": reader})
    assert codes(results["defaults.py"]) == expected
    assert results["defaults.py"].changed == (expected == ["LMX201*"])


def test_a_notebook_call_that_sends_a_relied_on_name_keeps_its_client(tmp_path: Path) -> None:
    """A notebook's uses are renumbered by cell: the name a call sends is found all the same."""
    import json

    def cell(source: str) -> dict[str, object]:
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}

    cells = [
        cell('from openai import OpenAI\nclient = OpenAI()\nPRICES = {"gpt-4o": 2.5}'),
        cell('r = client.chat.completions.create(model="gpt-4o", messages=[])'),
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    results = migrate(tmp_path, {"nb.ipynb": text})
    assert codes(results["nb.ipynb"]) == ["LMX106", "LMX201", "LMX204"]
    assert not results["nb.ipynb"].changed


def test_a_class_constant_sent_from_another_module_keeps_its_client(tmp_path: Path) -> None:
    """`model=settings.Digest.MODEL`: the class constant's name is known to the project too."""
    files = {
        "clients.py": CLIENTS,
        "settings.py": 'class Digest:\n    MODEL = "gpt-4o"\n',
        "chat.py": (
            "import settings\nfrom clients import get_client\n\n"
            "get_client().chat.completions.create(model=settings.Digest.MODEL, messages=[])\n"
        ),
        "pricing.py": PRICING,
    }
    results = migrate(tmp_path, files)
    assert codes(results["clients.py"]) == ["LMX106"]
    assert codes(results["settings.py"]) == ["LMX204"]
    assert not any(r.changed for r in results.values())


# A module that only wires (issue 10 item 1): it names no OpenAI package and no API word, so the
# byte prefilter skips it; its connector words ("llm") have it read again, and it names `new_llm`.
WIRED_CLIENTS = "from openai import OpenAI\n\n\ndef new_llm():\n    return OpenAI()\n"
WIRED_SERVICE = (
    "class TicketService:\n    def __init__(self, llm_client):\n        self.llm_client = llm_client\n\n"
    "    def embed(self, text):\n"
    '        return self.llm_client.embeddings.create(model="text-embedding-3-small", input=text)\n'
)
WIRED_MAIN = "from clients import new_llm\nfrom service import TicketService\n\nsvc = TicketService(new_llm())\n"
WIRED = {"clients.py": WIRED_CLIENTS, "service.py": WIRED_SERVICE, "main.py": WIRED_MAIN}


def test_a_module_that_only_wires_keeps_the_client_its_service_embeds_with(tmp_path: Path) -> None:
    """Without the second stage main.py is never read, `new_llm()`'s client is migrated and the
    service's embeddings call (LMX308 alone) breaks: invariant 2."""
    results = migrate(tmp_path, WIRED)
    assert {name: codes(r) for name, r in results.items()} == {"clients.py": ["LMX106"], "main.py": [], "service.py": []}
    assert not any(r.changed for r in results.values())
    again = migrate(tmp_path, WIRED)  # nothing written: the same answer twice
    assert {name: codes(r) for name, r in again.items()} == {"clients.py": ["LMX106"], "main.py": [], "service.py": []}


@pytest.mark.parametrize("jobs", [pytest.param(1, id="in process"), pytest.param(2, id="prefiltered by the parent")])
def test_check_counts_a_wiring_module_clean_and_keeps_the_client(tmp_path: Path, jobs: int) -> None:
    from codemod.pool import scan

    root = tmp_path / "the app é"  # the connectors' paths are kept in one text buffer
    root.mkdir()
    for name, text in WIRED.items():
        (root / name).write_text(text)
    out = scan([(str(root / n), n) for n in WIRED], Options(rules=default_rules()), jobs=jobs, keep_clean=True)
    assert {r.path: codes(r) for r in out.results} == {"clients.py": ["LMX106"]}
    assert (out.clean, out.clean_paths, out.connectors.getvalue()) == (2, ["main.py", "service.py"], "")


def _spy(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """The paths read and the paths analysed, in order."""
    import codemod.analysis
    from codemod import runner

    reads: list[str] = []
    analysed: list[str] = []
    read, analyse = runner._read, codemod.analysis.analyse_module

    def spy_read(path: str | Path) -> bytes:
        reads.append(Path(path).name)
        return read(path)

    def spy_analyse(text: str, rules: object, **kw: object) -> object:
        analysed.append(str(kw["path"]))
        return analyse(text, rules, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "_read", spy_read)
    monkeypatch.setattr(codemod.analysis, "analyse_module", spy_analyse)
    return reads, analysed


@pytest.mark.parametrize(
    ("main", "analysed"),
    [
        pytest.param(WIRED_MAIN, {"clients.py", "service.py", "main.py"}, id="names an export: analysed"),
        pytest.param(
            "from clients import make_llm\n\nllm = make_llm()\n", {"clients.py", "service.py"},
            id="a connector word, but no name a candidate exports: read again, not analysed",
        ),
        pytest.param(
            "from shop import new_llm\n\nllm = new_llm()\n", {"clients.py", "service.py"},
            id="the exported name from another module: not analysed",
        ),
    ],
)
def test_only_connector_modules_naming_an_export_are_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main: str, analysed: set[str]
) -> None:
    reads, seen = _spy(monkeypatch)
    results = migrate(tmp_path, {**WIRED, "main.py": main})
    assert set(seen) == analysed
    # Once by the first pass, once by the second stage, and by the second look once it joins the view
    assert reads.count("main.py") == (3 if "main.py" in analysed else 2)
    assert (results["main.py"].summary is not None) == ("main.py" in analysed)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(
            {"main.py": "from app import make_client\n\nclient = make_client()\n", "app.py": "def make_client():\n    return 1\n"},
            id="connector words but no candidate at all",
        ),
        pytest.param(
            {"settings.py": 'CHAT_MODEL = "gpt-4o"\n', "main.py": "from settings import CHAT_MODEL\n\nmodel = CHAT_MODEL\n"},
            id="a candidate, but no client anywhere: the project view decides nothing",
        ),
    ],
)
def test_no_second_read_without_a_client_in_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]
) -> None:
    reads, _ = _spy(monkeypatch)
    migrate(tmp_path, files)
    assert sorted(reads) == sorted(files), "every file read once"


@pytest.mark.parametrize(
    ("header", "options"),
    [
        pytest.param("# @generated by wire-gen\n", {}, id="generated"),
        pytest.param("", {"max_file_size": 64}, id="larger than max-file-size"),
    ],
)
def test_a_connector_module_the_run_skips_stays_clean(tmp_path: Path, header: str, options: dict[str, object]) -> None:
    """Skipped unread in the first pass (no trigger), it is not reported as skipped by the second."""
    results = migrate(tmp_path, {**WIRED, "main.py": header + WIRED_MAIN}, **options)
    assert (results["main.py"].skipped, results["main.py"].findings, results["main.py"].summary) == (None, (), None)


# --- a client class, a class in a variable or a partial imported into another module -----------

FORMS = (
    "from openai import OpenAI\n\n\nclass Plain(OpenAI):\n    pass\n\n\n"
    "class Odd(OpenAI):\n    def __new__(cls):\n        return super().__new__(cls)\n\n\nClient = OpenAI\n"
)
PARTIAL = "import functools\n\nfrom openai import OpenAI\n\nmake_client = functools.partial(OpenAI, max_retries=1)\n"
NOT_A_CLIENT = "class Plain:\n    def __init__(self, max_retries=0):\n        self.chat = None\n"
LINES = (
    'api_key=os.environ["LUMYX_API_KEY"],\n'
    '    base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),\n'
    '    organization="",\n    project="",\n'
)
ASK = 'c.chat.completions.create(model="gpt-4", messages=[])\n'
ASKED = 'c.chat.completions.create(model="nova_1_1", messages=[])\n'
EMBEDS = 'c.embeddings.create(model="text-embedding-3-small", input="x")\n'


@pytest.mark.parametrize(
    ("files", "expected", "main_after"),
    [
        pytest.param(
            {"clients.py": FORMS, "main.py": f"from clients import Plain\n\nc = Plain(max_retries=1)\n{ASK}"},
            {"clients.py": [], "main.py": ["LMX101*", "LMX201*"]},
            f"import os\n\nfrom clients import Plain\n\nc = Plain(\n    max_retries=1,\n    {LINES})\n{ASKED}",
            id="a bare subclass imported and called is a constructor there, migrated with its model",
        ),
        pytest.param(
            {"clients.py": FORMS, "main.py": f"import clients\n\nc = clients.Client()\n{ASK}"},
            {"clients.py": [], "main.py": ["LMX101*", "LMX201*"]},
            f"import os\n\nimport clients\n\nc = clients.Client(\n    {LINES})\n{ASKED}",
            id="a class held in a variable, reached through the module",
        ),
        pytest.param(
            {"clients.py": FORMS, "main.py": f"from clients import Plain\n\nc = Plain()\n{ASK}{EMBEDS}"},
            {"clients.py": [], "main.py": ["LMX106"]},
            None,
            id="a bare subclass whose instance also embeds stays on OpenAI, reported (LMX106)",
        ),
        pytest.param(
            {"clients.py": FORMS, "main.py": f"from clients import Odd\n\nc = Odd()\n{ASK}"},
            {"clients.py": [], "main.py": ["LMX108"]},
            None,
            id="a subclass the tool cannot follow is kept where it is called (LMX108)",
        ),
        pytest.param(
            {"clients.py": PARTIAL, "main.py": f"from clients import make_client\n\nc = make_client(api_key='sk-x')\n{ASK}"},
            {"clients.py": ["LMX108"], "main.py": []},
            None,
            id="a partial called from another module with its own api_key= keeps the partial (LMX108)",
        ),
        pytest.param(
            {"clients.py": FORMS, "main.py": f"import os\n\nfrom clients import Plain\n\nc = Plain(api_key=os.environ['OPENAI_API_KEY'])\n{ASK}"},
            {"clients.py": [], "main.py": ["LMX108"]},
            None,
            id="a class of another module built with its own key is kept and reported (LMX108), its model not mapped",
        ),
        pytest.param(
            {"clients.py": PARTIAL, "main.py": f"from clients import make_client\n\nc = make_client(timeout=3)\n{ASK}"},
            {"clients.py": ["LMX101*"], "main.py": ["LMX201*"]},
            f"from clients import make_client\n\nc = make_client(timeout=3)\n{ASKED}",
            id="must not touch: a partial called with other arguments is migrated at the partial",
        ),
        pytest.param(
            {"clients.py": NOT_A_CLIENT, "main.py": f"from clients import Plain\n\nc = Plain(max_retries=1)\n{ASK}"},
            {"clients.py": [], "main.py": ["LMX201"]},
            None,
            id="must not touch: a project class of the same name that is no client",
        ),
        pytest.param(
            {"clients.py": FORMS, "main.py": "from clients import Plain\n\nprint(Plain)\nx = str(Plain)\n"},
            {"clients.py": [], "main.py": []},
            None,
            id="must not touch: the class named, never called",
        ),
    ],
)
def test_a_client_class_imported_from_another_module(
    tmp_path: Path, files: dict[str, str], expected: dict[str, list[str]], main_after: str | None
) -> None:
    results = migrate(tmp_path, files)
    assert {name: codes(results[name]) if name in results else [] for name in files} == expected
    after = {n: results[n].new_text or text if n in results else text for n, text in files.items()}
    assert after["main.py"] == (main_after or files["main.py"])
    if "LMX101*" not in expected["clients.py"] + expected["main.py"]:
        assert after == files, "nothing kept is rewritten"
    again = migrate(tmp_path, after)
    assert [n for n, r in again.items() if r.changed] == [], "a second run changes nothing"


def test_a_client_class_re_exported_by_a_package(tmp_path: Path) -> None:
    """`pkg/__init__.py` re-exports the subclass; the module calling it through the package builds it."""
    (tmp_path / "pkg").mkdir()
    files = {
        "pkg/clients.py": FORMS,
        "pkg/__init__.py": "from .clients import Plain\n",
        "main.py": f"from pkg import Plain\n\nc = Plain()\n{EMBEDS}",
    }
    results = migrate(tmp_path, files)
    assert codes(results["main.py"]) == ["LMX106"]
    assert not results["main.py"].changed


@pytest.mark.parametrize(
    ("importer", "expected"),
    [
        pytest.param("tests/test_bot.py", [], id="a test module calling a fake client of another module: silent"),
        pytest.param("app_main.py", ["LMX108"], id="must not hide: application code calling the same class is told it is kept"),
    ],
)
def test_a_fake_client_imported_by_a_test(tmp_path: Path, importer: str, expected: list[str]) -> None:
    (tmp_path / "tests").mkdir()
    fake = "from openai import OpenAI\n\n\nclass FakeClient(OpenAI):\n    def __init__(self):\n        self.sent = []\n"
    user = f"from tests.fakes import FakeClient\n\n\ndef test_reply():\n    c = FakeClient()\n    {ASK}"
    results = migrate(tmp_path, {"tests/fakes.py": fake, importer: user})
    assert codes(results[importer]) == expected
    assert [r.path for r in results.values() if r.changed] == []
