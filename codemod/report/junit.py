"""JUnit XML: one `<testsuite>` per scanned file, one `<testcase>` per finding.

CI systems count test cases, so each finding is its own failed case (a file with five findings
shows five failures, not one). A file with no finding is one passing case, a skipped file one
skipped case, and a file that could not be read or parsed (LMX900/LMX901) an `<error>`: the
check could not run on it. `tests`, `failures`, `errors` and `skipped` count cases.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from codemod.report.common import finding_key, ordered, span, where
from codemod.types import FileResult

SUITE_NAME = "lumyx-migrate"
_COUNTS = ("tests", "failures", "errors", "skipped")

# Characters XML 1.0 cannot hold at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(s: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", s)


def _suite(parent: ET.Element, r: FileResult) -> dict[str, int]:
    """The file's suite with its cases; the counts it adds."""
    path = _xml_text(r.path)
    suite = ET.SubElement(parent, "testsuite", name=path)
    counts = dict.fromkeys(_COUNTS, 0)
    findings = sorted(r.findings, key=finding_key)
    failed = r.error is not None or r.internal_error
    tag, count = ("error", "errors") if failed else ("failure", "failures")
    for f in findings:
        line = span(f)[0]
        case = ET.SubElement(
            suite, "testcase", classname=path, name=f"{f.code} at {where(f)}", file=path, line=str(line)
        )
        el = ET.SubElement(case, tag, message=_xml_text(f"{f.code} {f.message}"), type=f.code)
        el.text = _xml_text(f"{r.path}:{where(f)}: {f.code} {f.message}")
        counts[count] += 1
    if not findings:
        case = ET.SubElement(suite, "testcase", classname=path, name=path, file=path)
        if failed:  # an error with no finding attached: still say what happened
            ET.SubElement(case, "error", message=_xml_text(r.error or "internal error")).text = path
            counts["errors"] += 1
        elif r.skipped is not None:
            ET.SubElement(case, "skipped", message=_xml_text(r.skipped))
            counts["skipped"] += 1
    counts["tests"] = len(suite)
    for key, value in counts.items():
        suite.set(key, str(value))
    return counts


def render_junit(results: Sequence[FileResult]) -> str:
    suites = ET.Element("testsuites", name=SUITE_NAME)
    totals = dict.fromkeys(_COUNTS, 0)
    for r in ordered(results):
        for key, value in _suite(suites, r).items():
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
