"""SARIF 2.1.0 for code scanning: every code as a rule, every finding as a result.

Levels come from each code's severity (see `codemod.codes.CodeInfo`): "error" for what fails,
leaks or went unchecked on the provider, "warning" for what needs a person's judgement. Rule
help is the code's page rendered with the run's rules, so it states the facts the run checked.
`partialFingerprints` hash the code, the file and the message, not positions, so moving code
does not make code scanning see new alerts; identical findings in one file are told apart
by their order of occurrence.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from codemod import codes
from codemod.report.common import (
    cell_message,
    ordered_findings,
    relative_to_root,
    severity,
    span,
)
from codemod.rules import Rules, load_rules
from codemod.types import EditKind, FileResult, Finding

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "lumyxFinding/v1"


def _rule(info: codes.CodeInfo, rules: Rules) -> dict[str, Any]:
    page = codes.page(info.code, rules)
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": codes.summary(info.code, rules)},
        "fullDescription": {"text": page.what},
        "help": {
            "text": f"{page.what}\n\n{page.why}\n\nSee {codes.doc_url(info.code)}",
            "markdown": codes.render_page(info.code, rules),
        },
        "helpUri": codes.doc_url(info.code),
        "defaultConfiguration": {"level": info.severity},
        "properties": _rule_properties(info),
    }


def _rule_properties(info: codes.CodeInfo) -> dict[str, Any]:
    """GitHub code scanning shows a rule with a `security-severity` as a security alert."""
    props: dict[str, Any] = {"fix": info.fix}
    if info.tags:
        props["tags"] = list(info.tags)
    if info.security_severity is not None:
        props["security-severity"] = f"{info.security_severity:.1f}"
    return props


def _fixes(f: Finding, location: dict[str, str]) -> list[dict[str, Any]]:
    """The fix as SARIF replacements at character offsets, when its edits are plain text.

    An edit that adds arguments to a call is laid out by the rewrite (libcst), which `check`
    does not run: such a fix, and any fix in a notebook (whose offsets count in the joined
    cells, not the file), is left out rather than given wrong."""
    if f.fix is None or f.cell is not None:
        return []
    if any(e.kind not in (EditKind.REPLACE, EditKind.INSERT) for e in f.fix.edits):
        return []
    replacements = [
        {
            "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
            "insertedContent": {"text": e.text},
        }
        for e in f.fix.edits
    ]
    return [
        {
            "description": {"text": f.fix.title},
            "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
        }
    ]


def _artifact_location(path: str, root: Path) -> dict[str, str]:
    rel = relative_to_root(path, root)
    if rel is not None:
        return {"uri": quote(str(rel), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(os.path.abspath(path)).as_uri()}


def fingerprint(code: str, uri: str, message: str, occurrence: int) -> str:
    digest = hashlib.sha256(f"{code}\0{uri}\0{message}".encode()).hexdigest()
    return f"{digest[:32]}:{occurrence}"


def _result(
    f: Finding, location: dict[str, str], rule_index: dict[str, int], occurrence: int
) -> dict[str, Any]:
    line, col, end_line, end_col = span(f)
    result: dict[str, Any] = {"ruleId": f.code}
    if f.code in rule_index:
        result["ruleIndex"] = rule_index[f.code]
    result |= {
        "level": severity(f.code),
        "message": {"text": cell_message(f)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {
                        "startLine": line,
                        "startColumn": col,
                        "endLine": end_line,
                        "endColumn": end_col,
                    },
                }
            }
        ],
        "partialFingerprints": {
            FINGERPRINT_KEY: fingerprint(f.code, location["uri"], f.message, occurrence)
        },
    }
    fixes = _fixes(f, location)
    if fixes:
        result["fixes"] = fixes
    return result


def sarif_log(
    results: Sequence[FileResult], root: Path, tool_version: str, rules: Rules | None = None
) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict; `rules` None documents the codes with the default."""
    active = rules if rules is not None else load_rules()
    rules_out = [_rule(info, active) for info in codes.CODES.values()]
    rule_index = {rule["id"]: i for i, rule in enumerate(rules_out)}
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for r, f in ordered_findings(results):
        location = _artifact_location(r.path, root)
        key = (f.code, location["uri"], f.message)
        out.append(_result(f, location, rule_index, seen[key]))
        seen[key] += 1
    root_uri = Path(os.path.abspath(root)).as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lumyx-migrate",
                        "version": tool_version,
                        "informationUri": codes.HOMEPAGE,
                        "rules": rules_out,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {"executionSuccessful": not any(r.internal_error for r in results)}
                ],
                "results": out,
            }
        ],
    }


def render_sarif(
    results: Sequence[FileResult], root: Path, tool_version: str, rules: Rules | None = None
) -> str:
    log = sarif_log(results, root, tool_version, rules)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
