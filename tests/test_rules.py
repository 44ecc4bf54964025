"""The rules file: the shipped default is valid and complete; a bad file is refused with path,
key and reason; a user file extends or replaces the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.rules import RulesError, load_rules


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
    ],
)
def test_bad_rules_are_refused_with_path_key_reason(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


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


def test_trigger_comes_from_the_rules() -> None:
    rules = load_rules()
    assert rules.triggered(b"import openai")
    assert rules.triggered(b'MODEL = "gpt-4"')
    assert rules.triggered(b"from llama_index.llms.openai import OpenAI")
    assert rules.triggered(b'KEY = "sk-proj-abcdefgh1jklmnopqrstuvwxyz"')
    assert rules.triggered(b'KEY = "nova_abcdefgh1jklmnop"')
    assert not rules.triggered(b'SLUG = "sk-learn-pipeline-config"'), "no digit: a slug, not a key"
    assert not rules.triggered(b"import requests\nprint('hello world')\n")
    assert not rules.triggered(b"task-queue = disk-usage"), "a key prefix alone is not a key"


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
    rules = load_rules(
        write(
            tmp_path,
            '[[clients]]\nid = "acme"\nmodule = "acme.llm"\nnames = ["ChatClient"]\n'
            'api_key_args = ["api_key"]\nbase_url_args = ["base_url"]\nmodel_args = ["model"]\n',
        )
    )
    assert b"llm" in rules.trigger_words
    assert rules.triggered(source)


def test_trigger_words_hold_no_word_another_one_contains() -> None:
    """`openai` already finds `langchain_openai`: a second search of every file would add nothing."""
    words = load_rules().trigger_words
    assert words == (b"gpt-", b"openai")
