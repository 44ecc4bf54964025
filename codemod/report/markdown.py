"""The migration report for a pull request: Markdown a reviewer reads next to the diff.

It says which files the migration rewrites, each client's decision (once the whole-program
analysis makes them; the section is left out while there are none), what needs a person grouped
by code with a link to each code's documentation, and the environment variables to set.
Messages come masked from analysis, so the report shows no key in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codemod import codes
from codemod.report.common import finding_key, name_of, ordered, plural, where
from codemod.rules import Rules, load_rules
from codemod.types import FileResult, Finding

if TYPE_CHECKING:
    from codemod.analysis.facts import ClientRecord


@dataclass(frozen=True)
class Decision:
    """What the migration does with one client, and why."""

    client: str
    where: str  # path:line
    decision: str
    reason: str


@dataclass(frozen=True)
class EnvVar:
    name: str
    required: bool
    note: str


@dataclass(frozen=True)
class MigrationReport:
    provider: str
    applied: bool  # the files were written (apply), not only planned (check, report)
    rewritten: tuple[tuple[str, int], ...]  # (path, fixes in it)
    needs: tuple[tuple[str, Finding], ...]  # (path, finding) no fix covers
    unprocessed: tuple[tuple[str, str], ...]  # (path, why) files left as they were
    env: tuple[EnvVar, ...]
    decisions: tuple[Decision, ...] = ()


def _env_vars(results: Sequence[FileResult], rules: Rules) -> tuple[EnvVar, ...]:
    """The provider's variables that the migrated code reads: those a fix writes, or that a
    rewritten file mentions."""
    p = rules.provider
    texts = [r.new_text for r in results if r.new_text]
    for r in results:
        for f in r.findings:
            for e in f.fix.edits if f.fix is not None else ():
                texts += [e.text, *(a.value for a in e.args)]
    blob = "\n".join(texts)
    out = []
    if p.api_key_env in blob:
        out.append(EnvVar(p.api_key_env, True, f"the {p.name} API key (starts with `{p.key_prefix}`)"))
    if p.base_url_env in blob:
        out.append(EnvVar(p.base_url_env, False, f"defaults to `{p.base_url}`"))
    return tuple(out)


def migration_report(
    results: Sequence[FileResult],
    rules: Rules | None = None,
    *,
    applied: bool = False,
    decisions: Sequence[Decision] = (),
    clients: Sequence[ClientRecord] = (),
) -> MigrationReport:
    """The report of a run. Without new texts (`check`), a file with a fixable finding counts
    as one the migration rewrites. The clients' decisions come from `clients` (the project
    view's records), else from the findings that report them."""
    active = rules if rules is not None else load_rules()
    rewritten, needs, unprocessed = [], [], []
    for r in ordered(results):
        fixes = sum(1 for f in r.findings if f.fixable)
        if r.error is not None:
            unprocessed.append((r.path, r.error))
        elif r.changed or (r.new_text is None and fixes):
            rewritten.append((r.path, fixes))
        for f in sorted(r.findings, key=finding_key):
            if f.fix is None and f.message != r.error:
                needs.append((r.path, f))
    return MigrationReport(
        provider=active.provider.name,
        applied=applied,
        rewritten=tuple(rewritten),
        needs=tuple(needs),
        unprocessed=tuple(unprocessed),
        env=_env_vars(results, active),
        decisions=tuple(decisions) or _recorded(clients, results, active) or _decisions(results),
    )


# The finding a client's decision shows as, and the decision it stands for.
_DECIDED = {
    "LMX101": "migrate",
    "LMX106": "keep on OpenAI",
    "LMX107": "left as it is",
    "LMX102": "left as it is",
    "LMX103": "left as it is",
    "LMX104": "left as it is (Azure)",
}


def _recorded(clients: Sequence[ClientRecord], results: Sequence[FileResult], rules: Rules) -> tuple[Decision, ...]:
    """One row a record, explained by the finding at its constructor when there is one."""
    labels = {"keep": "keep on OpenAI", "as-is": "left as it is", "migrated": f"already on {rules.provider.name}"}
    shown = {*_DECIDED, "LMX309", "LMX402"}  # the codes a decision shows as
    at = {(r.path, where(f)): f.message for r in results for f in r.findings if f.code in shown}
    on_line = {(r.path, f.cell, f.line): f.message for r in results for f in r.findings if f.code in shown}
    out = []
    for c in clients:
        here = c.place[len(c.path) + 1 :]
        reason = at.get((c.path, here), on_line.get((c.path, c.cell, c.line))) if c.line is not None else None
        if reason is None:
            reason = f"used for {', '.join(c.uses)}" if c.uses else "no call seen"
            reason += f"; {c.code} at {c.unserved}" if c.code and c.unserved else ""
        out.append(Decision(c.name, c.place, labels.get(c.decision, c.decision), reason))
    return tuple(out)


def _decisions(results: Sequence[FileResult]) -> tuple[Decision, ...]:
    """Each constructor's decision, read off the finding that reports it (the project-wide
    analysis gives every client exactly one of these)."""
    out = []
    for r in ordered(results):
        for f in sorted(r.findings, key=finding_key):
            decision = _DECIDED.get(f.code)
            if decision is None or "`" not in f.message:
                continue
            client = f.message.split("`")[1]
            if f.code == "LMX101" and f.fix is not None and "_openai`" in f.fix.title:
                decision = "split"
            elif f.code == "LMX101" and f.fix is None:
                decision = "left as it is"
            out.append(Decision(client, f"{r.path}:{where(f)}", decision, f.message))
    return tuple(out)


def _needs_section(report: MigrationReport) -> list[str]:
    out = [f"## Needs a person ({len(report.needs)})", ""]
    if not report.needs:
        return [*out, "Nothing: every finding is fixed by the migration.", ""]
    by_code: dict[str, list[tuple[str, Finding]]] = {}
    for path, f in report.needs:
        by_code.setdefault(f.code, []).append((path, f))
    for code in sorted(by_code):
        title = f"`{code}` {name_of(code)}".rstrip()
        link = f" ([docs]({codes.doc_url(code)}))" if code in codes.CODES else ""
        out += [f"### {title} ({len(by_code[code])}){link}", ""]
        out += [f"- `{path}:{where(f)}` {f.message}" for path, f in by_code[code]]
        out.append("")
    return out


def _cell(text: str) -> str:
    """Text fit for a table cell: a `|` would end the cell, a newline the row."""
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(report: MigrationReport) -> str:
    verb = "rewritten" if report.applied else "to rewrite"
    out = [f"# Migration to {report.provider}", ""]
    out += [f"## Files {verb} ({len(report.rewritten)})", ""]
    out += [f"- `{path}`: {plural(n, 'fix', 'fixes')}" for path, n in report.rewritten] or ["None."]
    out.append("")
    if report.decisions:
        out += ["## Clients", "", "| client | where | decision | why |", "|---|---|---|---|"]
        out += [
            f"| `{d.client}` | `{d.where}` | {_cell(d.decision)} | {_cell(d.reason)} |"
            for d in report.decisions
        ]
        out.append("")
    out += _needs_section(report)
    if report.unprocessed:
        out += [f"## Left as they were ({len(report.unprocessed)})", ""]
        out += [f"- `{path}`: {why}" for path, why in report.unprocessed]
        out.append("")
    if report.env:
        out += ["## Environment variables to set", ""]
        for var in report.env:
            need = "required" if var.required else "optional"
            out.append(f"- `{var.name}` ({need}): {var.note}")
        out.append("")
    return "\n".join(out)
