"""The byte prefilter (SPEC §7): is a file worth decoding and parsing at all?

Built once from the rules: a file whose bytes hold none of its words and no key costs the run
one read. Substring searches come first: they run at memory speed, where one regex over every
file would cost more than reading it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from codemod.rules import Rules


@dataclass(frozen=True)
class Prefilter:
    words: tuple[bytes, ...]
    # Key patterns, unanchored, each with the literal prefix that must occur before it can match.
    keys: tuple[tuple[bytes, re.Pattern[bytes]], ...]
    connectors: tuple[bytes, ...] = ()  # lower case; `connects`

    @classmethod
    def from_rules(cls, rules: Rules) -> Prefilter:
        connectors = tuple(sorted({w.lower().encode() for w in rules.source.connector_words if w}))
        return cls(_words(rules), _keys(rules.source.key_patterns), connectors)

    def matches(self, data: bytes) -> bool:
        if any(word in data for word in self.words):
            return True
        return any((not prefix or prefix in data) and rx.search(data) for prefix, rx in self.keys)

    def connects(self, data: bytes) -> bool:
        """May a module `matches` skips still wire clients or model constants between modules?
        Asked of the skipped ones only, on bytes already read: one lower-cased copy, a few finds."""
        if not self.connectors:
            return False
        low = data.lower()
        return any(word in low for word in self.connectors)


_WORD = re.compile(rb"\w+")


@dataclass(frozen=True)
class Wiring:
    """The second stage's test: does a connector module name something a candidate exports?

    A name counts only in a module that also names the module exporting it (`from clients import
    get_llm`, `import clients`): a name as common as `client` then pulls in few modules. The
    module's words are collected once and looked up (a regex of every name tried at every
    position of every connector costs more than the first pass), and only in a module whose
    bytes hold one of the exporting modules' names (a few substring searches)."""

    owners: dict[bytes, frozenset[bytes]] = field(default_factory=dict)  # name -> module last names
    modules: tuple[bytes, ...] = ()  # every exporting module's last name

    @classmethod
    def from_summaries(cls, summaries: Iterable[object]) -> Wiring | None:
        """From the candidates' summaries (read loosely: this module imports no analysis); None
        when no candidate builds a client (the project view then decides nothing) or exports a name."""
        known = list(summaries)
        if not builds_clients(known):
            return None
        owners: dict[bytes, set[bytes]] = {}
        for summary in known:
            module = str(getattr(summary, "module", "")).split(".")[-1].encode()
            for name in _exported(summary):
                owners.setdefault(name.encode(), set()).add(module)
        if not owners:
            return None
        return cls({n: frozenset(m) for n, m in owners.items()}, tuple(sorted(set().union(*owners.values()))))

    def matches(self, data: bytes) -> bool:
        if not any(module in data for module in self.modules):
            return False
        words = set(_WORD.findall(data))
        return any(not words.isdisjoint(self.owners[name]) for name in words.intersection(self.owners))


def _exported(summary: object) -> set[str]:
    """The names a module offers that carry a client or a model: factories, clients, classes
    taking a client (`params`), model constants; the first part of a dotted one (`Digest.MODEL`)."""
    names = [*getattr(summary, "exports", {}), *getattr(summary, "params", {}), *getattr(summary, "models", ())]
    out = {n.removesuffix("()").split(".")[0] for n in names}
    return {n for n in out if n.isidentifier()}


def _words(rules: Rules) -> tuple[bytes, ...]:
    """The client modules' last names and the literal prefixes of mapped model globs.

    The last name of a module, not the first: every spelling of an import of `a.b.c`
    (`import a.b.c`, `from a.b import c`, `from .b.c import X`) holds "c", not always "a"."""
    sdk = rules.module_config.module
    modules = {spec.module for spec in rules.clients} | {sdk}
    # A module under another of them (`openai._client`, `langchain.chat_models.base`) is imported,
    # from outside that package, by a line holding that one's last name: its own ("_client",
    # "base") would only make every file naming an `http_client` or a `base` a candidate.
    words = {m.split(".")[-1] for m in modules if not any(m.startswith(o + ".") for o in modules)}
    # A call on a client built in another module (`get_client().embeddings.create(...)`) names
    # no client module: the API's resource roots, as attributes, make such a file a candidate.
    endpoints = rules.endpoints
    for entry in (*endpoints.served, *endpoints.exclusive, *endpoints.coming_soon, *endpoints.unserved):
        root = entry.split(".")[0]
        if root != "models":  # `.models.` is every ORM's; a models call is served anyway
            words.add(f".{root}.")
    for rule in rules.models.map:
        if rule.action == "map":
            for glob in rule.match:
                prefix = re.split(r"[*?\[]", glob, maxsplit=1)[0]
                if len(prefix) >= 3:
                    words.add(prefix)
    # A word that holds a shorter one adds nothing but another pass over every file's bytes.
    kept = {w for w in words if not any(o != w and o in w for o in words)}
    return tuple(sorted(w.encode() for w in kept))


def _keys(patterns: tuple[str, ...]) -> tuple[tuple[bytes, re.Pattern[bytes]], ...]:
    out = []
    for pattern in patterns:
        body = pattern.lstrip("^").rstrip("$")
        prefix = re.match(r"[A-Za-z0-9_-]*", body)
        out.append(((prefix.group(0) if prefix else "").encode(), re.compile(body.encode())))
    return tuple(out)


def builds_clients(summaries: Iterable[object]) -> bool:
    """Does some summary build a client (a constructor with its spec known) or export a client
    class (`k:`)? A call of an imported project name (spec still unknown) alone is not enough:
    without a client there is nothing for the project view to decide."""
    for summary in summaries:
        if any(getattr(c, "spec", "") for c in getattr(summary, "ctors", ())):
            return True
        exports = getattr(summary, "exports", None) or {}
        if any(ref.startswith("k:") for refs in exports.values() for ref in refs):
            return True
    return False
