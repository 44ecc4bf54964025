"""The rules file: every provider fact, loaded once from TOML into frozen, validated values.

Code never names a provider, a model or an endpoint; it asks these values. A bad file is refused
with its path, the key and the reason before any source file is read.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class RulesError(Exception):
    """A rules file that cannot be used; the message names the file, the key and why."""


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    api_key_env: str
    base_url_env: str
    key_prefix: str
    models: tuple[str, ...]
    docs_url: str = ""


@dataclass(frozen=True)
class SourceFacts:
    """What an OpenAI setup looks like, so it can be recognised and replaced."""

    api_key_env: tuple[str, ...]
    base_url_env: tuple[str, ...]
    base_urls: tuple[str, ...]
    key_patterns: tuple[str, ...]
    ignore_calls: tuple[str, ...]

    @cached_property
    def key_regexes(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.key_patterns)

    def is_openai_key_env(self, name: str) -> bool:
        return _any_glob(name, self.api_key_env, fold=True)

    def is_openai_base_env(self, name: str) -> bool:
        return _any_glob(name, self.base_url_env, fold=True)

    def is_openai_url(self, url: str) -> bool:
        return _any_glob(url.rstrip("/"), self.base_urls, fold=True) or _any_glob(
            url, self.base_urls, fold=True
        )

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
    sdk: bool = False
    azure: bool = False

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


@dataclass(frozen=True)
class ModelRule:
    match: tuple[str, ...]
    action: str  # "map" | "keep" | "unsupported"
    to: str | None = None
    reason: str = ""

    def matches(self, model: str) -> bool:
        return _any_glob(model, self.match, fold=False)


@dataclass(frozen=True)
class Models:
    param_names: tuple[str, ...]
    map: tuple[ModelRule, ...]

    def rule_for(self, model: str) -> ModelRule | None:
        """The first rule that matches `model`; None when none does."""
        for rule in self.map:
            if rule.matches(model):
                return rule
        return None

    def is_param_name(self, name: str) -> bool:
        return _any_glob(name, self.param_names, fold=True)


@dataclass(frozen=True)
class Endpoints:
    served: tuple[str, ...]
    exclusive: tuple[str, ...]
    coming_soon: tuple[str, ...]
    unserved: tuple[str, ...]
    passthrough: tuple[str, ...]

    def classify(self, path: str) -> str | None:
        """'served', 'exclusive', 'coming_soon', 'unserved' or None (not an API resource).

        The longest listed prefix of the dotted `path` decides, so that
        `chat.completions.create` can be served while `chat.completions.list` is not.
        """
        best: tuple[int, str | None] = (-1, None)
        for kind, entries in (
            ("served", self.served),
            ("exclusive", self.exclusive),
            ("coming_soon", self.coming_soon),
            ("unserved", self.unserved),
        ):
            for entry in entries:
                if (path == entry or path.startswith(entry + ".")) and len(entry) > best[0]:
                    best = (len(entry), kind)
        if best[1] is None and self.is_resource_root(path.split(".")[0]):
            return "unserved"
        return best[1]

    def is_resource_root(self, name: str) -> bool:
        every = self.served + self.exclusive + self.coming_soon + self.unserved
        return any(e.split(".")[0] == name for e in every)


@dataclass(frozen=True)
class Chat:
    params: tuple[str, ...]
    request_options: tuple[str, ...]
    roles: tuple[str, ...]
    max_stop: int
    temperature_min: float
    temperature_max: float


@dataclass(frozen=True)
class Rules:
    provider: Provider
    source: SourceFacts
    clients: tuple[ClientSpec, ...]
    module_config: ModuleConfig
    models: Models
    endpoints: Endpoints
    legacy: Mapping[str, str]
    chat: Chat
    paths: tuple[str, ...] = field(default=())

    @cached_property
    def client_by_qualname(self) -> dict[str, ClientSpec]:
        return {q: spec for spec in self.clients for q in spec.qualified_names}

    @cached_property
    def trigger_words(self) -> tuple[bytes, ...]:
        """Words whose presence makes a file worth parsing (SPEC §7), derived from the rules:
        the client modules' last names and the literal prefixes of mapped model globs.

        The last name of a module, not the first: every spelling of an import of `a.b.c`
        (`import a.b.c`, `from a.b import c`, `from .b.c import X`) holds "c", not always "a"."""
        words = {spec.module.split(".")[-1] for spec in self.clients}
        words.add(self.module_config.module.split(".")[-1])
        for rule in self.models.map:
            if rule.action == "map":
                for glob in rule.match:
                    prefix = re.split(r"[*?\[]", glob, maxsplit=1)[0]
                    if len(prefix) >= 3:
                        words.add(prefix)
        # A word that holds a shorter one adds nothing but another pass over every file's bytes.
        kept = {w for w in words if not any(o != w and o in w for o in words)}
        return tuple(sorted(w.encode() for w in kept))

    @cached_property
    def trigger_keys(self) -> tuple[tuple[bytes, re.Pattern[bytes]], ...]:
        """Key patterns, unanchored, each with the literal prefix that must occur first."""
        out = []
        for pattern in self.source.key_patterns:
            body = pattern.lstrip("^").rstrip("$")
            prefix = re.match(r"[A-Za-z0-9_-]*", body)
            out.append(((prefix.group(0) if prefix else "").encode(), re.compile(body.encode())))
        return tuple(out)

    def triggered(self, data: bytes) -> bool:
        """Is a file with these bytes worth parsing? Substring searches first: they run at memory
        speed, where one regex over every file would cost more than reading it."""
        if any(word in data for word in self.trigger_words):
            return True
        return any((not prefix or prefix in data) and rx.search(data) for prefix, rx in self.trigger_keys)


def _any_glob(value: str, globs: Sequence[str], *, fold: bool) -> bool:
    if fold:
        value = value.lower()
        return any(fnmatch.fnmatchcase(value, g.lower()) for g in globs)
    return any(fnmatch.fnmatchcase(value, g) for g in globs)


# --- loading and validation -------------------------------------------------------------------

_STR = "a string"
_STRS = "a list of strings"
_BOOL = "true or false"
_INT = "an integer"
_NUM = "a number"

# table -> key -> (type, required)
_SCHEMA: dict[str, dict[str, tuple[str, bool]]] = {
    "provider": {
        "name": (_STR, True),
        "base_url": (_STR, True),
        "api_key_env": (_STR, True),
        "base_url_env": (_STR, True),
        "key_prefix": (_STR, True),
        "models": (_STRS, True),
        "docs_url": (_STR, False),
    },
    "source": {
        "api_key_env": (_STRS, True),
        "base_url_env": (_STRS, True),
        "base_urls": (_STRS, True),
        "key_patterns": (_STRS, True),
        "ignore_calls": (_STRS, False),
    },
    "module_config": {
        "module": (_STR, True),
        "api_key_attrs": (_STRS, True),
        "base_url_attrs": (_STRS, True),
        "base_url_attr": (_STR, True),
        "legacy_base_url_attr": (_STR, True),
        "azure_markers": (_STRS, False),
    },
    "endpoints": {
        "served": (_STRS, True),
        "exclusive": (_STRS, False),
        "coming_soon": (_STRS, True),
        "unserved": (_STRS, True),
        "passthrough": (_STRS, False),
    },
    "chat": {
        "params": (_STRS, True),
        "request_options": (_STRS, False),
        "roles": (_STRS, True),
        "max_stop": (_INT, True),
        "temperature_min": (_NUM, False),
        "temperature_max": (_NUM, False),
    },
}
_CLIENT_KEYS: dict[str, tuple[str, bool]] = {
    "id": (_STR, True),
    "module": (_STR, True),
    "names": (_STRS, True),
    "api_key_args": (_STRS, False),
    "base_url_args": (_STRS, False),
    "model_args": (_STRS, False),
    "sdk": (_BOOL, False),
    "azure": (_BOOL, False),
}
_MODEL_RULE_KEYS: dict[str, tuple[str, bool]] = {
    "match": (_STRS, True),
    "action": (_STR, False),
    "to": (_STR, False),
    "reason": (_STR, False),
}
_TOP_KEYS = {*_SCHEMA, "clients", "models", "legacy", "extends"}


def default_rules_text() -> str:
    """The shipped rules: inside the wheel as package data, or the repo's rules/ folder."""
    try:
        return (resources.files("codemod.rules_data") / "lumyx.toml").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        here = Path(__file__).resolve().parent.parent / "rules" / "lumyx.toml"
        return here.read_text("utf-8")


