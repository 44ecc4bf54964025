"""The byte prefilter: its words and key patterns come from the rules, and it lets through every
file that can hold a finding while a file that cannot costs one read."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.analysis.summary import Ctor, Summary
from codemod.prefilter import Prefilter, Wiring
from codemod.rules import load_rules

ACME = (
    '[[clients]]\nid = "acme"\nmodule = "acme.llm"\nnames = ["ChatClient"]\n'
    'api_key_args = ["api_key"]\nbase_url_args = ["base_url"]\nmodel_args = ["model"]\n'
)


def default() -> Prefilter:
    return Prefilter.from_rules(load_rules())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"import openai", True, id="the SDK's module"),
        pytest.param(b'MODEL = "gpt-4"', True, id="a mapped model's literal prefix"),
        pytest.param(b"from llama_index.llms.openai import OpenAI", True, id="a wrapper's module"),
        pytest.param(b'KEY = "sk-proj-abcdefgh1jklmnopqrstuvwxyz"', True, id="an OpenAI key"),
        pytest.param(b'KEY = "nova_abcdefgh1jklmnop"', True, id="a provider key"),
        pytest.param(b'SLUG = "sk-learn-pipeline-config"', False, id="no digit: a slug, not a key"),
        pytest.param(b"import requests\nprint('hello world')\n", False, id="nothing of OpenAI"),
        pytest.param(b"task-queue = disk-usage", False, id="a key prefix alone is not a key"),
        pytest.param(b"from openai._client import OpenAI", True, id="a client module under the SDK's package"),
        pytest.param(b"self.http_client = make_http_client()", False, id="'_client' alone is not the SDK's module"),
        pytest.param(b"from openai.lib.azure import AzureOpenAI", True, id="the SDK's Azure module"),
        pytest.param(b"from langchain.chat_models.base import init_chat_model", True, id="a module under a client module"),
        pytest.param(b"from .base import Model\nclass Base: pass\n", False, id="'base' alone is no client module"),
    ],
)
def test_trigger_comes_from_the_rules(data: bytes, expected: bool) -> None:
    assert default().matches(data) is expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(b"from acme.llm import ChatClient\n", id="from the module"),
        pytest.param(b"from acme import llm\nc = llm.ChatClient()\n", id="the module from its package"),
        pytest.param(b"from .llm import ChatClient\n", id="relative import: no package name"),
    ],
)
def test_a_wrappers_imports_trigger_by_the_modules_last_name(tmp_path: Path, source: bytes) -> None:
    """Every spelling of an import of `acme.llm` holds "llm"; not all of them hold "acme"."""
    path = tmp_path / "rules.toml"
    path.write_text(ACME)
    prefilter = Prefilter.from_rules(load_rules(path))
    assert b"llm" in prefilter.words
    assert prefilter.matches(source)
    assert not default().matches(source), "without the user's client the file is not read"


def test_trigger_words_hold_no_word_another_one_contains() -> None:
    """`openai` already finds `langchain_openai`: a second search of every file would add nothing."""
    words = default().words
    assert b"openai" in words and b"gpt-" in words and b"langchain_openai" not in words
    assert not [w for w in words for o in words if o != w and o in w]


def test_resource_roots_make_a_file_that_only_calls_the_api_a_candidate() -> None:
    """`get_client().embeddings.create(...)` names no client module: the project view needs the
    file all the same, to see that the shared client is used for embeddings."""
    words = default().words
    assert {b".chat.", b".images.", b".responses.", b".files."} <= set(words)
    assert b".models." not in words, "every ORM file would become a candidate"
    assert not default().matches(b"rows = Entry.objects.filter(pk=1)\nm = app.models.get(1)\n")
    assert default().matches(b"vectors = get_client().embeddings.create(input=text)\n")


def test_key_patterns_are_searched_unanchored_after_their_literal_prefix() -> None:
    """The rules anchor a key pattern to a whole string literal; in a file's bytes it is
    searched anywhere, and only where its literal prefix occurs."""
    prefixes = [(prefix, rx.pattern) for prefix, rx in default().keys]
    assert prefixes == [
        (b"sk-", rb"sk-(proj-|svcacct-|admin-)?(?=[A-Za-z_\-]*[0-9])[A-Za-z0-9_\-]{16,}"),
        (b"nova_", rb"nova_(?=[A-Za-z_\-]*[0-9])[A-Za-z0-9_\-]{12,}"),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"svc = TicketService(get_llm())\n", True, id="a factory named llm"),
        pytest.param(b"from app import Client\n", True, id="any case: Client"),
        pytest.param(b"PRICE = PRICES[settings.DEFAULT_MODEL]\n", True, id="any case: a model constant"),
        pytest.param(b"import requests\nprint('hello world')\n", False, id="no connector word"),
        pytest.param(b"", False, id="an empty module"),
    ],
)
def test_connector_words_come_from_the_rules_in_any_case(data: bytes, expected: bool) -> None:
    prefilter = default()
    assert prefilter.connectors == (b"client", b"llm", b"model")
    assert prefilter.connects(data) is expected


def test_no_connector_words_no_connector(tmp_path: Path) -> None:
    """A rules file that sets none keeps the one-stage run: nothing is kept for a second read."""
    path = tmp_path / "rules.toml"
    path.write_text("[source]\nconnector_words = []\n")
    prefilter = Prefilter.from_rules(load_rules(path))
    assert prefilter.connectors == ()
    assert not prefilter.connects(b"client = get_client()\n")


CLIENTS = Summary(
    "clients.py", "clients", ctors=(Ctor("clients.py:5:12", "openai", None, "migrate"),),
    exports={"get_llm()": frozenset({"c:clients.py:5:12"})},
)
SERVICE = Summary("pkg/service.py", "pkg.service", params={"TicketService.__init__": ("self", "llm_client")})
SETTINGS = Summary("settings.py", "settings", models=("DEFAULT_MODEL", "Digest.MODEL"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"from clients import get_llm\n", True, id="a factory, from its module"),
        pytest.param(b"import clients\nx = clients.get_llm()\n", True, id="a factory, through its module"),
        pytest.param(b"from pkg.service import TicketService\n", True, id="a class taking a client (params)"),
        pytest.param(b"from .service import TicketService\n", True, id="relative: the module's last name"),
        pytest.param(b"p = PRICES[settings.DEFAULT_MODEL]\n", True, id="a model constant"),
        pytest.param(b"m = settings.Digest.MODEL\n", True, id="a class holding a model constant"),
        pytest.param(b"from other import get_llm\n", False, id="the name without its module: another get_llm"),
        pytest.param(b"import clients\nx = clients.get_llm_v2()\n", False, id="a longer name is not the name"),
        pytest.param(b"from clients import make_client\n", False, id="the module, but no name it exports"),
    ],
)
def test_wiring_wants_an_exported_name_and_its_module(data: bytes, expected: bool) -> None:
    wiring = Wiring.from_summaries([CLIENTS, SERVICE, SETTINGS])
    assert wiring is not None
    assert wiring.matches(data) is expected


@pytest.mark.parametrize(
    "summaries",
    [
        pytest.param([SERVICE, SETTINGS], id="no candidate builds a client: the view decides nothing"),
        pytest.param([Summary("a.py", "a", ctors=CLIENTS.ctors)], id="a client, but nothing exported"),
        pytest.param([], id="no candidate"),
    ],
)
def test_no_wiring_when_nothing_can_change(summaries: list[Summary]) -> None:
    assert Wiring.from_summaries(summaries) is None
