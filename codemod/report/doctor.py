"""The doctor's table: one line per check (✓ passed, ✗ failed, - skipped), plain text."""

from __future__ import annotations

from collections.abc import Sequence

from codemod.doctor import Check

PASS, FAIL, SKIP = "✓", "✗", "-"


def render_checks(checks: Sequence[Check]) -> str:
    """A table (mark, name, detail) and a closing summary line; ends with a newline."""
    name_width = max((len(check.name) for check in checks), default=0)
    lines = []
    for check in checks:
        mark = SKIP if check.skipped else (PASS if check.ok else FAIL)
        detail = " ".join(check.detail.split())
        lines.append(f"{mark}  {check.name:<{name_width}}  {detail}".rstrip())
    failures = sum(not check.ok and not check.skipped for check in checks)
    skipped = sum(check.skipped for check in checks)
    ran = len(checks) - skipped
    if not checks:
        lines.append("no checks ran")
    elif failures:
        lines.append(f"{failures} of {ran} checks failed" + (f", {skipped} skipped" if skipped else ""))
    else:
        lines.append(f"all {ran} checks passed" + (f", {skipped} skipped" if skipped else ""))
    return "\n".join(lines) + "\n"
