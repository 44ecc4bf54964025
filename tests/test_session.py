"""The glue between runner and reports: what counts as an error, what is written, exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codemod import applying, session
from codemod.session import Outcome, _display
from codemod.settings import Flags
from codemod.types import FileResult, Finding

FIXABLE = Finding("LMX101", "m", 1, 1, 1, 2, fix=None)


def test_outcome_counts() -> None:
    results = [
        FileResult("a.py", old_text="x", new_text="y"),
        FileResult("b.py", error="cannot parse"),
        FileResult("c.py", error="internal error: boom", internal_error=True),
        FileResult("d.py", (FIXABLE,)),
    ]
    outcome = Outcome(results, problems=[("e.py", "broken symlink")])
    assert [r.path for r in outcome.changed] == ["a.py"]
    assert outcome.file_errors == 3, "two failed files and one discovery problem"
    assert outcome.internal_errors == 1


def test_display_is_relative_under_cwd_and_absolute_elsewhere(tmp_path: Path, monkeypatch: object) -> None:
    import os

    here = Path(os.getcwd()).resolve()
    assert _display(here / "pkg" / "a.py") == os.path.join("pkg", "a.py")
    outside = Path("/") / "definitely-elsewhere" / "b.py"
    assert _display(outside) == str(outside)


def _cli(args: list[str], cwd: Path) -> tuple[int, str]:
    import os

    from click.testing import CliRunner

    from codemod.cli import main

    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(old)
    return result.exit_code, result.stderr


def test_a_tree_with_only_a_broken_link_has_not_passed(tmp_path: Path) -> None:
    """A path that could not be scanned is named, counted, and never summed up as a pass."""
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "gone.py").symlink_to(tmp_path / "missing.py")
    code, err = _cli(["check", "--jobs", "1", "."], tmp_path)
    assert code == 1
    assert err.splitlines() == [
        "gone.py: broken symlink",
        "Scanned 1 file; 0 files with pending changes.",
        "1 path could not be scanned (listed above).",
    ]


def test_git_that_cannot_tell_what_is_dirty_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E.g. git's "dubious ownership": no traceback, nothing written, exit 2."""
    from codemod import gitstate

    def refuse(paths: object) -> set[Path]:
        raise gitstate.GitStateError("git status failed: detected dubious ownership in repository")

    monkeypatch.setattr(gitstate, "dirty_files", refuse)
    source = "from openai import OpenAI\nclient = OpenAI()\n"
    (tmp_path / "app.py").write_text(source)
    code, err = _cli(["apply", "--yes", "--jobs", "1", "."], tmp_path)
    assert code == 2
    assert err.splitlines()[-1] == (
        "lumyx-migrate: error: git status failed: detected dubious ownership in repository"
    )
    assert (tmp_path / "app.py").read_text() == source


