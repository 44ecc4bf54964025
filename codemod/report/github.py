"""GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding.

Paths are relative to the repository root, which is what GitHub matches annotations against.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from codemod.report.common import cell_message, ordered_findings, root_relative, severity, span
from codemod.types import FileResult, Finding


def escape_data(s: str) -> str:
    """Escape the message part of a workflow command."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Escape a property value of a workflow command."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, f: Finding) -> str:
    line, col, end_line, end_col = span(f)
    props = {
        "title": f"lumyx-migrate ({f.code})",
        "file": path,
        "line": str(line),
        "col": str(col),
        "endLine": str(end_line),
        "endColumn": str(end_col),
    }
    prop_text = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{severity(f.code)} {prop_text}::{escape_data(f'{f.code} {cell_message(f)}')}"


def render_github(results: Sequence[FileResult], root: Path) -> str:
    return "".join(
        annotation(root_relative(r.path, root), f) + "\n" for r, f in ordered_findings(results)
    )
