"""The code index: what every finding code is, read from `index.toml` the first time it is asked.

Nothing is read at import: `CODES` is a mapping that loads the index on first use, so that
importing `codemod.codes` (as the command line does) costs no file access.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast, get_args

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from codemod import pkgdata

Fix = Literal["always", "sometimes", "never"]
Severity = Literal["error", "warning"]
FIX_AVAILABILITY: tuple[Fix, ...] = get_args(Fix)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
# What a page's Example and Use instead are analysed after, by name (the index names one per
# code); `${...}` are provider facts, filled like the pages.
_IMPORTS = "import os\n\nfrom openai import OpenAI\n"
PREAMBLES: Mapping[str, str] = {
    "none": "",
    "imports": _IMPORTS,
    "client": _IMPORTS
    + "\nclient = OpenAI(\n"
    + '    api_key=os.environ["${provider.api_key_env}"],\n'
    + '    base_url=os.environ.get("${provider.base_url_env}", "${provider.base_url}"),\n'
    + ")\n",
}


@dataclass(frozen=True)
class CodeInfo:
    """One entry of the index.

    `summary` may hold `${...}` provider facts: show it through `codes.summary(code, rules)`.
    `severity` is "error" when the code left as it is fails, leaks or is not checked on the
    provider, and "warning" when it needs a person's judgement and may be right as it is.
    `emitted_by` names the modules that report the code; `preamble` is what the page's examples
    are analysed after, and `example_encoding` the encoding its Example is saved in as a file.
    `example_path` is set for a code of deployment and environment files: its examples are such
    a file at that path (`.env.example`, `.github/workflows/ci.yml`), not Python.
    """

    code: str
    name: str
    summary: str
    fix: Fix
    fix_title: str | None
    severity: Severity
    emitted_by: tuple[str, ...]
    preamble: str = "none"
    example_encoding: str = "utf-8"
    example_path: str | None = None
    tags: tuple[str, ...] = ()  # SARIF rule tags, e.g. "security"
    security_severity: float | None = None  # 0.0-10.0: code scanning ranks it as a security alert


class CodeIndexError(ValueError):
    """index.toml holds an entry the tool cannot use; the message says which and why."""


def _entry(code: str, table: Any) -> CodeInfo:
    """One validated entry: a broken index fails on first use, naming the code and the key."""
    if not isinstance(table, dict):
        raise CodeIndexError(f"index.toml: [{code}] must be a table")
    known = {f for f in CodeInfo.__dataclass_fields__ if f != "code"}
    if set(table) - known:
        raise CodeIndexError(f"index.toml: [{code}] unknown keys {sorted(set(table) - known)}")
    fix, severity = table.get("fix"), table.get("severity")
    if fix not in FIX_AVAILABILITY or severity not in SEVERITIES:
        raise CodeIndexError(f"index.toml: [{code}] fix={fix!r} severity={severity!r}")
    if ("fix_title" in table) == (fix == "never"):
        raise CodeIndexError(
            f"index.toml: [{code}] needs fix_title exactly when fix is not 'never'"
        )
    if table.get("preamble", "none") not in PREAMBLES:
        raise CodeIndexError(
            f"index.toml: [{code}] preamble {table['preamble']!r} is not one of {list(PREAMBLES)}"
        )
    score = table.get("security_severity")
    if score is not None and not (isinstance(score, (int, float)) and 0 <= score <= 10):
        raise CodeIndexError(f"index.toml: [{code}] security_severity must be a number 0-10")
    return CodeInfo(
        code=code,
        name=table["name"],
        summary=table["summary"],
        fix=cast(Fix, fix),
        fix_title=table.get("fix_title"),
        severity=cast(Severity, severity),
        emitted_by=tuple(table["emitted_by"]),
        preamble=table.get("preamble", "none"),
        example_encoding=table.get("example_encoding", "utf-8"),
        example_path=table.get("example_path"),
        tags=tuple(table.get("tags", ())),
        security_severity=table.get("security_severity"),
    )


@cache
def _index() -> dict[str, CodeInfo]:
    text = pkgdata.read_text("codemod.codes", "index.toml")
    data = tomllib.loads(text)
    return {code: _entry(code, data[code]) for code in sorted(data)}


class _Codes(Mapping[str, CodeInfo]):
    """Every code in order, loaded from the index on first access."""

    def __getitem__(self, code: str) -> CodeInfo:
        return _index()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(_index())

    def __len__(self) -> int:
        return len(_index())

    def __repr__(self) -> str:
        return f"CODES({list(self)})"


CODES: Mapping[str, CodeInfo] = _Codes()


def get(code: str) -> CodeInfo:
    """The index entry of `code` (case-insensitive); KeyError when there is none."""
    return CODES[code.strip().upper()]


def known_selector(selector: str) -> bool:
    """Whether `selector` ("ALL", a code or a prefix of one, e.g. "LMX3") selects any code."""
    sel = selector.strip().upper()
    return sel == "ALL" or (bool(sel) and any(code.startswith(sel) for code in CODES))


def _specificity(code: str, selectors: Sequence[str]) -> int:
    """Length of the longest selector matching `code` ("ALL" counts 0); -1 when none does."""
    best = -1
    for selector in selectors:
        sel = selector.strip().upper()
        if sel == "ALL":
            best = max(best, 0)
        elif sel and code.startswith(sel):
            best = max(best, len(sel))
    return best


def select(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """Whether `code` is reported under `--select` / `--ignore`, with ruff's semantics.

    Selectors are codes or prefixes ("LMX3", "LMX") or "ALL". The most specific matching
    selector wins; on a tie, ignore wins. An empty `select` selects every code.
    """
    code = code.strip().upper()
    selected = _specificity(code, select) if select else 0
    if selected < 0:
        return False
    return _specificity(code, ignore) < selected
