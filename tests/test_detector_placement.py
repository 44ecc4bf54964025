"""Where a client goes: test doubles left alone, constructors that cannot move, and the blank
organization/project every migrated constructor gets (the rewrite tests leave those out)."""

from __future__ import annotations

import ast

import pytest
from support import default_rules

from codemod.analysis import analyse
from codemod.rewrite import apply_fixes

MOCK = "import httpx\nfrom openai import OpenAI\n"


def codes(source: str, path: str) -> list[str]:
    return [f.code + ("*" if f.fix else "") for f in analyse(source, default_rules(), path=path)]


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        pytest.param(MOCK + "c = OpenAI(api_key='test-key', http_client=httpx.Client())\n", "tests/test_app.py", [], id="http_client in a test: a double"),
        pytest.param(MOCK + "c = OpenAI(api_key='test-key')\n", "tests/test_app.py", [], id="placeholder key in a test: a double"),
        pytest.param(MOCK + "c = OpenAI(base_url='http://127.0.0.1:8080/v1')\n", "test_app.py", [], id="local base URL in a test: a double"),
        pytest.param("import respx\nfrom openai import OpenAI\nc = OpenAI()\n", "tests/test_app.py", [], id="respx mocks HTTP in this test module"),
        pytest.param("from pytest_httpx import HTTPXMock\nfrom openai import OpenAI\nc = OpenAI()\n", "tests/conftest.py", [], id="pytest-httpx mocks HTTP"),
        pytest.param(MOCK + "c = OpenAI(api_key='test-key')\n", "app/client.py", ["LMX101*"], id="the same placeholder outside tests: migrated"),
        pytest.param("import respx\nfrom openai import OpenAI\nc = OpenAI()\n", "app/client.py", ["LMX101*"], id="respx imported outside tests: migrated"),
        pytest.param(MOCK + "c = OpenAI()\n", "tests/test_live.py", ["LMX101*"], id="a test that really calls OpenAI is migrated"),
    ],
)
def test_test_doubles(source: str, path: str, expected: list[str]) -> None:
    assert codes(source, path) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("from openai import OpenAI\nc = OpenAI(workload_identity=wi)\n", ["LMX107"], id="workload identity"),
        pytest.param("from openai import OpenAI\nc = OpenAI(provider=p)\n", ["LMX107"], id="an auth provider"),
        pytest.param("from llama_index.llms.openai import OpenAI\nllm = OpenAI()\n", ["LMX107"], id="LlamaIndex checks model names"),
        pytest.param("from langchain_openai import OpenAIEmbeddings\ne = OpenAIEmbeddings()\n", ["LMX106"], id="an embeddings client stays"),
    ],
)
def test_constructors_that_cannot_move(source: str, expected: list[str]) -> None:
    assert codes(source, "app.py") == expected
    assert apply_fixes(source, analyse(source, default_rules())) == source


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "import os\nfrom openai import OpenAI\nc = OpenAI(organization='org-1')\n",
            "import os\nfrom openai import OpenAI\nc = OpenAI(\n    organization='',\n"
            "    api_key=os.environ['LUMYX_API_KEY'],\n"
            "    base_url=os.environ.get('LUMYX_BASE_URL', 'https://api.lumyx-ai.site/v1'),\n    project='',\n)\n",
            id="an organization argument is blanked, the project added blank",
        ),
        pytest.param(
            'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="nova_1_1")\n',
            'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(\n    model="nova_1_1",\n'
            '    api_key=os.environ["LUMYX_API_KEY"],\n'
            '    base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),\n'
            '    default_headers={"OpenAI-Organization": "", "OpenAI-Project": ""},\n)\n',
            id="LangChain reads OPENAI_ORG_ID itself: blank headers instead",
        ),
    ],
)
def test_organization_and_project_never_reach_the_provider(before: str, after: str) -> None:
    ast.parse(after)
    out = apply_fixes(before, analyse(before, default_rules()))
    assert out == after
    assert apply_fixes(out, analyse(out, default_rules())) == out


CONFIGURED = (
    "import os\nfrom openai import OpenAI\n\n\ndef configure(c):\n    c.api_key = os.environ['OPENAI_API_KEY']\n\n\n"
    "client = OpenAI()\nconfigure(client)\n"
)


