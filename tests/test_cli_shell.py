"""Issue 13's shell through the command line: settings per file, exclusion that matches git,
stdin, file names that are not UTF-8, what `apply` says it did, the Python 2 hint. Stdin, the
prompt and non-UTF-8 names run in a process of their own; the rest in this one (`run_here`)."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import run_cli

CLIENT = "from openai import OpenAI\n\nclient = OpenAI()\n"
LMX101 = "{}:3:10: LMX101 [*] OpenAI client `OpenAI` is not pointed at Lumyx AI"
KEYED = 'from openai import OpenAI\n\nclient = OpenAI(api_key="sk-proj-abcdefghijklmnopqrstuvwxyz0123456789")\n'
LMX501 = "a.py:3:25: LMX501 hardcoded API key sk-p…6789 in source; rotate it and read it from LUMYX_API_KEY"


def run(args: list[str], cwd: Path, stdin: str | bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LUMYX_", "NO_COLOR", "PRE_COMMIT"))}
    data = stdin.encode() if isinstance(stdin, str) else stdin
    done = subprocess.run(
        [sys.executable, "-m", "codemod", *args], cwd=cwd, env={**clean, **(env or {})}, input=data, capture_output=True, timeout=60, check=False
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def run_here(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`run` in this process (click's runner): for what a command prints from its settings and
    files. Stdin, the prompt and file names that are not UTF-8 keep a process of their own."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("LUMYX_", "NO_COLOR", "PRE_COMMIT"))}
    return run_cli(cwd, *args, env={**unset, **(env or {})})


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def reported(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": LMX" in line]


SUB_IGNORES = {
    "pyproject.toml": "[tool.lumyx-migrate]\nline-length = 100\n",
    "sub/pyproject.toml": '[tool.lumyx-migrate]\nignore = ["LMX101"]\n',
    "a.py": CLIENT,
    "sub/b.py": CLIENT,
}


# -- item 3: settings per file ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["check", "."], id="the folder"),
        pytest.param(["check", "a.py", "sub/b.py"], id="the files, root first"),
        pytest.param(["check", "sub/b.py", "a.py"], id="the files, the sub-project first"),
        pytest.param(["check", "-j", "2", "sub", "a.py"], id="in a pool"),
    ],
)
def test_each_file_takes_its_nearest_table(tmp_path: Path, args: list[str]) -> None:
    tree(tmp_path, SUB_IGNORES)
    done = run_here(args, tmp_path)
    assert (reported(done.stdout), done.returncode) == ([LMX101.format("a.py")], 1)


def test_config_flag_applies_one_table_to_every_file(tmp_path: Path) -> None:
    tree(tmp_path, {**SUB_IGNORES, "ci.toml": '[tool.lumyx-migrate]\nignore = ["LMX101"]\n'})
    done = run_here(["check", "--config", "ci.toml", "."], tmp_path)
    assert (reported(done.stdout), done.returncode) == ([], 0)


def test_excludes_are_relative_to_their_table(tmp_path: Path) -> None:
    tree(tmp_path, {"sub/pyproject.toml": '[tool.lumyx-migrate]\nextend-exclude = ["/gen"]\n', "gen/a.py": CLIENT, "sub/gen/b.py": CLIENT, "sub/x/gen/c.py": CLIENT})
    done = run_here(["check", "."], tmp_path)
    assert reported(done.stdout) == [LMX101.format("gen/a.py"), LMX101.format("sub/x/gen/c.py")]


def test_per_file_ignores_and_extend_select(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "pyproject.toml": '[tool.lumyx-migrate]\nselect = ["LMX5"]\nextend-select = ["LMX101"]\n[tool.lumyx-migrate.per-file-ignores]\n"tests/" = ["LMX1"]\n',
            "a.py": CLIENT,
            "tests/test_a.py": CLIENT,
        },
    )
    done = run_here(["check", "."], tmp_path)
    assert reported(done.stdout) == [LMX101.format("a.py")]
    fixed = run_here(["diff", "."], tmp_path)
    assert [line for line in fixed.stdout.splitlines() if line.startswith("+++")] == ["+++ b/a.py"]


def test_verbose_names_settings_and_rules(tmp_path: Path) -> None:
    tree(tmp_path, SUB_IGNORES)
    done = run_here(["check", "-v", "."], tmp_path)
    said = [line for line in done.stderr.splitlines() if line.startswith("lumyx-migrate: settings")]
    assert sorted(said) == sorted(
        [f"lumyx-migrate: settings {tmp_path / 'pyproject.toml'}, rules built-in rules", f"lumyx-migrate: settings {tmp_path / 'sub/pyproject.toml'}, rules built-in rules"]
    )


def test_show_files_and_show_settings(tmp_path: Path) -> None:
    tree(tmp_path, {**SUB_IGNORES, "build/c.py": CLIENT})
    assert run_here(["check", "--show-files", "."], tmp_path).stdout == "a.py\nsub/b.py\n"
    shown = run_here(["check", "--show-settings", "sub"], tmp_path).stdout.splitlines()
    assert (shown[0], shown[3]) == (f"settings: {tmp_path / 'sub/pyproject.toml'}", "ignore: LMX101")


def test_readme_sample_keeps_the_default_excludes() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    sample = readme[readme.index("[tool.lumyx-migrate]\nrules") :].split("```")[0]
    assert "\nexclude =" not in sample and "extend-exclude" in sample


# -- item 4: exclusion that matches git ---------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_negated_gitignore_keeps_files_git_keeps_and_counts_the_rest(tmp_path: Path) -> None:
    files = {".gitignore": "plugins/**/\n!plugins/godcmd\n", "plugins/godcmd/x.py": CLIENT, "plugins/other/y.py": CLIENT, "plugins/godcmd/sub/z.py": CLIENT}
    tree(tmp_path, files)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    done = run_here(["check", "-v", "."], tmp_path)
    assert reported(done.stdout) == [LMX101.format("plugins/godcmd/x.py")]
    assert "lumyx-migrate: skipped 0 paths excluded and 2 ignored by .gitignore (a folder counts once)" in done.stderr.splitlines()


@pytest.mark.parametrize(
    ("args", "listed"),
    [
        pytest.param(["check", "build/x.py"], [LMX101.format("build/x.py")], id="a named file is read though excluded"),
        pytest.param(["check", "--force-exclude", "build/x.py"], [], id="--force-exclude applies the excludes"),
        pytest.param(["check", "--force-exclude", "ignored.py"], [], id="--force-exclude applies .gitignore"),
        pytest.param(["check", "--force-exclude", "a.py"], [LMX101.format("a.py")], id="--force-exclude keeps the rest"),
    ],
)
def test_force_exclude(tmp_path: Path, args: list[str], listed: list[str]) -> None:
    tree(tmp_path, {"build/x.py": CLIENT, "ignored.py": CLIENT, "a.py": CLIENT, ".gitignore": "ignored.py\n"})
    (tmp_path / ".git").mkdir()
    done = run_here(args, tmp_path)
    assert reported(done.stdout) == listed
    assert ("No Python files found" in done.stderr) is (not listed)


def test_pre_commit_hooks_force_excludes() -> None:
    hooks = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text()
    assert [line.strip() for line in hooks.splitlines() if "entry:" in line] == [
        "entry: lumyx-migrate check --force-exclude",
        "entry: lumyx-migrate apply --yes --allow-dirty --force-exclude",
    ]


def test_no_python_file_warns(tmp_path: Path) -> None:
    tree(tmp_path, {"README.md": "hi\n"})
    done = run_here(["check", "."], tmp_path)
    assert (done.returncode, done.stderr.splitlines()[0]) == (0, "lumyx-migrate: warning: No Python files found")


# -- item 7: stdin ------------------------------------------------------------------------------


def test_check_stdin_with_the_settings_of_its_name(tmp_path: Path) -> None:
    tree(tmp_path, SUB_IGNORES)
    assert reported(run(["check", "-", "--stdin-filename", "a.py"], tmp_path, CLIENT).stdout) == [LMX101.format("a.py")]
    assert reported(run(["check", "-", "--stdin-filename", "sub/new.py"], tmp_path, CLIENT).stdout) == []
    assert reported(run(["check", "-"], tmp_path, CLIENT).stdout) == [LMX101.format("-")]


def test_stdin_of_an_excluded_name_reports_nothing(tmp_path: Path) -> None:
    done = run(["check", "-", "--stdin-filename", "build/x.py"], tmp_path, CLIENT)
    assert (done.stdout, done.returncode) == ("", 0)


def test_diff_stdin_prints_its_diff_and_writes_nothing(tmp_path: Path) -> None:
    done = run(["diff", "-", "--stdin-filename", "app.py"], tmp_path, CLIENT)
    assert done.stdout.splitlines()[:2] == ["--- a/app.py", "+++ b/app.py"]
    assert "+    api_key=os.environ[\"LUMYX_API_KEY\"]," in done.stdout.splitlines()
    assert list(tmp_path.iterdir()) == []
    refused = run(["apply", "-"], tmp_path, CLIENT)
    assert (refused.returncode, refused.stderr) == (2, "lumyx-migrate: error: apply does not read stdin: use `diff -`, which prints the change\n")


# -- item 10: file names that are not UTF-8 -----------------------------------------------------


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse such names")
@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab", "json-lines", "junit", "text", "full", "github", "markdown"])
def test_a_name_that_is_not_utf8(tmp_path: Path, fmt: str) -> None:
    (tmp_path / os.fsdecode(b"bad\xff.py")).write_text(CLIENT)
    (tmp_path / os.fsdecode(b"syn\xfe.py")).write_text("import openai\nx = (\n")
    done = subprocess.run([sys.executable, "-m", "codemod", "check", "--format", fmt, "."], cwd=tmp_path, capture_output=True, timeout=60, check=False)
    assert (done.returncode, b"Traceback" in done.stderr) == (1, False)
    text = done.stdout.decode("utf-8")  # valid UTF-8, or this raises
    assert "syn" in text and "xff.py" in text.replace("%5C", "\\")
    if fmt == "json":
        assert sorted(f["filename"] for f in json.loads(text)) == ["bad\\xff.py", "syn\\xfe.py"]


# -- item 11: apply says what it did ------------------------------------------------------------


def _prompted(cwd: Path, answer: str | None, before_answer: object = None) -> tuple[int, str]:
    """`apply` on a terminal: wait for the question, call `before_answer`, then type `answer`
    (None: Ctrl-C)."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUMYX_", "PRE_COMMIT"))}
    process = subprocess.Popen([sys.executable, "-m", "codemod", "apply", "--jobs", "1", "."], cwd=cwd, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    err = b""
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while b"[y/N] " not in err and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 1)
        if ready:
            err += os.read(process.stderr.fileno(), 4096)
    if callable(before_answer):
        before_answer()
    if answer is None:
        process.send_signal(signal.SIGINT)
    else:
        os.write(master, answer.encode())
    _, rest = process.communicate(timeout=60)
    os.close(master)
    return process.returncode, (err + rest).decode()


