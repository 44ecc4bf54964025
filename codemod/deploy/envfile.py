"""dotenv files: the variables a migrated program reads must be set where it starts.

A template (`.env.example`) gets the provider's variables beside the OpenAI ones, in the style
of the line it follows (indent, `export`, quotes, line ending), and its mapped model names
rewritten; the real `.env` holds secrets and is only reported, its values masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codemod.deploy.kinds import Kind
from codemod.deploy.text import Lines, finding, ignored, placeholder_key
from codemod.redact import mask
from codemod.rules import Rules
from codemod.types import Edit, EditKind, Finding, Fix

CODES = ("LMX601", "LMX603", "LMX201", "LMX202")

_HEAD = re.compile(r"([ \t]*)(export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*")
_COMMENT = re.compile(r"[ \t]#")


@dataclass(frozen=True)
class Entry:
    """One `KEY=value` assignment; offsets are into the whole text, the value without quotes."""

    name: str
    line: int
    last_line: int
    name_start: int
    name_end: int
    value: str
    value_start: int
    value_end: int
    quote: str  # "", "'" or '"'
    prefix: str  # indentation and `export ` as written
    comment: str  # the rest of the last line after the value ("" when none)


def parse(lines: Lines) -> list[Entry]:
    """Every assignment of the file, in order; comments, blank and malformed lines skipped."""
    entries: list[Entry] = []
    number = 1
    total = len(lines.starts)
    while number <= total:
        entry = _entry(lines, number)
        if entry is not None:
            entries.append(entry)
            number = entry.last_line
        number += 1
    return entries


def _entry(lines: Lines, number: int) -> Entry | None:
    text = lines.line_text(number)
    head = _HEAD.match(text)
    if head is None:
        return None
    base = lines.start_of(number)
    value, start, end, quote, last, comment = _value(lines, number, base + head.end())
    return Entry(
        name=head.group(3),
        line=number,
        last_line=last,
        name_start=base + head.start(3),
        name_end=base + head.end(3),
        value=value,
        value_start=start,
        value_end=end,
        quote=quote,
        prefix=head.group(1) + (head.group(2) or ""),
        comment=comment,
    )


def _value(lines: Lines, number: int, start: int) -> tuple[str, int, int, str, int, str]:
    """(value, start, end, quote, last line, comment) of the value that begins at `start`.
    A quoted value may span lines; an unquoted one ends at a ` #` comment."""
    text = lines.text
    rest = text[start : lines.end_of(number)]
    if rest[:1] in ("'", '"'):
        close = _closing(text, start + 1, rest[0])
        if close is not None:
            last, _ = lines.position(close)
            comment = text[close + 1 : lines.end_of(last)]
            return text[start + 1 : close], start + 1, close, rest[0], last, comment
    cut = _COMMENT.search(rest)
    value = (rest[: cut.start()] if cut else rest).rstrip()
    return value, start, start + len(value), "", number, rest[len(value) :]


def _closing(text: str, pos: int, quote: str) -> int | None:
    """Offset of the quote closing a value opened before `pos` (double quotes honour `\\`)."""
    while pos < len(text):
        ch = text[pos]
        if ch == "\\" and quote == '"':
            pos += 2
            continue
        if ch == quote:
            return pos
        pos += 1
    return None


def analyse_env(text: str, rules: Rules, *, kind: Kind, project_reads_lumyx: bool) -> list[Finding]:
    """Findings for one dotenv file; fixes only in templates, none when no code reads them."""
    if not project_reads_lumyx or kind not in ("env-template", "env-real"):
        return []
    lines = Lines(text)
    entries = parse(lines)
    template = kind == "env-template"
    out = _provider_vars(lines, entries, rules, template) + _models(lines, entries, rules, template)
    return sorted(out, key=lambda f: (f.line, f.col, f.code))


def _provider_vars(lines: Lines, entries: list[Entry], rules: Rules, template: bool) -> list[Finding]:
    provider, source = rules.provider, rules.source
    names = {e.name for e in entries}
    key = next((e for e in entries if source.is_openai_key_env(e.name)
                and e.name != provider.api_key_env), None)
    base = next((e for e in entries if source.is_openai_base_env(e.name)
                 and e.name != provider.base_url_env), None)
    wanted_key = key is not None and provider.api_key_env not in names
    wanted_base = provider.base_url_env not in names and (base is not None or wanted_key)
    out: list[Finding] = []
    if key is not None and wanted_key:
        adds = [(provider.api_key_env, placeholder_key(rules))]
        if wanted_base and base is None:
            adds.append((provider.base_url_env, provider.base_url))
        out += _missing(lines, key, adds, template)
    if base is not None and wanted_base:
        out += _missing(lines, base, [(provider.base_url_env, provider.base_url)], template)
    return out


def _missing(lines: Lines, entry: Entry, adds: list[tuple[str, str]], template: bool) -> list[Finding]:
    """One finding at `entry` for the variables it lacks; a template's fix writes them after it."""
    code = "LMX601" if template else "LMX603"
    if ignored(entry.comment, code):
        return []
    added = ", ".join(name for name, _ in adds)
    if template:
        shown = "; ".join(f"{name}={value}" for name, value in adds)
        message = (f"{entry.name} is set but {added}, which the migrated code reads, "
                   f"{'is' if len(adds) == 1 else 'are'} not: add {shown}")
        new = lines.newline.join(
            f"{entry.prefix}{name}={entry.quote}{value}{entry.quote}" for name, value in adds
        )
        offset, inserted = lines.insert_after(entry.last_line, new)
        fix = Fix(f"Add {added}", (Edit(EditKind.INSERT, offset, offset, inserted),))
        return [finding(code, message, lines, entry.name_start, entry.name_end, fix)]
    value = f" (value {mask(entry.value)})" if entry.value else " (empty)"
    message = (f"{entry.name}{value} is set but {added}, which the migrated code reads, "
               f"{'is' if len(adds) == 1 else 'are'} not: add {added} to this file "
               "(it is never rewritten)")
    return [finding(code, message, lines, entry.name_start, entry.name_end)]


def _models(lines: Lines, entries: list[Entry], rules: Rules, template: bool) -> list[Finding]:
    """A model variable holding an OpenAI name: mapped in a template, reported elsewhere."""
    out: list[Finding] = []
    for e in entries:
        if not e.value or not rules.models.is_param_name(e.name):
            continue
        rule = rules.models.rule_for(e.value)
        if rule is None or rule.action == "keep" or e.value == rule.to:
            continue
        shown = e.value if template else "an OpenAI model"
        if rule.action == "map" and rule.to is not None:
            code, message = "LMX201", f"{e.name} names {shown}; it maps to {rule.to}"
            fix = None
            if template:
                edit = Edit(EditKind.REPLACE, e.value_start, e.value_end, rule.to)
                fix = Fix(f"Replace {e.value} by {rule.to}", (edit,))
        else:
            code, fix = "LMX202", None
            message = f"{e.name} names {shown} with no mapping: {rule.reason or 'choose one'}"
        if not ignored(e.comment, code):
            out.append(finding(code, message, lines, e.value_start, e.value_end, fix))
    return out
