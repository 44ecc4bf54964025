"""Installing the tool the way the README says, offline: from a git URL of this repository
(`pip install "git+file://..."`, as `git+https://` works for a hosted clone) into a fresh venv,
then running the command from another folder. Also: the files the metadata and README promise.

What is installed is the committed state (pip clones the repository), never uncommitted edits.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import yaml
from support import REPO, untraced_env

APP = 'from openai import OpenAI\nclient = OpenAI()\n'


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="needs a git checkout of the tool")
def test_install_from_a_git_url_and_run_from_another_folder(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # Setuptools and the dependencies come from this environment (the test extras), through a
    # .pth line, with --no-build-isolation and --no-deps: nothing is downloaded.
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-build-isolation", f"git+{REPO.resolve().as_uri()}"],
        timeout=120, cwd=tmp_path, capture_output=True, text=True, env=untraced_env(),
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "app.py").write_text(APP)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [str(python), "-c", "import codemod; print(codemod.__file__)"],
        cwd=work, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert where.startswith(str(env_dir)), where  # the installed copy, not this checkout
    result = subprocess.run(
        [str(env_dir / "bin" / "lumyx-migrate"), "check", "."],
        cwd=work, env=env, capture_output=True, text=True, timeout=60,
    )
    assert (result.returncode, result.stdout) == (
        1, "app.py:2:10: LMX101 [*] OpenAI client `OpenAI` is not pointed at Lumyx AI\n"
    ), result.stderr
    version = subprocess.run(
        [str(env_dir / "bin" / "lumyx-migrate"), "--version"], cwd=work, env=env,
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert re.fullmatch(r"lumyx-migrate, version \d+\.\d+\.\d+\n", version.stdout)


def test_the_license_the_metadata_claims_is_there() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "MIT"' in pyproject
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) ")
    assert "lumyx-migrate authors" in text.splitlines()[2]


def test_changelog_names_the_current_version() -> None:
    from codemod import __version__

    assert f"## {__version__}" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_readme_documents_installs_that_work() -> None:
    """No `pip install lumyx-migrate` (nothing is published) and no `rev:` tag that does not
    exist: the README installs from a clone or a git URL and pins pre-commit to a commit."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"pip install lumyx-migrate\b", readme)
    assert 'pip install "git+https://github.com/lumyx-ai/lumyx-migrate' in readme
    assert "pipx install" in readme and "pip install ." in readme
    revs = re.findall(r"^\s*rev:\s*(\S+)", readme, re.MULTILINE)
    assert revs and all(not rev.startswith("v") for rev in revs), revs


def test_pre_commit_hooks_run_the_installed_command() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"]: h["entry"] for h in hooks} == {
        "lumyx-migrate-check": "lumyx-migrate check --force-exclude",
        "lumyx-migrate-apply": "lumyx-migrate apply --yes --allow-dirty --force-exclude",
    }
    assert all(h["language"] == "python" for h in hooks)