def test_apply_lists_what_needs_a_person_before_asking_and_warns_outside_git(tmp_path: Path) -> None:
    tree(tmp_path, {"a.py": KEYED})
    code, err = _prompted(tmp_path, "y\n")
    lines = err.splitlines()
    assert lines.index(LMX501) < lines.index("lumyx-migrate: warning: not in a git repository: nothing can undo this rewrite; keep a copy first") + 2
    question = next(i for i, line in enumerate(lines) if line.startswith("Rewrite 1 file? [y/N]"))
    assert lines.index(LMX501) < question
    assert lines[question:] == ["Rewrite 1 file? [y/N] 1 file rewritten.", "1 finding needs a person (listed above; `lumyx-migrate explain CODE` says why)."]
    assert code == 1


def test_a_file_changed_at_the_prompt_is_not_counted_as_written(tmp_path: Path) -> None:
    tree(tmp_path, {"a.py": CLIENT})
    code, err = _prompted(tmp_path, "y\n", lambda: (tmp_path / "a.py").write_text(CLIENT + "# mine\n"))
    assert (tmp_path / "a.py").read_text() == CLIENT + "# mine\n"
    assert err.splitlines()[-2:] == ["0 files rewritten.", "1 file could not be written (listed above)."]
    assert "Nothing needs a person." not in err
    assert code == 1


