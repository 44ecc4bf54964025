"""End to end (issue 12): a notebook that talks to OpenAI, migrated by the real CLI, then run for
real in an IPython kernel (nbclient) against the loopback Lumyx stand-in.

The kernel is the venv's own: ipykernel ships the `python3` kernel spec whose argv starts with
"python", which jupyter_client replaces by the Python running the test. It gets the provider's
variables (`LUMYX_API_KEY=nova_test`, `LUMYX_BASE_URL` at the stand-in), an OpenAI key that must
never be sent, and every proxy at a dead loopback port (`NO_PROXY` for loopback), so a request
the migration missed cannot leave the machine.

Proving that it bites: with `LUMYX_E2E_SKIP_REWRITE=1` the apply step is skipped and the
unmigrated notebook runs: its SDK falls back to OpenAI's URL through the dead proxy, and the
test fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from standin import REPLY, LumyxStandin

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("openai")

pytestmark = pytest.mark.e2e

OPENAI_KEY = "sk-must-not-leak-0123456789abcdef"
CELLS = [
    ("markdown", "# Chat with a model\n"),
    ("code", "%env TOKENIZERS_PARALLELISM=false\nfrom openai import OpenAI\n"),
    ("code", "client = OpenAI()\n"),
    ("code",
     'reply = client.chat.completions.create(\n    model="gpt-4",\n'
     '    messages=[{"role": "user", "content": "Say hi"}],\n)\n'
     "print(reply.choices[0].message.content)\n"),
]


def write_notebook(path: Path) -> None:
    cells: list[Any] = []
    for kind, source in CELLS:
        cell = (nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source))
        cells.append(cell)
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(book, str(path))


def kernel_env(server: LumyxStandin, home: Path) -> dict[str, str]:
    """The kernel's environment: the provider's variables, an OpenAI key that must not leak,
    and no way out of the machine."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(("OPENAI_", "LUMYX_")) and not k.upper().endswith("_PROXY")
    }
    dead = "http://127.0.0.1:9"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = dead
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["LUMYX_API_KEY"] = "nova_test"
    env["LUMYX_BASE_URL"] = server.url
    env["OPENAI_API_KEY"] = OPENAI_KEY
    # Kernel runtime files (connection files) in the test's folder, not in the user's home.
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    env["IPYTHONDIR"] = str(home / "ipython")
    return env


def test_a_migrated_notebook_runs_on_the_provider(
    tmp_path: Path, lumyx_server: LumyxStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "chat.ipynb"
    write_notebook(book)
    before = book.read_bytes()
    if os.environ.get("LUMYX_E2E_SKIP_REWRITE") != "1":
        done = subprocess.run(
            [sys.executable, "-m", "codemod", "apply", "--yes", "chat.ipynb"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stderr
        assert book.read_bytes() != before
    migrated = nbformat.read(str(book), as_version=4)
    nbformat.validate(migrated)
    assert json.loads(book.read_text("utf-8"))["cells"][0] == json.loads(before)["cells"][0]

    env = kernel_env(lumyx_server, tmp_path)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", env["JUPYTER_RUNTIME_DIR"])
    client = nbclient.NotebookClient(
        migrated, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute(env=env)

    requests = lumyx_server.requests
    assert requests, "the notebook sent nothing to the provider"
    assert all(r.authorization == "Bearer nova_test" for r in requests)
    chats = [r for r in requests if r.is_chat]
    assert [r.body["model"] for r in chats] == ["nova_1_1"]
    assert not any(OPENAI_KEY in r.text() for r in requests)
    printed = "".join(o.get("text", "") for o in migrated.cells[3].outputs if o.get("output_type") == "stream")
    assert printed == REPLY + "\n"
