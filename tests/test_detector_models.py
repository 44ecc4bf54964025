"""Model names (LMX201-LMX204): rewritten only where they provably reach a model parameter and no other code relies on them."""

from __future__ import annotations

from textwrap import dedent

import pytest
from support import assert_noop, assert_rewrite, codes, findings

# A client already pointed at Lumyx, so that only model names change in these tables.
HEAD = dedent(
    """\
    import os
    from openai import OpenAI
    client = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])
    """
)


def pair(before: str, after: str, what: str) -> object:
    return pytest.param(HEAD + dedent(before), HEAD + dedent(after), id=what)


REWRITES = [
    pair(
        'client.chat.completions.create(model="gpt-4", messages=[])\n',
        'client.chat.completions.create(model="nova_1_1", messages=[])\n',
        "model= argument",
    ),
    pair(
        "client.chat.completions.create(model='gpt-4o', messages=[])\n",
        "client.chat.completions.create(model='nova_1_1', messages=[])\n",
        "single quotes kept",
    ),
    pair(
        'client.chat.completions.create(model="""gpt-4""", messages=[])\n',
        'client.chat.completions.create(model="""nova_1_1""", messages=[])\n',
        "triple quotes kept",
    ),
    pair(
        'client.chat.completions.create(model=r"gpt-4", messages=[])\n',
        'client.chat.completions.create(model=r"nova_1_1", messages=[])\n',
        "string prefix kept",
    ),
    pair(
        'client.models.retrieve("gpt-4")\n',
        'client.models.retrieve("nova_1_1")\n',
        "positional model of models.retrieve",
    ),
    pair(
        'args = {"model": "gpt-4-turbo", "messages": []}\nclient.chat.completions.create(**args)\n',
        'args = {"model": "nova_1_1", "messages": []}\nclient.chat.completions.create(**args)\n',
        "model key of a dict passed as **",
    ),
    pair(
        'MODEL = "gpt-3.5-turbo"\nclient.chat.completions.create(model=MODEL, messages=[])\n',
        'MODEL = "nova_1_1"\nclient.chat.completions.create(model=MODEL, messages=[])\n',
        "module constant used as the model",
    ),
    pair(
        """\
        class Bot:
            CHAT = "gpt-4"
            def ask(self):
                return client.chat.completions.create(model=self.CHAT, messages=[])
        """,
        """\
        class Bot:
            CHAT = "nova_1_1"
            def ask(self):
                return client.chat.completions.create(model=self.CHAT, messages=[])
        """,
        "class constant used through self",
    ),
    pair(
        """\
        def ask(q, model="gpt-4o-mini"):
            return client.chat.completions.create(model=model, messages=[])
        """,
        """\
        def ask(q, model="nova_1_1"):
            return client.chat.completions.create(model=model, messages=[])
        """,
        "parameter default",
    ),
    pair(
        'def ask(q, *, chat_model: str = "gpt-4"):\n    pass\n',
        'def ask(q, *, chat_model: str = "nova_1_1"):\n    pass\n',
        "keyword-only model* parameter default, by its name",
    ),
    pair(
        'DEFAULT_MODEL = os.getenv("OPENAI_MODEL", "gpt-4")\n',
        'DEFAULT_MODEL = os.getenv("OPENAI_MODEL", "nova_1_1")\n',
        "getenv default of a *_MODEL variable",
    ),
    pair(
        'client.chat.completions.create(model=os.environ.get("CHAT_MODEL", "gpt-4"), messages=[])\n',
        'client.chat.completions.create(model=os.environ.get("CHAT_MODEL", "nova_1_1"), messages=[])\n',
        "environ.get default passed as the model",
    ),
    pair(
        'class Settings(BaseModel):\n    model_name: str = "gpt-4"\n',
        'class Settings(BaseModel):\n    model_name: str = "nova_1_1"\n',
        "settings field named like a model",
    ),
    pair(
        'client.chat.completions.stream(model="gpt-4o", messages=[])\n',
        'client.chat.completions.stream(model="nova_1_1", messages=[])\n',
        "served chat.completions.stream",
    ),
    pair(
        'client.with_options(max_retries=1).chat.completions.create(model="gpt-4", messages=[])\n',
        'client.with_options(max_retries=1).chat.completions.create(model="nova_1_1", messages=[])\n',
        "through with_options(...)",
    ),
    pair(
        """\
        async def main():
            async with OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"]) as c:
                await c.chat.completions.create(model="gpt-4", messages=[])
        """,
        """\
        async def main():
            async with OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"]) as c:
                await c.chat.completions.create(model="nova_1_1", messages=[])
        """,
        "client bound by async with",
    ),
    pytest.param(
        "import os\nfrom langchain_openai import ChatOpenAI\n"
        'llm = ChatOpenAI(model_name="gpt-4", api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])\n',
        "import os\nfrom langchain_openai import ChatOpenAI\n"
        'llm = ChatOpenAI(model_name="nova_1_1", api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])\n',
        id="LangChain ChatOpenAI model_name",
    ),
    pytest.param(
        "import os\nfrom llama_index.llms.openai import OpenAI\n"
        'llm = OpenAI(model="gpt-4", api_key=os.environ["LUMYX_API_KEY"], api_base=os.environ["LUMYX_BASE_URL"])\n',
        "import os\nfrom llama_index.llms.openai import OpenAI\n"
        'llm = OpenAI(model="gpt-4", api_key=os.environ["LUMYX_API_KEY"], api_base=os.environ["LUMYX_BASE_URL"])\n',
        id="llama_index OpenAI model: kept, its class rejects model names it does not know",
    ),
    pytest.param(
        'import os\nimport openai\nopenai.api_key = os.environ["LUMYX_API_KEY"]\nopenai.api_base = "https://api.lumyx-ai.site/v1"\n'
        'openai.ChatCompletion.create(engine="gpt-4", messages=[])\n',
        'import os\nimport openai\nopenai.api_key = os.environ["LUMYX_API_KEY"]\nopenai.api_base = "https://api.lumyx-ai.site/v1"\n'
        'openai.ChatCompletion.create(engine="nova_1_1", messages=[])\n',
        id="engine= of an SDK < 1.0 call",
    ),
    pair(
        'ask = lambda q, model="gpt-4": client.chat.completions.create(model=model, messages=[])\n',
        'ask = lambda q, model="nova_1_1": client.chat.completions.create(model=model, messages=[])\n',
        "lambda parameter default",
    ),
    pair(
        "client.chat.completions.create(model=u'gpt-4', messages=[])\n",
        "client.chat.completions.create(model=u'nova_1_1', messages=[])\n",
        "u prefix kept",
    ),
    pair(
        'client.chat.completions.create(model=("gpt-4"), messages=[])\n',
        'client.chat.completions.create(model=("nova_1_1"), messages=[])\n',
        "parenthesised literal",
    ),
    pair(
        "print(f\"{client.chat.completions.create(model='gpt-4', messages=[])}\")\n",
        "print(f\"{client.chat.completions.create(model='nova_1_1', messages=[])}\")\n",
        "model literal of a call inside an f-string, its quote kept",
    ),
    pair(
        'client.chat.completions.create(\n    model="gpt-4",  # gpt-4 is best\n    messages=[],\n)\n',
        'client.chat.completions.create(\n    model="nova_1_1",  # gpt-4 is best\n    messages=[],\n)\n',
        "comment naming the model kept",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrite(before: str, after: str) -> None:
    assert_rewrite(before, after)


def untouched(source: str, what: str) -> object:
    return pytest.param(HEAD + dedent(source), id=what)


UNTOUCHED = [
    untouched('client.images.generate(model="gpt-image-1", prompt="x")\n', "gpt-image-1 kept"),
    untouched('client.audio.transcriptions.create(model="whisper-1", file=f)\n', "whisper-1 kept"),
    untouched('client.audio.speech.create(model="gpt-4o-mini-tts", voice="a", input="x")\n', "TTS model kept"),
    untouched('client.embeddings.create(model="text-embedding-3-small", input="x")\n', "embedding model kept"),
    untouched('client.audio.transcriptions.create(model="gpt-4o-transcribe", file=f)\n', "gpt-4o-transcribe kept"),
    untouched('client.chat.completions.create(model="gpt-4o-audio-preview", messages=[])\n', "audio chat model kept"),
    untouched('client.chat.completions.create(model="gpt-4o-realtime-preview", messages=[])\n', "realtime model kept"),
    untouched('IMAGE_MODEL = "gpt-image-1"\nSPEECH_MODEL = "gpt-4o-mini-tts"\n', "keep entries as named constants"),
    untouched('client.chat.completions.create(model="gpt\\x2d4", messages=[])\n', "escaped literal: reported, not rewritten"),
    untouched('client.chat.completions.create(model=b"gpt-4", messages=[])\n', "bytes literal"),
    untouched('client.chat.completions.create(model="openai/gpt-4o", messages=[])\n', "provider-prefixed id kept"),
    untouched('client.chat.completions.create(model="ft:gpt-3.5-turbo:acme::abc", messages=[])\n', "fine-tuned id kept"),
    untouched('client.chat.completions.create(model="nova_1_1", messages=[])\n', "already a Lumyx model"),
    untouched('client.chat.completions.create(model="o1-mini", messages=[])\n', "reasoning model: reported only"),
    untouched('client.chat.completions.create(model="gpt-" "4", messages=[])\n', "implicit concatenation"),
    untouched('client.chat.completions.create(model=f"gpt-{v}", messages=[])\n', "f-string model"),
    untouched('client.responses.create(model="gpt-4o", input="x")\n', "model of an unserved endpoint"),
    untouched('X = os.getenv("X", "gpt-4")\n', "getenv default of a variable not named like a model"),
    untouched('p = dict(model="gpt-4o")\n', "model= of an unknown call"),
    untouched('"""Uses gpt-4 for everything."""\n', "docstring"),
    untouched('log.info("calling gpt-4")\nprint("gpt-4")\n', "logs and prints"),
    untouched('title = "gpt-4 demo"\n', "prose"),
    untouched('import tiktoken\nenc = tiktoken.encoding_for_model("gpt-4")\n', "tiktoken.encoding_for_model"),
    untouched('cfg.openai.model = "gpt-4"\n', "cfg.openai.model"),
    pytest.param(
        'from zhipuai import ZhipuAiClient\nclient = ZhipuAiClient()\nclient.chat.completions.create(model="gpt-4", messages=[])\n',
        id="another SDK with the same call shape",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nMODEL = "gpt-4"\n'
        'c = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])\n'
        'c.chat.completions.create(model=MODEL, messages=[])\nc.chat.completions.create(model="gpt-4o", messages=[])\n',
        id="client pointing elsewhere keeps its models, also through a constant",
    ),
    pytest.param(
        "from openai import OpenAI\nclient = OpenAI()  # lumyx: ignore\n"
        'client.chat.completions.create(model="gpt-4", messages=[])\n',
        id="a client the user keeps with `# lumyx: ignore` keeps its models",
    ),
    pytest.param(
        'class OpenAI:\n    pass\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4", messages=[])\n',
        id="local class named OpenAI",
    ),
    pytest.param(
        'from langchain.llms import OpenAI\nllm = OpenAI(model_name="gpt-3.5-turbo-instruct")\n',
        id="legacy langchain.llms.OpenAI",
    ),
]


@pytest.mark.parametrize("source", UNTOUCHED)
def test_untouched(source: str) -> None:
    assert_noop(source)


def test_constant_shared_with_another_provider_is_not_rewritten() -> None:
    source = HEAD + dedent(
        """\
        other = OpenAI(base_url="http://localhost:11434/v1", api_key="x")
        MODEL = "gpt-4"
        client.chat.completions.create(model=MODEL, messages=[])
        other.chat.completions.create(model=MODEL, messages=[])
        """
    )
    assert_noop(source)


CODES = [
    pytest.param(HEAD + 'client.chat.completions.create(model="gpt-4", messages=[])\n', ["LMX201*"], id="LMX201 fixable"),
    pytest.param(HEAD + 'p = dict(model="gpt-4o")\n', ["LMX201"], id="LMX201 untied: reported, no fix"),
    pytest.param(HEAD + 'client.chat.completions.create(model="nova_1_1", messages=[])\n', [], id="LMX201 never for nova_1_1"),
    pytest.param(HEAD + 'log.info("gpt-4 is slow")\n', [], id="LMX201 never for prose"),
    pytest.param(HEAD + 'client.chat.completions.create(model="claude-3", messages=[])\n', ["LMX202"], id="LMX202 no mapping"),
    pytest.param(HEAD + 'client.chat.completions.create(model="o3", messages=[])\n', ["LMX202"], id="LMX202 unsupported"),
    pytest.param(
        HEAD + 'client.images.generate(model="gpt-image-1", prompt="x")\n', ["LMX301"], id="LMX202 never for a keep entry"
    ),
    pytest.param(HEAD + "client.chat.completions.create(model=pick(), messages=[])\n", ["LMX203"], id="LMX203 call"),
    pytest.param(
        HEAD + 'def ask(tenant):\n    return client.chat.completions.create(model=tenant["model"], messages=[])\n',
        ["LMX203"],
        id="LMX203 subscript",
    ),
    pytest.param(
        HEAD + 'client.chat.completions.create(model=f"gpt-{v}", messages=[])\n', ["LMX203"], id="LMX203 f-string, no LMX201"
    ),
    pytest.param(
        HEAD + 'client.chat.completions.create(model=os.environ["CHAT_MODEL"], messages=[])\n',
        ["LMX203"],
        id="LMX203 env read without default",
    ),
    pytest.param(
        HEAD + "def ask(model):\n    return client.chat.completions.create(model=model, messages=[])\n",
        [],
        id="LMX203 never for a parameter (its callers are checked)",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CODES)
def test_codes(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


def test_position_of_a_model_literal() -> None:
    source = HEAD + "client.chat.completions.create(\n    model='gpt-4',\n    messages=[],\n)\n"
    (found,) = findings(source)
    assert (found.code, found.line, found.col, found.end_line, found.end_col) == ("LMX201", 5, 11, 5, 18)
    assert "'nova_1_1'" in found.message


# --- LMX204: a model name other code relies on is reported and kept (issue 10 item 5) ---------

# A client the tool would migrate: a name other code relies on keeps it, and its calls, on OpenAI.
OPENAI_HEAD = "from openai import OpenAI\nclient = OpenAI()\n"
CALL = 'client.chat.completions.create(model=MODEL, messages=[])\n'


def relied(body: str, what: str, head: str = HEAD) -> object:
    return pytest.param(head + dedent(body), id=what)


RELIED_ON = [
    relied('PRICES = {"gpt-4o": 2.5}\nMODEL = "gpt-4o"\n' + CALL, "a price table keyed by the constant's name"),
    relied('MODEL = "gpt-4o"\n' + CALL + 'cost = {"gpt-4o": 2.5, "gpt-4o-mini": 0.15}[MODEL]\n', "a dict literal subscripted"),
    relied('MODEL = "gpt-4o"\n' + CALL + 'rate = PRICES["gpt-4o"]\n', "a subscript key"),
    relied('MODEL = "gpt-4o"\n' + CALL + 'if MODEL == "gpt-4o":\n    pass\n', "compared with =="),
    relied('MODEL = "gpt-4o"\n' + CALL + 'if requested == MODEL:\n    pass\n', "the constant compared with a run-time name"),
    relied('MODEL = "gpt-4o"\n' + CALL + 'rate = PRICES[MODEL]\n', "the constant as a subscript key"),
    relied('MODEL = "gpt-4o"\n' + CALL + 'big = MODEL in ("gpt-4o", "gpt-4.1")\n', "an operand of `in` (tuple)"),
    relied(
        'MODEL = "gpt-4o"\n' + CALL + 'match MODEL:\n    case "gpt-4o":\n        limit = 128_000\n', "a match case"
    ),
    relied(
        """\
        import enum
        @enum.unique
        class Tier(enum.Enum):
            FAST = "gpt-4o-mini"
            SMART = "gpt-4o"
        MODEL = "gpt-4o"
        """
        + CALL,
        "an @enum.unique Enum member (two members would collapse)",
    ),
    relied(
        'from enum import StrEnum\nclass M(StrEnum):\n    SMART = "gpt-4o"\nMODEL = "gpt-4o"\n' + CALL, "a StrEnum member"
    ),
    relied(
        'from typing import Literal\nName = Literal["gpt-4o", "gpt-4o-mini"]\nMODEL = "gpt-4o"\n' + CALL,
        "a Literal[...] choice (pydantic validates it)",
    ),
    relied(
        'if m == "gpt-4o":\n    pass\nclient.chat.completions.create(model="gpt-4o", messages=[])\n',
        "the literal at the call itself",
    ),
    relied(
        'PRICES = {"gpt-4o": 1}\ndef ask(q, model="gpt-4o"):\n    return client.chat.completions.create(model=model, messages=[])\n',
        "a parameter default",
    ),
    relied('PRICES = {"gpt-4o": 2.5}\nMODEL = "gpt-4o"\n' + CALL, "a client the tool would migrate stays", OPENAI_HEAD),
]


@pytest.mark.parametrize("source", RELIED_ON)
def test_a_name_other_code_relies_on_is_kept(source: str) -> None:
    assert_noop(source)
    assert "LMX204" in codes(source)
    assert "LMX201*" not in [f.code + ("*" if f.fix else "") for f in findings(source)]


STILL_MAPPED = [
    pair(
        'PRICES = {"gpt-4o-mini": 0.15}\nMODEL = "gpt-4o"\n' + CALL,
        'PRICES = {"gpt-4o-mini": 0.15}\nMODEL = "nova_1_1"\n' + CALL,
        "a table keyed by another name",
    ),
    pair(
        'MODEL = "gpt-4o"\n' + CALL + 'if choice == "nova_1_1":\n    pass\n',
        'MODEL = "nova_1_1"\n' + CALL + 'if choice == "nova_1_1":\n    pass\n',
        "the provider's own name compared",
    ),
    pair(
        'EMBED = {"text-embedding-3-small": 1536}\nMODEL = "gpt-4o"\n' + CALL,
        'EMBED = {"text-embedding-3-small": 1536}\nMODEL = "nova_1_1"\n' + CALL,
        "a table keyed by a model the rules keep",
    ),
    pair(
        'import enum\nclass Color(enum.Enum):\n    RED = "red"\nMODEL = "gpt-4o"\n' + CALL,
        'import enum\nclass Color(enum.Enum):\n    RED = "red"\nMODEL = "nova_1_1"\n' + CALL,
        "an Enum of other strings",
    ),
    pair(
        'class Config:\n    SMART = "gpt-4.1"\nMODEL = "gpt-4o"\n' + CALL,
        'class Config:\n    SMART = "gpt-4.1"\nMODEL = "nova_1_1"\n' + CALL,
        "a plain class constant of another name",
    ),
    pair(
        'args = {"model": "gpt-4o", "messages": []}\nclient.chat.completions.create(**args)\n',
        'args = {"model": "nova_1_1", "messages": []}\nclient.chat.completions.create(**args)\n',
        "a name that is a dict value, not a key",
    ),
    pair(
        'from typing import Literal\nRole = Literal["user", "assistant"]\nMODEL = "gpt-4o"\n' + CALL,
        'from typing import Literal\nRole = Literal["user", "assistant"]\nMODEL = "nova_1_1"\n' + CALL,
        "a Literal of other strings",
    ),
    pair(
        'MODEL = "gpt-4o"\n' + CALL + 'print(f"using {MODEL}")\n',
        'MODEL = "nova_1_1"\n' + CALL + 'print(f"using {MODEL}")\n',
        "a constant only printed",
    ),
]


@pytest.mark.parametrize(("before", "after"), STILL_MAPPED)
def test_a_name_nothing_else_relies_on_is_still_mapped(before: str, after: str) -> None:
    assert_rewrite(before, after)
    assert "LMX204" not in codes(before)


def test_the_kept_name_says_where_else_it_is_used() -> None:
    source = HEAD + 'MODEL = "gpt-4o"\n' + CALL + 'COST = {\n    "gpt-4o": 2.5,\n}\n'
    (found,) = [f for f in findings(source) if f.code == "LMX204"]
    assert (found.line, found.col, found.end_line, found.end_col) == (4, 9, 4, 17)
    assert found.message == (
        "model 'gpt-4o' is left as it is: it is also a dict key at <unknown>:7, which mapping it to "
        "'nova_1_1' would break: change both by hand"
    )


def test_a_client_kept_for_a_relied_on_name_says_so() -> None:
    source = OPENAI_HEAD + 'PRICES = {"gpt-4o": 2.5}\nMODEL = "gpt-4o"\n' + CALL
    assert codes(source) == ["LMX106", "LMX201", "LMX204"]
    (kept,) = [f for f in findings(source) if f.code == "LMX106"]
    assert "it sends model 'gpt-4o' (<unknown>:5), a name other code relies on (LMX204)" in kept.message


def test_a_default_whose_calls_all_stay_is_left_alone() -> None:
    """`def ask(q, model="gpt-4o")` on a client kept on OpenAI (it also embeds): no rewrite."""
    source = OPENAI_HEAD + dedent(
        """\
        def ask(q, model="gpt-4o"):
            return client.chat.completions.create(model=model, messages=[])
        client.embeddings.create(model="text-embedding-3-small", input="x")
        """
    )
    assert_noop(source)
    assert codes(source) == ["LMX106"]


def test_a_client_kept_for_an_endpoint_and_a_relied_on_name_names_both() -> None:
    source = OPENAI_HEAD + 'PRICES = {"gpt-4o": 2.5}\nMODEL = "gpt-4o"\n' + CALL
    source += 'vectors = client.embeddings.create(model="text-embedding-3-small", input="x")\n'
    (kept,) = [f for f in findings(source) if f.code == "LMX106"]
    assert kept.message.endswith(
        "it is used for `embeddings` (<unknown>:5 and 1 more), which Lumyx AI does not serve; it also sends "
        "model 'gpt-4o', a name other code relies on (LMX204): mapping it would break that code"
    )
