"""Notebooks as one module and back: exact bytes, magics kept, only changed sources touched."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path
from typing import Any

import nbformat
import pytest
from support import run_cli

from codemod import notebook
from codemod.notebook import NotebookError

_IDS = itertools.count()


def code(source: Any, **extra: Any) -> dict[str, Any]:
    cell = {"cell_type": "code", "execution_count": None, "id": f"c{next(_IDS)}", "metadata": {}, "outputs": []}
    return {**cell, "source": source, **extra}


def markdown(source: Any) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": f"m{next(_IDS)}", "metadata": {}, "source": source}


def nb_text(*cells: dict[str, Any], indent: int | None = 1, ensure_ascii: bool = False, final: str = "\n") -> str:
    data = {"cells": list(cells), "metadata": {"kernelspec": {"display_name": "Python 3", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(data, indent=indent, ensure_ascii=ensure_ascii) + final


CLIENT = ["from openai import OpenAI\n", "client = OpenAI()"]
OUTPUT = {"output_type": "stream", "name": "stdout", "text": ["gpt-4 says hi\n"]}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(nb_text(code(CLIENT)), id="nbformat's own layout"),
        pytest.param(nb_text(code(CLIENT), indent=None, final=""), id="one-line JSON without final newline"),
        pytest.param(nb_text(code("x = 1\n"), code(CLIENT), indent=4), id="four-space indent, string source"),
        pytest.param(nb_text(markdown(["# Titel é"]), code(CLIENT), ensure_ascii=True), id="ascii escapes"),
        pytest.param(nb_text(code(["%pip install openai\n", "!ls\n", "x = !pwd\n", "len?"])), id="magics only"),
        pytest.param(nb_text(code([])), id="empty cell"),
    ],
)
def test_unchanged_module_rebuilds_byte_identical(raw: str) -> None:
    book = notebook.parse(raw)
    assert book.rebuild(book.module) == raw


def test_cells_form_one_module_with_magics_as_placeholders() -> None:
    raw = nb_text(
        markdown(["# Intro"]),
        code(["%pip install openai\n", "import os\n", "from openai import OpenAI"]),
        code(["%%time\n", "client = OpenAI()\n", "!ls"]),
        code(["%%bash\n", "echo gpt-4"]),
    )
    book = notebook.parse(raw)
    compile(book.module, "<nb>", "exec")  # the module parses
    lines = book.module.splitlines()
    assert "import os" in lines and "client = OpenAI()" in lines
    assert "echo gpt-4" not in book.module, "a %%bash cell is not Python"
    assert book.position(lines.index("client = OpenAI()") + 1) == (3, 2)
    assert book.position(lines.index("import os") + 1) == (2, 2)
    assert book.position(1) is None, "the marker line between cells belongs to no cell"


def test_rebuild_changes_only_the_changed_cell_source() -> None:
    raw = nb_text(code(["print('hi')"], outputs=[OUTPUT], execution_count=3), code(CLIENT))
    book = notebook.parse(raw)
    new = book.module.replace("client = OpenAI()", "client = OpenAI(base_url='x')")
    rebuilt = book.rebuild(new)
    expected = raw.replace('"client = OpenAI()"', "\"client = OpenAI(base_url='x')\"")
    assert rebuilt == expected
    assert notebook.parse(rebuilt).rebuild(notebook.parse(rebuilt).module) == rebuilt


def test_added_lines_keep_the_list_layout_and_magics() -> None:
    raw = nb_text(code(["%pip install openai\n", "from openai import OpenAI\n", "client = OpenAI()"]))
    book = notebook.parse(raw)
    rebuilt = book.rebuild(book.module.replace("from openai", "import os\nfrom openai"))
    cell = json.loads(rebuilt)["cells"][0]
    assert cell["source"] == ["%pip install openai\n", "import os\n", "from openai import OpenAI\n", "client = OpenAI()"]
    assert '    "import os\\n",\n' in rebuilt, "items laid out like the others"
    nbformat.validate(nbformat.reads(rebuilt, as_version=4))


def test_empty_source_list_gets_nbformat_layout() -> None:
    raw = nb_text(code([]))
    book = notebook.parse(raw)
    rebuilt = book.rebuild(book.module + "x = 1\n")
    assert json.loads(rebuilt)["cells"][0]["source"] == ["x = 1\n"]
    nbformat.validate(nbformat.reads(rebuilt, as_version=4))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param('{"cells": [', "not valid JSON", id="broken JSON"),
        pytest.param('{"nbformat": 4}', "no 'cells' list", id="no cells"),
        pytest.param('{"cells": [], "nbformat": 3}', "nbformat 3 notebooks are not supported", id="nbformat 3"),
        pytest.param(nb_text(code(7)), "neither a string nor a list", id="numeric source"),
        pytest.param(json.dumps({"cells": [{"cell_type": "code"}], "nbformat": 4}), "has no 'source' key", id="no source"),
    ],
)
def test_bad_notebooks_are_one_line_errors(raw: str, message: str) -> None:
    with pytest.raises(NotebookError, match=message) as info:
        notebook.parse(raw)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("line", "magic"),
    [
        pytest.param("%pip install openai\n", True, id="line magic"),
        pytest.param("!pip install openai\n", True, id="shell escape"),
        pytest.param("files = !ls\n", True, id="assigned shell"),
        pytest.param("OpenAI?\n", True, id="help query"),
        pytest.param("x = 5 % 3\n", False, id="modulo is Python"),
        pytest.param("ok = a != b\n", False, id="not-equal is Python"),
        pytest.param("    %time f()\n", True, id="indented magic"),
    ],
)
def test_magic_lines(line: str, magic: bool) -> None:
    book = notebook.parse(nb_text(code(["if True:\n", "    pass\n", line])))
    assert (line not in book.module) is magic
    compile(book.module, "<nb>", "exec")


def test_rewritten_module_without_markers_is_refused() -> None:
    book = notebook.parse(nb_text(code(CLIENT)))
    with pytest.raises(NotebookError):
        book.rebuild("x = 1\n")


# -- through the CLI: discovery, positions by cell, apply, bad notebooks --------------------------

LUMYX_CELL = [
    "import os\n",
    "\n",
    "%pip install openai\n",
    "from openai import OpenAI\n",
    "client = OpenAI(\n",
    '    api_key=os.environ["LUMYX_API_KEY"],\n',
    '    base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),\n',
    '    organization="",\n',
    '    project="",\n',
    ")",
]
CHAT = ["r = client.chat.completions.create(\n", '    model="gpt-4o", messages=[]\n', ")"]


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(cwd, *args)


def project(tmp_path: Path, name: str = "demo.ipynb", *cells: dict[str, Any]) -> Path:
    raw = nb_text(markdown(["# Demo"]), *cells) if cells else nb_text(
        markdown(["# Demo"]),
        code(["%pip install openai\n", "from openai import OpenAI\n", "client = OpenAI()"], outputs=[OUTPUT]),
        code(CHAT),
    )
    path = tmp_path / name
    path.write_text(raw, encoding="utf-8", newline="")
    return path


def test_check_reports_notebook_findings_by_cell(tmp_path: Path) -> None:
    project(tmp_path)
    result = cli(tmp_path, "check", "--format", "text", "demo.ipynb")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "demo.ipynb:cell 2:3:10: LMX101 [*] OpenAI client `OpenAI` is not pointed at Lumyx AI",
        "demo.ipynb:cell 3:2:11: LMX201 [*] OpenAI model 'gpt-4o' is served on Lumyx AI as 'nova_1_1'",
    ]
    as_json = json.loads(cli(tmp_path, "check", "--format", "json", ".").stdout)
    assert [(f["cell"], f["location"]["row"]) for f in as_json] == [(2, 3), (3, 2)]


def test_apply_rewrites_only_the_sources_and_is_idempotent(tmp_path: Path) -> None:
    path = project(tmp_path)
    before = path.read_text(encoding="utf-8")
    result = cli(tmp_path, "apply", "--yes", "--allow-dirty", ".")
    assert result.returncode == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    data = json.loads(after)
    assert data["cells"][1]["source"] == LUMYX_CELL
    assert data["cells"][2]["source"][1] == '    model="nova_1_1", messages=[]\n'
    old = json.loads(before)
    for key in ("metadata", "nbformat", "nbformat_minor"):
        assert data[key] == old[key]
    assert data["cells"][1]["outputs"] == [OUTPUT]
    # Everything outside the two sources is byte for byte what it was.
    assert _outside_sources(after) == _outside_sources(before)
    nbformat.validate(nbformat.reads(after, as_version=4))
    assert cli(tmp_path, "diff", "--exit-code", ".").returncode == 0, "a second run changes nothing"
    assert path.read_text(encoding="utf-8") == after


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param('{"cells": [ "openai"', "cannot read notebook: not valid JSON", id="broken JSON"),
        pytest.param('{"cells": [], "nbformat": 3, "x": "openai"}', "nbformat 3 notebooks are not supported", id="old nbformat"),
        pytest.param(nb_text(code(["from openai import OpenAI\n", "def f(:\n"])), "cannot parse", id="unparsable cell"),
    ],
)
def test_bad_notebooks_are_reported_and_left_byte_for_byte(tmp_path: Path, raw: str, message: str) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_bytes(raw.encode())
    for command in (["check", "."], ["apply", "--yes", "--allow-dirty", "."]):
        result = cli(tmp_path, *command)
        assert result.returncode == 1
        assert message in result.stderr + result.stdout
        assert path.read_bytes() == raw.encode()


def test_notebook_without_openai_is_untouched(tmp_path: Path) -> None:
    path = project(tmp_path, "plain.ipynb", code(["import json\n", "print(json.dumps({}))"]))
    raw = path.read_bytes()
    result = cli(tmp_path, "apply", "--yes", "--allow-dirty", ".")
    assert result.returncode == 0
    assert path.read_bytes() == raw
    assert cli(tmp_path, "check", ".").returncode == 0


def _outside_sources(raw: str) -> list[str]:
    book = notebook.parse(raw)
    cuts = [0, *(i for cell in book.cells for i in cell.span), len(raw)]
    return [raw[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
