"""Clients and the module client re-pointed after they are set up (issue 10, item 4):
`client.api_key = ...`, `client.base_url = ...`, `with_options(...)`/`copy(...)`, chained module
assignments, and `openai.api_base` in SDK >= 1.0 code."""

from __future__ import annotations

from textwrap import dedent

import pytest
import support
from support import assert_noop, assert_rewrite, codes, findings

KEY = 'os.environ["LUMYX_API_KEY"]'
BASE = 'os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")'
BASE_SLASH = BASE + '.rstrip("/") + "/"'
MIGRATED = f"OpenAI(\n    api_key={KEY},\n    base_url={BASE},\n)"


def _migrated(text: str) -> str:
    """`text` dedented, with `MIGRATED` standing for the exploded migrated constructor."""
    return dedent(text).replace("MIGRATED", MIGRATED)


@pytest.fixture(autouse=True)
def _mechanics(monkeypatch: pytest.MonkeyPatch) -> None:
    """The blank organization/project arguments are tested in test_detector_placement.py."""
    support.without_blanks(monkeypatch)


REWRITES = [
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI
            client = OpenAI()
            client.api_key = os.environ["OPENAI_API_KEY"]
            client.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        _migrated(
            f"""\
            import os
            from openai import OpenAI
            client = MIGRATED
            client.api_key = {KEY}
            client.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        id="a key set after construction from OpenAI's variable is replaced with the client's",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI
            client = OpenAI()
            client.base_url = "https://api.openai.com/v1"
            """
        ),
        _migrated(
            f"""\
            import os
            from openai import OpenAI
            client = MIGRATED
            client.base_url = {BASE}
            """
        ),
        id="OpenAI's URL set after construction is replaced",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI
            class Bot:
                def __init__(self):
                    self.client = OpenAI()
                    self.client.api_key = os.getenv("OPENAI_API_KEY")
            """
        ),
        dedent(
            f"""\
            import os
            from openai import OpenAI
            class Bot:
                def __init__(self):
                    self.client = OpenAI(
                        api_key={KEY},
                        base_url={BASE},
                    )
                    self.client.api_key = {KEY}
            """
        ),
        id="self.client.api_key in the same class",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI
            client = OpenAI()
            slow = client.with_options(timeout=60, api_key=os.environ["OPENAI_API_KEY"])
            """
        ),
        _migrated(
            f"""\
            import os
            from openai import OpenAI
            client = MIGRATED
            slow = client.with_options(timeout=60, api_key={KEY})
            """
        ),
        id="with_options(api_key=OpenAI's variable) is replaced",
    ),
    pytest.param(
        dedent(
            f"""\
            import os
            from openai import OpenAI
            client = OpenAI(api_key={KEY}, base_url={BASE})
            client.api_key = os.environ["OPENAI_API_KEY"]
            """
        ),
        dedent(
            f"""\
            import os
            from openai import OpenAI
            client = OpenAI(api_key={KEY}, base_url={BASE})
            client.api_key = {KEY}
            """
        ),
        id="a client built for Lumyx and handed OpenAI's key later gets Lumyx's key",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from openai import OpenAI
            a = OpenAI()
            b = OpenAI()
            b.base_url = "http://localhost:8000/v1"
            """
        ),
        _migrated(
            """\
            import os
            from openai import OpenAI
            a = MIGRATED
            b = OpenAI()
            b.base_url = "http://localhost:8000/v1"
            """
        ),
        id="one client re-pointed elsewhere keeps only that client as it is",
    ),
    pytest.param(
        dedent(
            """\
            import os
            from types import SimpleNamespace
            from openai import OpenAI
            settings = SimpleNamespace()
            settings.api_key = os.environ["OPENAI_API_KEY"]
            client = OpenAI()
            """
        ),
        _migrated(
            """\
            import os
            from types import SimpleNamespace
            from openai import OpenAI
            settings = SimpleNamespace()
            settings.api_key = os.environ["OPENAI_API_KEY"]
            client = MIGRATED
            """
        ),
        id="an api_key attribute of something that is not a client is not the client's",
    ),
    pytest.param(
        dedent(
            """\
            import openai
            openai.api_base = openai.base_url = "https://api.openai.com/v1"
            openai.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        dedent(
            f"""\
            import os

            import openai
            openai.api_base = openai.base_url = {BASE_SLASH}
            openai.api_key = {KEY}
            openai.organization = ""
            openai.project = ""
            openai.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        id="a chained module assignment is replaced once, for both attributes",
    ),
    pytest.param(
        dedent(
            """\
            import os
            import openai
            openai.api_key = os.environ["OPENAI_API_KEY"]
            openai.api_base = "https://api.openai.com/v1"
            openai.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        dedent(
            f"""\
            import os
            import openai
            openai.api_key = {KEY}
            openai.base_url = {BASE_SLASH}
            openai.organization = ""
            openai.project = ""
            openai.chat.completions.create(model="nova_1_1", messages=[])
            """
        ),
        id="api_base in SDK >= 1.0 code becomes base_url (the 1.x SDK ignores api_base)",
    ),
    pytest.param(
        dedent(
            f"""\
            import os
            import openai as oa
            oa.api_key = {KEY}
            oa.api_base = {BASE}
            oa.embeddings.create(model="nova_1_1", input="x")
            """
        ),
        dedent(
            f"""\
            import os
            import openai as oa
            oa.api_key = {KEY}
            oa.base_url = {BASE}
            oa.organization = ""
            oa.project = ""
            oa.embeddings.create(model="nova_1_1", input="x")
            """
        ),
        id="api_base already read from Lumyx's variable is renamed too, through an alias",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrite(before: str, after: str) -> None:
    assert_rewrite(before, after)


UNTOUCHED = [
    pytest.param(
        'from openai import OpenAI\nclient = OpenAI()\nclient.base_url = "https://other.example.com/v1"\n',
        id="base URL re-pointed at another host",
    ),
    pytest.param(
        'from openai import OpenAI\nclient = OpenAI()\nclient.api_key = vault.get("key")\n'
        'client.chat.completions.create(model="gpt-4o", messages=[])\n',
        id="key re-set from an expression the tool cannot see, with its model",
    ),
    pytest.param(
        dedent(
            """\
            from openai import OpenAI
            client = OpenAI()
            local = client.with_options(base_url="http://localhost:11434/v1")
            local.chat.completions.create(model="gpt-4o", messages=[])
            """
        ),
        id="with_options(base_url=another host)",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nclient = OpenAI()\nother = client.copy(api_key=os.environ["OTHER_KEY"])\n',
        id="copy(api_key=another variable)",
    ),
    pytest.param(
        dedent(
            """\
            from openai import OpenAI
            class Bot:
                def __init__(self, key):
                    self.client = OpenAI()
                    self.client.api_key = key
            """
        ),
        id="self.client.api_key from a parameter",
    ),
    pytest.param(
        'import openai\nopenai.api_base = openai.base_url = "https://other.example.com/v1"\n'
        'openai.chat.completions.create(model="gpt-4o", messages=[])\n',
        id="chained module assignment to another host: configuration not added around it",
    ),
    pytest.param(
        'import openai\nopenai.api_base = "http://localhost:8000/v1"\nopenai.chat.completions.create(model="gpt-4o", messages=[])\n',
        id="api_base at another host in SDK >= 1.0 code",
    ),
    pytest.param(
        dedent(
            f"""\
            import os
            import openai
            openai.api_key = {KEY}
            openai.api_base = {BASE}
            openai.ChatCompletion.create(model="nova_1_1", messages=[])
            """
        ),
        id="api_base in SDK < 1.0 code stays api_base",
    ),
    pytest.param(
        f"import os\nfrom openai import OpenAI\nclient = OpenAI(api_key={KEY}, base_url={BASE})\nclient.api_key = {KEY}\n",
        id="a Lumyx client given Lumyx's key again",
    ),
]


@pytest.mark.parametrize("source", UNTOUCHED)
def test_untouched(source: str) -> None:
    assert_noop(source)


CODES = [
    pytest.param(
        'from openai import OpenAI\nclient = OpenAI()\nclient.base_url = "https://other.example.com/v1"\n',
        [("LMX102", 3, "client `OpenAI` is re-pointed at other.example.com by `client.base_url = ...`: left as it is")],
        id="LMX102 at the assignment to another host",
    ),
    pytest.param(
        'from openai import OpenAI\nclient = OpenAI()\nclient.with_options(base_url=cfg.url).models.list()\n',
        [
            (
                "LMX102",
                3,
                "client `OpenAI` is re-pointed by `client.with_options(...)` at a base URL from `cfg.url`: "
                "left as it is; check it points at Lumyx AI",
            )
        ],
        id="LMX102 at the with_options keyword with a base URL the tool cannot see",
    ),
    pytest.param(
        'from openai import OpenAI\nclient = OpenAI()\nclient.api_key = vault.get("key")\n',
        [
            (
                "LMX103",
                3,
                'client `OpenAI` is given an API key from `vault.get("key")` by `client.api_key = ...`: '
                "left as it is; read it from LUMYX_API_KEY instead",
            )
        ],
        id="LMX103 at the assignment of an unseen key",
    ),
    pytest.param(
        'import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])\n'
        'client.base_url = "https://api.openai.com/v1"\n',
        [("LMX101", 3, "client `OpenAI` is re-pointed at OpenAI after it is built for Lumyx AI")],
        id="LMX101 at a Lumyx client sent back to OpenAI",
    ),
    pytest.param(
        'import openai\nopenai.api_base = "http://localhost:8000/v1"\nopenai.chat.completions.create(model="nova_1_1", messages=[])\n',
        [
            (
                "LMX102",
                2,
                "`openai.api_base` points at another host, not Lumyx AI: left as it is "
                "(openai >= 1.0 ignores `api_base`: set `base_url`)",
            )
        ],
        id="LMX102 in SDK >= 1.0 code says api_base is ignored",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CODES)
def test_findings(source: str, expected: list[tuple[str, int, str]]) -> None:
    assert [(f.code, f.line, f.message) for f in findings(source)] == expected


def test_a_chained_module_assignment_is_one_finding() -> None:
    source = 'import openai\nopenai.api_base = openai.base_url = "https://api.openai.com/v1"\nopenai.models.list()\n'
    assert codes(source) == ["LMX105*", "LMX105*"]
    assert [f.line for f in findings(source)] == [2, 3]


# --- a client re-pointed where it is handed (issue 10, item 4 across modules: LMX309) ---------

CONFIGURE = (
    "import os\n\n\ndef configure(client):\n"
    '    client.base_url = "https://api.openai.com/v1"\n'
    '    client.api_key = os.environ["OPENAI_API_KEY"]\n'
)
MAIN = "from openai import OpenAI\n\nfrom configure import configure\n\nclient = OpenAI()\n"
CHAT = "client.chat.completions.create(model='gpt-4o', messages=[])\n"


def _project(tmp_path: object, files: dict[str, str]) -> dict[str, tuple[list[str], str]]:
    """Codes (`*` when fixable) and the text after the fixes, per file, from a whole-project run."""
    from pathlib import Path

    from codemod.pool import run
    from codemod.runner import Options

    assert isinstance(tmp_path, Path)
    pairs = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        pairs.append((tmp_path / name, name))
    results = {r.path: r for r in run(pairs, Options(rules=support.default_rules(), fix=True), jobs=1)}
    out = {}
    for name, text in files.items():
        r = results.get(name)
        found = [f.code + ("*" if f.fix else "") for f in r.findings] if r else []
        out[name] = (found, (r.new_text if r and r.new_text is not None else text))
    return out


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"configure.py": CONFIGURE, "main.py": MAIN + "configure(client)\n" + CHAT},
            {"configure.py": [], "main.py": ["LMX309"]},
            id="a function of another module sets the key and URL of the client it is handed: kept, LMX309",
        ),
        pytest.param(
            {
                "fast.py": "import os\n\n\ndef fast(client):\n    return client.with_options(api_key=os.environ['OPENAI_API_KEY']).chat.completions.create(model='gpt-4o', messages=[])\n",
                "main.py": MAIN.replace("from configure import configure", "from fast import fast") + "fast(client)\n",
            },
            {"fast.py": [], "main.py": ["LMX309"]},
            id="with_options(api_key=...) on a parameter: kept",
        ),
        pytest.param(
            {
                "svc.py": "from openai import OpenAI\n\n\nclass Svc:\n    def __init__(self, client: OpenAI):\n        self.client = client\n\n    def other(self):\n        return self.client.copy(base_url='https://gw.example/v1')\n",
                "main.py": MAIN.replace("from configure import configure", "from svc import Svc") + "Svc(client)\n",
            },
            {"svc.py": [], "main.py": ["LMX309"]},
            id="copy(base_url=...) on an attribute stored from __init__ (annotated parameter): kept",
        ),
        pytest.param(
            {"configure.py": CONFIGURE.replace("client.base_url", "client.timeout").replace("client.api_key", "client.max_retries").replace('os.environ["OPENAI_API_KEY"]', "3"),
             "main.py": MAIN + "configure(client)\n" + CHAT},
            {"configure.py": [], "main.py": ["LMX101*", "LMX201*"]},
            id="must not touch: setting other options is no re-pointing, the client is migrated",
        ),
        pytest.param(
            {"configure.py": CONFIGURE, "main.py": MAIN + "other = OpenAI()\nconfigure(other)\n" + CHAT},
            {"configure.py": [], "main.py": ["LMX101*", "LMX309", "LMX201*"]},
            id="must not touch: only the client handed to the re-pointing function is kept",
        ),
        pytest.param(
            {"configure.py": CONFIGURE, "main.py": MAIN + CHAT},
            {"configure.py": [], "main.py": ["LMX101*", "LMX201*"]},
            id="must not touch: a re-pointing function nobody hands this client to",
        ),
    ],
)
def test_re_pointed_where_it_is_handed(tmp_path: object, files: dict[str, str], expected: dict[str, list[str]]) -> None:
    result = _project(tmp_path, files)
    assert {name: found for name, (found, _) in result.items()} == expected
    if "LMX101*" not in expected["main.py"]:
        assert all(after == files[name] for name, (_, after) in result.items()), "a kept client is not rewritten"
    again = _project(tmp_path, {name: after for name, (_, after) in result.items()})
    assert {name: after for name, (_, after) in again.items()} == {name: after for name, (_, after) in result.items()}


def test_lmx309_names_the_line(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    from codemod.pool import run
    from codemod.runner import Options

    files = {"configure.py": CONFIGURE, "main.py": MAIN + "configure(client)\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    results = run([(tmp_path / n, n) for n in files], Options(rules=support.default_rules()), jobs=1)
    [found] = [f for r in results for f in r.findings]
    assert (found.code, found.line, found.message) == (
        "LMX309",
        5,
        "OpenAI client `OpenAI` stays on OpenAI: `client.base_url` (configure.py:5 and 1 more) re-points it "
        "after it is built, which the tool does not rewrite there; move that setting into the constructor "
        "to migrate it to Lumyx AI",
    )
