"""The rules as frozen values, and the schema of the rules file: the loader reads each table's
keys, types, required keys and defaults from these dataclasses, so a key is declared once.

A field without a default is a required key. `field(metadata=...)` adds what a type cannot say:
`each` checks every string of a list (a glob, a regular expression); `internal` marks a value
the loader sets itself, never read from the file.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Action = Literal["map", "keep", "unsupported"]
EndpointKind = Literal["served", "exclusive", "coming_soon", "unserved"]


class FieldProblem(ValueError):
    """A value that is wrong only next to another one; the loader adds the file and the table."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def glob_problem(glob: str) -> str | None:
    """Why `glob` cannot be a glob (None when it can): fnmatch would read it as a literal."""
    if not glob:
        return "bad glob '': empty"
    depth = 0
    for ch in glob:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
    return f"bad glob {glob!r}: unclosed '['" if depth else None


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` is not a regular expression (None when it is)."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"bad pattern {pattern!r}: {exc}"
    return None


def _each(check: Callable[[str], str | None]) -> dict[str, object]:
    return {"each": check}


GLOBS = _each(glob_problem)
REGEXES = _each(regex_problem)


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    api_key_env: str
    base_url_env: str
    key_prefix: str
    models: tuple[str, ...]


@dataclass(frozen=True)
class SourceFacts:
    """What an OpenAI setup looks like, so it can be recognised and replaced."""

    api_key_env: tuple[str, ...] = field(metadata=GLOBS)
    base_url_env: tuple[str, ...] = field(metadata=GLOBS)
    base_urls: tuple[str, ...] = field(metadata=GLOBS)
    key_patterns: tuple[str, ...] = field(metadata=REGEXES)
    ignore_calls: tuple[str, ...] = ()
    # Constructor arguments that mean the client cannot take a provider key (LMX107).
    refuse_args: tuple[str, ...] = ()
    # Functions that wrap a client and return it with the same calls (`instructor.from_openai`).
    wrappers: tuple[str, ...] = ()
    # Parameter defaults through which a framework passes a factory's result (`Depends(f)`).
    injectors: tuple[str, ...] = ()
    # Modules that mock HTTP in tests: a client in a test module importing one is a test double.
    http_mocks: tuple[str, ...] = ()
    # Words (case-insensitive) of a module the prefilter skips that may still wire clients or
    # model constants between modules: such a module is read again when it names what one exports.
    connector_words: tuple[str, ...] = ()

    @cached_property
    def key_regexes(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.key_patterns)

    @cached_property
    def key_prefixes(self) -> tuple[str, ...] | None:
        """Text that any match of some key pattern contains (each pattern's literal start);
        None when a pattern has none, and then any string may hold a key. Lets a scan skip
        the strings that hold none of them before trying the patterns."""
        prefixes = [_literal_start(p) for p in self.key_patterns]
        return None if not all(prefixes) else tuple(prefixes)

    def is_openai_key_env(self, name: str) -> bool:
        return _globs(self.api_key_env, fold=True)(name.lower()) is not None

    def is_openai_base_env(self, name: str) -> bool:
        return _globs(self.base_url_env, fold=True)(name.lower()) is not None

    def is_openai_url(self, url: str) -> bool:
        match = _globs(self.base_urls, fold=True)
        return match(url.rstrip("/").lower()) is not None or match(url.lower()) is not None

    def looks_like_key(self, value: str) -> bool:
        return any(r.search(value) for r in self.key_regexes)


@dataclass(frozen=True)
class ClientSpec:
    """A constructor whose instances talk to OpenAI: the SDK's own clients and wrappers."""

    id: str
    module: str
    names: tuple[str, ...]
    api_key_args: tuple[str, ...] = ()
    base_url_args: tuple[str, ...] = ()
    model_args: tuple[str, ...] = ()
    azure: bool = False
    # Arguments set to "" on migration, so that OpenAI's organization and project (read from
    # OPENAI_ORG_ID / OPENAI_PROJECT_ID when left out) never reach the provider.
    blank_args: tuple[str, ...] = ()
    # The same through headers, for constructors whose blank argument falls back to the env.
    blank_headers: tuple[str, ...] = ()
    # A client every call of which the provider does not serve (an embeddings client): kept.
    unserved: str = ""
    # Why a constructor must be left as it is (it rejects the provider's model names...).
    keep_reason: str = ""
    # A factory that builds this client for one provider only (LangChain's `init_chat_model`):
    # the argument naming the provider and the value naming this one (also accepted as the
    # model's `<provider>:` prefix, which a mapped model keeps); any other provider is not it.
    provider_arg: str = ""
    provider: str = ""
    # Where the model is when passed positionally (-1: only by keyword).
    model_position: int = -1
    # Model names the factory infers this provider from when none is named (globs, matched
    # on the literal model, case folded: LangChain's `gpt-*`, `o1*`...).
    provider_models: tuple[str, ...] = field(default=(), metadata=GLOBS)

    def infers_provider(self, model: str) -> bool:
        return _any_glob(model, self.provider_models, fold=True)

    @property
    def qualified_names(self) -> tuple[str, ...]:
        return tuple(f"{self.module}.{n}" for n in self.names)


@dataclass(frozen=True)
class ModuleConfig:
    module: str
    api_key_attrs: tuple[str, ...]
    base_url_attrs: tuple[str, ...]
    base_url_attr: str
    legacy_base_url_attr: str
    azure_markers: tuple[str, ...] = ()
    # Attributes set to "" with a migrated configuration: the SDK reads OPENAI_ORG_ID /
    # OPENAI_PROJECT_ID only while they are None, and sends "" as an empty header.
    blank_attrs: tuple[str, ...] = ()
    # Base URL literals that only stand for one (`"https://..."`): OpenAI's, not another host.
    placeholder_base_urls: tuple[str, ...] = field(default=(), metadata=GLOBS)
    # Headers only OpenAI implements (organization, project, beta features): a request to the
    # provider must not carry them (names, case-insensitive).
    openai_headers: tuple[str, ...] = ()

    def is_placeholder(self, url: str) -> bool:
        return _any_glob(url, self.placeholder_base_urls, fold=False)


@dataclass(frozen=True)
class ModelRule:
    match: tuple[str, ...] = field(metadata=GLOBS)
    action: Action = "map"
    to: str | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        """`to` names the target of a mapping, and only of one."""
        if self.action == "map" and not self.to:
            raise FieldProblem("to", "required when action is map")
        if self.action != "map" and self.to is not None:
            raise FieldProblem("to", "only allowed when action is map")

    def matches(self, model: str) -> bool:
        return _any_glob(model, self.match, fold=False)


@dataclass(frozen=True)
class Models:
    param_names: tuple[str, ...] = field(metadata=GLOBS)
    map: tuple[ModelRule, ...]

    def rule_for(self, model: str) -> ModelRule | None:
        """The first rule that matches `model`; None when none does."""
        found = self._rule_index(model)
        return None if found is None else self.map[int(found.lastgroup[1:])]  # type: ignore[index]

    @cached_property
    def _rule_index(self) -> Callable[[str], re.Match[str] | None]:
        """One regex for all rules, a group per rule: the first alternative that matches wins,
        as the first matching rule does."""
        parts = [f"(?P<r{i}>{_translate(rule.match) or '(?!)'})" for i, rule in enumerate(self.map)]
        return re.compile("|".join(parts) or "(?!)").match

    def is_param_name(self, name: str) -> bool:
        return _globs(self.param_names, fold=True)(name.lower()) is not None


@dataclass(frozen=True)
class Endpoints:
    served: tuple[str, ...]
    coming_soon: tuple[str, ...]
    unserved: tuple[str, ...]
    exclusive: tuple[str, ...] = ()
    passthrough: tuple[str, ...] = ()

    def classify(self, path: str) -> EndpointKind | None:
        """The kind of the dotted `path`; None when it is not an API resource.

        The longest listed prefix of `path` decides, so that `chat.completions.create` can be
        served while `chat.completions.list` is not.
        """
        if path.split(".")[0] not in self._roots:
            return None  # every listed entry starts with a root: asked of every call, most are none
        best: tuple[int, EndpointKind | None] = (-1, None)
        kinds: tuple[tuple[EndpointKind, tuple[str, ...]], ...] = (
            ("served", self.served),
            ("exclusive", self.exclusive),
            ("coming_soon", self.coming_soon),
            ("unserved", self.unserved),
        )
        for kind, entries in kinds:
            for entry in entries:
                if (path == entry or path.startswith(entry + ".")) and len(entry) > best[0]:
                    best = (len(entry), kind)
        if best[1] is None and self.is_resource_root(path.split(".")[0]):
            return "unserved"
        return best[1]

    def is_resource_root(self, name: str) -> bool:
        return name in self._roots

    @cached_property
    def _roots(self) -> frozenset[str]:
        """The first names of every listed entry, gathered once (asked at every call)."""
        every = self.served + self.exclusive + self.coming_soon + self.unserved
        return frozenset(e.split(".")[0] for e in every)


@dataclass(frozen=True)
class Chat:
    params: tuple[str, ...]
    roles: tuple[str, ...]
    max_stop: int
    request_options: tuple[str, ...] = ()
    # Arguments a client wrapper (`source.wrappers`) consumes itself: never sent, never flagged.
    wrapper_options: tuple[str, ...] = ()
    temperature_min: float = 0.0
    temperature_max: float = 2.0


@dataclass(frozen=True)
class Rules:
    """The whole file. Fields are in the order the loader checks the tables."""

    provider: Provider
    source: SourceFacts
    module_config: ModuleConfig
    endpoints: Endpoints
    chat: Chat
    models: Models
    clients: tuple[ClientSpec, ...] = ()
    legacy: Mapping[str, str] = field(default_factory=dict)
    paths: tuple[str, ...] = field(default=(), metadata={"internal": True})

    @cached_property
    def client_roots(self) -> frozenset[str]:
        """The top-level packages of the SDK and of every client module: what code that uses
        OpenAI imports, and what is never a module of the user's project."""
        return frozenset({self.module_config.module.split(".")[0], *(c.module.split(".")[0] for c in self.clients)})

    @cached_property
    def model_prefixes(self) -> tuple[str, ...]:
        """`openai:`: the provider prefixes a one-provider factory's model may carry."""
        return tuple(sorted({f"{c.provider}:" for c in self.clients if c.provider}))

    @cached_property
    def client_by_qualname(self) -> dict[str, ClientSpec]:
        return {q: spec for spec in self.clients for q in spec.qualified_names}

    @cached_property
    def served_models(self) -> frozenset[str]:
        """The provider's models and every model a mapping writes: a mapping target is served
        by construction, so what `apply` wrote never fails `check` (LMX202) afterwards."""
        targets = (rule.to for rule in self.models.map if rule.to is not None)
        return frozenset((*self.provider.models, *targets))


def _any_glob(value: str, globs: Sequence[str], *, fold: bool) -> bool:
    return _globs(tuple(globs), fold=fold)(value.lower() if fold else value) is not None


@functools.lru_cache(maxsize=256)
def _globs(globs: tuple[str, ...], *, fold: bool) -> Callable[[str], re.Match[str] | None]:
    """`fnmatchcase` against any of `globs` as one compiled regex (folded: both sides lowered,
    the caller lowers the value)."""
    return re.compile(_translate(tuple(g.lower() for g in globs) if fold else globs) or "(?!)").match


def _literal_start(pattern: str) -> str:
    """The literal characters a regex's every match starts with ("" when unsure)."""
    depth = 0
    for ch in pattern:  # a top-level alternative may start with anything
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            return ""
    found = re.match(r"\^?([A-Za-z0-9_]*)(.?)", pattern)
    assert found is not None
    literal, after = found.groups()
    return literal[:-1] if after in ("?", "*", "{") else literal


def _translate(globs: Sequence[str]) -> str:
    return "|".join(f"(?:{fnmatch.translate(g)})" for g in globs)
