"""Per-file state shared by the detectors: positions, findings, values and verdicts on them.

The code a fix inserts lives in `inserts` (reached as `ctx.inserts`), the `# lumyx: ignore`
comments in `suppress` (reached as `ctx.suppressions`); this module only holds them together.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from codemod.analysis import suppress
from codemod.analysis.bindings import Binding, Scope, pos_of, span_of
from codemod.analysis.inserts import Inserts
from codemod.analysis.values import DictVal, EnvVal, ProjectFacts, QName, Resolver, StrVal, Value
from codemod.rules import Rules
from codemod.source import LineIndex
from codemod.types import Finding, Fix

# What a key or base URL expression is: already Lumyx, to be replaced by the environment read,
# a value the tool cannot see, or (base URLs only) another provider's host.
KeyVerdict = Literal["ok", "replace", "opaque"]
BaseVerdict = Literal["ok", "replace", "elsewhere", "opaque"]
# migrate | lumyx | elsewhere | opaque | azure | ignored (suppressed) | unknown (constructor unseen)
# kept (stays on OpenAI: a call the provider does not serve), split (served calls move, the
# others keep a copy of the original), refused (cannot take a provider key), test-double
ClientStatus = Literal[
    "migrate", "lumyx", "elsewhere", "opaque", "azure", "ignored", "unknown", "kept", "split", "refused", "test-double"
]


@dataclass
class ModelReach:
    """A string literal that reaches a model parameter, and how it got there."""

    node: ast.Constant
    proven: bool = False  # reached through an actual OpenAI call (not only by naming)
    blocked: bool = False  # also reaches a client that points elsewhere: never rewritten


@dataclass
class ClientState:
    """What the analysis concluded about one client constructor call."""

    status: ClientStatus
    findings: list[Finding] = field(default_factory=list)


class Context:
    def __init__(
        self, text: str, tree: ast.Module, rules: Rules, *, path: str = "<unknown>", project: ProjectFacts | None = None
    ) -> None:
        self.text = text
        self.tree = tree
        self.rules = rules
        self.path = path  # the file's display path: constructor ids are made of it
        self.project = project
        self.index = LineIndex(text)
        self.resolver = Resolver(tree, rules, project)
        self.inserts = Inserts(text, tree, self.index, self.resolver, rules)
        self.findings: list[Finding] = []
        self.model_reach: dict[int, ModelReach] = {}
        self.ignored_literals: set[int] = set()
        self.client_states: dict[int, ClientState] = {}
        self._callees: dict[int, Value] = {}
        # `name = Ctor(...)` / `self.name = Ctor(...)`: the statement and its target, by call
        self.assigned: dict[int, tuple[ast.stmt, str]] = {}
        self.test_doubles = False  # a client here talks to a test double (test code)
        # nodes that may re-point a client after construction (`detectors.repoint`), found once
        self.repoint_candidates: list[tuple[ast.AST, Scope]] | None = None
        self._model_params: dict[str, bool] = {}
        self._sdk_targets: dict[int, bool] = {}

    def is_model_param(self, name: str) -> bool:
        """`rules.models.is_param_name`, asked once a name per module (targets, parameters and
        names in comparisons and subscripts recur)."""
        known = self._model_params.get(name)
        if known is None:
            known = self._model_params[name] = self.rules.models.is_param_name(name)
        return known

    def release(self) -> None:
        """Break the scope <-> binding cycles once the module is analysed: the tree and the whole
        analysis are then freed by reference counting when their last use goes, not by a
        garbage collection that first walks all of it (issue 11: a tenth of `check`'s CPU)."""
        for scope in self.resolver.scope_of.values():
            scope.bindings.clear()
            scope.self_attrs.clear()

    def statement_of(self, call: ast.Call) -> ast.stmt | None:
        found = self.assigned.get(id(call))
        return found[0] if found else None

    def split_target(self, call: ast.Call) -> str | None:
        found = self.assigned.get(id(call))
        return found[1] if found else None

    @cached_property
    def suppressions(self) -> suppress.Suppressions:
        """The module's `# lumyx: ignore` comments, read once."""
        return suppress.scan(self.text, self.tree, self.index.lines)

    # --- positions ----------------------------------------------------------------------------

    def span(self, node: ast.AST) -> tuple[int, int]:
        return span_of(self.index, node)

    def source(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def shown(self, node: ast.AST, limit: int = 40) -> str:
        """The source of `node` on one line, cut to `limit` characters: for a message."""
        flat = " ".join(self.source(node).split())
        return flat if len(flat) <= limit else flat[: limit - 1] + "…"

    def openai_headers(self, call: ast.Call, scope: Scope, keyword: str) -> list[tuple[ast.Constant, str]]:
        """The OpenAI-only headers (rules `module_config.openai_headers`) given a value in the
        dict of `call`'s `keyword=`; an empty value is the blank that keeps one from the provider."""
        arg = next((kw.value for kw in call.keywords if kw.arg == keyword), None)
        val = self.value(arg, scope) if arg is not None else None
        if not isinstance(val, DictVal):
            return []
        names = {h.lower() for h in self.rules.module_config.openai_headers}
        found = []
        for key, value in zip(val.node.keys, val.node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() in names and not is_blank(value):
                found.append((key, key.value))
        return found

    def finding(self, code: str, message: str, node: ast.AST, fix: Fix | None = None) -> Finding:
        start, end = self.span(node)
        line, col = self.index.position(start)
        end_line, end_col = self.index.position(end)
        return Finding(code, message, line, col, end_line, end_col, fix)

    def add(self, code: str, message: str, node: ast.AST, fix: Fix | None = None) -> Finding:
        found = self.finding(code, message, node, fix)
        self.findings.append(found)
        return found

    def in_fstring(self, node: ast.AST) -> bool:
        """Is `node` inside an f-string? Code spliced there must not add quotes or lines."""
        start, end = self.span(node)
        return any(s <= start and end <= e for s, e in self._fstring_spans)

    @cached_property
    def _fstring_spans(self) -> list[tuple[int, int]]:
        return [self.span(n) for n in self.resolver.fstrings]  # met by the scope pass

    # --- values -------------------------------------------------------------------------------

    def value(self, node: ast.expr | None, scope: Scope) -> Value:
        return self.resolver.value(node, scope)

    def callee(self, call: ast.Call, scope: Scope) -> Value:
        """What a call's function stands for, resolved once for every detector that asks."""
        key = id(call)
        found = self._callees.get(key)
        if found is None:
            found = self._callees[key] = self.resolver.value(call.func, scope)
        return found

    @cached_property
    def imported_roots(self) -> frozenset[str]:
        """The top-level packages the module's own imports bind (`openai`, `respx`, ...)."""
        return frozenset(
            (b.qname or "").split(".")[0]
            for bindings in self.resolver.module.bindings.values()
            for b in bindings
            if b.kind == "import"
        )

    @property
    def module_scope(self) -> Scope:
        return self.resolver.module

    def module_alias(self, qname: str) -> str | None:
        """A module-level name bound to the import `qname` (e.g. `openai`), if any."""
        return self.module_scope.import_alias(qname)

    def key_verdict(self, node: ast.expr, scope: Scope) -> KeyVerdict:
        """`classify_key` of an expression. An explicit `None` is the SDK's default, a read of
        OpenAI's own environment variable: replaced like one."""
        return "replace" if _is_none(node) else self.classify_key(self.value(node, scope))

    def base_verdict(self, node: ast.expr, scope: Scope) -> BaseVerdict:
        """`classify_base` of an expression; `None` (OpenAI's default URL) is replaced."""
        return "replace" if _is_none(node) else self.classify_base(self.value(node, scope))

    def classify_key(self, value: Value) -> KeyVerdict:
        """ok (already Lumyx) | replace (literal or OpenAI env read) | opaque."""
        if isinstance(value, EnvVal):
            if value.name == self.rules.provider.api_key_env:
                # `os.getenv(...)` / `.get(...)` gives None when unset, and the SDK then sends
                # OPENAI_API_KEY instead: only the strict read fails before anything is sent.
                return "ok" if isinstance(value.node, ast.Subscript) else "replace"
            if value.name is not None and self.rules.source.is_openai_key_env(value.name):
                return "replace"
            return "opaque"
        if isinstance(value, StrVal):
            return "replace"
        return "opaque"

    def settled(self, kw: ast.keyword, scope: Scope) -> bool:
        """An argument a migration leaves as it is: a key or base URL already the provider's, a
        blank (`organization=""`, headers all blank)."""
        value = kw.value
        if any(kw.arg in spec.api_key_args for spec in self.rules.clients):
            return self.key_verdict(value, scope) == "ok"
        if any(kw.arg in spec.base_url_args for spec in self.rules.clients):
            return self.base_verdict(value, scope) == "ok"
        values = value.values if isinstance(value, ast.Dict) else [value]
        return all(is_blank(v) for v in values)

    def _is_provider_url(self, node: ast.expr | None) -> bool:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return False
        return node.value.rstrip("/").startswith(self.rules.provider.base_url.rstrip("/"))

    def classify_base(self, value: Value) -> BaseVerdict:
        """ok | replace (OpenAI's URL or env read) | elsewhere (another host) | opaque."""
        if isinstance(value, EnvVal):
            if value.name == self.rules.provider.base_url_env:
                # unset and without a default, the SDK falls back to OpenAI's URL
                strict = isinstance(value.node, ast.Subscript)
                fallback = value.default is not None and self.classify_base(self.value(value.default, self.resolver.module)) == "ok"
                return "ok" if strict or fallback or self._is_provider_url(value.default) else "replace"
            if value.name is not None and self.rules.source.is_openai_base_env(value.name):
                return "replace"
            return "opaque"
        if isinstance(value, StrVal):
            url = str(value.node.value)
            if url.rstrip("/").startswith(self.rules.provider.base_url.rstrip("/")):
                return "ok"
            if self.rules.source.is_openai_url(url) or self.rules.module_config.is_placeholder(url):
                return "replace"  # a placeholder copied from a README (`"https://..."`) meant OpenAI's
            return "elsewhere"
        return "opaque"

    def is_sdk_module(self, value: Value) -> bool:
        return isinstance(value, QName) and value.name == self.rules.module_config.module

    def sets_sdk_module(self, target: ast.expr, scope: Scope) -> bool:
        """Is `target` an attribute of the SDK module (`openai.api_key`)? Asked once a target,
        for the module configuration and the summary alike."""
        key = id(target)
        found = self._sdk_targets.get(key)
        if found is None:
            found = isinstance(target, ast.Attribute) and self.is_sdk_module(self.value(target.value, scope))
            self._sdk_targets[key] = found
        return found

    # --- uses of a name -----------------------------------------------------------------------

    def only_spread(self, name: str, binding: Binding) -> bool:
        """Is every read of the variable `binding` binds a `**name` spread (no mutation, no alias)?"""
        if name in self._declared_global:
            return False
        for node, scope in self._name_uses.get(name, []):
            if isinstance(node.ctx, ast.Load):
                seen = self.resolver.lookup(name, scope, pos_of(node))
                if seen is binding and id(node) not in self._spread_values:
                    return False
        return True

    @cached_property
    def _name_uses(self) -> dict[str, list[tuple[ast.Name, Scope]]]:
        uses: dict[str, list[tuple[ast.Name, Scope]]] = {}
        for node, scope in self.resolver.walk():
            if isinstance(node, ast.Name):
                uses.setdefault(node.id, []).append((node, scope))
        return uses

    @cached_property
    def _spread_values(self) -> set[int]:
        return {id(n.value) for n in ast.walk(self.tree) if isinstance(n, ast.keyword) and n.arg is None}

    @cached_property
    def _declared_global(self) -> set[str]:
        return {name for n in ast.walk(self.tree) if isinstance(n, ast.Global | ast.Nonlocal) for name in n.names}


def is_blank(node: ast.expr) -> bool:
    """`""`: the value that keeps an OpenAI-only setting (organization, project, a header) from
    the provider."""
    return isinstance(node, ast.Constant) and node.value == ""


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
