"""Module-level configuration of the openai package (LMX105, LMX401-404): the module client
decided project-wide, OpenAI's organization and project blanked, configuration placed where
`openai` is bound."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from support import assert_noop, assert_rewrite, codes, default_rules, findings, rewrite

from codemod.pool import run
from codemod.rewrite import apply_fixes
from codemod.runner import Options

KEY = 'os.environ["LUMYX_API_KEY"]'
BASE = 'os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")'
BASE_SLASH = BASE + '.rstrip("/") + "/"'  # the module client uses base_url verbatim
BLANKS = 'openai.organization = ""\nopenai.project = ""\n'  # OPENAI_ORG_ID/OPENAI_PROJECT_ID unread

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
            openai.organization = ""
            openai.project = ""
            """
        ),
        id="SDK < 1.0 api_key and api_base",
    ),
    pytest.param(
        'import os\nimport openai\nopenai.base_url = "https://api.openai.com/v1/"\nopenai.api_key = "sk-abcdefgh1jklmnopqrstuvwx"\n',
        f"import os\nimport openai\nopenai.base_url = {BASE_SLASH}\nopenai.api_key = {KEY}\n{BLANKS}",
        id="SDK >= 1.0 base_url keeps its trailing slash",
    ),
    pytest.param(
        'import os\nimport openai\nopenai.api_key = os.environ["OPENAI_API_KEY"]\n',
        f"import os\nimport openai\nopenai.api_key = {KEY}\nopenai.base_url = {BASE_SLASH}\n{BLANKS}",
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
            openai.organization = ""
            openai.project = ""

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
            oa.organization = ""
            oa.project = ""

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
            openai.organization = ""
            openai.project = ""

            args = {{"model": "nova_1_1", "messages": []}}
            openai.ChatCompletion.create(**args)
            """
        ),
        id="ChatCompletion.create(**args) with a visible dict",
    ),
    pytest.param(
        'import os\nimport openai as oa\noa.base_url = "https://api.openai.com/v1"\n',
        f'import os\nimport openai as oa\noa.base_url = {BASE_SLASH}\noa.organization = ""\noa.project = ""\n',
        id="a module that only configures (no call) gets no import-time key read, through an alias",
    ),
    pytest.param(
        "import os\nimport openai\nopenai.api_key = None\n",
        f"import os\nimport openai\nopenai.api_key = {KEY}\nopenai.base_url = {BASE_SLASH}\n{BLANKS}",
        id="openai.api_key = None is OpenAI's default: replaced",
    ),
]


CONFIG = f"    openai.api_key = {KEY}\n    openai.base_url = {BASE_SLASH}\n" + '    openai.organization = ""\n    openai.project = ""\n'
CHAT = 'r = openai.chat.completions.create(model="gpt-4", messages=[])\n'
CHAT_AFTER = CHAT.replace("gpt-4", "nova_1_1")
TOP_CONFIG = f"openai.api_key = {KEY}\nopenai.base_url = {BASE_SLASH}\n{BLANKS}"

PLACEMENT = [
    pytest.param(
        'import sys\ntry:\n    import openai\nexcept ImportError:\n    sys.exit("pip install openai")\n\n' + CHAT,
        'import os\nimport sys\ntry:\n    import openai\n' + CONFIG + 'except ImportError:\n    sys.exit("pip install openai")\n\n' + CHAT_AFTER,
        id="openai imported inside try: configured right after the import, inside the try",
    ),
    pytest.param(
        "import sys\nif sys.version_info >= (3, 8):\n    import openai\n    " + CHAT,
        "import os\nimport sys\nif sys.version_info >= (3, 8):\n    import openai\n" + CONFIG + "    " + CHAT_AFTER,
        id="openai imported inside if: configured inside the if",
    ),
    pytest.param(
        'import openai\n\n\ndef legacy():\n    openai.api_type = "azure"\n    return openai.ChatCompletion.create(engine="gpt-4", messages=[])\n\n\n' + CHAT,
        'import os\n\nimport openai\n\n' + TOP_CONFIG + '\n\ndef legacy():\n    openai.api_type = "azure"\n'
        '    return openai.ChatCompletion.create(engine="gpt-4", messages=[])\n\n\n' + CHAT_AFTER,
        id="api_type azure in a function hides that function only",
    ),
    pytest.param(
        'import openai\n\n\nclass Legacy:\n    openai.api_type = "azure"\n\n\n' + CHAT,
        'import os\n\nimport openai\n\n' + TOP_CONFIG + '\n\nclass Legacy:\n    openai.api_type = "azure"\n\n\n' + CHAT_AFTER,
        id="api_type azure in a class hides that class only",
    ),
    pytest.param(
        'import os\nimport openai\nopenai.api_key = os.environ["OPENAI_API_KEY"]\nopenai.base_url = "https://..."\n' + CHAT,
        f"import os\nimport openai\n{TOP_CONFIG}{CHAT_AFTER}",
        id='placeholder base URL "https://..." is OpenAI\'s: replaced',
    ),
    pytest.param(
        "import os\nimport openai\nopenai.api_key = os.environ['OPENAI_API_KEY']\nopenai.api_base = 'https://YOUR_ENDPOINT/v1'\n"
        + CHAT.replace('"', "'"),
        "import os\nimport openai\nopenai.api_key = os.environ['LUMYX_API_KEY']\n"
        "openai.base_url = os.environ.get('LUMYX_BASE_URL', 'https://api.lumyx-ai.site/v1').rstrip('/') + '/'\n"
        "openai.organization = ''\nopenai.project = ''\n" + CHAT_AFTER.replace('"', "'"),
        id="placeholder https://YOUR_ENDPOINT: replaced (and api_base renamed for SDK >= 1.0)",
    ),
    pytest.param(
        'import openai\nopenai.organization = "org-abc123"\n' + CHAT,
        f'import os\n\nimport openai\nopenai.organization = ""\nopenai.api_key = {KEY}\nopenai.base_url = {BASE_SLASH}\n'
        'openai.project = ""\n' + CHAT_AFTER,
        id="OpenAI's organization blanked, the project blanked beside the added configuration",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES + PLACEMENT)
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


UNTOUCHED += [
    pytest.param(
        'import openai\n\n\ndef answer(user_key, messages):\n'
        '    return openai.ChatCompletion.create(api_key=user_key, model="gpt-4", messages=messages)\n',
        id="keys passed per call: no import-time LUMYX_API_KEY, nothing moved (LMX404)",
    ),
    pytest.param(
        'import openai\nv = openai.embeddings.create(model="text-embedding-3-small", input="x")\n' + CHAT,
        id="module client also used for embeddings: kept whole (LMX402)",
    ),
    pytest.param('import openai\nopenai.base_url = "https://llm-proxy.internal/v1/"\n' + CHAT, id="a real other host is no placeholder"),
    pytest.param(
        'import openai\nopenai.base_url = "https://yourcompany.example.com/v1/"\n' + CHAT,
        id="a lower-case host starting with your is a real host",
    ),
    pytest.param(
        'import openai\nopenai.api_type = "azure"\n\n\ndef f():\n    return openai.ChatCompletion.create(engine="gpt-4", messages=[])\n',
        id="api_type azure at module level still hides the whole module",
    ),
    pytest.param(
        'import openai\n\n\ndef legacy():\n    openai.api_type = "azure"\n    openai.api_key = "k"\n'
        '    return openai.ChatCompletion.create(engine="gpt-4", messages=[])\n',
        id="a function configuring Azure keeps its own key and calls",
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


CODES += [
    pytest.param(
        'import openai\nv = openai.embeddings.create(model="text-embedding-3-small", input="x")\n' + CHAT,
        ["LMX402"],
        id="LMX402 once per module, not LMX301 or LMX201",
    ),
    pytest.param(
        "import openai\nopenai.ChatCompletion.create(api_key=k, model='gpt-4', messages=[])\n",
        ["LMX401", "LMX404"],
        id="LMX404 per-call key",
    ),
    pytest.param(
        "import openai\nopenai.api_base = 'https://api.lumyx-ai.site/v1'\nopenai.api_key = 'k'\nopenai.Embedding.create(input='x')\n",
        ["LMX105*", "LMX301", "LMX401"],
        id="module client already on Lumyx: its unserved call is LMX301, not kept",
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


def test_kept_message_names_the_unserved_call() -> None:
    source = 'import openai\nv = openai.embeddings.create(model="text-embedding-3-small", input="x")\n' + CHAT
    (kept,) = findings(source)
    assert (kept.code, kept.line, kept.col) == ("LMX402", 2, 5)
    assert "`embeddings` (<unknown>:2)" in kept.message


# --- the module client decided project-wide ---------------------------------------------------

SETUP = 'import os\n\nimport openai\n\nopenai.api_key = os.environ["OPENAI_API_KEY"]\nopenai.organization = "org-acme"\nCHAT_MODEL = "gpt-4o"\n'
ASK = "import openai\n\nfrom config import CHAT_MODEL\n\nr = openai.chat.completions.create(model=CHAT_MODEL, messages=[])\n"
EMBED = 'import openai\n\nv = openai.embeddings.create(model="text-embedding-3-small", input="x")\n'


def project(tmp_path: Path, files: dict[str, str], **options: object) -> dict[str, tuple[list[str], str]]:
    """Each file's codes and its text with their fixes applied."""
    pairs = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        pairs.append((tmp_path / name, name))
    results = run(pairs, Options(rules=default_rules(), fix=True, **options), jobs=1)  # type: ignore[arg-type]
    found = {r.path: r.findings for r in results}
    return {
        name: ([f.code + ("*" if f.fix else "") for f in found.get(name, ())], apply_fixes(text, list(found.get(name, ()))))
        for name, text in files.items()
    }


@pytest.mark.parametrize(
    "options",
    [pytest.param({}, id="default"), pytest.param({"split_clients": True}, id="unserved-clients = split keeps it too")],
)
def test_embeddings_in_a_third_module_keep_the_module_client(tmp_path: Path, options: dict[str, object]) -> None:
    files = {"config.py": SETUP, "ask.py": ASK, "search.py": EMBED}
    out = project(tmp_path, files, **options)
    assert {name: text for name, (_, text) in out.items()} == files, "nothing may change anywhere"
    assert {name: found for name, (found, _) in out.items()} == {
        "config.py": ["LMX402"],
        "ask.py": ["LMX402"],
        "search.py": ["LMX402"],
    }


def test_all_served_module_calls_migrate_the_module_client(tmp_path: Path) -> None:
    out = project(tmp_path, {"config.py": SETUP, "ask.py": ASK})
    assert out["config.py"][1] == (
        f'import os\n\nimport openai\n\nopenai.api_key = {KEY}\nopenai.organization = ""\n'
        f'openai.base_url = {BASE_SLASH}\nopenai.project = ""\nCHAT_MODEL = "nova_1_1"\n'
    )
    assert out["ask.py"][1] == (
        f"import os\n\nimport openai\n\nfrom config import CHAT_MODEL\n\n{TOP_CONFIG}\n"
        "r = openai.chat.completions.create(model=CHAT_MODEL, messages=[])\n"
    )


@pytest.mark.parametrize(
    "other",
    [
        pytest.param("import openai\nopenai.api_key = vault_key()\n", id="a key the tool cannot see (LMX103)"),
        pytest.param('import openai\nopenai.base_url = "http://localhost:8000/v1/"\n', id="another host (LMX102)"),
        pytest.param('import openai\nopenai.api_type = "azure"\n', id="Azure (LMX104)"),
    ],
)
def test_a_module_that_leaves_the_module_client_leaves_it_everywhere(tmp_path: Path, other: str) -> None:
    files = {"ask.py": ASK, "other.py": other}
    out = project(tmp_path, files)
    assert {name: text for name, (_, text) in out.items()} == files
    assert out["ask.py"][0] == ["LMX402"]


def test_a_key_passed_per_call_in_one_module_leaves_the_module_client_everywhere(tmp_path: Path) -> None:
    per_call = "import openai\n\n\ndef f(k):\n    return openai.ChatCompletion.create(api_key=k, model='gpt-4', messages=[])\n"
    files = {"ask.py": ASK, "config.py": SETUP, "legacy.py": per_call}
    out = project(tmp_path, files)
    assert {name: text for name, (_, text) in out.items()} == files
    assert out["legacy.py"][0] == ["LMX401", "LMX404"]
    assert out["ask.py"][0] == ["LMX402"]


SDK_CHECK = """
import openai
{config}
client = openai.chat.completions._client
print(repr(client.organization), repr(client.project), repr(str(client.base_url)))
"""


def test_the_blanked_module_client_reads_no_organization_from_the_environment(tmp_path: Path) -> None:
    """With the real SDK: the inserted configuration keeps OPENAI_ORG_ID / OPENAI_PROJECT_ID
    from the module client (None would read them; "" is sent as an empty header)."""
    migrated = rewrite("import openai\n" + CHAT)
    config = migrated.split("import openai\n", 1)[1].split("r = ", 1)[0]
    env = {"OPENAI_ORG_ID": "org-must-not-leak", "OPENAI_PROJECT_ID": "proj_must_not_leak", "LUMYX_API_KEY": "nova_test"}
    env["LUMYX_BASE_URL"] = "http://127.0.0.1:9/v1"
    script = "import os\n" + SDK_CHECK.format(config=config)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stdout == "'' '' 'http://127.0.0.1:9/v1/'\n"
    unblanked = "import os\n" + SDK_CHECK.format(config=config.replace('openai.organization = ""\n', ""))
    done = subprocess.run([sys.executable, "-c", unblanked], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("'org-must-not-leak'"), "the check must see the env read it guards against"


# --- OpenAI-only headers on requests to the provider (LMX403) ------------------------------------

CTOR = "from openai import OpenAI\n"
HEADERS = [
    pytest.param(
        CTOR + 'c = OpenAI(default_headers={"OpenAI-Beta": "assistants=v2"})\n',
        ["LMX403"],
        id="OpenAI-Beta in default_headers: the constructor is left on OpenAI and reported",
    ),
    pytest.param(
        CTOR + 'c = OpenAI(default_headers={"openai-organization": "org-1"})\n',
        ["LMX403"],
        id="header names compared case-insensitively",
    ),
    pytest.param(
        CTOR + 'c = OpenAI(default_headers={"OpenAI-Organization": "", "X-Team": "a"})\n',
        ["LMX101*"],
        id="a blank organization header and other headers are fine",
    ),
    pytest.param(
        CTOR + 'c = OpenAI()\nr = c.chat.completions.create(model="gpt-4o", messages=[], extra_headers={"OpenAI-Beta": "x"})\n',
        ["LMX106"],
        id="OpenAI-Beta in extra_headers of a call: its client stays on OpenAI (LMX106), model unmapped",
    ),
    pytest.param(
        CTOR + 'H = {"OpenAI-Project": "proj_1"}\nc = OpenAI()\nr = c.chat.completions.create(model="gpt-4o", messages=[], extra_headers=H)\n',
        ["LMX106"],
        id="a header dict bound to a name keeps the client too",
    ),
    pytest.param(
        CTOR + 'c = OpenAI()\nc.embeddings.create(model="text-embedding-3-small", input="x")\n'
        'r = c.chat.completions.create(model="gpt-4o", messages=[], extra_headers={"OpenAI-Beta": "x"})\n',
        ["LMX106"],
        id="a client kept on OpenAI may send OpenAI's headers",
    ),
    pytest.param(
        CTOR + 'c = OpenAI(base_url="http://localhost:8000/v1", default_headers={"OpenAI-Beta": "x"})\n',
        ["LMX102"],
        id="a client of another host is none of this",
    ),
]


@pytest.mark.parametrize(("source", "expected"), HEADERS)
def test_openai_only_headers(source: str, expected: list[str]) -> None:
    assert codes(source) == expected


def test_openai_only_headers_keep_their_client_and_are_not_removed() -> None:
    source = CTOR + 'c = OpenAI()\nr = c.chat.completions.create(model="gpt-4o", messages=[], extra_headers={"OpenAI-Beta": "x"})\n'
    assert_noop(source)
    (kept,) = [f for f in findings(source) if f.code == "LMX106"]
    assert "it is used for `header OpenAI-Beta` (<unknown>:3)" in kept.message


def test_a_provider_client_sending_openai_headers_is_reported() -> None:
    source = (
        'import os\nfrom openai import OpenAI\n\nc = OpenAI(api_key=os.environ["LUMYX_API_KEY"], '
        'base_url="https://api.lumyx-ai.site/v1", default_headers={"OpenAI-Beta": "x"})\n'
    )
    assert codes(source) == ["LMX403"]
