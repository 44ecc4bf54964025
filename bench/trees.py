"""The trees of issue 11 for `make bench`, built from real code and from corpus.py.

* ``stdlib/``: a copy of this Python's own standard library folder (no site-packages, no
  caches): a clean tree of real code without OpenAI use.
* ``heavy/``: 120 real modules that are candidate files: the largest modules (under 300 KB)
  of installed packages that hold one of the tool's trigger words (openai's own package,
  langchain_openai, then libcst, click, rich, pydantic, httpx to fill up).
* ``mono/``: a generated monorepo of 10 services (``svc0`` .. ``svc9``), each 980 ordinary
  modules (corpus A) plus 20 modules using OpenAI (corpus B): 10,000 files, 2% OpenAI.
  ``mono/svc0`` alone is the 1,000-file tree of the memory slope.
* ``huge/``: one module of ~4.3 MB, real standard-library modules concatenated (their
  ``from __future__`` lines dropped) behind an OpenAI client: a candidate file.

Real code differs between Python versions and installs, so these trees are not byte-stable
across machines the way corpus.py's are; on one machine they are the same on every run.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from collections.abc import Callable
from pathlib import Path

import corpus

HEAVY_FILES = 120
HEAVY_PACKAGES = ("openai", "langchain_openai", "libcst", "click", "rich", "pydantic", "httpx")
HEAVY_MAX_BYTES = 300_000
MONO_SERVICES = 10
MONO_PLAIN, MONO_OPENAI = 980, 20
HUGE_BYTES = 4_300_000
_SKIP_DIRS = {"site-packages", "dist-packages", "__pycache__", "idlelib", "turtledemo"}
HUGE_HEAD = (
    "import os\n\nfrom openai import OpenAI\n\n"
    'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n\n\n'
    "def ask(prompt):\n"
    '    return client.chat.completions.create(model="gpt-4o", '
    'messages=[{"role": "user", "content": prompt}])\n\n\n'
)


def _site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def copy_stdlib(out: Path) -> int:
    """The standard library's .py files under `out`; how many."""
    src = Path(sysconfig.get_paths()["stdlib"])
    count = 0
    for root, dirs, names in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        rel = Path(root).relative_to(src)
        py = [n for n in names if n.endswith(".py")]
        if py:
            (out / rel).mkdir(parents=True, exist_ok=True)
        for name in py:
            shutil.copyfile(Path(root) / name, out / rel / name)
            count += 1
    return count


def copy_heavy(out: Path, is_candidate: Callable[[bytes], bool]) -> int:
    """The largest candidate modules of HEAVY_PACKAGES, up to HEAVY_FILES; how many."""
    site = _site_packages()
    picked: list[tuple[int, Path]] = []
    for package in HEAVY_PACKAGES:
        found = []
        for path in sorted((site / package).rglob("*.py")) if (site / package).is_dir() else []:
            data = path.read_bytes()
            if len(data) <= HEAVY_MAX_BYTES and is_candidate(data):
                found.append((len(data), path))
        found.sort(key=lambda item: (-item[0], str(item[1])))
        picked += found[: HEAVY_FILES - len(picked)]
        if len(picked) >= HEAVY_FILES:
            break
    for _size, path in picked:
        dest = out / path.relative_to(site)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return len(picked)


def make_mono(out: Path) -> int:
    """The 10,000-file monorepo (services are copies of one generated service); how many."""
    first = out / "svc0"
    corpus.generate_a(first, MONO_PLAIN)
    corpus.generate_b(first / "llm", MONO_OPENAI)
    for i in range(1, MONO_SERVICES):
        shutil.copytree(first, out / f"svc{i}")
    return MONO_SERVICES * (MONO_PLAIN + MONO_OPENAI)


def make_huge(out: Path) -> int:
    """One module of about HUGE_BYTES of real code behind an OpenAI client; its size."""
    src = Path(sysconfig.get_paths()["stdlib"])
    parts = [HUGE_HEAD]
    size = len(HUGE_HEAD)
    for path in sorted(src.rglob("*.py")):
        if _SKIP_DIRS & set(path.relative_to(src).parts) or "test" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            kept = "".join(ln for ln in text.splitlines(keepends=True)
                           if not ln.startswith("from __future__"))
            compile(kept, str(path), "exec", dont_inherit=True)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        parts.append(kept if kept.endswith("\n") else kept + "\n")
        size += len(parts[-1])
        if size >= HUGE_BYTES:
            break
    out.mkdir(parents=True, exist_ok=True)
    data = "".join(parts)
    (out / "huge_module.py").write_text(data, encoding="utf-8")
    return len(data.encode("utf-8"))
