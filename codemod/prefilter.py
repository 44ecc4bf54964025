"""The byte prefilter (SPEC §7): is a file worth decoding and parsing at all?

Built once from the rules: a file whose bytes hold none of its words and no key costs the run
one read. Substring searches come first: they run at memory speed, where one regex over every
file would cost more than reading it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codemod.rules import Rules


@dataclass(frozen=True)
class Prefilter:
    words: tuple[bytes, ...]
    # Key patterns, unanchored, each with the literal prefix that must occur before it can match.
    keys: tuple[tuple[bytes, re.Pattern[bytes]], ...]

    @classmethod
    def from_rules(cls, rules: Rules) -> Prefilter:
        return cls(_words(rules), _keys(rules.source.key_patterns))

    def matches(self, data: bytes) -> bool:
        if any(word in data for word in self.words):
            return True
        return any((not prefix or prefix in data) and rx.search(data) for prefix, rx in self.keys)


def _words(rules: Rules) -> tuple[bytes, ...]:
    """The client modules' last names and the literal prefixes of mapped model globs.

    The last name of a module, not the first: every spelling of an import of `a.b.c`
    (`import a.b.c`, `from a.b import c`, `from .b.c import X`) holds "c", not always "a"."""
    sdk = rules.module_config.module.split(".")[-1]
    # A module under the SDK's package (`openai._client`, `openai.lib.azure`) is imported, from
    # outside that package, by a line holding the SDK's name: its last name ("_client") would
    # only make every file naming an `http_client` a candidate.
    words = {m.split(".")[-1] for m in (s.module for s in rules.clients) if m.split(".")[0] != sdk}
    words.add(sdk)
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
