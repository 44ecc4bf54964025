"""The doctor's table: one line per check, plain text, fit for a pipe."""

from __future__ import annotations

from collections.abc import Sequence

from codemod.doctor import Check

PASS, FAIL = "✓", "✗"
ASCII_PASS, ASCII_FAIL = "ok", "FAIL"


def render_checks(checks: Sequence[Check], *, ascii_only: bool = False) -> str:
    """A table (mark, name, detail) and a closing summary line; ends with a newline.

    `ascii_only` writes `ok`/`FAIL` instead of ✓/✗, for a stream that cannot encode them.
    """
    passed, failed = (ASCII_PASS, ASCII_FAIL) if ascii_only else (PASS, FAIL)
    mark_width = max(len(passed), len(failed))
    name_width = max((len(check.name) for check in checks), default=0)
    lines = []
    for check in checks:
        mark = passed if check.ok else failed
        detail = " ".join(check.detail.split())
        lines.append(f"{mark:<{mark_width}}  {check.name:<{name_width}}  {detail}".rstrip())
    failures = sum(not check.ok for check in checks)
    if not checks:
        lines.append("no checks ran")
    elif failures:
        lines.append(f"{failures} of {len(checks)} checks failed")
    else:
        lines.append(f"all {len(checks)} checks passed")
    return "\n".join(lines) + "\n"
