"""YAML deployment files (compose, workflows, Kubernetes, Helm values): an environment block
that hands an OpenAI key to code now reading the provider's variable gets a finding at the
exact OpenAI entry, saying what to add. In block-style workflow and compose files the line is
inserted after it, at its indentation and with the file's line ending; every other byte stays.

PyYAML is imported only when a file mentions an OpenAI variable at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

from codemod.deploy.kinds import Kind
from codemod.deploy.text import Lines, finding, ignored, mentions_openai_env
from codemod.deploy.yamlwalk import Block, Var, blocks
from codemod.rules import Rules
from codemod.types import Edit, EditKind, Finding, Fix

CODES = ("LMX602", "LMX900")

_KINDS = ("compose", "workflow", "kubernetes", "helm")
_FIXABLE = ("compose", "workflow")
_DASH = re.compile(r" *- +")


def analyse_yaml(text: str, rules: Rules, *, kind: Kind, project_reads_lumyx: bool) -> list[Finding]:
    """Findings for one YAML file of `kind`; LMX900 (and nothing else) when it does not parse."""
    if not project_reads_lumyx or kind not in _KINDS or not mentions_openai_env(text, rules):
        return []
    import yaml  # type: ignore[import-untyped,unused-ignore]

    lines = Lines(text)
    try:
        docs = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        return [_unparsable(exc, lines)]
    out: list[Finding] = []
    seen: set[int] = set()  # a block reached again through an alias is reported once
    for doc in docs:
        for block in blocks(doc, kind):
            key = block.vars[0].start if block.vars else -1
            if key not in seen:
                seen.add(key)
                out += _block_findings(block, lines, rules, kind)
    return sorted(out, key=lambda f: (f.line, f.col))


def _unparsable(exc: Exception, lines: Lines) -> Finding:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    offset = int(mark.index) if mark is not None else 0
    line, col = lines.position(offset)
    message = f"not valid YAML: {' '.join(str(problem).split())} (line {line}, column {col}); not analysed"
    return finding("LMX900", message, lines, offset, offset)


def _block_findings(block: Block, lines: Lines, rules: Rules, kind: Kind) -> list[Finding]:
    provider, source = rules.provider, rules.source
    names = {v.name for v in block.vars}
    out: list[Finding] = []
    key = next((v for v in block.vars if source.is_openai_key_env(v.name)
                and v.name != provider.api_key_env), None)
    if key is not None and provider.api_key_env not in names:
        value = _key_value(kind, block, key, provider.api_key_env)
        out += _missing(block, key, provider.api_key_env, value, lines, kind)
    base = next((v for v in block.vars if source.is_openai_base_env(v.name)
                 and v.name != provider.base_url_env), None)
    if base is not None and provider.base_url_env not in names:
        out += _missing(block, base, provider.base_url_env, provider.base_url, lines, kind)
    return out


def _key_value(kind: Kind, block: Block, var: Var, name: str) -> str:
    """What the provider's key is set to, in the idiom of the file."""
    if kind == "workflow":
        return f"${{{{ secrets.{name} }}}}"
    if kind == "compose":
        return f"${{{name}}}"
    if block.form == "k8s":
        secret = var.secret[0] if var.secret else "<a Secret>"
        return f"valueFrom.secretKeyRef {{name: {secret}, key: {name}}}"
    return f"<your {name}>"


def _missing(block: Block, var: Var, name: str, value: str, lines: Lines, kind: Kind) -> list[Finding]:
    line, _ = lines.position(var.last)
    if ignored(lines.text[var.last : lines.end_of(line)], "LMX602"):
        return []
    message = (f"{var.name} is handed to the program but {name}, which the migrated code reads, "
               f"is not: add {_shown(block.form, name, value)} beside it")
    if kind == "workflow" and name != value and "secrets." in value:
        message += f" and create the secret {name}"
    fix = _fix(block, var, lines, name, value) if kind in _FIXABLE else None
    return [finding("LMX602", message, lines, var.start, var.end, fix)]


def _shown(form: str, name: str, value: str) -> str:
    """The entry to add, as the user would write it in this block."""
    if form == "list":
        return f"`- {name}={value}`"
    if form == "k8s" and value.startswith("valueFrom"):
        return f"`- name: {name}` with {value}"
    if form == "k8s":
        return f"`- name: {name}` with `value: {value}`"
    return f"`{name}: {value}`"


def _fix(block: Block, var: Var, lines: Lines, name: str, value: str) -> Fix | None:
    """An inserted line after the OpenAI entry: block style and one-line entries only."""
    if block.flow or not var.simple or block.form == "k8s":
        return None
    line, _ = lines.position(var.item)
    prefix = lines.text[lines.start_of(line) : var.item]
    if block.form == "mapping":
        new = " " * len(prefix) + f"{name}: {_scalar(value, f'{name}: ', {name: value})}"
    elif _DASH.fullmatch(prefix):
        entry = f"{name}={value}"
        new = prefix + _scalar(entry, "- ", [entry])
    else:
        return None
    last, _ = lines.position(var.last)
    offset, inserted = lines.insert_after(last, new)
    return Fix(f"Add {name}", (Edit(EditKind.INSERT, offset, offset, inserted),))


def _scalar(value: str, lead: str, expected: Any) -> str:
    """`value` as a plain scalar when YAML reads it back unchanged, else double-quoted."""
    import yaml  # type: ignore[import-untyped,unused-ignore]

    try:
        if yaml.safe_load(lead + value) == expected:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value)
