"""Model names that other code relies on (LMX204): a string that names an OpenAI model and is
also a dict key, a comparison operand, a `match` case, an Enum member value or a `Literal[...]`
choice keeps working only while the name does. Rewriting it where it reaches a model parameter
would break that code (a price lookup raising KeyError, a branch never taken, an `@unique` Enum
raising at import, pydantic refusing a value), so such a name is reported, never rewritten, and a
call that sends it stays on OpenAI with its client.

Each module gathers the facts during its one walk (`Gather`) into a small `ModelNames`; the
project view joins them (`Joined`). Only names the rules would rewrite are kept.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from codemod.analysis.bindings import Scope
from codemod.analysis.context import Context
from codemod.analysis.facts import outside_project, scope_qualname
from codemod.analysis.values import ClassVal, DictVal, EnvVal, ParamVal, QName, StrVal

_LITERAL = ("typing.Literal", "typing_extensions.Literal")
_ENUM_ROOT = "enum."


@dataclass(frozen=True, slots=True)
class ModelNames:
    """What one module tells the project about model names: each `(name, line, how)` used for
    something else than a model, the model-named module constants and the name each holds, the
    name each API call sends (by the index of its `Use` in the summary), the names its analysis
    rewrites, and
    each `(qname, line, how)` where another module's model constant is used for something else."""

    others: tuple[tuple[str, int, str], ...] = ()
    consts: tuple[tuple[str, str], ...] = ()
    sends: tuple[tuple[int, str], ...] = ()
    rewrites: tuple[str, ...] = ()
    reads: tuple[tuple[str, int, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.others or self.consts or self.sends or self.rewrites or self.reads)


EMPTY = ModelNames()


class Gather:
    """Fed by the analysis walk; `names()` at the end."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.others: dict[str, tuple[int, str]] = {}  # first use of each name
        self.sends: list[tuple[int, str]] = []
        self.rewrites: set[str] = set()
        self.reads: dict[str, tuple[int, str]] = {}  # another module's model constants, used as above
        self._mapped: dict[str, str | None] = {}  # the same strings recur: asked once

    def mapped(self, value: object) -> str | None:
        """`value` when it is a model name the rules would rewrite."""
        if not isinstance(value, str):
            return None
        if value not in self._mapped:
            self._mapped[value] = self._map(value)
        return self._mapped[value]

    def _map(self, value: str) -> str | None:
        if not value or len(value) > 64 or value in self.ctx.rules.served_models:
            return None
        rule = self.ctx.rules.models.rule_for(value)
        return value if rule is not None and rule.action == "map" and rule.to != value else None

    def _note(self, node: ast.expr | None, how: str, scope: Scope, *, local: bool = True) -> None:
        if isinstance(node, ast.Constant):
            if local:
                self._other(node.value, node.lineno, how)
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            for element in node.elts:
                self._note(element, how, scope, local=local)
        elif isinstance(node, ast.Name | ast.Attribute) and self._named(node):
            val = self.ctx.value(node, scope)  # a constant named like a model, used as such
            if isinstance(val, StrVal) and local:
                self._other(val.node.value, node.lineno, f"{how} (as `{self.ctx.source(node)}`)")
            elif isinstance(val, QName) and not outside_project(val.name, self.ctx.rules.client_roots):
                self.reads.setdefault(val.name, (node.lineno, f"{how} (as `{self.ctx.source(node)}`)"))

    def _other(self, value: object, line: int, how: str) -> None:
        name = self.mapped(value)
        if name is not None and name not in self.others:
            self.others[name] = (line, how)

    def _named(self, node: ast.Name | ast.Attribute) -> bool:
        return self.ctx.is_model_param(node.id if isinstance(node, ast.Name) else node.attr)

    def visit(self, node: ast.AST, scope: Scope) -> None:
        """One node of the walk that may use a model name for something else."""
        # the most frequent first (annotations' subscripts): the branches exclude one another
        if isinstance(node, ast.Subscript):
            if self._holds_name(node.slice):
                literal = self.ctx.value(node.value, scope)  # resolved only when it matters
                if isinstance(literal, QName) and literal.name in _LITERAL:
                    self._note(node.slice, "a `Literal[...]` choice", scope)
                else:
                    self._note(node.slice, "a subscript key", scope)
        elif isinstance(node, ast.Return):
            # another module's model constant handed back (a registry's default): its callers
            # may look it up, not send it (`return DEFAULT_MODEL`); this module's own is followed
            self._note(node.value, "returned", scope, local=False)
        elif isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                self._note(operand, "compared", scope)
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                self._note(key, "a dict key", scope)
        elif isinstance(node, ast.ClassDef) and self._is_enum(node, scope):
            for statement in node.body:
                if isinstance(statement, ast.Assign | ast.AnnAssign):
                    self._note(statement.value, "an Enum member value", scope)
        elif isinstance(node, ast.MatchValue):
            self._note(node.value, "a `match` case", scope)

    def _holds_name(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Tuple):
            return any(self._holds_name(element) for element in node.elts)
        if isinstance(node, ast.Name | ast.Attribute):
            return self._named(node)
        return isinstance(node, ast.Constant) and self.mapped(node.value) is not None

    def _is_enum(self, node: ast.ClassDef, scope: Scope) -> bool:
        for base in node.bases:
            val = self.ctx.value(base, scope)
            if isinstance(val, QName) and val.name.startswith(_ENUM_ROOT):
                return True
        return False

    def on_use(self, index: int, call: ast.Call, scope: Scope) -> None:
        """The model name the API call of the summary's `index`-th use sends, when this module
        alone tells it (an index, not a position: a notebook's uses are renumbered by cell)."""
        for kw in call.keywords:
            if kw.arg == "model":
                found = self._name_of(kw.value, scope)
            elif kw.arg is None:
                spread = self.ctx.value(kw.value, scope)
                found = self._spread_model(spread) if isinstance(spread, DictVal) else None
            else:
                continue
            if found is not None:
                self.sends.append((index, found))
                return

    def _spread_model(self, spread: DictVal) -> str | None:
        for key, value in zip(spread.node.keys, spread.node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "model":
                return self._name_of(value, spread.scope)
        return None

    def _name_of(self, expr: ast.expr, scope: Scope) -> str | None:
        val = self.ctx.value(expr, scope)
        node: ast.expr | None = None
        if isinstance(val, StrVal):
            node = val.node
        elif isinstance(val, EnvVal | ParamVal):
            node = val.default
        return self.mapped(node.value) if isinstance(node, ast.Constant) else None

    def elsewhere(self, name: str) -> str | None:
        """How this module uses `name` for something else (`how at path:line`); None when it does not."""
        found = self.others.get(name)
        return f"{found[1]} at {self.ctx.path}:{found[0]}" if found is not None else None

    def _consts(self, scope: Scope, prefix: str = "") -> Iterator[tuple[str, str]]:
        """The model-named constants of a scope and of its classes (`Digest.MODEL`), and the
        model name each holds."""
        resolver = self.ctx.resolver
        for name, bindings in scope.bindings.items():
            is_class = bindings[-1].kind == "class"
            if (is_class and prefix) or not (is_class or self.ctx.is_model_param(name)):
                continue  # resolved only when it may be a model constant or a class of them
            val = resolver.binding_value(bindings[-1])
            if isinstance(val, ClassVal) and not prefix:
                yield from self._consts(val.scope, f"{name}.")
            elif isinstance(val, StrVal) and not is_class:
                held = self.mapped(val.node.value)
                if held is not None:
                    yield f"{prefix}{name}", held

    def names(self) -> ModelNames:
        consts = list(self._consts(self.ctx.resolver.module))
        others = tuple((name, line, how) for name, (line, how) in self.others.items())
        reads = tuple((qname, line, how) for qname, (line, how) in self.reads.items())
        found = ModelNames(others, tuple(consts), tuple(self.sends), tuple(sorted(self.rewrites)), reads)
        return found if found else EMPTY  # most modules: one shared empty value


class Joined:
    """The project's model names used for something else, and where (`path:line`)."""

    def __init__(self, files: dict[str, ModelNames]) -> None:
        self.others: dict[str, str] = {}
        for path in sorted(files):
            for name, line, how in files[path].others:
                self.others.setdefault(name, f"{how} at {path}:{line}")
        self._consts = {(path, name): held for path, names in files.items() for name, held in names.consts}
        self._sends = {(path, index): held for path, names in files.items() for index, held in names.sends}

    def read(self, value: str, where: str) -> None:
        """Another module uses a constant holding `value` for something else (`how at path:line`)."""
        self.others.setdefault(value, where)

    def sent(self, path: str, index: int) -> str | None:
        """The model name the `index`-th use of `path` sends, when its own module tells it."""
        return self._sends.get((path, index))

    def const(self, path: str, name: str) -> str | None:
        """The model name the module constant `name` of `path` holds."""
        return self._consts.get((path, name))

    def changes(self, names: ModelNames) -> bool:
        """Does a name this module rewrites turn out to be used for something else elsewhere?"""
        return any(name in self.others for name in names.rewrites)


def model_constants(ctx: Context, targets: Sequence[ast.expr], scope: Scope) -> list[str]:
    """Module and class constants named like a model (`Digest.MODEL`): another module may pass
    one as the model of a call that stays on OpenAI."""
    if scope.kind not in ("module", "class"):
        return []
    prefix = f"{scope_qualname(scope)}." if scope.kind == "class" else ""
    return [prefix + t.id for t in targets if isinstance(t, ast.Name) and ctx.is_model_param(t.id)]
