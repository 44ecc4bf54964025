"""The finding codes as data: `index.toml` says what each code is, `pages/<CODE>.md` documents it.

Codes are never renumbered; a retired code stays reserved. Nothing is read at import: the index
and each page are loaded (and kept) the first time they are needed. Provider facts in pages and
summaries are `${...}` placeholders filled from the active rules by `render_page`.
docs/codes.md is generated from here by `scripts/gen_code_docs.py`.
"""

from __future__ import annotations

from codemod.codes.registry import (
    CODES,
    FIX_AVAILABILITY,
    PREAMBLES,
    SEVERITIES,
    CodeIndexError,
    CodeInfo,
    Fix,
    Severity,
    get,
    known_selector,
    select,
)
from codemod.codes.render import (
    SECTIONS,
    Page,
    PageError,
    doc_markdown,
    fill,
    page,
    preamble,
    render_page,
    summary,
)

__all__ = [
    "CODES",
    "DOCS_URL",
    "FIX_AVAILABILITY",
    "HOMEPAGE",
    "PREAMBLES",
    "SECTIONS",
    "SEVERITIES",
    "CodeIndexError",
    "CodeInfo",
    "Fix",
    "Page",
    "PageError",
    "Severity",
    "doc_markdown",
    "doc_url",
    "fill",
    "get",
    "known_selector",
    "page",
    "preamble",
    "render_page",
    "select",
    "summary",
]

HOMEPAGE = "https://github.com/lumyx-ai/lumyx-migrate"
DOCS_URL = f"{HOMEPAGE}/blob/main/docs/codes.md"


def doc_url(code: str) -> str:
    """The URL of the code's section in docs/codes.md."""
    return f"{DOCS_URL}#{code.strip().lower()}"
