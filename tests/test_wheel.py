"""The built wheel carries the default rules and the code pages: installed into a fresh venv and
run from another directory (so nothing of this checkout is on the path), it loads them from
package data."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from support import REPO, untraced_env

from codemod import codes


@pytest.mark.slow
def test_wheel_installs_and_runs_from_elsewhere(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        timeout=300,
        cwd=tmp_path,
        env=untraced_env(),
    )
    (wheel,) = wheels.glob("lumyx_migrate-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    pages = sorted(n for n in names if n.startswith("codemod/codes/pages/"))
    assert "codemod/codes/index.toml" in names
    assert "codemod/codes/pages/LMX304.md" in pages and len(pages) == len(codes.CODES), pages
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        timeout=300,
        env=untraced_env(),
    )
    # Dependencies come from this environment's site-packages (no network), but not this
    # checkout: a .pth line adds a folder to the path without running its own .pth files.
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "app.py").write_text('from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4", messages=[])\n')
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    where = subprocess.run(
        [str(python), "-c", "import codemod, codemod.rules as r; print(codemod.__file__); print(r.load_rules().provider.base_url)"],
        cwd=work, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.splitlines()
    assert where[0].startswith(str(env_dir)), where
    assert where[1] == "https://api.lumyx-ai.site/v1"
    script = env_dir / "bin" / "lumyx-migrate"
    result = subprocess.run([str(script), "check", "."], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "app.py:2:10: LMX101 [*] OpenAI client `OpenAI` is not pointed at Lumyx AI",
        "app.py:3:38: LMX201 [*] OpenAI model 'gpt-4' is served on Lumyx AI as 'nova_1_1'",
    ]
    explained = subprocess.run([str(script), "explain", "LMX304"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("# LMX304 (too-many-stop-sequences)\n\nMore than 4 stop sequences.\n")