def load_rules(path: str | Path | None = None) -> Rules:
    """The default rules, extended (or replaced, with `extends = false`) by the file at `path`."""
    base = _parse(default_rules_text(), "<default rules>")
    paths: tuple[str, ...] = ("<default rules>",)
    if path is not None:
        shown = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise RulesError(f"{shown}: cannot read rules file: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise RulesError(f"{shown}: rules file is not UTF-8: {exc.reason}") from exc
        user = _parse(text, shown)
        extends = user.pop("extends", True)
        if not isinstance(extends, bool):
            raise RulesError(f"{shown}: extends: must be {_BOOL}")
        base = _merge(base, user) if extends else user
        paths = (*paths, shown) if extends else (shown,)
        return _build(base, shown, paths)
    return _build(base, "<default rules>", paths)


def _parse(text: str, shown: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{shown}: not valid TOML: {exc}") from exc
    return data


def _merge(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; lists replace; user clients replace same-id ones or are added;
    user model rules come first (first match wins, so they take precedence)."""
    out = dict(base)
    for key, value in user.items():
        if key == "clients" and isinstance(value, list):
            by_id = {c.get("id"): c for c in value if isinstance(c, dict)}
            kept = [c for c in base.get("clients", []) if c.get("id") not in by_id]
            out["clients"] = kept + list(value)
        elif key == "models" and isinstance(value, dict) and isinstance(base.get("models"), dict):
            merged = dict(base["models"])
            for mkey, mvalue in value.items():
                if mkey == "map" and isinstance(mvalue, list):
                    merged["map"] = list(mvalue) + list(base["models"].get("map", []))
                else:
                    merged[mkey] = mvalue
            out["models"] = merged
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = {**base[key], **value}
        else:
            out[key] = value
    return out


def _check(value: Any, kind: str) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _STRS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _NUM:
        return isinstance(value, int | float) and not isinstance(value, bool)
    raise AssertionError(kind)  # pragma: no cover


def _table(data: Any, where: str, keys: Mapping[str, tuple[str, bool]], shown: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RulesError(f"{shown}: {where}: must be a table")
    for key, value in data.items():
        if key not in keys:
            known = ", ".join(sorted(keys))
            raise RulesError(f"{shown}: {where}.{key}: unknown key (known: {known})")
        kind, _ = keys[key]
        if not _check(value, kind):
            raise RulesError(f"{shown}: {where}.{key}: must be {kind}, got {_describe(value)}")
    for key, (_, required) in keys.items():
        if required and key not in data:
            raise RulesError(f"{shown}: {where}.{key}: missing required key")
    return data


def _describe(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}.get(
        type(value), f"a {type(value).__name__}"
    )


def _globs(values: Sequence[str], where: str, shown: str) -> tuple[str, ...]:
    for glob in values:
        if not glob:
            raise RulesError(f"{shown}: {where}: bad glob '': empty")
        depth = 0
        for ch in glob:
            if ch == "[":
                depth += 1
            elif ch == "]" and depth:
                depth -= 1
        if depth:
            raise RulesError(f"{shown}: {where}: bad glob {glob!r}: unclosed '['")
    return tuple(values)


def _build(data: dict[str, Any], shown: str, paths: tuple[str, ...]) -> Rules:
    for key in data:
        if key not in _TOP_KEYS:
            raise RulesError(f"{shown}: {key}: unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    tables = {name: _table(data.get(name), name, keys, shown) for name, keys in _SCHEMA.items()}
    p, s, m, e, c = (tables[k] for k in ("provider", "source", "module_config", "endpoints", "chat"))

    for pattern in s["key_patterns"]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RulesError(f"{shown}: source.key_patterns: bad pattern {pattern!r}: {exc}") from exc

    raw_clients = data.get("clients", [])
    if not isinstance(raw_clients, list):
        raise RulesError(f"{shown}: clients: must be an array of tables ([[clients]])")
    clients = []
    for i, raw in enumerate(raw_clients):
        where = f"clients[{i}]"
        t = _table(raw, where, _CLIENT_KEYS, shown)
        clients.append(
            ClientSpec(
                id=t["id"],
                module=t["module"],
                names=tuple(t["names"]),
                api_key_args=tuple(t.get("api_key_args", ())),
                base_url_args=tuple(t.get("base_url_args", ())),
                model_args=tuple(t.get("model_args", ())),
                sdk=t.get("sdk", False),
                azure=t.get("azure", False),
            )
        )

    raw_models = data.get("models")
    models_keys = {"param_names": (_STRS, True), "map": ("an array of tables", True)}
    if not isinstance(raw_models, dict):
        raise RulesError(f"{shown}: models: must be a table")
    for key in raw_models:
        if key not in models_keys:
            raise RulesError(f"{shown}: models.{key}: unknown key (known: map, param_names)")
    if not _check(raw_models.get("param_names"), _STRS):
        raise RulesError(f"{shown}: models.param_names: must be {_STRS}")
    raw_map = raw_models.get("map")
    if not isinstance(raw_map, list):
        raise RulesError(f"{shown}: models.map: must be an array of tables ([[models.map]])")
    rules = []
    for i, raw in enumerate(raw_map):
        where = f"models.map[{i}]"
        t = _table(raw, where, _MODEL_RULE_KEYS, shown)
        action = t.get("action", "map")
        if action not in ("map", "keep", "unsupported"):
            raise RulesError(
                f"{shown}: {where}.action: must be one of map, keep, unsupported, got {action!r}"
            )
        if action == "map" and not t.get("to"):
            raise RulesError(f"{shown}: {where}.to: required when action is map")
        if action != "map" and "to" in t:
            raise RulesError(f"{shown}: {where}.to: only allowed when action is map")
        rules.append(
            ModelRule(
                match=_globs(t["match"], f"{where}.match", shown),
                action=action,
                to=t.get("to"),
                reason=t.get("reason", ""),
            )
        )

    legacy = data.get("legacy", {})
    if not isinstance(legacy, dict) or not all(isinstance(v, str) for v in legacy.values()):
        raise RulesError(f"{shown}: legacy: must be a table of strings")

    return Rules(
        provider=Provider(
            name=p["name"],
            base_url=p["base_url"],
            api_key_env=p["api_key_env"],
            base_url_env=p["base_url_env"],
            key_prefix=p["key_prefix"],
            models=tuple(p["models"]),
            docs_url=p.get("docs_url", ""),
        ),
        source=SourceFacts(
            api_key_env=_globs(s["api_key_env"], "source.api_key_env", shown),
            base_url_env=_globs(s["base_url_env"], "source.base_url_env", shown),
            base_urls=_globs(s["base_urls"], "source.base_urls", shown),
            key_patterns=tuple(s["key_patterns"]),
            ignore_calls=tuple(s.get("ignore_calls", ())),
        ),
        clients=tuple(clients),
        module_config=ModuleConfig(
            module=m["module"],
            api_key_attrs=tuple(m["api_key_attrs"]),
            base_url_attrs=tuple(m["base_url_attrs"]),
            base_url_attr=m["base_url_attr"],
            legacy_base_url_attr=m["legacy_base_url_attr"],
            azure_markers=tuple(m.get("azure_markers", ())),
        ),
        models=Models(
            param_names=_globs(raw_models["param_names"], "models.param_names", shown),
            map=tuple(rules),
        ),
        endpoints=Endpoints(
            served=tuple(e["served"]),
            exclusive=tuple(e.get("exclusive", ())),
            coming_soon=tuple(e["coming_soon"]),
            unserved=tuple(e["unserved"]),
            passthrough=tuple(e.get("passthrough", ())),
        ),
        legacy=dict(legacy),
        chat=Chat(
            params=tuple(c["params"]),
            request_options=tuple(c.get("request_options", ())),
            roles=tuple(c["roles"]),
            max_stop=c["max_stop"],
            temperature_min=float(c.get("temperature_min", 0.0)),
            temperature_max=float(c.get("temperature_max", 2.0)),
        ),
        paths=paths,
    )