@pytest.mark.parametrize(
    ("source", "split", "expected"),
    [
        pytest.param(CONFIGURED, False, ["LMX309"], id="a function given the client sets its key: kept, LMX309"),
        pytest.param(
            CONFIGURED + "client.chat.completions.create(model='gpt-4o', messages=[])\nclient.embeddings.create(model='m', input='x')\n",
            True,
            ["LMX309"],
            id="re-pointed and also embedding, with split on: kept whole (no copy that would carry the key)",
        ),
        pytest.param(
            CONFIGURED.replace("c.api_key", "c.timeout").replace("os.environ['OPENAI_API_KEY']", "5"),
            False,
            ["LMX101*"],
            id="must not touch: a function that sets the timeout: migrated",
        ),
        pytest.param(
            CONFIGURED.replace("configure(client)\n", "configure(other)\n"),
            False,
            ["LMX101*"],
            id="must not touch: the re-pointing function is given some other object",
        ),
        pytest.param(
            "import os\nfrom openai import OpenAI\nclient = OpenAI()\nclient.api_key = os.environ['OPENAI_API_KEY']\n",
            False,
            ["LMX101*"],
            id="must not touch: re-pointed in its own scope: detectors.repoint rewrites the line (no LMX309)",
        ),
    ],
)
def test_re_pointed_by_code_it_is_handed_to(source: str, split: bool, expected: list[str]) -> None:
    found = analyse(source, default_rules(), path="app.py", split=split)
    assert [f.code + ("*" if f.fix else "") for f in found] == expected
    if "LMX309" in expected:
        assert apply_fixes(source, found) == source


# A fake client subclass in test code: the test talks to the double, never to OpenAI.
FAKE_INIT = "from openai import OpenAI\n\nclass FakeClient(OpenAI):\n    def __init__(self):\n        self.sent = []\n\n"
FAKE_CHAT = "from openai import OpenAI\n\nclass FakeClient(OpenAI):\n    chat = object()\n\n"
FAKE_METHOD = "from openai import OpenAI\n\nclass FakeClient(OpenAI):\n    @property\n    def chat(self):\n        return self\n\n"
FAKE_ATTR = (
    "from openai import OpenAI\n\nclass FakeClient(OpenAI):\n    def __init__(self):\n"
    "        super().__init__(max_retries=0)\n        self.chat = object()\n\n"
)
FAKE_BASE = FAKE_CHAT + "class Fancier(FakeClient):\n    pass\n\n"
USE = 'def test_reply():\n    c = FakeClient()\n    c.chat.completions.create(model="gpt-4", messages=[])\n'


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        pytest.param(FAKE_INIT + USE, "tests/test_bot.py", [], id="an __init__ without super().__init__ in a test: a double, silent (no LMX108)"),
        pytest.param(FAKE_CHAT + USE, "tests/test_bot.py", [], id="its own chat attribute: a double"),
        pytest.param(FAKE_METHOD + USE, "test_bot.py", [], id="its own chat property: a double"),
        pytest.param(FAKE_ATTR + USE, "tests/conftest.py", [], id="self.chat replaced after super().__init__: a double"),
        pytest.param(FAKE_BASE + USE.replace("FakeClient()", "Fancier()"), "tests/test_bot.py", [], id="a subclass of a double is one"),
        pytest.param(FAKE_INIT + USE, "app/bot.py", ["LMX108"], id="must not hide: the same class outside tests is kept and reported"),
        pytest.param(FAKE_CHAT + USE, "app/bot.py", ["LMX101*", "LMX201*"], id="must not hide: its own chat outside tests is migrated as before"),
        pytest.param(
            "from openai import OpenAI\n\nclass Plain(OpenAI):\n    pass\n\n" + USE.replace("FakeClient()", "Plain()"),
            "tests/test_live.py",
            ["LMX101*", "LMX201*"],
            id="must not hide: a bare subclass in a test really calls OpenAI and is migrated",
        ),
    ],
)
def test_fake_client_subclasses(source: str, path: str, expected: list[str]) -> None:
    assert codes(source, path) == expected
    found = analyse(source, default_rules(), path=path)
    after = apply_fixes(source, found)
    if not expected:
        assert after == source
    assert apply_fixes(after, analyse(after, default_rules(), path=path)) == after