def test_apply_never_says_nothing_needs_a_person_when_a_file_failed(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from openai import OpenAI\nclient = OpenAI()\n")
    (tmp_path / "syntax.py").write_bytes(b"import openai\ndef (:\n")
    code, err = _cli(["apply", "--yes", "--allow-dirty", "--jobs", "1", "."], tmp_path)
    assert code == 1
    assert err.splitlines()[-2:] == [
        "1 file rewritten.",
        "1 file could not be processed and was left as it was (listed above).",
    ]


CHECK = {"fmt": "text", "output": None, "statistics": False}
UNKNOWN = "lumyx-migrate: error: unknown code or prefix 'LMX7' in --select/--ignore (see `lumyx-migrate rules`)\n"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: session.check(Flags(paths=("missing",)), **CHECK), "lumyx-migrate: error: path does not exist: missing\n", id="check of a missing path"),
        pytest.param(lambda: session.diff(Flags(paths=("missing",))), "lumyx-migrate: error: path does not exist: missing\n", id="diff of a missing path"),
        pytest.param(lambda: applying.apply(Flags(select=("LMX7",)), yes=True, allow_dirty=True), UNKNOWN, id="apply with an unknown code"),
        pytest.param(lambda: session.explain("lmx999"), "lumyx-migrate: error: unknown code 'lmx999'; `lumyx-migrate rules` lists them all\n", id="explain of an unknown code"),
        pytest.param(lambda: session.rules(Path("missing.toml")), "lumyx-migrate: error: missing.toml: cannot read rules file", id="rules from a missing file"),
        pytest.param(lambda: session.doctor(chat=False, timeout=1.0, model=None, rules_path=Path("missing.toml")), "lumyx-migrate: error: missing.toml: cannot read rules file", id="doctor with a missing rules file"),
    ],
)
def test_a_command_that_cannot_run_returns_2_and_says_why_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], call: Callable[[], int], message: str
) -> None:
    """Session functions return the exit code; only the CLI exits (a SystemExit would fail here)."""
    monkeypatch.chdir(tmp_path)
    assert call() == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(message) and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "exit_code", "code", "diffed"),
    [
        pytest.param({}, False, 0, True, id="diff: a pending change is 0"),
        pytest.param({}, True, 1, True, id="diff --exit-code: a pending change is 1"),
        pytest.param({"select": ("LMX9",)}, True, 0, False, id="diff --exit-code: nothing selected is 0"),
    ],
)
def test_diff_returns_its_exit_code(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: dict[str, Any],
    exit_code: bool,
    code: int,
    diffed: bool,
) -> None:
    (tmp_path / "app.py").write_text("from openai import OpenAI\nclient = OpenAI()\n")
    monkeypatch.chdir(tmp_path)
    assert session.diff(Flags(jobs=1, quiet=True, **args), exit_code=exit_code) == code
    out, _ = capsys.readouterr()
    assert ("+++ b/app.py" in out) is diffed


@pytest.mark.parametrize(
    ("decorator", "said"),
    [
        pytest.param(session.interruptible_writes, "lumyx-migrate: interrupted; files already written are complete, the rest untouched\n", id="apply talks about written files"),
        pytest.param(session.interruptible, "lumyx-migrate: interrupted; no file was written\n", id="check and diff do not"),
    ],
)
def test_ctrl_c_is_one_line_and_130(capsys: pytest.CaptureFixture[str], decorator: Any, said: str) -> None:
    @decorator
    def command(value: int) -> int:
        raise KeyboardInterrupt

    assert command(1) == 130
    assert capsys.readouterr().err == said


def test_an_escaped_bug_is_one_line_and_2(capsys: pytest.CaptureFixture[str]) -> None:
    @session.interruptible
    def command(value: int) -> int:
        raise LookupError("boom\nsecond line")

    assert command(1) == 2
    assert capsys.readouterr().err == "lumyx-migrate: error: internal error: LookupError: boom; please report it\n"


# --- the table of client decisions (issue 10 item 2) -----------------------------------------

