"""End to end on two hosts: each `hosts = 2` fixture program, before and after `apply`, with the
real `openai` SDK against a Lumyx stand-in and an OpenAI stand-in at once (issue 10, invariants
1-3 and 8: no key crosses to the wrong company, every feature still works, and where it works).

A project opts in with `hosts = 2` in `fixtures/<project>/e2e.toml` (the single-host harness,
test_fixture_programs.py, then skips it):

    hosts = 2                        # top level: this harness runs the project
    requires = ["langchain_openai"]  # optional: modules the programs need (else skipped, saying which)

    [[run]]
    argv = ["main.py"]               # run with the test's python, cwd = the project copy
    lumyx_paths = ["/v1/chat/completions"]                     # after apply: what Lumyx sees
    openai_paths = ["/v1/embeddings", "/v1/chat/completions"]  # after apply: what OpenAI sees
    streams = "openai"               # optional: the host ("lumyx" / "openai") of a streamed chat
                                     # after apply; before apply it is OpenAI

Both path lists are required and compared as sets (query strings dropped) with the paths the
stand-in received: `[]` means no request at all. Unknown keys are an error, so a typo cannot
weaken a test.

Three tests per program, each on fresh copies in tmp_path (the fixtures are never written to):

1. before: the unmigrated program, `OPENAI_API_KEY=sk-test-openai`, `OPENAI_BASE_URL` at the
   OpenAI stand-in: exit 0; nothing reaches Lumyx; OpenAI sees exactly lumyx_paths | openai_paths,
   every request with `Bearer sk-test-openai` and answered 2xx.
2. after: `python -m codemod apply --yes` on a copy (exit 0 or 1; once per project, then copied),
   run with `LUMYX_API_KEY=nova_test`, `LUMYX_BASE_URL` at the Lumyx stand-in (no trailing slash,
   as the platform documents it), the OpenAI variables of step 1 and
   `OPENAI_ORG_ID=org-must-not-leak`, `OPENAI_PROJECT_ID=proj_must_not_leak`: exit 0;
   every Lumyx request has `Bearer nova_test`, carries neither the OpenAI key nor the organisation
   or project id, has no (or an empty) `openai-organization` / `openai-project` header, asks chat
   for `nova_1_1` and is answered 2xx; every OpenAI request has `Bearer sk-test-openai`, carries
   no `nova_` anywhere (so neither the Lumyx key nor its model) and is answered 2xx; Lumyx sees
   exactly lumyx_paths and OpenAI exactly openai_paths.
3. without key: the migrated copy again with `LUMYX_API_KEY` unset: it exits non-zero naming
   `LUMYX_API_KEY` in its output, having sent nothing to Lumyx; or, only when lumyx_paths is
   empty (everything stayed on OpenAI), exits 0 with OpenAI seeing exactly openai_paths. Either
   way no OpenAI request carries `nova_` and no Lumyx request lacks `Bearer nova_`.

In every run each streamed chat must have been read to its end, and `streams` names a host that
got one. Failures list every violation at once, with every request of both stand-ins.

Environment as in the single-host harness (`clean_env`): no inherited OPENAI_*/LUMYX_* variables,
HTTP(S)_PROXY/ALL_PROXY at a dead loopback port with NO_PROXY=127.0.0.1,localhost (a request to a
real host fails instead of leaving the machine); PYTEST_ADDOPTS/PYTEST_PLUGINS are dropped for
programs that run pytest, and PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 keeps this environment's plugins out
of them (a project needing one names it with `-p` in its argv).

Proving that these tests bite: with `LUMYX_E2E_SKIP_REWRITE=1` the apply step is skipped, so
steps 2 and 3 run the unmigrated program; every program with a non-empty lumyx_paths must then
FAIL them (everything goes to OpenAI, and it still exits 0 without a Lumyx key):

    LUMYX_E2E_SKIP_REWRITE=1 .venv/bin/pytest tests/e2e/test_two_hosts.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from standin import LumyxStandin, RecordedRequest
from standin_openai import OpenAIStandin
from test_fixture_programs import (
    FIXTURES,
    REPO,
    _output,
    clean_env,
    free_dead_port,
    missing_modules,
)
from test_fixture_programs import Program as OneHostProgram
from test_fixture_programs import run as run_command

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

OPENAI_KEY = "sk-test-openai"
LUMYX_KEY = "nova_test"
LUMYX_MODEL = "nova_1_1"
ORG_ID = "org-must-not-leak"
PROJECT_ID = "proj_must_not_leak"
HOSTS = ("lumyx", "openai")
RUN_KEYS = frozenset({"argv", "lumyx_paths", "openai_paths", "streams", "requires"})
SKIP_REWRITE = os.environ.get("LUMYX_E2E_SKIP_REWRITE", "") not in ("", "0")
# The golden projects issue 10 asks for (item 8); each must be here and run on two hosts.
ISSUE_PROJECTS = frozenset(
    {
        "rag_app",
        "class_client_app",
        "helper_module_app",
        "instructor_app",
        "langchain_rag_app",
        "try_import_app",
        "mock_tests_app",
        "price_table_app",
    }
)

pytestmark = pytest.mark.e2e


# -- the programs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Program:
    project: str
    argv: tuple[str, ...]
    lumyx_paths: frozenset[str] = frozenset()
    openai_paths: frozenset[str] = frozenset()
    streams: str | None = None  # the host of a streamed chat after apply
    requires: tuple[str, ...] = ()
    error: str | None = None  # why the e2e.toml entry is unusable

    @property
    def before(self) -> Path:
        return FIXTURES / self.project / "before"

    @property
    def id(self) -> str:
        return f"{self.project}/{' '.join(self.argv)}"


def _paths(run: dict[str, Any], key: str) -> frozenset[str]:
    value = run.get(key)
    if not (
        isinstance(value, list) and all(isinstance(p, str) and p.startswith("/") for p in value)
    ):
        raise ValueError(f"{key} must be a list of paths, got {value!r}")
    return frozenset(value)


def _program(project: str, run: Any, requires: tuple[str, ...]) -> Program:
    """One [[run]] entry; ValueError says what is wrong with it."""
    if not isinstance(run, dict):
        raise ValueError(f"[[run]] must be a table, got {run!r}")
    unknown = set(run) - RUN_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)} (known: {sorted(RUN_KEYS)})")
    argv = run.get("argv")
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        raise ValueError(f"bad argv {argv!r}")
    streams = run.get("streams")
    if streams is not None and streams not in HOSTS:
        raise ValueError(f"streams must be one of {HOSTS}, got {streams!r}")
    return Program(
        project,
        tuple(argv),
        _paths(run, "lumyx_paths"),
        _paths(run, "openai_paths"),
        streams,
        (*requires, *run.get("requires", ())),
    )


def _programs() -> list[Program]:
    programs: list[Program] = []
    for toml in sorted(FIXTURES.glob("*/e2e.toml")):
        project = toml.parent.name
        try:
            config = tomllib.loads(toml.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            programs.append(Program(project, ("e2e.toml",), error=f"{toml}: {err}"))
            continue
        if config.get("hosts") != 2:
            continue
        runs = config.get("run", [])
        for index, entry in enumerate(runs if isinstance(runs, list) else [runs]):
            try:
                programs.append(_program(project, entry, tuple(config.get("requires", ()))))
            except ValueError as err:
                programs.append(Program(project, (f"run[{index}]",), error=f"{toml}: {err}"))
    return programs


PROGRAMS = _programs()
PARAMS = [pytest.param(p, id=p.id) for p in PROGRAMS]


# -- running --------------------------------------------------------------------------------


def program_env(dead_port: int, **extra: str) -> dict[str, str]:
    env = clean_env(dead_port, **extra)
    for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        env.pop(name, None)
    # A program running pytest loads only the plugins it names (`-p`), not every plugin of this
    # environment (hypothesis, langsmith, xdist, ...: over a second of imports per run).
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


def run_program(
    program: Program, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return run_command([sys.executable, *program.argv], cwd=cwd, env=env)


def openai_env(dead_port: int, openai: OpenAIStandin) -> dict[str, str]:
    """Step 1: what an unmigrated program sees (no Lumyx variables)."""
    return program_env(dead_port, OPENAI_API_KEY=OPENAI_KEY, OPENAI_BASE_URL=openai.url)


def both_env(
    dead_port: int, lumyx: LumyxStandin, openai: OpenAIStandin, *, lumyx_key: bool = True
) -> dict[str, str]:
    """Steps 2 and 3: both companies configured, OpenAI with an organisation and a project."""
    env = program_env(
        dead_port,
        LUMYX_BASE_URL=lumyx.url,
        OPENAI_API_KEY=OPENAI_KEY,
        OPENAI_BASE_URL=openai.url,
        OPENAI_ORG_ID=ORG_ID,
        OPENAI_PROJECT_ID=PROJECT_ID,
    )
    if lumyx_key:
        env["LUMYX_API_KEY"] = LUMYX_KEY
    return env


class Migrations:
    """`apply` once per project into a shared directory; each test copies the result."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.applied: dict[str, subprocess.CompletedProcess[str] | None] = {}

    def copy(self, program: Program, dest: Path) -> Path:
        tree = self.root / program.project
        if program.project not in self.applied:
            shutil.copytree(program.before, tree, ignore=IGNORED)
            self.applied[program.project] = (
                None
                if SKIP_REWRITE
                else run_command(
                    [sys.executable, "-m", "codemod", "apply", "--yes", str(tree)],
                    cwd=REPO,
                    env=program_env(free_dead_port()),
                )
            )
        result = self.applied[program.project]
        if result is not None and result.returncode not in (0, 1):
            pytest.fail(f"lumyx-migrate apply exited {result.returncode}:\n{_output(result)}")
        shutil.copytree(tree, dest, ignore=IGNORED)
        return dest


IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


@pytest.fixture(scope="module")
def migrations(tmp_path_factory: pytest.TempPathFactory) -> Migrations:
    return Migrations(tmp_path_factory.mktemp("migrated"))


def ready(program: Program) -> None:
    """Fail on a bad e2e.toml entry, skip (saying why) when the program's imports are missing."""
    if program.error:
        pytest.fail(program.error)
    as_one_host = OneHostProgram(program.project, program.argv, False, False, program.requires)
    missing = missing_modules(as_one_host, program.before)
    if missing:
        pytest.skip(f"{program.id} needs {', '.join(missing)}, not installed in this environment")


# -- what the stand-ins saw ---------------------------------------------------------------------


def _path(request: RecordedRequest) -> str:
    return request.path.split("?", 1)[0]


def _model(request: RecordedRequest) -> Any:
    return request.body.get("model") if isinstance(request.body, dict) else None


def _describe(host: str, request: RecordedRequest) -> str:
    headers = request.headers
    extras = [f"model={_model(request)!r}"] if _model(request) is not None else []
    extras += [
        f"{h}={headers[h]!r}" for h in ("openai-organization", "openai-project") if h in headers
    ]
    if request.streamed:
        extras.append("stream read to its end" if request.stream_completed else "stream CUT")
    return (
        f"  {host:6} {request.method} {request.path} -> {request.status} "
        f"({request.authorization}) {' '.join(extras)}"
    )


