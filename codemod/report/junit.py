"""JUnit XML: one testcase per scanned file, one `<failure>` per finding.

A file that could not be read or parsed (LMX900/LMX901) is an `<error>` rather than a
`<failure>`: the check could not run on it. A skipped file is `<skipped>`. Counts follow
JUnit: `tests` counts files; `failures` / `errors` / `skipped` count files in that state.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from codemod.report.common import finding_key, ordered, where
from codemod.types import FileResult

SUITE_NAME = "lumyx-migrate"

# Characters XML 1.0 cannot hold at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(s: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", s)


def render_junit(results: Sequence[FileResult]) -> str:
    suites = ET.Element("testsuites", name=SUITE_NAME)
    suite = ET.SubElement(suites, "testsuite", name=SUITE_NAME)
    failures = errors = skipped = 0
    for r in ordered(results):
        path = _xml_text(r.path)
        case = ET.SubElement(suite, "testcase", classname=path, name=path)
        findings = sorted(r.findings, key=finding_key)
        if r.error is not None or r.internal_error:
            errors += 1
            tag = "error"
        elif findings:
            failures += 1
            tag = "failure"
        elif r.skipped is not None:
            skipped += 1
            ET.SubElement(case, "skipped", message=_xml_text(r.skipped))
            continue
        else:
            continue
        if not findings:  # an error with no finding attached: still say what happened
            ET.SubElement(case, tag, message=_xml_text(r.error or "internal error")).text = path
        for f in findings:
            el = ET.SubElement(case, tag, message=_xml_text(f"{f.code} {f.message}"), type=f.code)
            el.text = _xml_text(f"{r.path}:{where(f)}: {f.code} {f.message}")
    tests = len(results)
    for el in (suites, suite):
        el.set("tests", str(tests))
        el.set("failures", str(failures))
        el.set("errors", str(errors))
        el.set("skipped", str(skipped))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
