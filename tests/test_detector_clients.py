"""Client constructors (LMX101-LMX104): before/after tables and finding tables."""

from __future__ import annotations

from textwrap import dedent

import pytest
import support
from support import assert_noop, assert_rewrite, codes, findings

KEY = 'api_key=os.environ["LUMYX_API_KEY"]'
BASE = 'base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")'
ARGS = f"    {KEY},\n    {BASE},\n"  # the exploded arguments at module level


@pytest.fixture(autouse=True)
def _mechanics(monkeypatch: pytest.MonkeyPatch) -> None:
    """These cases show the rewrite's own changes; the blank organization/project arguments
    every migrated constructor also gets are tested in test_detector_placement.py."""
    support.without_blanks(monkeypatch)


REWRITES = [
    pytest.param(
        'from openai import OpenAI\na = OpenAI()\nb = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n',
        f"import os\n\nfrom openai import OpenAI\na = OpenAI(\n{ARGS})\nb = OpenAI(\n{ARGS})\n",
        id="os read without import os: replaced on the first run, with the import (found by fuzzing)",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\nclient = OpenAI()\n",
        f"import os\nfrom openai import OpenAI\nclient = OpenAI(\n{ARGS})\n",
        id="plain from-import at module level",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI as C\nclient = C()\n",
        f"import os\nfrom openai import OpenAI as C\nclient = C(\n{ARGS})\n",
        id="from openai import OpenAI as C",
    ),
    pytest.param(
        "import os\nimport openai as oa\nclient = oa.OpenAI(timeout=3)\n",
        f"import os\nimport openai as oa\nclient = oa.OpenAI(\n    timeout=3,\n{ARGS})\n",
        id="import openai as oa; other arguments kept first",
    ),
    pytest.param(
        "import os\nimport openai\nclient = openai.Client()\n",
        f"import os\nimport openai\nclient = openai.Client(\n{ARGS})\n",
        id="openai.Client alias",
    ),
    pytest.param(
        "import os\nimport openai\nclient = openai.AsyncClient()\n",
        f"import os\nimport openai\nclient = openai.AsyncClient(\n{ARGS})\n",
        id="openai.AsyncClient alias",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import AsyncOpenAI

            async def main():
                async with AsyncOpenAI() as client:
                    pass
            """
        ),
        dedent(
            f"""\
            import os
            from openai import AsyncOpenAI

            async def main():
                async with AsyncOpenAI(
                    {KEY},
                    {BASE},
                ) as client:
                    pass
            """
        ),
        id="async with in a coroutine",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI

            def run():
                with OpenAI() as client:
                    pass
            """
        ),
        dedent(
            f"""\
            import os
            from openai import OpenAI

            def run():
                with OpenAI(
                    {KEY},
                    {BASE},
                ) as client:
                    pass
            """
        ),
        id="with statement in a function",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import AsyncOpenAI

            class Service:
                def __init__(self):
                    self.client = AsyncOpenAI()
            """
        ),
        dedent(
            f"""\
            import os
            from openai import AsyncOpenAI

            class Service:
                def __init__(self):
                    self.client = AsyncOpenAI(
                        {KEY},
                        {BASE},
                    )
            """
        ),
        id="method assigns self.client",
    ),
    pytest.param(
        dedent(
            """\
            import os
            import openai

            def make_client() -> openai.OpenAI:
                return openai.OpenAI(max_retries=2)
            """
        ),
        dedent(
            f"""\
            import os
            import openai

            def make_client() -> openai.OpenAI:
                return openai.OpenAI(
                    max_retries=2,
                    {KEY},
                    {BASE},
                )
            """
        ),
        id="factory function returning openai.OpenAI(...)",
    ),
    pytest.param(
        dedent(
            """\
            def make():
                from openai import OpenAI
                return OpenAI()
            """
        ),
        dedent(
            f"""\
            import os

            def make():
                from openai import OpenAI
                return OpenAI(
                    {KEY},
                    {BASE},
                )
            """
        ),
        id="function-level import of OpenAI",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(api_key="sk-abcdefgh1jklmnopqrstuvwx", base_url="https://api.openai.com/v1")\n',
        f"import os\nfrom openai import OpenAI\nc = OpenAI(\n{ARGS})\n",
        id="literal key and OpenAI's URL replaced in place",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n',
        f"import os\nfrom openai import OpenAI\nc = OpenAI(\n{ARGS})\n",
        id="os.environ[OPENAI_API_KEY]",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ.get("OPENAI_API_KEY"))\n',
        f"import os\nfrom openai import OpenAI\nc = OpenAI(\n{ARGS})\n",
        id="os.environ.get(OPENAI_API_KEY)",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.getenv("OPENAICOM_KEY", ""))\n',
        f"import os\nfrom openai import OpenAI\nc = OpenAI(\n{ARGS})\n",
        id="os.getenv of a key variable that mentions OpenAI",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from os import environ, getenv
            from openai import OpenAI
            a = OpenAI(api_key=environ["OPENAI_API_KEY"], base_url=getenv("OPENAI_BASE_URL"))
            b = OpenAI(api_key=environ.get("OPENAI_KEY"), base_url=os.environ["OPENAI_API_BASE"])
            """
        ),
        dedent(
            f"""\
            import os
            from os import environ, getenv
            from openai import OpenAI
            a = OpenAI(
                {KEY},
                {BASE},
            )
            b = OpenAI(
                {KEY},
                {BASE},
            )
            """
        ),
        id="from os import environ, getenv; OPENAI base URL variables",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ["LUMYX_API_KEY"])\n',
        f"import os\nfrom openai import OpenAI\nc = OpenAI(\n{ARGS})\n",
        id="Lumyx key kept, base URL added",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(base_url="https://api.lumyx-ai.site/v1")\n',
        f'import os\nfrom openai import OpenAI\nc = OpenAI(base_url="https://api.lumyx-ai.site/v1", {KEY})\n',
        id="Lumyx URL literal kept, key added, still fits one line",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nopts = {"api_key": "sk-abcdefgh1jklmnopqrstuvwx", "timeout": 5}\nc = OpenAI(**opts)\n',
        'import os\nfrom openai import OpenAI\nopts = {"api_key": os.environ["LUMYX_API_KEY"], "timeout": 5}\n'
        f"c = OpenAI(\n    **opts,\n    {BASE},\n)\n",
        id="**dict literal visible: its key replaced, the missing base URL added",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(**{"max_retries": 3})\n',
        f'import os\nfrom openai import OpenAI\nc = OpenAI(\n    **{{"max_retries": 3}},\n{ARGS})\n',
        id="inline **dict without key or URL",
    ),
    pytest.param(
        "import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(temperature=0)\n",
        f"import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(\n    temperature=0,\n{ARGS})\n",
        id="LangChain ChatOpenAI",
    ),
    pytest.param(
        'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(openai_api_key=os.environ["OPENAI_API_KEY"])\n',
        f'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(\n    openai_api_key=os.environ["LUMYX_API_KEY"],\n    {BASE},\n)\n',
        id="LangChain's own key argument name kept",
    ),
    pytest.param(
        "import os\nfrom llama_index.llms.openai import OpenAI\nllm = OpenAI()\n",
        "import os\nfrom llama_index.llms.openai import OpenAI\nllm = OpenAI()\n",
        id="llama_index OpenAI is kept: it rejects model names it does not know (LMX107)",
    ),
    pytest.param(
        dedent(
            """\
            import os
            import openai
            openai = openai.OpenAI()
            r = openai.chat.completions.create(model="gpt-4", messages=[])
            """
        ),
        dedent(
            f"""\
            import os
            import openai
            openai = openai.OpenAI(
                {KEY},
                {BASE},
            )
            r = openai.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        id="openai = openai.OpenAI(): the instance, not the module client",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI
            openai = OpenAI()
            openai.chat.completions.create(model="gpt-4", messages=[])
            """
        ),
        dedent(
            f"""\
            import os
            from openai import OpenAI
            openai = OpenAI(
                {KEY},
                {BASE},
            )
            openai.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        id="openai = OpenAI(): no module configuration added",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\nc = OpenAI(api_key=None, base_url=None)\n",
        f"import os\nfrom openai import OpenAI\nc = OpenAI(\n{ARGS})\n",
        id="explicit None means the SDK's OpenAI defaults: replaced",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nOPTS = {"timeout": 5}\n\ndef make():\n    return OpenAI(**OPTS)\n',
        'import os\nfrom openai import OpenAI\nOPTS = {"timeout": 5}\n\ndef make():\n    return OpenAI(\n        **OPTS,\n'
        f"        {KEY},\n        {BASE},\n    )\n",
        id="**dict: a module-level literal used only as ** in a function",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nopts = {"timeout": 5}\na = OpenAI(**opts)\nb = OpenAI(**opts)\n',
        f'import os\nfrom openai import OpenAI\nopts = {{"timeout": 5}}\na = OpenAI(\n    **opts,\n{ARGS})\nb = OpenAI(\n    **opts,\n{ARGS})\n',
        id="**dict: one literal spread into two clients",
    ),
    pytest.param(
        "import os\nfrom openai import AsyncOpenAI\nclient = AsyncOpenAI()\n",
        f"import os\nfrom openai import AsyncOpenAI\nclient = AsyncOpenAI(\n{ARGS})\n",
        id="AsyncOpenAI at module level",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\nclient: OpenAI = OpenAI()\n",
        f"import os\nfrom openai import OpenAI\nclient: OpenAI = OpenAI(\n{ARGS})\n",
        id="annotated assignment",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\nclass A:\n    client = OpenAI()\n",
        "import os\nfrom openai import OpenAI\nclass A:\n    client = OpenAI(\n"
        f"        {KEY},\n        {BASE},\n    )\n",
        id="class attribute",
    ),
    pytest.param(
        "import os\nfrom functools import lru_cache\nfrom openai import OpenAI\n\n@lru_cache\ndef get(): return OpenAI()\n",
        "import os\nfrom functools import lru_cache\nfrom openai import OpenAI\n\n@lru_cache\ndef get(): return OpenAI(\n"
        f"{ARGS})\n",
        id="decorated one-line factory",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\nget = lambda: OpenAI()\n",
        f"import os\nfrom openai import OpenAI\nget = lambda: OpenAI(\n{ARGS})\n",
        id="lambda factory",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\nif (c := OpenAI()):\n    pass\n",
        f"import os\nfrom openai import OpenAI\nif (c := OpenAI(\n{ARGS})):\n    pass\n",
        id="walrus",
    ),
    pytest.param(
        "import openai; c = openai.OpenAI()\n",
        f"import os\n\nimport openai; c = openai.OpenAI(\n{ARGS})\n",
        id="semicolon statements",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\ndef f(*args):\n    return OpenAI(*args)\n",
        f"import os\nfrom openai import OpenAI\ndef f(*args):\n    return OpenAI(\n        *args,\n        {KEY},\n        {BASE},\n    )\n",
        id="*args: positional only, keywords can be added",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrite(before: str, after: str) -> None:
    assert_rewrite(before, after)


UNTOUCHED = [
    pytest.param(
        "class OpenAI:\n    pass\n\nclient = OpenAI()\n",
        id="local class named OpenAI",
    ),
    pytest.param(
        "def OpenAI():\n    return None\n\nclient = OpenAI()\n",
        id="local function named OpenAI",
    ),
    pytest.param(
        "from langchain.llms import OpenAI\nllm = OpenAI(model_name='text-davinci-003')\n",
        id="legacy langchain.llms.OpenAI is not in the rules",
    ),
    pytest.param(
        "from . import openai\nclient = openai.OpenAI()\n",
        id="relative import named openai",
    ),
    pytest.param(
        "from mypkg import openai\nclient = openai.OpenAI()\n",
        id="another package's openai object",
    ),
    pytest.param(
        "from zhipuai import ZhipuAiClient\nclient = ZhipuAiClient()\n",
        id="another SDK's client",
    ),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(base_url='http://localhost:11434/v1', api_key='ollama')\n",
        id="base_url at localhost",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\n"
        "c = OpenAI(base_url='https://openrouter.ai/api/v1', api_key=os.environ['OPENROUTER_API_KEY'])\n",
        id="base_url at OpenRouter",
    ),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(api_key=settings.key)\n",
        id="opaque key expression",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ['MY_KEY'])\n",
        id="key from an env variable that is not OpenAI's",
    ),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(base_url=settings.url)\n",
        id="opaque base_url expression",
    ),
    pytest.param(
        "from openai import OpenAI\n\ndef make(**kwargs):\n    return OpenAI(**kwargs)\n",
        id="**kwargs the tool cannot see",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\n"
        "c = OpenAI(api_key=os.environ['LUMYX_API_KEY'], base_url=os.environ.get('LUMYX_BASE_URL', 'https://api.lumyx-ai.site/v1'))\n",
        id="already migrated",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\n\ndef make(opts):\n"
        "    return OpenAI(api_key=os.environ['LUMYX_API_KEY'], base_url=os.environ['LUMYX_BASE_URL'], **opts)\n",
        id="already migrated with opaque **kwargs",
    ),
    pytest.param(
        "from openai import AzureOpenAI\nc = AzureOpenAI(azure_endpoint='https://x.openai.azure.com', api_version='2024-01-01')\n",
        id="Azure client",
    ),
    pytest.param(
        "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4', base_url='http://localhost:11434/v1')\n",
        id="LangChain pointed at a local server, with its model",
    ),
    pytest.param(
        "client = __import__('openai').OpenAI()\n",
        id="dynamic import is not followed",
    ),
    pytest.param(
        "from zai import ZhipuAiClient\nr = ZhipuAiClient().chat.completions.create(model='gpt-4', messages=[])\n",
        id="ZhipuAiClient().chat.completions.create: another SDK, same call shape",
    ),
    pytest.param(
        "from openai import OpenAI\nopts = {'timeout': 5}\nopts['base_url'] = 'http://localhost:8000/v1'\nc = OpenAI(**opts)\n",
        id="**dict mutated by subscript: it may hold base_url",
    ),
    pytest.param(
        "from openai import OpenAI\nopts = {'timeout': 5}\nopts.update(base_url=url)\nc = OpenAI(**opts)\n",
        id="**dict mutated by a method",
    ),
    pytest.param(
        "from openai import OpenAI\nopts = {'timeout': 5}\ndef g():\n    opts['api_key'] = k\nc = OpenAI(**opts)\n",
        id="**dict mutated in another function",
    ),
    pytest.param(
        "from openai import OpenAI\nopts = load()\nif not opts:\n    opts = {'timeout': 5}\nc = OpenAI(**opts)\n",
        id="**dict rebound conditionally",
    ),
    pytest.param(
        "from openai import OpenAI\ndef f(extra):\n    opts = {'timeout': 5, **extra}\n    return OpenAI(**opts)\n",
        id="**dict that itself spreads an unknown dict",
    ),
    pytest.param("from openai import OpenAI\nopts = dict(timeout=5)\nc = OpenAI(**opts)\n", id="**dict(...) call"),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(api_key='sk-abcdefgh1jklmnopqrstuvwx', **extra)\n",
        id="**unknown with a literal key: the base URL cannot be added",
    ),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(base_url='https://api.openai.com.evil.example/v1')\n",
        id="a host that only starts like OpenAI's",
    ),
    pytest.param("from openai import OpenAI\nx = f'{OpenAI()}'\n", id="constructor inside an f-string"),
    pytest.param("from openai import OpenAI\ndef f(os):\n    return OpenAI()\n", id="os shadowed by a parameter"),
]


@pytest.mark.parametrize("source", UNTOUCHED)
def test_untouched(source: str) -> None:
    assert_noop(source)


CODES = [
    pytest.param("from openai import OpenAI\nc = OpenAI()\n", ["LMX101*"], id="LMX101 fixable"),
    pytest.param(
        "from openai import OpenAI\ndef f(**kw):\n    return OpenAI(**kw)\n", ["LMX101"], id="LMX101 opaque **kwargs, no fix"
    ),
    pytest.param("class OpenAI: ...\nc = OpenAI()\n", [], id="LMX101 never for a local class"),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(base_url='http://localhost:8000/v1')\n", ["LMX102"], id="LMX102 other host"
    ),
    pytest.param("from openai import OpenAI\nc = OpenAI(base_url=URL)\n", ["LMX102"], id="LMX102 opaque base URL"),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(base_url='https://api.openai.com/v1')\n",
        ["LMX101*"],
        id="LMX102 never for OpenAI's own URL",
    ),
    pytest.param("from openai import OpenAI\nc = OpenAI(api_key=vault.get('k'))\n", ["LMX103"], id="LMX103 opaque key"),
    pytest.param(
        "import os\nfrom openai import OpenAI\nc = OpenAI(api_key=os.environ['OPENAI_API_KEY'])\n",
        ["LMX101*"],
        id="LMX103 never for an OpenAI env read",
    ),
    pytest.param("from openai import AzureOpenAI\nc = AzureOpenAI()\n", ["LMX104"], id="LMX104 AzureOpenAI"),
    pytest.param("import openai\nc = openai.AsyncAzureOpenAI()\n", ["LMX104"], id="LMX104 AsyncAzureOpenAI"),
    pytest.param(
        "from langchain_openai import AzureChatOpenAI\nc = AzureChatOpenAI()\n", ["LMX104"], id="LMX104 LangChain Azure"
    ),
    pytest.param("from openai import OpenAI\nc = OpenAI()\n", ["LMX101*"], id="LMX104 never for OpenAI"),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(api_key='sk-abcdefgh1jklmnopqrstuvwx')\n",
        ["LMX101*", "LMX501"],
        id="hardcoded key: replaced and still reported",
    ),
    pytest.param(
        "from openai import OpenAI\nopts = {'timeout': 5}\nopts['x'] = 1\nc = OpenAI(**opts)\n",
        ["LMX101"],
        id="LMX101 without a fix for a mutated **dict",
    ),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI(**{'timeout': 5})\n", ["LMX101*"], id="LMX101 fixable for an inline **dict"
    ),
]


@pytest.mark.parametrize(("source", "expected"), CODES)
def test_codes(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


def test_positions_and_messages() -> None:
    source = dedent(
        """\
        from openai import OpenAI
        a = OpenAI(
            timeout=5,
        )
        b = OpenAI(base_url="http://localhost:11434/v1")
        c = OpenAI(api_key=get_key())
        """
    )
    got = [(f.code, f.line, f.col, f.end_line, f.end_col) for f in findings(source)]
    assert got == [("LMX101", 2, 5, 4, 2), ("LMX102", 5, 12, 5, 48), ("LMX103", 6, 12, 6, 29)]
    messages = [f.message for f in findings(source)]
    assert "localhost" in messages[1]
    assert "get_key()" in messages[2]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\nfrom openai import OpenAI\nc = OpenAI()\n",
            "import os\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\nfrom openai import OpenAI\n"
            f"c = OpenAI(\n    {KEY},\n    {BASE},\n)\n",
            id="os bound only under if TYPE_CHECKING is not there at run time: import os added",
        ),
        pytest.param(
            "import sys\nif sys.platform == \"win32\":\n    import os\nfrom openai import OpenAI\nc = OpenAI()\n",
            "import os\nimport sys\nif sys.platform == \"win32\":\n    import os\nfrom openai import OpenAI\n"
            f"c = OpenAI(\n    {KEY},\n    {BASE},\n)\n",
            id="os bound only on one platform: import os added",
        ),
    ],
)
def test_conditionally_imported_os_is_not_relied_on(before: str, after: str) -> None:
    assert_rewrite(before, after)


def test_a_malformed_base_url_is_a_finding_not_an_error() -> None:
    source = 'from openai import OpenAI\nc = OpenAI(base_url="http://[::1:8000/v1")\n'
    assert [(f.code, f.message) for f in findings(source)] == [
        ("LMX102", "client `OpenAI` points at another host, not Lumyx AI: left as it is")
    ]
    assert_noop(source)


# --- constructors real code uses (issue 10 item 3) ---------------------------------------------

CHAT = 'c.chat.completions.create(model="gpt-4", messages=[])\n'
MAPPED = 'c.chat.completions.create(model="nova_1_1", messages=[])\n'

FORM_REWRITES = [
    pytest.param(
        f"import os\nfrom openai._client import OpenAI\nc = OpenAI()\n{CHAT}",
        f"import os\nfrom openai._client import OpenAI\nc = OpenAI(\n{ARGS})\n{MAPPED}",
        id="openai._client.OpenAI is the SDK's OpenAI",
    ),
    pytest.param(
        "import os\nfrom openai._client import AsyncOpenAI\nc = AsyncOpenAI()\n",
        f"import os\nfrom openai._client import AsyncOpenAI\nc = AsyncOpenAI(\n{ARGS})\n",
        id="openai._client.AsyncOpenAI",
    ),
    pytest.param(
        f"import os\nfrom openai import OpenAI\n\nclass Mine(OpenAI):\n    pass\n\nc = Mine()\n{CHAT}",
        f"import os\nfrom openai import OpenAI\n\nclass Mine(OpenAI):\n    pass\n\nc = Mine(\n{ARGS})\n{MAPPED}",
        id="a subclass without __init__ is built like OpenAI",
    ),
    pytest.param(
        f"import os\nimport openai\n\nclass A(openai.OpenAI):\n    x = 1\n\nclass B(A):\n    pass\n\nc = B()\n{CHAT}",
        f"import os\nimport openai\n\nclass A(openai.OpenAI):\n    x = 1\n\nclass B(A):\n    pass\n\nc = B(\n{ARGS})\n{MAPPED}",
        id="a subclass of a subclass, through the module attribute",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI

            class Mine(OpenAI):
                def __init__(self, tag: str) -> None:
                    super().__init__(timeout=3)
                    self.tag = tag

            c = Mine("x")
            c.chat.completions.create(model="gpt-4", messages=[])
            """
        ),
        dedent(
            f"""\
            import os
            from openai import OpenAI

            class Mine(OpenAI):
                def __init__(self, tag: str) -> None:
                    super().__init__(
                        timeout=3,
                        {KEY},
                        {BASE},
                    )
                    self.tag = tag

            c = Mine("x")
            c.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        id="a subclass with __init__: its super().__init__ call is the constructor, its instances its uses",
    ),
    pytest.param(
        f"import os\nimport functools\nfrom openai import OpenAI\nmake = functools.partial(OpenAI, timeout=5)\nc = make()\n{CHAT}",
        f"import os\nimport functools\nfrom openai import OpenAI\nmake = functools.partial(\n    OpenAI,\n    timeout=5,\n{ARGS})\nc = make()\n{MAPPED}",
        id="functools.partial: the partial is the constructor, calling it builds the client",
    ),
    pytest.param(
        "import os\nfrom functools import partial\nfrom openai import OpenAI\n"
        'make = partial(OpenAI, api_key=os.environ["OPENAI_API_KEY"])\nc = make(timeout=2)\n',
        "import os\nfrom functools import partial\nfrom openai import OpenAI\n"
        f"make = partial(\n    OpenAI,\n{ARGS})\nc = make(timeout=2)\n",
        id="partial(OpenAI, api_key=<OpenAI env read>): the read replaced; callers' other arguments are fine",
    ),
    pytest.param(
        f"import os\nfrom openai import OpenAI\ncls = OpenAI\nc = cls()\n{CHAT}",
        f"import os\nfrom openai import OpenAI\ncls = OpenAI\nc = cls(\n{ARGS})\n{MAPPED}",
        id="one certain class held in a variable",
    ),
    pytest.param(
        'import os\nimport openai\nc = getattr(openai, "OpenAI")()\n',
        f'import os\nimport openai\nc = getattr(openai, "OpenAI")(\n{ARGS})\n',
        id="getattr(openai, 'OpenAI') with a literal name is that class",
    ),
    pytest.param(
        "import os\ntry:\n    from openai import OpenAI as C\nexcept ImportError:\n    C = None\n\nc = C()\n",
        f"import os\ntry:\n    from openai import OpenAI as C\nexcept ImportError:\n    C = None\n\nc = C(\n{ARGS})\n",
        id="try/except ImportError import alias: the import, not the fallback",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nC = OpenAI if os.environ.get("X") else None\nc = C()\n',
        f'import os\nfrom openai import OpenAI\nC = OpenAI if os.environ.get("X") else None\nc = C(\n{ARGS})\n',
        id="OpenAI-or-None: the one class a call can build",
    ),
]


@pytest.mark.parametrize(("before", "after"), FORM_REWRITES)
def test_constructor_forms_rewrite(before: str, after: str) -> None:
    assert_rewrite(before, after)


FORMS_KEPT = [
    pytest.param(
        f"from openai import OpenAI, AzureOpenAI\nCLIENTS = {{'openai': OpenAI, 'azure': AzureOpenAI}}\nc = CLIENTS[name]()\n{CHAT}",
        ["LMX108"],
        id="a class looked up in a dict: kept, its model left",
    ),
    pytest.param(
        "from openai import OpenAI, AzureOpenAI\nCLIENTS = {'openai': OpenAI}\nc = CLIENTS.get(name, OpenAI)\n",
        [],
        id="a dict's .get is not a call of a class",
    ),
    pytest.param(
        f"from openai import OpenAI, AzureOpenAI\ncls = AzureOpenAI if azure else OpenAI\nc = cls()\n{CHAT}",
        ["LMX108"],
        id="a class chosen at run time: kept",
    ),
    pytest.param(
        f"import openai\nc = getattr(openai, name)()\n{CHAT}",
        ["LMX108"],
        id="getattr(openai, name): kept",
    ),
    pytest.param(
        "from dataclasses import dataclass, field\nfrom openai import OpenAI\n\n@dataclass\nclass S:\n"
        "    client: OpenAI = field(default_factory=OpenAI)\n\n    def go(self):\n"
        '        self.client.chat.completions.create(model="gpt-4", messages=[])\n',
        ["LMX108"],
        id="field(default_factory=OpenAI): kept, and its uses through self are tied to it",
    ),
    pytest.param(
        "from pydantic import BaseModel, Field\nfrom openai import OpenAI\n\nclass S(BaseModel):\n"
        "    client: OpenAI = Field(default_factory=OpenAI)\n",
        ["LMX108"],
        id="pydantic Field(default_factory=OpenAI): kept",
    ),
    pytest.param(
        f"from openai import OpenAI\n\nclass M(OpenAI):\n    def __init__(self):\n        OpenAI.__init__(self)\n\nc = M()\n{CHAT}",
        ["LMX108"],
        id="a subclass whose __init__ never calls super().__init__: kept",
    ),
    pytest.param(
        "from openai import OpenAI\n\nclass M(OpenAI):\n    def __init__(self, a):\n"
        "        if a:\n            super().__init__(timeout=1)\n        else:\n            super().__init__(timeout=2)\n\nc = M(1)\n",
        ["LMX108"],
        id="a subclass calling super().__init__ twice: kept, neither call touched",
    ),
    pytest.param(
        "from openai import OpenAI\n\nclass M(OpenAI):\n    def __new__(cls):\n        return super().__new__(cls)\n\nc = M()\n",
        ["LMX108"],
        id="a subclass with __new__: kept",
    ),
    pytest.param(
        "from openai import OpenAI\n\nclass M(OpenAI):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n\nc = M(api_key=k)\n",
        ["LMX101"],
        id="a subclass forwarding **kwargs to super().__init__: not fixed",
    ),
    pytest.param(
        "from openai import OpenAI\n\nclass M(OpenAI):\n    def __init__(self, key):\n        super().__init__(api_key=key)\n\nc = M('x')\n",
        ["LMX103"],
        id="a subclass passing its caller's key to super().__init__: not fixed",
    ),
    pytest.param(
        "import os\nfrom functools import partial\nfrom openai import OpenAI\nmake = partial(OpenAI)\n"
        f"a = make()\nc = make(api_key=os.environ['OPENAI_API_KEY'])\n{CHAT}",
        ["LMX108"],
        id="a partial some call of which passes its own api_key: kept, its model left",
    ),
    pytest.param(
        "from functools import partial\nfrom openai import OpenAI\nmake = partial(OpenAI)\nc = make(**opts)\n",
        ["LMX108"],
        id="a partial called with **kwargs: kept",
    ),
    pytest.param(
        "from functools import partial\nfrom openai import OpenAI\nmake = partial(OpenAI)\nc = make(base_url=URL)\n",
        ["LMX108"],
        id="a partial whose caller passes base_url: kept",
    ),
    pytest.param(
        "from openai.lib.azure import AzureOpenAI\nc = AzureOpenAI()\n", ["LMX104"], id="openai.lib.azure.AzureOpenAI is Azure"
    ),
    pytest.param(
        "import openai.lib.azure\nc = openai.lib.azure.AsyncAzureOpenAI()\n", ["LMX104"], id="openai.lib.azure.AsyncAzureOpenAI"
    ),
    pytest.param(
        "from functools import partial\nfrom openai import AzureOpenAI\nmake = partial(AzureOpenAI, api_version='1')\n",
        ["LMX104"],
        id="a partial of AzureOpenAI is Azure",
    ),
    pytest.param(
        "from openai import AzureOpenAI\n\nclass M(AzureOpenAI):\n    pass\n\nc = M()\n", ["LMX104"], id="a subclass of AzureOpenAI is Azure"
    ),
]


@pytest.mark.parametrize(("source", "expected"), FORMS_KEPT)
def test_constructor_forms_kept(source: str, expected: list[str]) -> None:
    """Each is reported as expected and left byte for byte."""
    assert codes(source) == expected
    assert_noop(source)


FORMS_UNTOUCHED = [
    pytest.param("class Base:\n    pass\n\nclass M(Base):\n    pass\n\nc = M()\n", id="a subclass of something else"),
    pytest.param("from functools import partial\n\nmake = partial(print, 'x')\nmake()\n", id="a partial of something else"),
    pytest.param(
        "from dataclasses import dataclass, field\n\n@dataclass\nclass S:\n    xs: list = field(default_factory=list)\n",
        id="a field factory of something else",
    ),
    pytest.param("CLASSES = {'a': int}\nx = CLASSES['a']()\n", id="a dict of other classes"),
    pytest.param("import os\nx = getattr(os, name)()\n", id="getattr on another module"),
    pytest.param(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from openai import OpenAI\nelse:\n    OpenAI = object\n\nx = OpenAI()\n",
        id="TYPE_CHECKING import with a run-time stand-in: the stand-in is what runs",
    ),
    pytest.param("import openai\ngetattr = lambda *a: None\nx = getattr(openai, name)()\n", id="a getattr that is not the builtin"),
]


@pytest.mark.parametrize("source", FORMS_UNTOUCHED)
def test_constructor_forms_untouched(source: str) -> None:
    assert codes(source) == []
    assert_noop(source)


def test_a_kept_form_says_why() -> None:
    found = findings("from openai import OpenAI, AzureOpenAI\ncls = AzureOpenAI if azure else OpenAI\nc = cls()\n")
    assert [(f.code, f.line, f.message) for f in found] == [
        ("LMX108", 3, "client `cls` is left as it is: its class is chosen at run time"),
    ]


def test_a_partial_whose_caller_passes_organization_is_kept_under_the_default_rules() -> None:
    """The default rules blank OpenAI's organization: a caller passing its own would win."""
    from codemod.rules import load_rules

    source = "from functools import partial\nfrom openai import OpenAI\nmake = partial(OpenAI)\nc = make(organization='org-2')\n"
    assert codes(source, load_rules()) == ["LMX108"]
    assert codes(source.replace("organization='org-2'", "timeout=1"), load_rules()) == ["LMX101*"]


SELF_USES = [
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI

            class Mine(OpenAI):
                def __init__(self) -> None:
                    super().__init__(timeout=3)

                def ask(self, q):
                    return self.chat.completions.create(model="gpt-4", messages=[q])
            """
        ),
        dedent(
            f"""\
            import os
            from openai import OpenAI

            class Mine(OpenAI):
                def __init__(self) -> None:
                    super().__init__(
                        timeout=3,
                        {KEY},
                        {BASE},
                    )

                def ask(self, q):
                    return self.chat.completions.create(model="nova_1_1", messages=[q])
            """
        ),
        id="self.chat in a subclass built through super().__init__: tied to that call, model mapped",
    ),
]


@pytest.mark.parametrize(("before", "after"), SELF_USES)
def test_calls_on_self_in_a_subclass(before: str, after: str) -> None:
    assert_rewrite(before, after)


SELF_KEPT = [
    pytest.param(
        "from openai import OpenAI\n\nclass Mine(OpenAI):\n    def __init__(self) -> None:\n        super().__init__(timeout=3)\n\n"
        "    def emb(self):\n        return self.embeddings.create(model='text-embedding-3-small', input='x')\n",
        ["LMX106"],
        id="an unserved call on self is seen: the subclass stays on OpenAI",
    ),
    pytest.param(
        "from openai import OpenAI\n\nclass Plain(OpenAI):\n    def ask(self, q):\n"
        "        return self.chat.completions.create(model=M, messages=[q])\n\np = Plain()\n",
        ["LMX108"],
        id="a subclass without __init__ calling the API on self: kept (which constructor built self is unknown)",
    ),
    pytest.param(
        "from openai import OpenAI\n\nclass Plain(OpenAI):\n    def fast(self):\n"
        "        return self.with_options(timeout=1)\n\np = Plain()\n",
        ["LMX108"],
        id="self.with_options counts as a use of self",
    ),
]


@pytest.mark.parametrize(("source", "expected"), SELF_KEPT)
def test_calls_on_self_kept(source: str, expected: list[str]) -> None:
    assert codes(source) == expected
    assert_noop(source)


HEADERS = 'default_headers={"OpenAI-Organization": "", "OpenAI-Project": ""}'
INIT = "import os\nfrom langchain.chat_models import init_chat_model\n"

INIT_CHAT_MODEL = [
    pytest.param(
        f'{INIT}llm = init_chat_model("gpt-4o", model_provider="openai", temperature=0)\n',
        f'{INIT}llm = init_chat_model(\n    "nova_1_1",\n    model_provider="openai",\n    temperature=0,\n{ARGS}    {HEADERS},\n)\n',
        id="init_chat_model(model_provider='openai'): a ChatOpenAI, migrated with key, base URL, blank headers; model mapped",
    ),
    pytest.param(
        f'{INIT}llm = init_chat_model("openai:gpt-4o")\n',
        f'{INIT}llm = init_chat_model(\n    "openai:nova_1_1",\n{ARGS}    {HEADERS},\n)\n',
        id="init_chat_model('openai:gpt-4o'): the provider prefix kept on the mapped model",
    ),
    pytest.param(
        f'{INIT}llm = init_chat_model(model="openai:gpt-4", api_key=os.environ["OPENAI_API_KEY"])\n',
        f'{INIT}llm = init_chat_model(\n    model="openai:nova_1_1",\n{ARGS}    {HEADERS},\n)\n',
        id="init_chat_model(model=...) with OpenAI's key read: the read replaced",
    ),
    pytest.param(
        f'{INIT}llm = init_chat_model("gpt-4o", temperature=0)\n',
        f'{INIT}llm = init_chat_model(\n    "nova_1_1",\n    temperature=0,\n{ARGS}    {HEADERS},\n    model_provider="openai",\n)\n',
        id="init_chat_model('gpt-4o') with no provider: inferred OpenAI, named once the model is mapped",
    ),
    pytest.param(
        f'{INIT}llm = init_chat_model(model="gpt-4-turbo")\n',
        f'{INIT}llm = init_chat_model(\n    model="nova_1_1",\n{ARGS}    {HEADERS},\n    model_provider="openai",\n)\n',
        id="a gpt model by keyword is inferred OpenAI too",
    ),
    pytest.param(
        'import os\nfrom langchain.chat_models.base import init_chat_model\nllm = init_chat_model("gpt-4")\n',
        'import os\nfrom langchain.chat_models.base import init_chat_model\nllm = init_chat_model(\n'
        f'    "nova_1_1",\n{ARGS}    {HEADERS},\n    model_provider="openai",\n)\n',
        id="the langchain.chat_models.base import path",
    ),
]


@pytest.mark.parametrize(("before", "after"), INIT_CHAT_MODEL)
def test_init_chat_model(before: str, after: str) -> None:
    from codemod.rules import load_rules

    assert_rewrite(before, after, load_rules())


INIT_UNTOUCHED = [
    pytest.param(f'{INIT}llm = init_chat_model("claude-3-5-sonnet", model_provider="anthropic")\n', id="another provider"),
    pytest.param(f'{INIT}llm = init_chat_model("x", model_provider=provider)\n', id="a provider known only at run time"),
    pytest.param(f'{INIT}llm = init_chat_model("anthropic:claude-3")\n', id="another provider's prefix"),
    pytest.param(f'{INIT}llm = init_chat_model("x", **config)\n', id="a **spread that may name the provider"),
    pytest.param(
        f'{INIT}from functools import partial\nmake = partial(init_chat_model, model_provider="anthropic")\n',
        id="a partial of init_chat_model is not a client class partial",
    ),
    pytest.param('def init_chat_model(*a, **k): ...\nllm = init_chat_model("openai:x")\n', id="a local function of that name"),
    pytest.param(f'{INIT}llm = init_chat_model("claude-3-5-sonnet")\n', id="no provider and a model LangChain infers another provider from"),
    pytest.param(f'{INIT}llm = init_chat_model("my-gpt-4o")\n', id="no provider and a model that only contains gpt"),
    pytest.param(f'{INIT}llm = init_chat_model(MODEL)\n', id="no provider and a model known only at run time"),
]


@pytest.mark.parametrize("source", INIT_UNTOUCHED)
def test_init_chat_model_untouched(source: str) -> None:
    assert codes(source) == []
    assert_noop(source)


FIELD_LAMBDA = (
    "import os\nfrom dataclasses import dataclass, field\nfrom openai import OpenAI\n\n@dataclass\nclass S:\n"
    "    client: OpenAI = field(default_factory=lambda: OpenAI(max_retries=1))\n\n    def go(self):\n"
    '        return self.client.chat.completions.create(model="gpt-4", messages=[])\n'
)


def test_a_lambda_field_factory_is_the_constructor_of_the_uses_through_self() -> None:
    after = FIELD_LAMBDA.replace("OpenAI(max_retries=1)", 'OpenAI(\n        max_retries=1,\n        ' + KEY + ",\n        " + BASE + ",\n    )")
    after = after.replace('model="gpt-4"', 'model="nova_1_1"')
    assert_rewrite(FIELD_LAMBDA, after)


def test_a_lambda_field_factory_used_for_embeddings_stays_on_openai() -> None:
    source = FIELD_LAMBDA.replace("        return", '        self.client.embeddings.create(model="text-embedding-3-small", input="x")\n        return')
    assert codes(source) == ["LMX106"]
    assert_noop(source)


INHERITED = (
    "from openai import OpenAI\n\nclass A(OpenAI):\n    def __init__(self) -> None:\n        super().__init__(timeout=3)\n\n"
    "class B(A):\n    def __init__(self) -> None:\n        super().__init__()\n\n    def emb(self):\n"
    '        return self.embeddings.create(model="text-embedding-3-small", input="x")\n\nb = B()\n'
)


def test_a_subclass_of_a_subclass_is_built_by_its_base_super_call() -> None:
    """B's instances (and `self` in B) are A's client: B's embeddings keep A on OpenAI; B's own
    `super().__init__()` calls A's constructor, not the SDK's, and is never given arguments."""
    assert codes(INHERITED) == ["LMX106"]
    assert_noop(INHERITED)
    served = INHERITED.replace("self.embeddings.create(model=\"text-embedding-3-small\", input=\"x\")", "self.models.list()")
    assert codes(served) == ["LMX101*"]
    [found] = findings(served)
    assert found.line == 5


def test_a_run_time_choice_between_classes_built_alike_is_migrated() -> None:
    """`OpenAI` and `AsyncOpenAI` take the same arguments: either way the call gets the fix."""
    before = "import os\nfrom openai import AsyncOpenAI, OpenAI\ncls = OpenAI if sync else AsyncOpenAI\nc = cls()\n"
    after = f"import os\nfrom openai import AsyncOpenAI, OpenAI\ncls = OpenAI if sync else AsyncOpenAI\nc = cls(\n{ARGS})\n"
    assert_rewrite(before, after)
    mixed = before.replace("AsyncOpenAI", "AzureOpenAI")
    assert codes(mixed) == ["LMX108"]


# --- a placeholder base URL in a constructor (rules module_config.placeholder_base_urls) --------

PLACEHOLDERS = [
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(base_url="https://...")\n',
        f"import os\nfrom openai import OpenAI\nc = OpenAI(\n    {BASE},\n    {KEY},\n)\n",
        id="https://... copied from a README meant OpenAI's: replaced, not LMX102",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nc = OpenAI(base_url="https://YOUR_ENDPOINT", timeout=3)\n',
        f"import os\nfrom openai import OpenAI\nc = OpenAI(\n    {BASE},\n    timeout=3,\n    {KEY},\n)\n",
        id="https://YOUR_ENDPOINT in capitals is a placeholder",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nURL = "https://<your-host>/v1"\nc = OpenAI(base_url=URL)\n',
        f'import os\nfrom openai import OpenAI\nURL = "https://<your-host>/v1"\nc = OpenAI(\n    {BASE},\n    {KEY},\n)\n',
        id="a bracketed placeholder held in a constant",
    ),
]


@pytest.mark.parametrize(("before", "after"), PLACEHOLDERS)
def test_a_placeholder_base_url_counts_as_openais(before: str, after: str) -> None:
    assert_rewrite(before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('from openai import OpenAI\nc = OpenAI(base_url="https://your-endpoint.example/v1")\n', id="a real host in lower case"),
        pytest.param('from openai import OpenAI\nc = OpenAI(base_url="https://api.your_company.com/...")\n', id="dots after a real host"),
        pytest.param('from openai import OpenAI\nc = OpenAI(base_url="http://localhost:8000/v1")\n', id="a local server"),
    ],
)
def test_a_real_base_url_is_not_a_placeholder(source: str) -> None:
    assert codes(source) == ["LMX102"]
    assert_noop(source)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        pytest.param("o1-preview", ["LMX101*", "LMX202"], id="o1*: OpenAI inferred, the model left for a person"),
        pytest.param("o3-mini", ["LMX101*", "LMX202"], id="o3*: OpenAI inferred"),
        pytest.param("gemini-1.5-pro", [], id="must not touch: a model LangChain infers Google from"),
    ],
)
def test_init_chat_model_infers_openai_from_the_model(model: str, expected: list[str]) -> None:
    from codemod.rules import load_rules

    assert codes(f'{INIT}llm = init_chat_model("{model}")\n', load_rules()) == expected