def lumyx_problems(requests: list[RecordedRequest], *, key_set: bool = True) -> Iterator[str]:
    """Invariant 1 on the Lumyx side: its key only, nothing of OpenAI's, a Lumyx model."""
    for r in requests:
        where = f"Lumyx {r.method} {r.path}"
        auth = r.authorization or ""
        if key_set and auth != f"Bearer {LUMYX_KEY}":
            yield f"{where}: authorization {auth!r}, expected 'Bearer {LUMYX_KEY}'"
        if not key_set and not auth.startswith("Bearer nova_"):
            yield f"{where}: authorization {auth!r} without a Lumyx key"
        for secret in (OPENAI_KEY, ORG_ID, PROJECT_ID):
            if secret in r.text():
                yield f"{where}: carries OpenAI's {secret!r}"
        for header in ("openai-organization", "openai-project"):
            if r.headers.get(header, ""):
                yield f"{where}: header {header}: {r.headers[header]!r}"
        if r.is_chat and _model(r) != LUMYX_MODEL:
            yield f"{where}: chat model {_model(r)!r}, expected {LUMYX_MODEL!r}"
        if not 200 <= r.status < 300:
            yield f"{where}: answered {r.status}"


def openai_problems(requests: list[RecordedRequest]) -> Iterator[str]:
    """Invariant 1 on the OpenAI side: its key only, nothing of Lumyx's."""
    for r in requests:
        where = f"OpenAI {r.method} {r.path}"
        if r.authorization != f"Bearer {OPENAI_KEY}":
            yield f"{where}: authorization {r.authorization!r}, expected 'Bearer {OPENAI_KEY}'"
        if "nova_" in r.text():
            yield f"{where}: carries 'nova_' (the Lumyx key or model)"
        if _model(r) == LUMYX_MODEL:
            yield f"{where}: model {LUMYX_MODEL!r}"
        if not 200 <= r.status < 300:
            yield f"{where}: answered {r.status}"


def path_problems(
    host: str, requests: list[RecordedRequest], expected: frozenset[str]
) -> Iterator[str]:
    """Invariant 2: each call on the host that serves it, and nothing else there."""
    seen = {_path(r) for r in requests}
    if seen != expected:
        yield (
            f"{host} saw paths {sorted(seen)}, expected {sorted(expected)}"
            f" (missing {sorted(expected - seen)}, unexpected {sorted(seen - expected)})"
        )


