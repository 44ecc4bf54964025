"""Golden projects through the CLI: diff shows the change and `git apply` takes it, apply
turns before/ into after/ byte for byte, check fails on before/ and on after/ reports only what
needs a person (recorded in check-before.txt / check-after.txt next to the trees).

The commands run in process (click's test runner, in the project's folder): what is compared
here is what they print and write, the same in a process of their own (exit statuses, pipes,
signals and the installed entry point have their tests in test_cli*.py, test_interrupt.py and
test_install.py); a process per command cost more than the commands (issue 11 goal 5).

Regenerate after a deliberate change with `LUMYX_REGEN_FIXTURES=1 pytest tests/test_fixtures.py`,
then review `git diff fixtures/`.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import FIXTURES, run_cli

PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if (p / "before").is_dir())
REGEN = os.environ.get("LUMYX_REGEN_FIXTURES") == "1"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(cwd, *args, env={"CI": None, "NO_COLOR": "1"})


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(params=PROJECTS)
def project(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    name = request.param
    work = tmp_path / name
    shutil.copytree(FIXTURES / name / "before", work)
    return name, work


def test_every_project_is_here() -> None:
    assert {
        "sync_app",
        "async_fastapi_app",
        "legacy_sdk_app",
        "settings_module",
        "langchain_app",
        "other_provider_app",
        "aliased_imports_app",
        # Issue 10's golden multi-file projects (also run on two hosts by tests/e2e/test_two_hosts.py).
        "rag_app",
        "class_client_app",
        "helper_module_app",
        "instructor_app",
        "langchain_rag_app",
        "try_import_app",
        "mock_tests_app",
        "notebook_deploy_app",
        "price_table_app",
    } <= set(PROJECTS)


# Projects the tool must leave as they are: another provider's clients; the SDK's module-level
# client, some of whose calls (embeddings, legacy completions) Lumyx does not serve (LMX402).
NOTHING_TO_FIX = {"other_provider_app", "legacy_sdk_app", "settings_module", "module_client_app"}


def generated(path: Path) -> Path:
    """`path` (an after/ tree or a check file the tool generates), which must exist unless regenerating."""
    assert REGEN or path.exists(), (
        f"{path} is missing: generate it with `LUMYX_REGEN_FIXTURES=1 pytest tests/test_fixtures.py`"
        " and review it against fixtures/README.md"
    )
    return path


def test_apply_gives_after(project: tuple[str, Path]) -> None:
    name, work = project
    result = cli("apply", "--yes", ".", cwd=work)
    assert result.returncode in (0, 1), result.stderr
    after = FIXTURES / name / "after"
    generated(after)
    if REGEN:
        shutil.rmtree(after, ignore_errors=True)
        shutil.copytree(work, after, ignore=shutil.ignore_patterns("__pycache__"))
    assert tree(work) == tree(after)


def test_diff_is_what_apply_does_and_git_applies_it(project: tuple[str, Path]) -> None:
    name, work = project
    result = cli("diff", "--exit-code", ".", cwd=work)
    after = generated(FIXTURES / name / "after")
    changes = tree(work) != tree(after)
    assert result.returncode == (1 if changes else 0), result.stderr
    assert bool(result.stdout) == changes
    assert tree(work) == tree(FIXTURES / name / "before"), "diff must write nothing"
    if not changes:
        return
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    patch = work.parent / f"{name}.patch"
    patch.write_text(result.stdout, encoding="utf-8", newline="")
    subprocess.run(["git", "apply", "--check", str(patch)], cwd=work, check=True)
    subprocess.run(["git", "apply", str(patch)], cwd=work, check=True)
    shutil.rmtree(work / ".git")
    assert tree(work) == tree(after)


@pytest.mark.parametrize("side", ["before", "after"])
def test_check_reports(project: tuple[str, Path], side: str) -> None:
    name, _ = project
    folder = generated(FIXTURES / name / side)
    expected_file = generated(FIXTURES / name / f"check-{side}.txt")
    result = cli("check", "--quiet", ".", cwd=folder)
    if REGEN:
        expected_file.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == expected_file.read_text(encoding="utf-8")
    assert result.returncode == (1 if result.stdout else 0), result.stderr
    if side == "after":
        assert "[*]" not in result.stdout, "after/ must have nothing left to fix automatically"
    elif name not in NOTHING_TO_FIX:
        assert "[*]" in result.stdout, "before/ must have something to fix"


def test_other_provider_app_stays_byte_identical() -> None:
    before = FIXTURES / "other_provider_app" / "before"
    after = FIXTURES / "other_provider_app" / "after"
    compared = filecmp.dircmp(before, after, ignore=["__pycache__"])
    assert not compared.diff_files and not compared.left_only and not compared.right_only
    assert tree(before) == tree(after)
