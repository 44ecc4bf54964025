"""Documentation pages: a code's Markdown with its provider facts filled in from the rules.

Pages and summaries hold `${provider.name}`, `${chat.max_stop}`, `${provider.models[0]}`, ...:
dotted attribute paths into `Rules`, so that the rules file stays the one owner of every fact.
`$${` is a literal `${` (string.Template's escape): compose files and GitHub workflows use it.
`explain`, the SARIF rule help and docs/codes.md all render through `render_page`; a rules file
saying `max_stop = 8` makes all three say 8. An unknown placeholder fails, never shows raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from codemod import pkgdata
from codemod.codes.registry import PREAMBLES, get
from codemod.rules import Rules, load_rules

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")

# `$$` (an escaped dollar), `${path}` (a fact), or a `${` that never closes.
_PLACEHOLDER = re.compile(r"\$(?:(\$)|\{([^}]*)\}|(\{))")
_PATH = re.compile(r"([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)(?:\[(\d+)\])?")
_MISSING = object()


class PageError(ValueError):
    """A page or summary that cannot be rendered: a bad placeholder or a malformed page."""


@dataclass(frozen=True)
class Page:
    """The four sections of one code's page, facts filled in; the examples without fences.
    `lang` is the examples' fence language: "python", or e.g. "yaml" for a deployment file."""

    what: str
    why: str
    example: str
    use_instead: str
    lang: str = "python"


def _listed(items: tuple[str, ...]) -> str:
    """`a`, `b` and `c`: how prose names the entries of a list fact."""
    quoted = [f"`{item}`" for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _shown(value: object, where: str) -> str:
    """The text of one fact; kinds a sentence cannot hold are refused rather than guessed."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
        return _listed(value)
    raise PageError(f"{where}: {type(value).__name__} value {value!r} cannot be shown in text")


def _fact(rules: Rules, path: str, where: str) -> str:
    """The value at `path` (e.g. "chat.max_stop", "provider.models[0]") of `rules`, as text."""
    m = _PATH.fullmatch(path)
    if m is None:
        raise PageError(f"{where}: malformed placeholder ${{{path}}}")
    value: object = rules
    for part in m.group(1).split("."):
        value = getattr(value, part, _MISSING)
        if value is _MISSING:
            raise PageError(f"{where}: unknown placeholder ${{{path}}}: the rules have no {part!r}")
    if m.group(2) is not None:
        if not isinstance(value, tuple) or int(m.group(2)) >= len(value):
            raise PageError(f"{where}: ${{{path}}} indexes past the rules' value {value!r}")
        value = value[int(m.group(2))]
    return _shown(value, f"{where}: ${{{path}}}")


def fill(text: str, rules: Rules, where: str = "text") -> str:
    """`text` with every `${...}` replaced by its fact and `$$` by `$`; PageError on any
    placeholder it cannot fill."""

    def one(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return "$"
        if m.group(3) is not None:
            raise PageError(f"{where}: unterminated placeholder")
        return _fact(rules, m.group(2), where)

    return _PLACEHOLDER.sub(one, text)


def _rules(rules: Rules | None) -> Rules:
    return rules if rules is not None else load_rules()


@cache
def _source(code: str) -> str:
    return pkgdata.read_text("codemod.codes", f"pages/{code}.md")


def _code_block(body: str, where: str) -> tuple[str, str]:
    """(language, code) of a section that is exactly one fenced block."""
    m = re.fullmatch(r"```([a-z]+)\n(.*?)\n```", body, flags=re.S)
    if m is None or "```" in m.group(2):
        raise PageError(f"{where}: must be exactly one fenced block (```python, ```yaml, ...)")
    return m.group(1), m.group(2)


def page(code: str, rules: Rules | None = None) -> Page:
    """The sections of `code`'s page (KeyError for an unknown code), filled from `rules`."""
    info = get(code)
    where = f"pages/{info.code}.md"
    parts = re.split(r"^## (.+)\n", fill(_source(info.code), _rules(rules), where), flags=re.M)
    if parts[0].strip() or tuple(parts[1::2]) != SECTIONS:
        raise PageError(f"{where}: the sections must be exactly {', '.join(SECTIONS)}")
    what, why, example, use_instead = (body.strip() for body in parts[2::2])
    lang, example_code = _code_block(example, f"{where}: Example")
    other, use_code = _code_block(use_instead, f"{where}: Use instead")
    if other != lang:
        raise PageError(f"{where}: Example is ```{lang} but Use instead is ```{other}")
    return Page(what=what, why=why, example=example_code, use_instead=use_code, lang=lang)


def summary(code: str, rules: Rules | None = None) -> str:
    """The one-line summary of `code`, facts filled from `rules`."""
    info = get(code)
    return fill(info.summary, _rules(rules), f"index.toml: [{info.code}] summary")


def preamble(name: str, rules: Rules | None = None) -> str:
    """The named preamble (see PREAMBLES) with its facts filled from `rules`."""
    return fill(PREAMBLES[name], _rules(rules), f"preamble {name!r}")


def render_page(code: str, rules: Rules | None = None, level: int = 1) -> str:
    """The Markdown page of `code`, its title a heading of `level` (None rules: the default)."""
    info = get(code)
    rules = _rules(rules)
    p = page(code, rules)
    h = "#" * level
    line = summary(code, rules)
    parts = [f"{h} {info.code} ({info.name})", line[:1].upper() + line[1:] + "."]
    if info.fix != "never":
        parts.append(f"Fix is {info.fix} available.")
    parts += [
        f"{h}# What it does\n{p.what}",
        f"{h}# Why is this bad?\n{p.why}",
        f"{h}# Example\n```{p.lang}\n{p.example}\n```",
        f"{h}# Use instead\n```{p.lang}\n{p.use_instead}\n```",
    ]
    return "\n\n".join(parts) + "\n"


def doc_markdown(code: str, rules: Rules | None = None) -> str:
    """The page `explain` prints: `render_page` at level 1."""
    return render_page(code, rules, 1)