def stream_problems(
    stream_host: str | None, seen: dict[str, list[RecordedRequest]]
) -> Iterator[str]:
    for host, requests in seen.items():
        for r in requests:
            if r.streamed and not r.stream_completed:
                yield f"{host} {r.method} {r.path}: the stream was not read to its end"
    if stream_host is not None and not any(r.is_chat and r.streamed for r in seen[stream_host]):
        yield f"no streamed chat reached {stream_host}"


def assert_clean(
    problems: list[str],
    result: subprocess.CompletedProcess[str],
    lumyx: LumyxStandin,
    openai: OpenAIStandin,
) -> None:
    """One failure listing every problem, the program's output and every request."""
    requests = [_describe("lumyx", r) for r in lumyx.requests]
    requests += [_describe("openai", r) for r in openai.requests]
    assert not problems, (
        "\n".join(problems)
        + f"\n\nexit status {result.returncode}\n{_output(result)}\n--- requests ---\n"
        + ("\n".join(requests) or "  (none)")
    )


# -- the tests ----------------------------------------------------------------------------------


def test_two_host_programs_cover_the_issue() -> None:
    """Every project issue 10 names is here, usable, and between them they use both hosts."""
    usable = [p for p in PROGRAMS if p.error is None]
    assert {p.project for p in usable} >= ISSUE_PROJECTS, [p.error for p in PROGRAMS if p.error]
    assert any(p.lumyx_paths and p.openai_paths for p in usable), "no program splits its calls"
    assert {p.streams for p in usable} >= set(HOSTS), "streams must be exercised on both hosts"


@pytest.mark.parametrize("program", PARAMS)
def test_before_migration_everything_goes_to_openai(
    program: Program, lumyx_server: LumyxStandin, openai_server: OpenAIStandin, tmp_path: Path
) -> None:
    ready(program)
    copy = shutil.copytree(program.before, tmp_path / "before", ignore=IGNORED)
    result = run_program(program, copy, openai_env(free_dead_port(), openai_server))
    lumyx, openai = lumyx_server.requests, openai_server.requests
    problems = [f"exited {result.returncode}"] if result.returncode != 0 else []
    problems += [f"Lumyx was reached: {r.method} {r.path}" for r in lumyx]
    problems += openai_problems(openai)
    problems += path_problems("OpenAI", openai, program.lumyx_paths | program.openai_paths)
    streams = "openai" if program.streams else None
    problems += stream_problems(streams, {"lumyx": lumyx, "openai": openai})
    assert_clean(problems, result, lumyx_server, openai_server)


@pytest.mark.parametrize("program", PARAMS)
def test_after_migration_each_call_goes_to_its_host(
    program: Program,
    lumyx_server: LumyxStandin,
    openai_server: OpenAIStandin,
    migrations: Migrations,
    tmp_path: Path,
) -> None:
    ready(program)
    copy = migrations.copy(program, tmp_path / "migrated")
    result = run_program(program, copy, both_env(free_dead_port(), lumyx_server, openai_server))
    lumyx, openai = lumyx_server.requests, openai_server.requests
    problems = [f"exited {result.returncode}"] if result.returncode != 0 else []
    problems += lumyx_problems(lumyx)
    problems += openai_problems(openai)
    problems += path_problems("Lumyx", lumyx, program.lumyx_paths)
    problems += path_problems("OpenAI", openai, program.openai_paths)
    problems += stream_problems(program.streams, {"lumyx": lumyx, "openai": openai})
    assert_clean(problems, result, lumyx_server, openai_server)


@pytest.mark.parametrize("program", PARAMS)
def test_after_migration_without_the_lumyx_key_nothing_crosses(
    program: Program,
    lumyx_server: LumyxStandin,
    openai_server: OpenAIStandin,
    migrations: Migrations,
    tmp_path: Path,
) -> None:
    ready(program)
    copy = migrations.copy(program, tmp_path / "migrated")
    env = both_env(free_dead_port(), lumyx_server, openai_server, lumyx_key=False)
    result = run_program(program, copy, env)
    lumyx, openai = lumyx_server.requests, openai_server.requests
    problems = list(lumyx_problems(lumyx, key_set=False))
    problems += openai_problems(openai)
    if result.returncode != 0:
        problems += [f"sent {r.method} {r.path} to Lumyx before failing" for r in lumyx]
        if "LUMYX_API_KEY" not in result.stdout + result.stderr:
            problems.append(f"exited {result.returncode} without naming LUMYX_API_KEY")
    elif program.lumyx_paths:
        problems.append(
            f"exited 0 without a Lumyx key, though {sorted(program.lumyx_paths)} belong on Lumyx"
        )
    else:
        problems += path_problems("OpenAI", openai, program.openai_paths)
    assert_clean(problems, result, lumyx_server, openai_server)
