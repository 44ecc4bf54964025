"""The table of client decisions `check` and `diff` print before their totals.

The project view decides each client once, from every use of it anywhere in the project; the
findings only show a decision where it is reported. This table shows them all in one place:
`decision  path:line:col  Class  uses  code (first use kept on OpenAI)`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from codemod.report.common import plural

if TYPE_CHECKING:
    from codemod.analysis.facts import ClientRecord

TITLE = "Clients (decided from the whole project):"
_ORDER = ("migrate", "split", "keep", "as-is", "migrated")  # the count line's order


def client_row(record: ClientRecord) -> tuple[str, str, str, str, str]:
    """The cells of one row: decision, place, class, uses, code and where it is first kept."""
    code = record.code or ""
    if code and record.unserved:
        code += f" ({record.unserved})"
    return (record.decision, record.place, record.name, ", ".join(record.uses) or "-", code)


def render_clients(records: Sequence[ClientRecord]) -> str:
    """The table and a count line; nothing without clients."""
    if not records:
        return ""
    rows = [client_row(r) for r in sorted(records, key=lambda r: r.order)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [TITLE]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[4]]
        lines.append("  " + "  ".join(cells).rstrip())
    counts = Counter(r.decision for r in records)
    known = [k for k in _ORDER if counts[k]] + sorted(k for k in counts if k not in _ORDER)
    lines.append(f"{plural(len(records), 'client')}: {', '.join(f'{counts[k]} {k}' for k in known)}")
    return "\n".join(lines) + "\n"
