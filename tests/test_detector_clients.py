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
