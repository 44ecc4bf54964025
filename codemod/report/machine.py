"""Findings as JSON for machines: ruff-style `json`, `json-lines`, GitLab Code Quality, and
`--statistics` as JSON.

Paths are relative to the repository root. A fix's edits are given at character offsets into
the decoded file, as analysis planned them; an edit that adds keyword arguments to a call names
the arguments (the rewrite lays the call out), and has no `content`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from codemod import codes
from codemod.report.common import (
    ReportContext,
    name_of,
    ordered_findings,
    root_relative,
    severity,
    span,
)
from codemod.report.sarif import fingerprint
from codemod.types import Edit, EditKind, FileResult, Finding

# GitLab Code Quality severities: info, minor, major, critical, blocker.
_GITLAB_SEVERITY = {"error": "major", "warning": "minor"}
_CRITICAL_SCORE = 7.0  # a security severity from here on (CVSS "high") is "critical"


def _edit(e: Edit) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": e.kind.value, "start_offset": e.start, "end_offset": e.end}
    if e.kind is EditKind.CALL_ARGS:
        out["arguments"] = [{"name": a.name, "value": a.value} for a in e.args]
    else:
        out["content"] = e.text
    return out


def json_finding(r: FileResult, f: Finding, ctx: ReportContext) -> dict[str, Any]:
    line, col, end_line, end_col = span(f)
    fix = None
    if f.fix is not None:
        edits = [_edit(e) for e in f.fix.edits]
        fix = {"applicability": "safe", "message": f.fix.title, "edits": edits}
    return {
        "code": f.code,
        "name": name_of(f.code),
        "severity": severity(f.code),
        "message": f.message,
        "filename": root_relative(r.path, ctx.root),
        "location": {"row": line, "column": col},
        "end_location": {"row": end_line, "column": end_col},
        "fix": fix,
        "url": codes.doc_url(f.code) if f.code in codes.CODES else None,
        "noqa_row": line,
        "cell": f.cell,
    }


def render_json(results: Sequence[FileResult], ctx: ReportContext) -> str:
    """A JSON array of findings in the shape of ruff's `--output-format json`."""
    items = [json_finding(r, f, ctx) for r, f in ordered_findings(results)]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def render_json_lines(results: Sequence[FileResult], ctx: ReportContext) -> str:
    """The same objects as `json`, one per line, for tools that stream."""
    return "".join(
        json.dumps(json_finding(r, f, ctx), ensure_ascii=False) + "\n"
        for r, f in ordered_findings(results)
    )


def statistics(results: Sequence[FileResult]) -> list[dict[str, Any]]:
    """One row per code, most frequent first: code, name, count, fixable count."""
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    for _, f in ordered_findings(results):
        counts[f.code] += 1
        fixable[f.code] += f.fixable
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        {"code": code, "name": name_of(code), "count": n, "fixable": fixable[code]}
        for code, n in rows
    ]


def render_statistics_json(results: Sequence[FileResult]) -> str:
    return json.dumps(statistics(results), indent=2, ensure_ascii=False) + "\n"


def _gitlab_severity(code: str) -> str:
    info = codes.CODES.get(code)
    if info is not None and (info.security_severity or 0) >= _CRITICAL_SCORE:
        return "critical"
    return _GITLAB_SEVERITY.get(severity(code), "major")


def render_gitlab(results: Sequence[FileResult], ctx: ReportContext) -> str:
    """GitLab Code Quality: a JSON array of issues, each with a fingerprint unique in the run."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for r, f in ordered_findings(results):
        path = root_relative(r.path, ctx.root)
        line, col, end_line, end_col = span(f)
        key = (f.code, path, f.message)
        issue = {
            "type": "issue",
            "check_name": f.code,
            "description": f"{f.code} {f.message}",
            "categories": ["Security"] if f.code in _security_codes() else ["Compatibility"],
            "severity": _gitlab_severity(f.code),
            "fingerprint": fingerprint(f.code, path, f.message, seen[key]),
            "location": {
                "path": path,
                "positions": {
                    "begin": {"line": line, "column": col},
                    "end": {"line": end_line, "column": end_col},
                },
            },
        }
        seen[key] += 1
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _security_codes() -> frozenset[str]:
    return frozenset(c for c, info in codes.CODES.items() if "security" in info.tags)
