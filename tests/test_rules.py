"""The rules file: the shipped default is valid and complete; a bad file is refused with path,
key and reason; a user file extends or replaces the default."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from codemod.rules import RulesError, load_rules
from codemod.rules.model import GLOBS
from codemod.rules.schema import convert


@dataclass(frozen=True)
class Inner:
    size: int


@dataclass(frozen=True)
class Sample:
    """A table no rules file has: the loader knows it from these fields alone."""

    name: str
    inner: Inner
    globs: tuple[str, ...] = field(default=("*",), metadata=GLOBS)
    on: bool = False
    level: Literal["low", "high"] = "low"
    ratio: float = 0.5
    items: tuple[Inner, ...] = ()
    internal: str = field(default="set by code", metadata={"internal": True})


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return path


def test_default_holds_the_platform_facts() -> None:
    rules = load_rules()
    p = rules.provider
    assert (p.base_url, p.api_key_env, p.base_url_env, p.key_prefix, p.models) == (
        "https://api.lumyx-ai.site/v1",
        "LUMYX_API_KEY",
        "LUMYX_BASE_URL",
        "nova_",
        ("nova_1_1",),
    )
    assert rules.chat.params == (
        "model", "messages", "temperature", "max_tokens", "stream", "top_p", "stop",
        "presence_penalty", "frequency_penalty", "seed",
    )
    assert rules.chat.roles == ("system", "user", "assistant")
    assert rules.chat.max_stop == 4
    assert set(rules.endpoints.coming_soon) == {"embeddings", "audio", "images"}


@pytest.mark.parametrize(
    ("model", "action", "to"),
    [
        pytest.param("gpt-4", "map", "nova_1_1", id="gpt-4 maps"),
        pytest.param("gpt-4-turbo", "map", "nova_1_1", id="gpt-4-turbo maps"),
        pytest.param("gpt-3.5-turbo", "map", "nova_1_1", id="gpt-3.5-turbo maps"),
        pytest.param("gpt-4o-mini", "map", "nova_1_1", id="every other gpt-* chat model maps"),
        pytest.param("gpt-image-1", "keep", None, id="image model kept"),
        pytest.param("gpt-4o-transcribe", "keep", None, id="transcription model kept"),
        pytest.param("gpt-4o-mini-tts", "keep", None, id="tts model kept"),
        pytest.param("gpt-realtime", "keep", None, id="realtime model kept"),
        pytest.param("gpt-4o-audio-preview", "keep", None, id="audio model kept"),
        pytest.param("text-embedding-3-small", "keep", None, id="embedding model kept"),
        pytest.param("whisper-1", "keep", None, id="whisper kept"),
        pytest.param("openai/gpt-4o", "keep", None, id="provider-prefixed id kept"),
        pytest.param("ft:gpt-4o-mini:acme::abc", "keep", None, id="fine-tuned id kept"),
        pytest.param("o3-mini", "unsupported", None, id="reasoning model has no mapping"),
        pytest.param("text-davinci-003", "unsupported", None, id="legacy completion model has no mapping"),
    ],
)
def test_model_map_first_match_wins(model: str, action: str, to: str | None) -> None:
    rule = load_rules().models.rule_for(model)
    assert rule is not None
    assert (rule.action, rule.to) == (action, to)


def test_unknown_model_has_no_rule() -> None:
    assert load_rules().models.rule_for("claude-3-opus") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[provider]\nnmae = 1\n", "provider.nmae: unknown key", id="unknown key in a table"),
        pytest.param("colour = 1\n", "colour: unknown key", id="unknown top-level key"),
        pytest.param('[chat]\nmax_stop = "4"\n', "chat.max_stop: must be an integer, got a string", id="wrong type"),
        pytest.param('[provider]\nmodels = "nova_1_1"\n', "provider.models: must be a list of strings, got a string", id="string for a list"),
        pytest.param('[[models.map]]\nmatch = ["gpt-[4"]\nto = "x"\n', "models.map[0].match: bad glob 'gpt-[4': unclosed '['", id="bad glob"),
        pytest.param('[[models.map]]\nmatch = ["gpt-4"]\n', "models.map[0].to: required when action is map", id="map without target"),
        pytest.param('[[models.map]]\nmatch = ["x"]\naction = "drop"\n', "models.map[0].action: must be one of map, keep, unsupported, got 'drop'", id="unknown action"),
        pytest.param('[source]\nkey_patterns = ["(unclosed"]\n', "source.key_patterns: bad pattern '(unclosed'", id="bad regex"),
        pytest.param("[provider\n", "not valid TOML", id="not TOML"),
        pytest.param("extends = 1\n", "extends: must be true or false", id="extends not a boolean"),
        pytest.param("extends = false\n[provider]\nname = 'x'\n", "provider.base_url: missing required key", id="replacing file must be complete"),
        pytest.param("provider = 1\n", "provider: must be a table", id="a table that is not one"),
        pytest.param('clients = "x"\n', "clients: must be an array of tables ([[clients]])", id="clients not an array"),
        pytest.param("clients = [1]\n", "clients[14]: must be a table", id="a client that is not a table"),
        pytest.param('[[clients]]\nid = "x"\nmodule = "m"\n', "clients[14].names: missing required key", id="client without names"),
        pytest.param('[[clients]]\nid = "x"\nmodule = "m"\nnames = []\nazure = "yes"\n', "clients[14].azure: must be true or false, got a string", id="boolean"),
        pytest.param('[chat]\ntemperature_max = "2"\n', "chat.temperature_max: must be a number, got a string", id="number"),
        pytest.param("[legacy]\nChatCompletion = 1\n", "legacy: must be a table of strings", id="legacy not strings"),
        pytest.param("[models]\nmap = 1\n", "models.map: must be an array of tables ([[models.map]])", id="model map not an array"),
        pytest.param('[[models.map]]\nmatch = ["x"]\naction = 1\n', "models.map[0].action: must be a string, got an integer", id="action not a string"),
        pytest.param('[[models.map]]\nmatch = ["x"]\naction = "keep"\nto = "y"\n', "models.map[0].to: only allowed when action is map", id="target without mapping"),
        pytest.param('[[models.map]]\nmatch = [""]\naction = "keep"\n', "models.map[0].match: bad glob '': empty", id="empty glob"),
        pytest.param('[source]\nbase_urls = ["https://[x"]\n', "source.base_urls: bad glob 'https://[x': unclosed '['", id="bad glob in a source list"),
        pytest.param('[provider]\ndocs_url = "x"\n', "provider.docs_url: unknown key (known: api_key_env, base_url, base_url_env, key_prefix, models, name)", id="a key nothing read is gone"),
        pytest.param('[[clients]]\nid = "x"\nmodule = "m"\nnames = []\nsdk = true\n', "clients[14].sdk: unknown key", id="sdk is gone too"),
    ],
)
def test_bad_rules_are_refused_with_path_key_reason(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_top_level_unknown_key_lists_every_table(tmp_path: Path) -> None:
    path = write(tmp_path, "colour = 1\n")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert str(info.value) == (
        f"{path}: colour: unknown key (known: chat, clients, endpoints, extends, legacy, "
        "models, module_config, provider, source)"
    )


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read rules file"):
        load_rules(tmp_path / "nope.toml")


def test_user_file_extends(tmp_path: Path) -> None:
    path = write(tmp_path, '[provider]\nname = "Lumyx staging"\n[[models.map]]\nmatch = ["gpt-4o"]\naction = "keep"\n[chat]\nmax_stop = 2\n')
    rules = load_rules(path)
    assert rules.provider.name == "Lumyx staging"
    assert rules.provider.base_url == "https://api.lumyx-ai.site/v1", "untouched keys keep the default"
    assert rules.chat.max_stop == 2
    rule = rules.models.rule_for("gpt-4o")
    assert rule is not None and rule.action == "keep", "user model rules come first"
    assert rules.models.rule_for("gpt-4").to == "nova_1_1"  # type: ignore[union-attr]
    assert rules.paths == ("<default rules>", str(path))


def test_user_client_with_same_id_replaces_and_new_one_adds(tmp_path: Path) -> None:
    path = write(tmp_path, '[[clients]]\nid = "langchain"\nmodule = "langchain_openai"\nnames = ["ChatOpenAI"]\n[[clients]]\nid = "mine"\nmodule = "acme.llm"\nnames = ["Chat"]\napi_key_args = ["key"]\nbase_url_args = ["url"]\n')
    rules = load_rules(path)
    ids = [c.id for c in rules.clients]
    assert ids.count("langchain") == 1 and "mine" in ids
    assert rules.client_by_qualname["langchain_openai.ChatOpenAI"].api_key_args == ()
    assert rules.client_by_qualname["acme.llm.Chat"].base_url_args == ("url",)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param({"name": "x", "inner": {"size": 1}}, Sample("x", Inner(1)), id="absent keys take the dataclass defaults"),
        pytest.param(
            {"name": "x", "inner": {"size": 1}, "globs": ["a*"], "on": True, "level": "high", "ratio": 2, "items": [{"size": 2}]},
            Sample("x", Inner(1), ("a*",), True, "high", 2.0, (Inner(2),)),
            id="every type read; an integer is a number",
        ),
    ],
)
def test_the_schema_is_the_dataclass(table: dict[str, object], expected: Sample) -> None:
    assert convert(Sample, table, "sample", "f.toml") == expected


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param({"name": "x", "inner": {"size": 1}, "internal": "x"}, "sample.internal: unknown key (known: globs, inner, items, level, name, on, ratio)", id="an internal field is no key"),
        pytest.param({"inner": {"size": 1}}, "sample.name: missing required key", id="no default: required"),
        pytest.param({"name": "x"}, "sample.inner: must be a table", id="a required table that is absent"),
        pytest.param({"name": "x", "inner": {}}, "sample.inner.size: missing required key", id="nested table checked"),
        pytest.param({"name": "x", "inner": {"size": 1}, "level": "mid"}, "sample.level: must be one of low, high, got 'mid'", id="Literal values"),
        pytest.param({"name": "x", "inner": {"size": 1}, "globs": ["["]}, "sample.globs: bad glob '[': unclosed '['", id="metadata check on each item"),
        pytest.param({"name": "x", "inner": {"size": 1}, "items": [{"size": True}]}, "sample.items[0].size: must be an integer, got a boolean", id="array of tables, item by item"),
        pytest.param({"name": "x", "inner": {"size": 1}, "ratio": False}, "sample.ratio: must be a number, got a boolean", id="a boolean is no number"),
    ],
)
def test_the_schema_refuses_what_the_dataclass_does_not_declare(table: dict[str, object], message: str) -> None:
    with pytest.raises(RulesError) as info:
        convert(Sample, table, "sample", "f.toml")
    assert str(info.value) == f"f.toml: {message}"


@dataclass(frozen=True)
class Unreadable:
    counts: dict[str, int] = field(default_factory=dict)
    sizes: tuple[int, ...] = ()


@pytest.mark.parametrize(
    "table",
    [
        pytest.param({"counts": {"a": 1}}, id="a type the converter has no reading for"),
        pytest.param({"sizes": [1]}, id="a list of anything but strings"),
    ],
)
def test_a_field_type_the_schema_cannot_read_is_a_bug_not_a_file_error(table: dict[str, object]) -> None:
    with pytest.raises(TypeError, match="no rules-file reading for"):
        convert(Unreadable, table, "t", "f.toml")
