"""End to end: every runnable fixture program, before and after `lumyx-migrate apply`, on the real SDK.

Each `fixtures/<project>/e2e.toml` lists programs of `fixtures/<project>/before/`:

    requires = ["langchain_openai"]  # optional: modules the programs need (else skipped)

    [[run]]
    argv = ["main.py"]          # relative to the project dir, run with sys.executable there
    streams = true              # the program makes a streamed chat call
    uses_module_client = false  # it calls openai.chat.completions.create on the module

A project with `hosts = 2` at the top of its e2e.toml is skipped here: test_two_hosts.py runs it
against a Lumyx and an OpenAI stand-in at once.

For each program, on copies in a temporary directory (the fixtures are never written to):

1. The unmigrated program runs with `OPENAI_API_KEY=sk-must-not-leak` and `OPENAI_BASE_URL` at a
   dead loopback port: it must fail, and nothing may reach the Lumyx stand-in.
2. `python -m codemod apply --yes` migrates a fresh copy (exit 0, or 1 when something is left for a
   person); the migrated program then runs with `LUMYX_API_KEY=nova_test`, `LUMYX_BASE_URL` at the
   stand-in (no trailing slash, as the platform documents it), `OPENAI_API_KEY=sk-must-not-leak` and
   no `OPENAI_BASE_URL`. It must exit 0 after sending at least one request; every request must carry
   `Bearer nova_test`, every chat request model `nova_1_1`; a streaming program's stream must have
   been served whole (deltas and `data: [DONE]`); the OpenAI key must appear in no request.

Nothing leaves the machine: every subprocess gets `HTTP(S)_PROXY`/`ALL_PROXY` set to a dead
loopback port with `NO_PROXY=127.0.0.1,localhost`, so a request to any real host (say
api.openai.com, from a program the rewrite missed) fails instead of going out.

Proving that these tests bite: run them with `LUMYX_E2E_SKIP_REWRITE=1`. The apply step is then
skipped and the *unmigrated* program runs in step 2; it must fail the step-2 assertions (its SDK
falls back to `OPENAI_API_KEY` and OpenAI's URL, which the dead proxy refuses):

    LUMYX_E2E_SKIP_REWRITE=1 .venv/bin/pytest tests/e2e -m e2e   # expect every program to FAIL

A program whose imports are not installed here (e.g. `langchain_openai`) is skipped, saying which.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from standin import LumyxStandin

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
LEAKED_KEY = "sk-must-not-leak"
LUMYX_KEY = "nova_test"
LUMYX_MODEL = "nova_1_1"
TIMEOUT = 60  # seconds, for every subprocess
SKIP_REWRITE = os.environ.get("LUMYX_E2E_SKIP_REWRITE", "") not in ("", "0")

pytestmark = pytest.mark.e2e


# -- the programs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Program:
    project: str
    argv: tuple[str, ...]
    streams: bool
    uses_module_client: bool
    # Top-level modules it needs beyond what its imports show (`requires = [...]` at the top of
    # e2e.toml or in the [[run]] entry).
    requires: tuple[str, ...] = ()
    error: str | None = None  # why the e2e.toml entry is unusable

    @property
    def before(self) -> Path:
        return FIXTURES / self.project / "before"


def _programs() -> list[Program]:
    programs: list[Program] = []
    for toml in sorted(FIXTURES.glob("*/e2e.toml")):
        project = toml.parent.name
        try:
            config = tomllib.loads(toml.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            programs.append(Program(project, ("e2e.toml",), False, False, error=f"{toml}: {err}"))
            continue
        if config.get("hosts") == 2:
            continue  # run against two stand-ins by test_two_hosts.py
        runs = config.get("run", [])
        project_requires = config.get("requires", [])
        for run in runs if isinstance(runs, list) else [runs]:
            argv = run.get("argv") if isinstance(run, dict) else None
            if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
                programs.append(
                    Program(project, ("?",), False, False, error=f"{toml}: bad argv {argv!r}")
                )
                continue
            programs.append(
                Program(
                    project,
                    tuple(argv),
                    streams=bool(run.get("streams", False)),
                    uses_module_client=bool(run.get("uses_module_client", False)),
                    requires=(*project_requires, *run.get("requires", ())),
                )
            )
    return programs


PROGRAMS = _programs()


def _program_id(program: Program) -> str:
    return f"{program.project}/{' '.join(program.argv)}"


# -- which imports a program needs ------------------------------------------------------------


def _executed_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run unconditionally: not under `if TYPE_CHECKING:` nor `try/except ImportError`."""

    def optional_try(node: ast.Try) -> bool:
        names = []
        for handler in node.handlers:
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            names += [
                t.id if isinstance(t, ast.Name) else getattr(t, "attr", "")
                for t in types
                if t is not None
            ]
        return any(name in ("ImportError", "ModuleNotFoundError", "Exception") for name in names)

    def walk(nodes: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                yield node
            elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                yield from walk(node.orelse)
            elif isinstance(node, ast.Try) and optional_try(node):
                continue
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    children = getattr(node, field, None)
                    if isinstance(children, list):
                        yield from walk([c for c in children if isinstance(c, ast.stmt)])
                    for handler in children or []:
                        if isinstance(handler, ast.ExceptHandler):
                            yield from walk(handler.body)

    yield from walk(tree.body)


def _module_files(roots: list[Path], dotted: str) -> list[Path] | None:
    """The local files that importing `dotted` runs (`__init__.py` of packages included).

    None when `dotted` is not local to any root (a third-party or stdlib module).
    """
    parts = dotted.split(".")
    for root in roots:
        if not ((root / parts[0]).is_dir() or (root / f"{parts[0]}.py").is_file()):
            continue
        files: list[Path] = []
        here = root
        for part in parts:
            if (here / part).is_dir():
                if (here / part / "__init__.py").is_file():
                    files.append(here / part / "__init__.py")
                here = here / part
            elif (here / f"{part}.py").is_file():
                files.append(here / f"{part}.py")
                break
            else:
                break  # a name defined in the module, not a submodule
        return files
    return None


def missing_modules(program: Program, project_dir: Path) -> list[str]:
    """Top-level modules the program needs that are not installed.

    Follows the program's local imports from its script, so a file it never imports (a web
    route needing fastapi, a script needing tiktoken) does not count.
    """
    script = (project_dir / program.argv[0]).resolve()
    roots = [script.parent, project_dir.resolve()]
    needed: set[str] = set(program.requires)
    seen: set[Path] = set()
    queue = [script]
    while queue:
        path = queue.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in _executed_imports(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = _module_files(roots, alias.name)
                    if local is None:
                        needed.add(alias.name.split(".")[0])
                    queue += local or []
                continue
            if node.level:  # relative: always local
                base = path.parent
                for _ in range(node.level - 1):
                    base = base.parent
                search = [base]
            else:
                search = roots
            module = node.module or ""
            local = _module_files(search, module) if module else []
            if local is None:
                if not node.level:
                    needed.add(module.split(".")[0])
                continue
            queue += local
            for alias in node.names:  # `from pkg import submodule`
                name = f"{module}.{alias.name}" if module else alias.name
                queue += _module_files(search, name) or []
    return sorted(
        name
        for name in needed
        if name
        and name not in sys.stdlib_module_names
        and name != "__future__"
        and importlib.util.find_spec(name) is None
    )


# -- running things ---------------------------------------------------------------------------


def free_dead_port() -> int:
    """A loopback port nothing listens on: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def clean_env(dead_port: int, **extra: str) -> dict[str, str]:
    """os.environ minus OPENAI_*/LUMYX_* and proxies; every non-loopback request goes to a dead proxy."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(("OPENAI_", "LUMYX_")) and not k.upper().endswith("_PROXY")
    }
    dead_proxy = f"http://127.0.0.1:{dead_port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = dead_proxy
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def run(argv: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if argv[1:3] != ["-m", "codemod"]:
        # A fixture program runs no code of the tool: not measured by coverage (which would
        # trace its SDK imports and calls for nothing; the slowest part of the suite).
        env = {k: v for k, v in env.items() if not k.startswith("COVERAGE_PROCESS_")}
    try:
        return subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(
            f"{' '.join(argv)} (in {cwd}) did not finish within {TIMEOUT} s:\n{_output(err)}"
        )


def _output(result: Any) -> str:
    def text(value: Any) -> str:
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        return value or ""

    return f"--- stdout ---\n{text(result.stdout)}\n--- stderr ---\n{text(result.stderr)}"


def copy_project(program: Program, dest: Path) -> Path:
    shutil.copytree(program.before, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


# -- the tests ----------------------------------------------------------------------------------


def test_fixture_programs_are_found() -> None:
    """The parametrised test below is empty, not green, when no fixture declares a program."""
    assert PROGRAMS, f"no fixtures/*/e2e.toml with a [[run]] entry under {FIXTURES}"


def test_fixture_programs_cover_the_issue() -> None:
    """Issue 6 asks for streaming and the module-level client among the programs run end to end."""
    usable = [p for p in PROGRAMS if p.error is None]
    assert any(p.streams for p in usable), "no fixture program streams"
    assert any(p.uses_module_client for p in usable), (
        "no fixture program uses the module-level client"
    )


@pytest.mark.parametrize("program", PROGRAMS, ids=[_program_id(p) for p in PROGRAMS])
def test_fixture_program(program: Program, lumyx_server: LumyxStandin, tmp_path: Path) -> None:
    if program.error:
        pytest.fail(program.error)
    missing = missing_modules(program, program.before)
    if missing:
        pytest.skip(
            f"{_program_id(program)} needs {', '.join(missing)}, not installed in this environment"
        )
    dead_port = free_dead_port()
    argv = [sys.executable, *program.argv]

    # 1. Unmigrated, pointed at a dead port: it fails, and nothing reaches the stand-in.
    before = copy_project(program, tmp_path / "before")
    env = clean_env(
        dead_port,
        OPENAI_API_KEY=LEAKED_KEY,
        OPENAI_BASE_URL=f"http://127.0.0.1:{dead_port}/v1",
    )
    result = run(argv, cwd=before, env=env)
    assert result.returncode != 0, (
        f"the unmigrated program succeeded against a dead port:\n{_output(result)}"
    )
    assert lumyx_server.requests == [], "the unmigrated program reached the Lumyx stand-in"

    # 2. Migrated: it works against the stand-in, with the Lumyx key only.
    migrated = copy_project(program, tmp_path / "migrated")
    if not SKIP_REWRITE:
        apply = run(
            [sys.executable, "-m", "codemod", "apply", "--yes", str(migrated)],
            cwd=REPO,
            env=clean_env(dead_port),
        )
        assert apply.returncode in (0, 1), (
            f"lumyx-migrate apply exited {apply.returncode}:\n{_output(apply)}"
        )
    env = clean_env(
        dead_port,
        LUMYX_API_KEY=LUMYX_KEY,
        LUMYX_BASE_URL=lumyx_server.url,
        OPENAI_API_KEY=LEAKED_KEY,
    )
    result = run(argv, cwd=migrated, env=env)
    requests = lumyx_server.requests
    seen = "\n".join(f"  {r.method} {r.path} -> {r.status} ({r.authorization})" for r in requests)
    assert result.returncode == 0, (
        f"the migrated program exited {result.returncode}\n{_output(result)}\nrequests:\n{seen or '  (none)'}"
    )
    assert requests, f"the migrated program sent no request to the stand-in:\n{_output(result)}"
    for request in requests:
        assert LEAKED_KEY not in request.text(), (
            f"{request.method} {request.path} carried the OpenAI key"
        )
        assert request.authorization == f"Bearer {LUMYX_KEY}", (
            f"{request.method} {request.path}:\n{seen}"
        )
        assert 200 <= request.status < 300, f"{request.method} {request.path} was refused:\n{seen}"
        if request.is_chat:
            model = request.body.get("model") if isinstance(request.body, dict) else None
            assert model == LUMYX_MODEL, f"chat request with model {model!r}"
    chats = [r for r in requests if r.is_chat]
    if program.streams:
        streamed = [r for r in chats if r.streamed]
        assert streamed, f"no streamed chat request reached the stand-in:\n{seen}"
        assert all(r.stream_completed for r in streamed), "a stream was not read to its end"