KEPT = {
    "clients.py": "from openai import OpenAI\n\nshared = OpenAI()\nchat_only = OpenAI()\n",
    "search.py": (
        "from clients import chat_only, shared\n\n"
        "def ask(q):\n    return shared.chat.completions.create(model='m', messages=[])\n\n"
        "def embed(q):\n    return shared.embeddings.create(model='e', input=q)\n\n"
        "def talk(q):\n    return chat_only.chat.completions.create(model='m', messages=[])\n"
    ),
}
SPLIT = {
    "pyproject.toml": '[tool.lumyx-migrate]\nunserved-clients = "split"\n',
    "app.py": (
        "from openai import OpenAI\n\nclient = OpenAI()\n\n"
        "def ask(q):\n    return client.chat.completions.create(model='m', messages=[])\n\n"
        "def draw(q):\n    return client.images.generate(prompt=q)\n"
    ),
}
MODULE = {
    "chat.py": "import openai\n\ndef ask(q):\n    return openai.chat.completions.create(model='m', messages=[])\n",
    "search.py": "import openai\n\ndef embed(q):\n    return openai.embeddings.create(model='e', input=q)\n",
}
DOUBLE = {
    "tests/test_app.py": (
        "import respx\nfrom openai import OpenAI\n\n"
        "def test_it():\n    c = OpenAI(api_key='x', base_url='http://test')\n"
        "    c.chat.completions.create(model='m', messages=[])\n"
    ),
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _table(err: str) -> list[str]:
    """The table and its count line, out of everything on stderr."""
    lines = err.splitlines()
    if "Clients (decided from the whole project):" not in lines:
        return []
    start = lines.index("Clients (decided from the whole project):")
    end = next(i for i in range(start, len(lines)) if lines[i][:1].isdigit())
    return lines[start : end + 1]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            KEPT,
            [
                "Clients (decided from the whole project):",
                "  keep     clients.py:3:10  OpenAI  chat, embeddings  LMX106 (search.py:7)",
                "  migrate  clients.py:4:13  OpenAI  chat",
                "2 clients: 1 migrate, 1 keep",
            ],
            id="a client that embeds in another module is kept, the chat-only one migrated",
        ),
        pytest.param(
            SPLIT,
            [
                "Clients (decided from the whole project):",
                "  split  app.py:3:10  OpenAI  chat, images  LMX101 (app.py:9)",
                "1 client: 1 split",
            ],
            id="with unserved-clients = split the client is split",
        ),
        pytest.param(
            MODULE,
            [
                "Clients (decided from the whole project):",
                "  keep  chat.py  openai (module client)  chat, embeddings  LMX402 (search.py:4)",
                "1 client: 1 keep",
            ],
            id="the module client is one client, kept by a module that embeds",
        ),
        pytest.param(DOUBLE, [], id="a test double is no client of the table"),
        pytest.param({"a.py": "x = 1\n"}, [], id="no clients, no table"),
    ],
)
def test_check_prints_one_decision_per_client(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    _write(tmp_path, files)
    _, err = _cli(["check", "--jobs", "1", "."], tmp_path)
    assert _table(err) == expected
    assert ("Clients (" in err) == bool(expected)
    if expected:
        assert err.splitlines()[len(expected)].startswith("Scanned "), "the table comes before the totals"


def test_diff_prints_the_table_after_what_needs_a_person(tmp_path: Path) -> None:
    _write(tmp_path, KEPT)
    code, err = _cli(["diff", "--jobs", "1", "."], tmp_path)
    lines = err.splitlines()
    start = lines.index("Clients (decided from the whole project):")
    assert code == 0
    assert lines[0].startswith("clients.py:3:10: LMX106 ")
    assert all(": LMX" in line for line in lines[:start]), "after the findings that need a person"
    assert lines[start : start + 4] == _table(err)
    assert lines[start + 4] == "1 file would be rewritten."


@pytest.mark.parametrize("command", [pytest.param("check", id="check"), pytest.param("diff", id="diff")])
def test_quiet_omits_the_table(tmp_path: Path, command: str) -> None:
    _write(tmp_path, KEPT)
    _, err = _cli([command, "--quiet", "--jobs", "1", "."], tmp_path)
    assert "Clients (" not in err


@pytest.mark.parametrize(
    "fmt", [pytest.param("json", id="json"), pytest.param("github", id="github"), pytest.param("sarif", id="sarif")]
)
def test_a_machine_format_has_no_table(tmp_path: Path, fmt: str) -> None:
    _write(tmp_path, KEPT)
    _, err = _cli(["check", "--format", fmt, "--jobs", "1", "."], tmp_path)
    assert "Clients (" not in err


def _notebook(*cells: str) -> str:
    import json

    code = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for c in cells]
    return json.dumps({"cells": code, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_notebook_client_is_placed_in_its_cell(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "nb.ipynb": _notebook(
                "from openai import OpenAI\n",
                "x = 1\nclient = OpenAI()\n",
                "client.chat.completions.create(model='m', messages=[])\nclient.embeddings.create(model='e', input='q')\n",
            )
        },
    )
    _, err = _cli(["check", "--jobs", "1", "."], tmp_path)
    assert _table(err) == [
        "Clients (decided from the whole project):",
        "  keep  nb.ipynb:cell 2:2:10  OpenAI  chat, embeddings  LMX106 (nb.ipynb:cell 3:2)",
        "1 client: 1 keep",
    ]
