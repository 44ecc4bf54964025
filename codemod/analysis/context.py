"""Per-file state shared by the detectors: positions, findings, and the code the fixes insert.

The text a fix inserts (environment reads, `import os`, module configuration) is derived here
from the rules and the file's own style (quotes, line endings, the name `os` is bound to).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from codemod.analysis.scope import (
    Binding,
    ClientVal,
    EnvVal,
    QName,
    Resolver,
    Scope,
    StrVal,
    Value,
    pos_of,
)
from codemod.rules import Rules
from codemod.source import LineIndex, newline_of
from codemod.types import Edit, EditKind, Finding, Fix

if TYPE_CHECKING:
    from codemod.analysis.suppress import Suppressions


@dataclass
class ModelReach:
    """A string literal that reaches a model parameter, and how it got there."""

    node: ast.Constant
    proven: bool = False  # reached through an actual OpenAI call (not only by naming)
    blocked: bool = False  # also reaches a client that points elsewhere: never rewritten


@dataclass
class ClientState:
    """What the analysis concluded about one client constructor call."""

    status: str  # migrate | lumyx | elsewhere | opaque | azure | ignored (suppressed) | unknown
    findings: list[Finding] = field(default_factory=list)


class Context:
    def __init__(self, text: str, tree: ast.Module, rules: Rules) -> None:
        self.text = text
        self.tree = tree
        self.rules = rules
        self.index = LineIndex(text)
        self.resolver = Resolver(tree, rules)
        self.newline = newline_of(text)
        self.findings: list[Finding] = []
        self.model_reach: dict[int, ModelReach] = {}
        self.ignored_literals: set[int] = set()
        self.client_states: dict[int, ClientState] = {}
        self.suppressions: Suppressions | None = None  # filled by suppress.of

    # --- positions ----------------------------------------------------------------------------

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.index.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        end = self.index.offset(end_line, end_col) if end_col is not None else start
        return start, end

    def source(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def finding(self, code: str, message: str, node: ast.AST, fix: Fix | None = None) -> Finding:
        start, end = self.span(node)
        line, col = self.index.position(start)
        end_line, end_col = self.index.position(end)
        return Finding(code, message, line, col, end_line, end_col, fix)

    def add(self, code: str, message: str, node: ast.AST, fix: Fix | None = None) -> Finding:
        found = self.finding(code, message, node, fix)
        self.findings.append(found)
        return found

    # --- values -------------------------------------------------------------------------------

    def value(self, node: ast.expr | None, scope: Scope) -> Value:
        return self.resolver.value(node, scope)

    @property
    def module_scope(self) -> Scope:
        return self.resolver.module

    def module_alias(self, qname: str) -> str | None:
        """A module-level name bound to the import `qname` (e.g. `os`), if any."""
        for name, bindings in self.module_scope.bindings.items():
            real = [b for b in bindings if not b.fallback]
            if real and real[-1].kind == "import" and real[-1].qname == qname:
                return name
        return None

    def key_verdict(self, node: ast.expr, scope: Scope) -> str:
        """`classify_key` of an expression. An explicit `None` is the SDK's default, a read of
        OpenAI's own environment variable: replaced like one."""
        return "replace" if _is_none(node) else self.classify_key(self.value(node, scope))

    def base_verdict(self, node: ast.expr, scope: Scope) -> str:
        """`classify_base` of an expression; `None` (OpenAI's default URL) is replaced."""
        return "replace" if _is_none(node) else self.classify_base(self.value(node, scope))

    def classify_key(self, value: Value) -> str:
        """ok (already Lumyx) | replace (literal or OpenAI env read) | opaque."""
        if isinstance(value, EnvVal):
            if value.name == self.rules.provider.api_key_env:
                return "ok"
            if value.name is not None and self.rules.source.is_openai_key_env(value.name):
                return "replace"
            return "opaque"
        if isinstance(value, StrVal):
            return "replace"
        return "opaque"

    def classify_base(self, value: Value) -> str:
        """ok | replace (OpenAI's URL or env read) | elsewhere (another host) | opaque."""
        if isinstance(value, EnvVal):
            if value.name == self.rules.provider.base_url_env:
                return "ok"
            if value.name is not None and self.rules.source.is_openai_base_env(value.name):
                return "replace"
            return "opaque"
        if isinstance(value, StrVal):
            url = str(value.node.value)
            if url.rstrip("/").startswith(self.rules.provider.base_url.rstrip("/")):
                return "ok"
            if self.rules.source.is_openai_url(url):
                return "replace"
            return "elsewhere"
        return "opaque"

    def is_client(self, value: Value) -> bool:
        return isinstance(value, ClientVal)

    def is_sdk_module(self, value: Value) -> bool:
        return isinstance(value, QName) and value.name == self.rules.module_config.module

    # --- inserted code ------------------------------------------------------------------------

    @cached_property
    def quote(self) -> str:
        """The quote the file mostly uses for strings (docstrings not counted), from a sample of
        the literals the scope pass met on its way (no walk of its own)."""
        single = double = 0
        for node in self.resolver.strings:
            if not hasattr(node, "lineno"):
                continue
            head = self.source(node)[:4].lstrip("rRbBuUfF")
            if head.startswith("'"):
                single += 1
            elif head.startswith('"'):
                double += 1
            if single + double >= 200:
                break
        return "'" if single > double else '"'

    def literal(self, value: str) -> str:
        q = self.quote
        return q + value.replace("\\", "\\\\").replace(q, "\\" + q) + q

    @cached_property
    def _os(self) -> tuple[str, tuple[Edit, ...]]:
        alias = self.module_alias("os")
        if alias is not None:
            return alias, ()
        return "os", (self._import_edit("import os"),)

    @property
    def os_name(self) -> str:
        """The name the fixes use for the os module."""
        return self._os[0]

    def os_usable(self, scope: Scope, node: ast.AST) -> bool:
        """Does `os_name` mean the os module where `node` is (no parameter or variable shadows it)?"""
        binding = self.resolver.lookup(self.os_name, scope, pos_of(node))
        if binding is None:
            # Nothing bound yet: fine when the fix adds `import os` at the top, not when the
            # module imports it only further down (the name would not exist yet here).
            return bool(self.os_edits)
        return binding.kind == "import" and binding.qname == "os"

    def in_fstring(self, node: ast.AST) -> bool:
        """Is `node` inside an f-string? Code spliced there must not add quotes or lines."""
        start, end = self.span(node)
        return any(s <= start and end <= e for s, e in self._fstring_spans)

    @cached_property
    def _fstring_spans(self) -> list[tuple[int, int]]:
        return [self.span(n) for n in self.resolver.fstrings]  # met by the scope pass

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

    @property
    def os_edits(self) -> tuple[Edit, ...]:
        """The edit that adds `import os` when the module lacks it (shared by every fix)."""
        return self._os[1]

    def key_read(self) -> str:
        os_name = self._os[0]
        return f"{os_name}.environ[{self.literal(self.rules.provider.api_key_env)}]"

    def base_read(self, *, trailing_slash: bool = False) -> str:
        """The base URL read. The SDK's module-level client uses `openai.base_url` verbatim (no
        slash added, unlike `OpenAI(base_url=...)`), so that one needs `trailing_slash`."""
        p = self.rules.provider
        os_name = self._os[0]
        read = f"{os_name}.environ.get({self.literal(p.base_url_env)}, {self.literal(p.base_url)})"
        if trailing_slash:
            slash = self.literal("/")
            return f"{read}.rstrip({slash}) + {slash}"
        return read

    def _leading_imports(self) -> tuple[list[ast.stmt], int]:
        """The run of import statements at the top of the module, and the index it starts at."""
        body = self.tree.body
        i = 0
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            i = 1
        run: list[ast.stmt] = []
        j = i
        while j < len(body) and isinstance(body[j], ast.Import | ast.ImportFrom):
            run.append(body[j])
            j += 1
        return run, i

    def _import_edit(self, line: str) -> Edit:
        """Insert `line` among the module's leading imports where isort would put a stdlib import."""
        nl = self.newline
        run, first = self._leading_imports()
        rest = [s for s in run if not (isinstance(s, ast.ImportFrom) and s.module == "__future__")]
        future = [s for s in run if s not in rest]
        stdlib = sys.stdlib_module_names
        plain = [s for s in rest if isinstance(s, ast.Import) and s.names[0].name.split(".")[0] in stdlib]
        froms = [
            s
            for s in rest
            if isinstance(s, ast.ImportFrom) and s.level == 0 and (s.module or "").split(".")[0] in stdlib
        ]
        name = line.split()[-1]
        if plain:
            later = [s for s in plain if isinstance(s, ast.Import) and s.names[0].name.lower() > name]
            if later:
                return self._insert_before(later[0], line + nl)
            return self._insert_after(plain[-1], line + nl)
        if froms:
            return self._insert_before(froms[0], line + nl)
        if rest:
            return self._insert_before(rest[0], line + nl + nl)
        if future:
            return self._insert_after(future[-1], nl + line + nl + self._gap_after(future[-1]))
        if first == 1:
            return self._insert_after(self.tree.body[0], nl + line + nl + self._gap_after(self.tree.body[0]))
        if self.tree.body:
            return self._insert_before(self.tree.body[0], line + nl + nl)
        return Edit(EditKind.INSERT, len(self.text), len(self.text), line + nl)

    def _gap_after(self, stmt: ast.stmt) -> str:
        """A blank line to separate inserted imports from code that directly follows `stmt`."""
        following = self.index.line_text((stmt.end_lineno or stmt.lineno) + 1)
        return self.newline if following.strip() else ""

    def _insert_before(self, stmt: ast.stmt, text: str) -> Edit:
        offset = self.index.line_start(stmt.lineno)
        return Edit(EditKind.INSERT, offset, offset, text)

    def _insert_after(self, stmt: ast.stmt, text: str) -> Edit:
        end_line = stmt.end_lineno or stmt.lineno
        if end_line < len(self.index.lines):
            offset = self.index.line_start(end_line + 1)
            return Edit(EditKind.INSERT, offset, offset, text)
        # The statement is on the last line: make sure a line break separates it.
        offset = len(self.text)
        if not self.text.endswith(("\n", "\r")):
            text = self.newline + text
        return Edit(EditKind.INSERT, offset, offset, text)

    def insert_after_imports(self, extra: ast.stmt | None, lines: list[str]) -> Edit:
        """Insert whole statements after the leading imports (and after `extra`, when later)."""
        nl = self.newline
        run, first = self._leading_imports()
        anchor: ast.stmt | None = run[-1] if run else None
        if extra is not None and (anchor is None or extra.lineno > anchor.lineno):
            anchor = extra
        if anchor is None and first == 1:
            anchor = self.tree.body[0]
        body = nl.join(lines) + nl
        if anchor is None:
            return Edit(EditKind.INSERT, 0, 0, body + nl)
        return self._insert_after(anchor, nl + body + self._gap_after(anchor))


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
