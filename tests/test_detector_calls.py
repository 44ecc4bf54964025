"""Calls into the API (LMX301-LMX305): what Lumyx serves, per endpoint, parameter and role."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from support import assert_noop, codes, findings

from codemod.rules import Rules, load_rules

HEAD = dedent(
    """\
    import os
    import openai
    from openai import OpenAI
    client = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])
    openai.api_key = os.environ["LUMYX_API_KEY"]
    openai.base_url = os.environ["LUMYX_BASE_URL"]
    """
)
LINE = HEAD.count("\n") + 1  # the line the tested call is on


def case(call: str, expected: list[str], what: str) -> object:
    return pytest.param(HEAD + call + "\n", expected, id=what)


ENDPOINTS = [
    case('client.embeddings.create(input="x")', ["LMX301"], "embeddings"),
    case('client.audio.transcriptions.create(file=f, model="whisper-1")', ["LMX301"], "audio transcriptions"),
    case('client.audio.speech.create(input="x", voice="a", model="tts-1")', ["LMX301"], "audio speech"),
    case('client.images.generate(prompt="x")', ["LMX301"], "images"),
    case('client.responses.create(input="x")', ["LMX301"], "responses"),
    case('client.completions.create(prompt="x")', ["LMX301"], "legacy completions"),
    case("client.beta.assistants.create()", ["LMX301"], "beta assistants"),
    case("client.beta.threads.runs.create(thread_id='t')", ["LMX301"], "beta threads"),
    case("client.files.create(file=f, purpose='x')", ["LMX301"], "files"),
    case("client.uploads.create()", ["LMX301"], "uploads"),
    case("client.batches.create()", ["LMX301"], "batches"),
    case("client.fine_tuning.jobs.create(training_file='x')", ["LMX301"], "fine_tuning"),
    case("client.moderations.create(input='x')", ["LMX301"], "moderations"),
    case("client.vector_stores.create()", ["LMX301"], "vector_stores"),
    case("client.realtime.connect()", ["LMX301"], "realtime"),
    case("client.chat.completions.parse(messages=[])", ["LMX301"], "chat.completions.parse not in the served list"),
    case("client.chat.completions.list()", ["LMX301"], "stored chat completions"),
    case('openai.embeddings.create(input="x")', ["LMX301"], "module client embeddings"),
    case('openai.responses.create(input="x")', ["LMX301"], "module client responses"),
    case('client.with_options(timeout=5).embeddings.create(input="x")', ["LMX301"], "through with_options(...)"),
    case('client.with_raw_response.embeddings.create(input="x")', ["LMX301"], "through with_raw_response"),
    case("client.chat.completions.create(messages=[])", [], "chat completions served"),
    case("client.chat.completions.stream(messages=[])", [], "chat completions stream served"),
    case("client.with_streaming_response.chat.completions.create(messages=[])", [], "served through passthrough"),
    case("client.models.list()", [], "models list served"),
    case("client.models.retrieve('nova_1_1')", [], "model details served"),
    case("client.agents.chat.completions.create(messages=[])", [], "Lumyx-only agents"),
    case("client.personas.list()", [], "Lumyx-only personas"),
    case("openai.chat.completions.create(messages=[])", [], "module client chat served"),
]


@pytest.mark.parametrize(("source", "expected"), ENDPOINTS)
def test_endpoints(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


def test_coming_soon_message_differs_from_not_served() -> None:
    soon = findings(HEAD + 'client.embeddings.create(input="x")\n')[0]
    never = findings(HEAD + 'client.responses.create(input="x")\n')[0]
    assert "coming soon on Lumyx" in soon.message
    assert "coming soon" not in never.message and "not served" in never.message
    assert (soon.line, soon.col, soon.end_line, soon.end_col) == (LINE, 1, LINE, 25)


NOT_FLAGGED = [
    pytest.param(
        'from zhipuai import ZhipuAiClient\nc = ZhipuAiClient()\nc.embeddings.create(input="x")\nc.chat.completions.create(messages=[], tools=[])\n',
        id="another SDK",
    ),
    pytest.param(
        'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:11434/v1")\nc.embeddings.create(input="x")\n',
        ["LMX102"],
        id="client pointing elsewhere: only LMX102",
    ),
    pytest.param(
        'from openai import AzureOpenAI\nc = AzureOpenAI()\nc.chat.completions.create(messages=[], tools=[])\n',
        ["LMX104"],
        id="Azure client: only LMX104",
    ),
]


@pytest.mark.parametrize("source", [p for p in NOT_FLAGGED if len(p.values) == 1])
def test_other_clients_untouched(source: str) -> None:
    assert_noop(source)
    assert codes(source) == []


@pytest.mark.parametrize(("source", "expected"), [p for p in NOT_FLAGGED if len(p.values) == 2])
def test_other_clients_report_only_their_client(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


PARAMS = [
    case("client.chat.completions.create(messages=[], tools=[])", ["LMX302"], "tools"),
    case("client.chat.completions.create(messages=[], tool_choice='auto', n=2)", ["LMX302", "LMX302"], "tool_choice and n"),
    case("client.chat.completions.create(messages=[], response_format={'type': 'json_object'})", ["LMX302"], "response_format"),
    case("client.chat.completions.create(messages=[], max_completion_tokens=5)", ["LMX302"], "max_completion_tokens"),
    case("openai.chat.completions.create(messages=[], logprobs=True)", ["LMX302"], "module client"),
    case(
        'extra = {"functions": [], "temperature": 0.2}\nclient.chat.completions.create(messages=[], **extra)',
        ["LMX302"],
        "through a visible ** dict",
    ),
    case(
        "client.chat.completions.create(messages=[], extra_headers={}, extra_query={}, extra_body={'seed': 1}, timeout=5)",
        [],
        "never the SDK's request options",
    ),
    case("client.chat.completions.create(messages=[], extra_body={'logit_bias': {}, 'seed': 1})", ["LMX306"], "extra_body field not served"),
    case("EXTRA = {'guided_json': {}}\nclient.chat.completions.create(messages=[], extra_body=EXTRA)", ["LMX306"], "extra_body bound to a name"),
    case("client.chat.completions.create(messages=[], extra_body=build())", [], "extra_body from a call: not seen"),
    case(
        'opts = {"timeout": 3, "extra_body": {}}\nclient.chat.completions.create(messages=[], **opts)',
        [],
        "never request options in a ** dict",
    ),
    case(
        "client.chat.completions.create(model='nova_1_1', messages=[], temperature=1, max_tokens=5, stream=True, "
        "top_p=1, stop=['x'], presence_penalty=0, frequency_penalty=0, seed=1)",
        [],
        "every served parameter",
    ),
    case("client.chat.completions.create(messages=[], **kwargs)", [], "opaque ** dict: nothing to say"),
    case("client.embeddings.create(input='x', dimensions=3)", ["LMX301"], "never on a non-chat endpoint"),
]


@pytest.mark.parametrize(("source", "expected"), PARAMS)
def test_chat_params(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


ROLES = [
    case(
        'client.chat.completions.create(messages=[{"role": "system", "content": "a"}, {"role": "user", "content": "b"},'
        ' {"role": "assistant", "content": "c"}])',
        [],
        "served roles",
    ),
    case('client.chat.completions.create(messages=[{"role": "tool", "content": "x"}])', ["LMX303"], "tool"),
    case('client.chat.completions.create(messages=[{"role": "developer", "content": "x"}])', ["LMX303"], "developer"),
    case(
        'msgs = [{"role": "function", "name": "f", "content": "x"}]\nclient.chat.completions.create(messages=msgs)',
        ["LMX303"],
        "list bound to a name",
    ),
    case('client.chat.completions.create(messages=history)', [], "unknown messages"),
    case('x = [{"role": "tool"}]', [], "never outside a chat call"),
]


@pytest.mark.parametrize(("source", "expected"), ROLES)
def test_roles(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


def test_role_position() -> None:
    source = HEAD + 'client.chat.completions.create(messages=[{"role": "tool", "content": "x"}])\n'
    (found,) = findings(source)
    assert (found.line, found.col, found.end_line, found.end_col) == (LINE, 51, LINE, 57)
    assert "'tool'" in found.message


STOP_AND_TEMPERATURE = [
    case("client.chat.completions.create(messages=[], stop=['a', 'b', 'c', 'd', 'e'])", ["LMX304"], "5 stops"),
    case("client.chat.completions.create(messages=[], stop=('a', 'b', 'c', 'd', 'e', 'f'))", ["LMX304"], "6 stops in a tuple"),
    case("client.chat.completions.create(messages=[], stop=['a', 'b', 'c', 'd'])", [], "4 stops"),
    case("client.chat.completions.create(messages=[], stop='a')", [], "one stop string"),
    case("client.chat.completions.create(messages=[], temperature=2.5)", ["LMX305"], "temperature above 2"),
    case("client.chat.completions.create(messages=[], temperature=-0.1)", ["LMX305"], "negative temperature"),
    case("client.chat.completions.create(messages=[], temperature=2)", [], "temperature 2"),
    case("client.chat.completions.create(messages=[], temperature=0)", [], "temperature 0"),
    case("client.chat.completions.create(messages=[], temperature=t)", [], "temperature not a literal"),
]


@pytest.mark.parametrize(("source", "expected"), STOP_AND_TEMPERATURE)
def test_stop_and_temperature(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


def test_messages_of_stop_and_temperature() -> None:
    stop = findings(HEAD + "client.chat.completions.create(messages=[], stop=['a', 'b', 'c', 'd', 'e'])\n")[0]
    assert stop.message == "5 stop sequences; Lumyx AI accepts at most 4"
    hot = findings(HEAD + "client.chat.completions.create(messages=[], temperature=2.5)\n")[0]
    assert hot.message == "temperature 2.5 is outside Lumyx AI's range 0..2"
    assert (hot.line, hot.col, hot.end_col) == (LINE, 57, 60)


def test_positions_of_each_call_finding() -> None:
    """1-based line and column, end exclusive, as ruff and SARIF count them."""
    source = HEAD + dedent(
        """\
        openai.embeddings.create(input="x")
        client.with_options(timeout=5).images.generate(prompt="x")
        client.chat.completions.create(
            messages=[{"role": "developer", "content": "x"}],
            tools=[],
            **{"n": 2, "timeout": 3},
            stop=["a", "b", "c", "d", "e"],
            temperature=+3,
        )
        """
    )
    got = [(f.code, f.line, f.col, f.end_line, f.end_col) for f in findings(source)]
    assert got == [
        ("LMX301", LINE, 1, LINE, 25),
        ("LMX301", LINE + 1, 1, LINE + 1, 47),
        ("LMX303", LINE + 3, 24, LINE + 3, 35),
        ("LMX302", LINE + 4, 5, LINE + 4, 13),
        ("LMX302", LINE + 5, 8, LINE + 5, 11),
        ("LMX304", LINE + 6, 10, LINE + 6, 35),
        ("LMX305", LINE + 7, 17, LINE + 7, 19),
    ]


MORE = [
    case('client.chat.completions.create(messages=[], **{"tools": [], "n": 2})', ["LMX302", "LMX302"], "** dict literal in the call"),
    case('client.chat.completions.create(messages=[], **{"extra_headers": {}, "timeout": 1})', [], "** dict literal of request options"),
    case('client.chat.completions.create(messages=[], **{**base, "seed": 1})', [], "unpacked dict inside the ** literal"),
    case("async def f():\n    await client.chat.completions.create(messages=[], tools=[])", ["LMX302"], "awaited call"),
    case('client.with_options(max_retries=2).chat.completions.create(messages=[], tools=[])', ["LMX302"], "chat params through with_options"),
    case('STOP = ["a", "b", "c", "d", "e"]\nclient.chat.completions.create(messages=[], stop=STOP)', ["LMX304"], "stop bound to a name"),
    case('client.chat.completions.create(messages=[], stop=[*base, "x"])', [], "stop with an unpacked list: length unknown"),
    case("T = 3\nclient.chat.completions.create(messages=[], temperature=T)", ["LMX305"], "temperature bound to a name"),
    case("client.chat.completions.create(messages=[], temperature=+3)", ["LMX305"], "unary plus"),
    case('client.chat.completions.create(messages=[], temperature="3")', [], "a string is not a number"),
    case("client.chat.completions.create(messages=[], temperature=True)", [], "a bool is not a temperature"),
    case('client.chat.completions.create(**{"messages": [{"role": "tool", "content": "x"}]})', ["LMX303"], "roles through ** literal"),
    case('client.models.list(limit=3)', [], "no chat parameters checked on models"),
]


@pytest.mark.parametrize(("source", "expected"), MORE)
def test_more_call_shapes(source: str, expected: list[str]) -> None:
    """Real code reaches the API through awaits, with_options, ** dicts and names."""
    assert codes(source) == expected


def rules_with(tmp_path: Path, text: str) -> Rules:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return load_rules(path)


RULES_DECIDE = [
    pytest.param(
        '[endpoints]\nserved = ["chat.completions.create", "chat.completions.parse", "models.list"]\n'
        'unserved = ["responses"]\n',
        "client.chat.completions.parse(messages=[], tools=[])",
        ["LMX302"],
        ["LMX301"],
        id="parse served when the rules list it, then its parameters are checked",
    ),
    pytest.param(
        '[endpoints]\nserved = ["chat.completions.create"]\nunserved = ["chat.completions.stream"]\n',
        "client.chat.completions.stream(messages=[])",
        ["LMX301"],
        [],
        id="stream flagged when the rules say it is not served",
    ),
    pytest.param(
        '[endpoints]\ncoming_soon = ["audio", "images"]\nserved = ["chat.completions.create", "embeddings.create"]\n',
        'client.embeddings.create(input="x")',
        [],
        ["LMX301"],
        id="embeddings served once the rules say so",
    ),
    pytest.param(
        '[chat]\nparams = ["model", "messages", "tools"]\n',
        "client.chat.completions.create(messages=[], tools=[], seed=1)",
        ["LMX302"],
        ["LMX302"],
        id="served parameters are the rules' list (tools in, seed out)",
    ),
    pytest.param(
        '[chat]\nroles = ["system", "user", "assistant", "developer"]\n',
        'client.chat.completions.create(messages=[{"role": "developer", "content": "x"}])',
        [],
        ["LMX303"],
        id="roles are the rules' list",
    ),
    pytest.param(
        "[chat]\nmax_stop = 2\n",
        'client.chat.completions.create(messages=[], stop=["a", "b", "c"])',
        ["LMX304"],
        [],
        id="max_stop from the rules",
    ),
    pytest.param(
        "[chat]\ntemperature_max = 1.0\n",
        "client.chat.completions.create(messages=[], temperature=1.5)",
        ["LMX305"],
        [],
        id="temperature range from the rules",
    ),
]


@pytest.mark.parametrize(("rules_text", "call", "with_rules", "by_default"), RULES_DECIDE)
def test_the_rules_file_decides(
    tmp_path: Path, rules_text: str, call: str, with_rules: list[str], by_default: list[str]
) -> None:
    """No provider fact in code: changing the rules changes the verdict."""
    source = HEAD + call + "\n"
    assert codes(source, rules_with(tmp_path, rules_text)) == with_rules
    assert codes(source) == by_default


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from openai import OpenAI\n\ndef summarise(client, text):\n    return client.responses.create(input=text)\n",
            ["LMX307"],
            id="unserved call on a parameter nobody ties to a client: reported as a warning",
        ),
        pytest.param(
            "import requests\n\ndef summarise(client, text):\n    return client.responses.create(input=text)\n",
            [],
            id="a module that does not use OpenAI: its parameters are somebody else's",
        ),
        pytest.param(
            "from openai import OpenAI\n\ndef ask(client, text):\n    return client.chat.completions.create(messages=[])\n",
            [],
            id="a served call on an untied parameter: nothing to say",
        ),
        pytest.param(
            "from openai import OpenAI\n\ndef embed(client, text):\n    return client.embeddings.create(input=text)\n\n"
            "embed(OpenAI(), 'x')\n",
            ["LMX106"],
            id="a call site ties the parameter: the client is kept instead (no LMX307)",
        ),
    ],
)
def test_unserved_call_on_an_untied_parameter(source: str, expected: list[str]) -> None:
    from support import findings

    assert [f.code for f in findings(source)] == expected


UNTYPED_HEAD = "from openai import OpenAIError\n\n\nclass Indexer:\n    def run(self, text, registry):\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "        return self.llm_client.embeddings.create(model='m', input=text)\n",
            [("LMX308", "`embeddings.create` is not served by Lumyx AI; the tool cannot tell which client `self.llm_client` is: if it is one moved there, this call will fail")],
            id="an unserved endpoint on an attribute nobody sets: LMX308 naming the receiver",
        ),
        pytest.param(
            "        return registry['llm'].images.with_raw_response.generate(prompt=text)\n",
            [("LMX308", "`images.generate` is not served by Lumyx AI; the tool cannot tell which client `registry['llm']` is: if it is one moved there, this call will fail")],
            id="an unserved endpoint on a subscript, through a passthrough attribute",
        ),
        pytest.param(
            "        return self.llm.chat.completions.create(model='m', messages=[{'role': 'developer', 'content': text}], logprobs=True)\n",
            [
                ("LMX308", "message role 'developer' is not served by Lumyx AI; the tool cannot tell which client `self.llm` is: if it is one moved there, this call will fail"),
                ("LMX308", "chat parameter `logprobs` is not served by Lumyx AI; the tool cannot tell which client `self.llm` is: if it is one moved there, this call will fail"),
            ],
            id="an untied chat call: each unserved role and parameter",
        ),
        pytest.param(
            "        return registry.chat.completions.create(model='m', messages=[], stream=True)\n",
            [],
            id="must not touch: an untied chat call sending only what is served",
        ),
        pytest.param(
            "        return self.db.models.list()\n",
            [],
            id="must not touch: a served endpoint shape (an ORM's models) says nothing",
        ),
        pytest.param(
            "        return self.cache.create(text)\n",
            [],
            id="must not touch: a call that names no endpoint",
        ),
    ],
)
def test_unserved_use_on_an_untyped_receiver(body: str, expected: list[tuple[str, str]]) -> None:
    found = [(f.code, f.message) for f in findings(UNTYPED_HEAD + body)]
    assert found == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "import requests\n\nclass C:\n    def run(self):\n        return self.api.embeddings.create(input='x')\n",
            id="a module that imports no OpenAI package: its receivers are somebody else's",
        ),
        pytest.param(
            "from openai import OpenAI\nimport json\n\njson.loads.embeddings.create(input='x')\n",
            id="a receiver from the stdlib is no client",
        ),
        pytest.param(
            "from openai import OpenAI\n\nclass C:\n    def __init__(self):\n        self.client = OpenAI()\n\n"
            "    def run(self):\n        return self.client.chat.completions.create(model='gpt-4o', messages=[], logprobs=True)\n",
            id="a typed receiver keeps its exact codes (LMX302), no LMX308",
        ),
    ],
)
def test_no_lmx308(source: str) -> None:
    assert "LMX308" not in [f.code for f in findings(source)]


def test_a_chat_parameter_on_an_untied_parameter_is_lmx308() -> None:
    source = "from openai import OpenAI\n\ndef ask(client, text):\n    return client.chat.completions.create(messages=[], n=2)\n"
    assert [f.code for f in findings(source)] == ["LMX308"]
