"""`lumyx-migrate rules`: what the user reads is the effective rules, every code, aligned."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REPO

from codemod import codes
from codemod.report.rules_view import render_rules
from codemod.rules import load_rules


def block(text: str, title: str) -> list[str]:
    """The lines under `title` up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_endpoints_of_the_default_rules() -> None:
    """The user reads here what Lumyx serves; the labels line up."""
    assert block(render_rules(load_rules()), "Endpoints:") == [
        "  served         chat.completions.create, chat.completions.stream, models.list, models.retrieve",
        "  Lumyx AI only  agents.chat.completions.create, personas",
        "  coming soon    embeddings, audio, images",
        "  not served     responses, completions, beta, assistants, threads, files, uploads, batches,"
        " fine_tuning, moderations, vector_stores, realtime, containers, conversations, evals, videos,"
        " webhooks, chat.completions.retrieve, chat.completions.update, chat.completions.list,"
        " chat.completions.delete, chat.completions.messages, chat.completions.parse, models.delete",
    ]


def test_head_and_chat_facts_of_the_default_rules() -> None:
    text = render_rules(load_rules())
    assert text.startswith(
        "Rules: <default rules>\n\n"
        "Provider      Lumyx AI\n"
        "Base URL      https://api.lumyx-ai.site/v1  (env LUMYX_BASE_URL)\n"
        "API key       env LUMYX_API_KEY, keys start with 'nova_'\n"
        "Models        nova_1_1\n\n"
    )
    assert (
        "Chat parameters served: model, messages, temperature, max_tokens, stream, top_p, stop,"
        " presence_penalty, frequency_penalty, seed\n"
        "Request options (never flagged): extra_headers, extra_query, extra_body, timeout\n"
        "Roles: system, user, assistant; at most 4 stop sequences; temperature 0..2\n"
    ) in text


def test_every_code_listed_with_its_fix_marker() -> None:
    expected = [
        f"  {info.code}  {'fix' if info.fix == 'always' else 'fix*' if info.fix == 'sometimes' else '':<4}  {codes.summary(info.code)}".rstrip()
        for info in codes.CODES.values()
    ]
    assert block(render_rules(load_rules()), "Finding codes:") == expected
    assert "  LMX101  fix   OpenAI client not pointed at Lumyx AI" in expected  # the expression is right
    assert "  LMX302        chat parameter Lumyx AI does not serve" in expected
    assert "  LMX304        more than 4 stop sequences" in expected  # the summary's fact filled


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return path


def test_a_user_file_is_shown_merged(tmp_path: Path) -> None:
    """`rules` shows the effective rules, not the default ones."""
    path = write(
        tmp_path,
        '[endpoints]\nserved = ["chat.completions.create", "embeddings.create"]\ncoming_soon = []\n'
        '[chat]\nroles = ["system", "user", "assistant", "developer"]\nmax_stop = 2\n',
    )
    text = render_rules(load_rules(path))
    assert text.startswith(f"Rules: <default rules> + {path}\n")
    assert block(text, "Endpoints:")[:2] == [
        "  served         chat.completions.create, embeddings.create",
        "  Lumyx AI only  agents.chat.completions.create, personas",
    ]
    assert "coming soon" not in text  # an empty list leaves no line, and no gap
    assert "Roles: system, user, assistant, developer; at most 2 stop sequences;" in text
    assert "  LMX304        more than 2 stop sequences\n" in text  # code summaries state the rules too


def test_a_replacing_file_is_the_only_source(tmp_path: Path) -> None:
    """With `extends = false` the default is gone, and the header says so."""
    default = (REPO / "rules" / "lumyx.toml").read_text(encoding="utf-8")
    path = write(tmp_path, "extends = false\n" + default.replace('name = "Lumyx AI"', 'name = "Acme"'))
    text = render_rules(load_rules(path))
    assert text.startswith(f"Rules: {path}\n\nProvider      Acme\n")
    assert "  Acme only    agents.chat.completions.create, personas" in text


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("Clients (constructors that are migrated or reported):", id="clients"),
        pytest.param("Model map (first match wins):", id="model map"),
        pytest.param("Endpoints:", id="endpoints"),
        pytest.param("Finding codes:", id="codes"),
    ],
)
def test_sections_are_separated_by_one_blank_line(title: str) -> None:
    lines = render_rules(load_rules()).splitlines()
    at = lines.index(title)
    assert lines[at - 1] == "" and lines[at - 2] != ""


def test_clients_aligned() -> None:
    rows = block(render_rules(load_rules()), "Clients (constructors that are migrated or reported):")
    longest = max(len(spec.id) for spec in load_rules().clients)
    column = 2 + longest + 2  # the longest id, then two spaces
    assert rows[0] == "  openai".ljust(column) + "openai: OpenAI, AsyncOpenAI, Client, AsyncClient  [migrated]"
    assert rows[1] == "  azure".ljust(column) + "openai: AzureOpenAI, AsyncAzureOpenAI  [azure: reported]"
    assert [row[column:].split(":")[0] for row in rows] == [spec.module for spec in load_rules().clients]
