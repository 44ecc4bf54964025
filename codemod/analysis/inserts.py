"""The code fixes insert: environment reads, `import os`, module-configuration lines.

Derived from the rules and the file's own style (quotes, line endings, the name `os` is bound
to), and placed where isort and a reader would put it. Shared by every fix of one file, so that
two fixes needing `import os` add it once.
"""

from __future__ import annotations

import ast
import sys
from functools import cached_property

from codemod.analysis.bindings import Scope, pos_of, span_of
from codemod.analysis.values import Resolver
from codemod.rules import Rules
from codemod.source import LineIndex, newline_of
from codemod.types import Edit, EditKind


class Inserts:
    """The text and placement of inserted code, for one module."""

    def __init__(self, text: str, tree: ast.Module, index: LineIndex, resolver: Resolver, rules: Rules) -> None:
        self.text = text
        self.tree = tree
        self.index = index
        self.resolver = resolver
        self.rules = rules
        self.newline = newline_of(text)

    @cached_property
    def quote(self) -> str:
        """The quote the file mostly uses for strings (docstrings not counted), from a sample of
        the literals of the expressions the scope pass walked, in its order."""
        single = double = 0
        for node in self.resolver.strings():
            if not hasattr(node, "lineno"):
                continue
            start, end = span_of(self.index, node)
            head = self.text[start:end][:4].lstrip("rRbBuUfF")
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
        alias = self.resolver.module.import_alias("os")
        if alias is not None and not self._conditional(alias):
            return alias, ()
        return "os", (self._import_edit("import os"),)

    def _conditional(self, name: str) -> bool:
        """Is the module-level import bound to `name` under an `if` (`if TYPE_CHECKING:`,
        `if sys.platform == ...`)? Then the name may not exist when the fix's code runs."""
        binding = self.resolver.module.bindings[name][-1]
        line = binding.pos[0]
        return any(
            isinstance(stmt, ast.If | ast.While) and stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno)
            for stmt in self.tree.body
        )

    @property
    def os_name(self) -> str:
        """The name the fixes use for the os module."""
        return self._os[0]

    @property
    def os_edits(self) -> tuple[Edit, ...]:
        """The edit that adds `import os` when the module lacks it (shared by every fix)."""
        return self._os[1]

    def os_usable(self, scope: Scope, node: ast.AST) -> bool:
        """Does `os_name` mean the os module where `node` is (no parameter or variable shadows it)?"""
        binding = self.resolver.lookup(self.os_name, scope, pos_of(node))
        if binding is None:
            # Nothing bound yet: fine when the fix adds `import os` at the top, not when the
            # module imports it only further down (the name would not exist yet here).
            return bool(self.os_edits)
        return binding.kind == "import" and binding.qname == "os"

    def key_read(self) -> str:
        return f"{self.os_name}.environ[{self.literal(self.rules.provider.api_key_env)}]"

    def base_read(self, *, trailing_slash: bool = False) -> str:
        """The base URL read. The SDK's module-level client uses `openai.base_url` verbatim (no
        slash added, unlike `OpenAI(base_url=...)`), so that one needs `trailing_slash`."""
        p = self.rules.provider
        read = f"{self.os_name}.environ.get({self.literal(p.base_url_env)}, {self.literal(p.base_url)})"
        if trailing_slash:
            slash = self.literal("/")
            return f"{read}.rstrip({slash}) + {slash}"
        return read

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

    def after_statement(self, stmt: ast.stmt, lines: list[str]) -> Edit:
        """Insert whole statements right after `stmt`, at its indentation."""
        line = self.index.line_text(stmt.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        text = "".join(indent + one + self.newline for one in lines)
        end_line = stmt.end_lineno or stmt.lineno
        if end_line < len(self.index.lines):
            offset = self.index.line_start(end_line + 1)
            return Edit(EditKind.INSERT, offset, offset, text)
        offset = len(self.text)
        prefix = "" if self.text.endswith(("\n", "\r")) else self.newline
        return Edit(EditKind.INSERT, offset, offset, prefix + text)

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
