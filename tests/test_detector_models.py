"""Model names (LMX201-LMX203): rewritten only where they provably reach a model parameter."""

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
