"""The doctor's table: one line per check, plain text, fit for a pipe."""

from __future__ import annotations

from collections.abc import Sequence

from codemod.doctor import Check

PASS, FAIL = "✓", "✗"


def render_checks(checks: Sequence[Check]) -> str:
    """A table (mark, name, detail) and a closing summary line; ends with a newline."""
    name_width = max((len(check.name) for check in checks), default=0)
    lines = []
    for check in checks:
        mark = PASS if check.ok else FAIL
        detail = " ".join(check.detail.split())
        lines.append(f"{mark}  {check.name:<{name_width}}  {detail}".rstrip())
    failures = sum(not check.ok for check in checks)
    if not checks:
        lines.append("no checks ran")
    elif failures:
        lines.append(f"{failures} of {len(checks)} checks failed")
    else:
        lines.append(f"all {len(checks)} checks passed")
    return "\n".join(lines) + "\n"
