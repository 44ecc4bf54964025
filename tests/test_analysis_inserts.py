"""The code fixes insert (codemod/analysis/inserts.py): where `import os` goes, what name reads
the environment, the quote the inserted code uses."""

from __future__ import annotations

import ast
from textwrap import dedent

import pytest
import support
from support import assert_rewrite, default_rules, rewrite

from codemod.analysis.context import Context
from codemod.analysis.inserts import Inserts
from codemod.rewrite import apply_edits


@pytest.fixture(autouse=True)
def _mechanics(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rewrites here show their own change, not the blank organization/project arguments."""
    support.without_blanks(monkeypatch)


def inserts(text: str) -> Inserts:
    return Context(text, ast.parse(text), default_rules()).inserts


def with_os(text: str) -> str:
    """The text with the `import os` edit every fix shares (nothing when `os` is there)."""
    return apply_edits(text, list(inserts(text).os_edits))


PLACEMENT = [
    pytest.param("", "import os\n", id="empty file"),
    pytest.param("x = 1", "import os\n\nx = 1", id="no import, no final newline"),
    pytest.param("# just a comment\n", "# just a comment\nimport os\n", id="comment only"),
    pytest.param('"""Doc."""\n', '"""Doc."""\n\nimport os\n', id="docstring only"),
    pytest.param('"""Doc."""\nx = 1\n', '"""Doc."""\n\nimport os\n\nx = 1\n', id="after the docstring"),
    pytest.param(
        '"""Doc."""\n\nimport requests\n', '"""Doc."""\n\nimport os\n\nimport requests\n', id="after the docstring, before third-party"
    ),
    pytest.param(
        "from __future__ import annotations\nx = 1\n",
        "from __future__ import annotations\n\nimport os\n\nx = 1\n",
        id="after from __future__",
    ),
    pytest.param(
        '"""Doc."""\nfrom __future__ import annotations\n\nimport sys\n',
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\nimport sys\n',
        id="docstring, __future__, then the stdlib group",
    ),
    pytest.param("import abc\nimport zlib\n", "import abc\nimport os\nimport zlib\n", id="sorted into the stdlib group"),
    pytest.param("import abc\n\nx = 1\n", "import abc\nimport os\n\nx = 1\n", id="after the import block"),
    pytest.param("import abc", "import abc\nimport os\n", id="after the last line without a newline"),
    pytest.param(
        "from typing import Any\nimport openai\n",
        "import os\nfrom typing import Any\nimport openai\n",
        id="plain imports before from-imports of the stdlib",
    ),
    pytest.param(
        "import requests\nimport openai\n", "import os\n\nimport requests\nimport openai\n", id="own group before third-party"
    ),
    pytest.param(
        "#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nimport requests\n",
        "#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nimport os\n\nimport requests\n",
        id="below a shebang and an encoding cookie",
    ),
    pytest.param(
        "#!/usr/bin/env python\nx = 1\n", "#!/usr/bin/env python\nimport os\n\nx = 1\n", id="shebang, no import"
    ),
    pytest.param(
        "import sys\r\nimport openai\r\n", "import os\r\nimport sys\r\nimport openai\r\n", id="CRLF file gets CRLF"
    ),
    pytest.param(
        '"""Doc."""\r\nx = 1\r\n', '"""Doc."""\r\n\r\nimport os\r\n\r\nx = 1\r\n', id="CRLF after a docstring"
    ),
    pytest.param(
        "def f():\n    import os\n", "import os\n\ndef f():\n    import os\n", id="os imported inside a function only"
    ),
    pytest.param("from os import environ\n", "import os\nfrom os import environ\n", id="from os import environ"),
    # Nothing to add:
    pytest.param("import os\n", "import os\n", id="import os already there"),
    pytest.param("import os.path\n", "import os.path\n", id="import os.path binds os"),
    pytest.param("import os as _os\n", "import os as _os\n", id="import os as _os"),
    pytest.param("import openai\nimport os\n", "import openai\nimport os\n", id="import os anywhere in the block"),
    pytest.param("try:\n    import os\nexcept ImportError:\n    pass\n", "try:\n    import os\nexcept ImportError:\n    pass\n", id="import os in a try"),
]


@pytest.mark.parametrize(("before", "after"), PLACEMENT)
def test_import_os_placement(before: str, after: str) -> None:
    assert with_os(before) == after
    ast.parse(after)


READS = [
    pytest.param("x = 1\n", 'os.environ["LUMYX_API_KEY"]', id="os added"),
    pytest.param("import os as _os\n", '_os.environ["LUMYX_API_KEY"]', id="the alias os is bound to"),
    pytest.param("import os.path\n", 'os.environ["LUMYX_API_KEY"]', id="os bound by import os.path"),
    pytest.param("x = 'a'\ny = 'b'\nz = \"c\"\n", "os.environ['LUMYX_API_KEY']", id="the file's usual quote"),
    pytest.param('"""Doc."""\nx = \'a\'\n', "os.environ['LUMYX_API_KEY']", id="docstrings do not count for the quote"),
]


@pytest.mark.parametrize(("source", "expected"), READS)
def test_key_read(source: str, expected: str) -> None:
    assert inserts(source).key_read() == expected


def test_base_read_for_the_module_client_keeps_a_trailing_slash() -> None:
    made = inserts("x = 1\n")
    assert made.base_read() == 'os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")'
    assert made.base_read(trailing_slash=True) == made.base_read() + '.rstrip("/") + "/"'


def test_literal_escapes_its_quote_and_backslashes() -> None:
    assert inserts("x = 'a'\n").literal("it's \\") == "'it\\'s \\\\'"


# --- end to end: one import for the whole file -------------------------------------------------

KEY = 'api_key=os.environ["LUMYX_API_KEY"]'
BASE = 'base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")'


def test_import_os_added_once_for_two_clients() -> None:
    before = "from openai import OpenAI\nc = OpenAI()\nd = OpenAI()\n"
    after = f"import os\n\nfrom openai import OpenAI\nc = OpenAI(\n    {KEY},\n    {BASE},\n)\nd = OpenAI(\n    {KEY},\n    {BASE},\n)\n"
    assert_rewrite(before, after)


def test_import_os_added_once_for_a_client_and_module_configuration() -> None:
    before = dedent(
        """\
        import openai
        c = openai.OpenAI()
        openai.chat.completions.create(model="nova_1_1", messages=[])
        """
    )
    out_imports = [line for line in rewrite(before).splitlines() if line == "import os"]
    assert out_imports == ["import os"]


def test_alias_of_os_is_used_and_nothing_is_imported() -> None:
    before = "import os as _os\nfrom openai import OpenAI\nc = OpenAI()\n"
    after = (
        "import os as _os\nfrom openai import OpenAI\nc = OpenAI(\n"
        '    api_key=_os.environ["LUMYX_API_KEY"],\n'
        '    base_url=_os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),\n)\n'
    )
    assert_rewrite(before, after)


def test_crlf_file_end_to_end() -> None:
    before = '"""Doc."""\r\nfrom openai import OpenAI\r\nc = OpenAI()\r\n'
    after = f'"""Doc."""\r\nimport os\r\n\r\nfrom openai import OpenAI\r\nc = OpenAI(\r\n    {KEY},\r\n    {BASE},\r\n)\r\n'
    assert_rewrite(before, after)