def test_ctrl_c_at_the_prompt_exits_130(tmp_path: Path) -> None:
    tree(tmp_path, {"a.py": CLIENT})
    code, err = _prompted(tmp_path, None)
    assert (code, err.splitlines()[-1], (tmp_path / "a.py").read_text()) == (130, "lumyx-migrate: interrupted; nothing written", CLIENT)
    assert "files already written" not in err


@pytest.mark.parametrize(
    ("env", "hint"),
    [
        pytest.param({}, "[*] 1 fixable: run `lumyx-migrate apply` to fix it.", id="by hand"),
        pytest.param({"PRE_COMMIT": "1"}, "[*] 1 fixable: run `lumyx-migrate apply --allow-dirty` to fix it.", id="in a pre-commit hook: staged files are not refused"),
    ],
)
def test_check_hint_fits_the_flow(tmp_path: Path, env: dict[str, str], hint: str) -> None:
    tree(tmp_path, {"a.py": CLIENT})
    assert hint in run_here(["check", "a.py"], tmp_path, env=env).stderr.splitlines()


# -- item 6 leftover: the parse error's hint ----------------------------------------------------


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        pytest.param('import openai\nprint "x"\n', "this looks like Python 2 code", id="print statement"),
        pytest.param("import openai\nx = 0777\n", "this looks like Python 2 code", id="octal literal"),
        pytest.param("import openai\nx = (\n", "run lumyx-migrate under the project's own Python", id="other syntax errors: newer syntax"),
    ],
)
def test_parse_error_is_named_once_with_a_fitting_hint(tmp_path: Path, source: str, hint: str) -> None:
    tree(tmp_path, {"a.py": source})
    done = run_here(["diff", "."], tmp_path)
    named = [line for line in done.stderr.splitlines() if line.startswith("a.py:")]
    assert len(named) == 1 and hint in named[0]
