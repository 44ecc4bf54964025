"""Module-level configuration of the openai package (LMX105, LMX401)."""

from __future__ import annotations

from textwrap import dedent

import pytest
from support import assert_noop, assert_rewrite, codes, findings

KEY = 'os.environ["LUMYX_API_KEY"]'
BASE = 'os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")'
BASE_SLASH = BASE + '.rstrip("/") + "/"'  # the module client uses base_url verbatim

REWRITES = [
    pytest.param(
        dedent(
            """\
            import os
            import openai
            openai.api_key = os.getenv("OPENAI_API_KEY")
            openai.api_base = "https://api.openai.com/v1"
            """
        ),
        dedent(
            f"""\
            import os
            import openai
            openai.api_key = {KEY}
            openai.api_base = {BASE}
            """
        ),
        id="SDK < 1.0 api_key and api_base",
    ),
    pytest.param(
        'import os\nimport openai\nopenai.base_url = "https://api.openai.com/v1/"\nopenai.api_key = "sk-abcdefgh1jklmnopqrstuvwx"\n',
        f"import os\nimport openai\nopenai.base_url = {BASE_SLASH}\nopenai.api_key = {KEY}\n",
        id="SDK >= 1.0 base_url keeps its trailing slash",
    ),
    pytest.param(
        'import os\nimport openai\nopenai.api_key = os.environ["OPENAI_API_KEY"]\n',
        f"import os\nimport openai\nopenai.api_key = {KEY}\nopenai.base_url = {BASE_SLASH}\n",
        id="key only: the base URL is added after it",
    ),
    pytest.param(
        dedent(
            """\
            import openai

            r = openai.chat.completions.create(model="gpt-4", messages=[])
            """
        ),
        dedent(
            f"""\
            import os

            import openai

            openai.api_key = {KEY}
            openai.base_url = {BASE_SLASH}

            r = openai.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        id="module client used without configuration",
    ),
    pytest.param(
        dedent(
            """\
            import openai as oa
            def main():
                return oa.ChatCompletion.create(model="gpt-3.5-turbo", messages=[])
            """
        ),
        dedent(
            f"""\
            import os

            import openai as oa

            oa.api_key = {KEY}
            oa.api_base = {BASE}

            def main():
                return oa.ChatCompletion.create(model="nova_1_1", messages=[])
            """
        ),
        id="SDK < 1.0 call through an alias gets api_base",
    ),
    pytest.param(
        dedent(
            """\
            import os
            import openai
            args = {"model": "gpt-4", "messages": []}
            openai.ChatCompletion.create(**args)
            """
        ),
        dedent(
            f"""\
            import os
            import openai

            openai.api_key = {KEY}
            openai.api_base = {BASE}

            args = {{"model": "nova_1_1", "messages": []}}
            openai.ChatCompletion.create(**args)
            """
        ),
        id="ChatCompletion.create(**args) with a visible dict",
    ),
    pytest.param(
        'import os\nimport openai as oa\noa.base_url = "https://api.openai.com/v1"\n',
        f"import os\nimport openai as oa\noa.base_url = {BASE_SLASH}\noa.api_key = {KEY}\n",
        id="openai.base_url through an alias; the key added after it",
    ),
    pytest.param(
        "import os\nimport openai\nopenai.api_key = None\n",
        f"import os\nimport openai\nopenai.api_key = {KEY}\nopenai.base_url = {BASE_SLASH}\n",
        id="openai.api_key = None is OpenAI's default: replaced",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrite(before: str, after: str) -> None:
    assert_rewrite(before, after)


UNTOUCHED = [
    pytest.param(
        f"import os\nimport openai\nopenai.api_key = {KEY}\nopenai.base_url = {BASE_SLASH}\n"
        'openai.chat.completions.create(model="nova_1_1", messages=[])\n',
        id="already configured for Lumyx",
    ),
    pytest.param('cfg.openai.base_url = "https://api.openai.com/v1"\n', id="cfg.openai.base_url"),
    pytest.param('from . import openai\nopenai.api_key = "abc"\n', id="local module named openai"),
    pytest.param('from mypkg import openai\nopenai.base_url = "https://api.openai.com/v1"\n', id="other package's openai"),
    pytest.param(
        'import openai\nopenai.base_url = "http://localhost:8000/v1/"\nopenai.chat.completions.create(model="gpt-4", messages=[])\n',
        id="module configured for another host, with its model",
    ),
    pytest.param(
        'import openai\nopenai.api_key = settings.KEY\nopenai.chat.completions.create(model="gpt-4", messages=[])\n',
        id="opaque module key",
    ),
    pytest.param(
        'import openai\nopenai.api_type = "azure"\nopenai.api_key = "x"\nopenai.ChatCompletion.create(engine="gpt-4", messages=[])\n',
        id="Azure module configuration",
    ),
    pytest.param(
        "import openai\n\ndef f():\n    openai = make()\n    openai.chat.completions.create(messages=[])\n",
        id="local variable named openai in a function",
    ),
    pytest.param("import openai\nprint(openai.__version__)\n", id="module imported but no client call"),
    pytest.param(
        f"import os\nfrom openai import OpenAI\nopenai = OpenAI(api_key={KEY}, base_url={BASE})\n"
        'openai.chat.completions.create(model="nova_1_1", messages=[])\n',
        id="an instance named openai is not the module client: no configuration added",
    ),
    pytest.param(
        "import openai\ntry:\n    pass\nexcept openai.OpenAIError:\n    pass\n",
        id="catching the SDK's exception is not using the module client",
    ),
]


@pytest.mark.parametrize("source", UNTOUCHED)
def test_untouched(source: str) -> None:
    assert_noop(source)


CODES = [
    pytest.param('import openai\nopenai.api_key = "sk-abcdefgh1jklmnopqrstuvwx"\n', ["LMX105*", "LMX105*", "LMX501"], id="LMX105 key literal"),
    pytest.param(
        "import openai\nopenai.chat.completions.create(model='nova_1_1', messages=[])\n", ["LMX105*"], id="LMX105 unconfigured"
    ),
    pytest.param("import openai\nclient = openai.OpenAI\n", [], id="LMX105 never for a bare reference"),
    pytest.param(
        "import openai\nopenai.api_type = 'azure'\nopenai.api_key = 'x'\n", ["LMX104"], id="LMX104 module Azure"
    ),
    pytest.param(
        "import openai\nopenai.api_base = 'http://localhost:1234/v1'\n", ["LMX102"], id="LMX102 module other host"
    ),
    pytest.param("import openai\nopenai.api_key = key_from_vault()\n", ["LMX103"], id="LMX103 module opaque key"),
    pytest.param(
        "import openai\nopenai.api_key = 'x'\nopenai.api_base = 'https://api.lumyx-ai.site/v1'\n"
        "openai.Embedding.create(input='x')\n",
        ["LMX105*", "LMX301", "LMX401"],
        id="LMX401 Embedding.create, also LMX301",
    ),
    pytest.param(
        "import openai\nopenai.api_key = 'x'\nopenai.api_base = 'https://api.lumyx-ai.site/v1'\n"
        "openai.ChatCompletion.create(engine='nova_1_1', messages=[])\n",
        ["LMX105*", "LMX401"],
        id="LMX401 ChatCompletion.create; engine= is not an unserved chat parameter",
    ),
    pytest.param(
        "import openai\nopenai.api_key = 'x'\nopenai.api_base = 'https://api.lumyx-ai.site/v1'\n"
        "openai.Completion.create(engine='text-davinci-003', prompt='x')\n",
        ["LMX105*", "LMX301", "LMX401"],
        id="LMX401 Completion.create",
    ),
    pytest.param(
        "import os\nimport openai\nopenai.api_key = os.environ['LUMYX_API_KEY']\n"
        "openai.base_url = os.environ['LUMYX_BASE_URL']\nopenai.chat.completions.create(model='nova_1_1', messages=[])\n",
        [],
        id="LMX401 never for the v1 module client",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CODES)
def test_codes(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


def test_legacy_call_position_and_message() -> None:
    source = "import openai\nopenai.api_type = 'azure'\nr = openai.ChatCompletion.create(engine='x', messages=[])\n"
    legacy = [f for f in findings(source) if f.code == "LMX401"]
    assert [(f.line, f.col, f.end_line, f.end_col) for f in legacy] == [(3, 5, 3, 33)]
    assert "client.chat.completions.create" in legacy[0].message
