"""Scopes and bindings over stdlib `ast`: what names each scope binds, where, and to what.

One pass collects every binding of every scope (imports with their aliases, function-level
imports, assignments that rebind a name, parameters, `with ... as`, defs, `self.x = ...` in
methods). What an expression then stands for is `values.Resolver`'s business.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Literal

from codemod.source import LineIndex

Pos = tuple[int, int]
BindingKind = Literal["import", "assign", "with", "param", "def", "class", "other"]
ScopeKind = Literal["module", "function", "class"]


@dataclass
class Binding:
    pos: Pos
    kind: BindingKind
    qname: str | None = None  # for imports: the dotted name bound
    value: ast.expr | None = None  # for assign/with: the expression bound
    node: ast.AST | None = None  # def/class node, the ast.arg of a parameter, an annotated assignment
    scope: Scope | None = None  # the scope the binding lives in (for resolving `value`)
    fallback: bool = False  # bound inside `except ImportError:`: a fallback, not the real thing


@dataclass(eq=False)
class Scope:
    node: ast.AST
    kind: ScopeKind
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    # class scopes: instance attributes assigned as self.<name> = value in its methods
    self_attrs: dict[str, list[tuple[ast.expr, Scope]]] = field(default_factory=dict)
    returns: list[ast.expr] = field(default_factory=list)  # function scopes: returned expressions
    self_name: str | None = None  # methods: the name of the first parameter

    def bind(self, name: str, binding: Binding) -> None:
        binding.scope = self
        self.bindings.setdefault(name, []).append(binding)

    @property
    def class_scope(self) -> Scope | None:
        """For a method: the class it is defined in."""
        if self.kind == "function" and self.parent is not None and self.parent.kind == "class":
            return self.parent
        return None

    def import_alias(self, qname: str) -> str | None:
        """A name this scope binds to the import `qname` (e.g. `os`), if any."""
        for name, bindings in self.bindings.items():
            real = [b for b in bindings if not b.fallback]
            if real and real[-1].kind == "import" and real[-1].qname == qname:
                return name
        return None


FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
# The expression types `Collector._expr` does something with (t-strings only where they exist).
_EXPR_SEEN = frozenset(
    t
    for t in (ast.Constant, ast.JoinedStr, getattr(ast, "TemplateStr", None), ast.NamedExpr, ast.Lambda, *_COMPREHENSIONS)
    if t is not None
)


# Fields that never hold a node worth visiting: the Load/Store/Del contexts and operator
# singletons (about a third of all nodes, which no detector looks at) and plain names.
_NOT_CHILDREN = frozenset(
    {"ctx", "op", "ops", "id", "attr", "arg", "name", "asname", "module", "level", "kind", "conversion", "type_comment"}
)
# List fields that may hold something else than nodes: `None` (dict spreads, keyword-only
# parameters without default) or plain names (`global`, class patterns).
_MIXED_LISTS = frozenset({"keys", "kw_defaults", "names", "kwd_attrs"})
_CHILD_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}


def children(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes` without contexts and operators, as a list."""
    cls = type(node)
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        names = getattr(cls, "_fields", ()) if cls is not ast.Constant else ()  # its value is no node
        fields = _CHILD_FIELDS[cls] = tuple((f, f in _MIXED_LISTS) for f in names if f not in _NOT_CHILDREN)
    if not fields:
        return []
    out: list[ast.AST] = []
    for name, mixed in fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            if mixed:
                out.extend(v for v in value if isinstance(v, ast.AST))
            else:
                out += value
        elif isinstance(value, ast.AST):
            out.append(value)
    return out


def walk(node: ast.AST) -> list[ast.AST]:
    """`ast.walk`'s nodes in its (breadth-first) order, without contexts and operators."""
    todo = [node]
    i = 0
    while i < len(todo):
        todo.extend(children(todo[i]))
        i += 1
    return todo


def pos_of(node: ast.AST) -> Pos:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def end_of(node: ast.AST) -> Pos:
    return (getattr(node, "end_lineno", None) or 0, getattr(node, "end_col_offset", None) or 0)


def span_of(index: LineIndex, node: ast.AST) -> tuple[int, int]:
    """The text offsets a node spans (`ast` columns count UTF-8 bytes; offsets count characters)."""
    start = index.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
    end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
    end_col = getattr(node, "end_col_offset", None)
    end = index.offset(end_line, end_col) if end_col is not None else start
    return start, end


class Collector:
    """Builds the scope tree and records every binding, in source order.

    `exports` maps a module to the names a star import of it is known to bind (the client
    classes the rules declare under it); a star import of any other module binds nothing known.
    """

    def __init__(self, tree: ast.Module, exports: dict[str, tuple[str, ...]] | None = None) -> None:
        self.module = Scope(tree, "module", None)
        self.scope_of: dict[int, Scope] = {id(tree): self.module}
        self.exports = exports or {}
        self.shadowed: set[int] = set()  # Name nodes that mean a lambda parameter or comprehension variable
        # Seen on the way, so that nobody walks the module again for them:
        self.fstrings: list[ast.AST] = []  # f- and t-strings
        # Each expression walked here: its nodes in pre-order without names, which `Resolver.walk`
        # hands on instead of walking them again (an expression holds no scope of its own).
        self.expr_nodes: dict[int, list[ast.AST]] = {}
        self._roots: list[ast.expr] = []  # those expressions, in the order they were walked

    def strings(self) -> list[ast.Constant]:
        """The str literals in code (not docstrings), each expression's breadth-first: read again
        only when a fix needs the file's quotes."""
        return [n for root in self._roots for n in walk(root) if type(n) is ast.Constant and isinstance(n.value, str)]

    def run(self, tree: ast.Module) -> Scope:
        self._body(tree.body, self.module, fallback=False)
        return self.module

    def _body(self, stmts: list[ast.stmt], scope: Scope, *, fallback: bool) -> None:
        for stmt in stmts:
            self._stmt(stmt, scope, fallback=fallback)

    def _stmt(self, node: ast.stmt, scope: Scope, *, fallback: bool) -> None:
        """One statement: what it binds, and the statements and expressions it holds."""
        if isinstance(node, ast.Import):
            self._import(node, scope, fallback)
        elif isinstance(node, ast.ImportFrom):
            self._import_from(node, scope, fallback)
        elif isinstance(node, FUNCS):
            self._def(node, scope)
        elif isinstance(node, ast.ClassDef):
            self._class(node, scope)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            self._assign(node, scope, fallback)
        elif isinstance(node, ast.With | ast.AsyncWith):
            self._with(node, scope, fallback)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self._expr(node.iter, scope)
            self._target(node.target, None, scope, fallback)
            self._body(node.body, scope, fallback=fallback)
            self._body(node.orelse, scope, fallback=fallback)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self._try(node, scope, fallback)
        elif isinstance(node, ast.If | ast.While):
            self._expr(node.test, scope)
            self._body(node.body, scope, fallback=fallback)
            self._body(node.orelse, scope, fallback=fallback)
        elif isinstance(node, ast.Return):
            if node.value is not None:
                self._expr(node.value, scope)
                if scope.kind == "function":
                    scope.returns.append(node.value)
        elif isinstance(node, ast.Delete):
            self._delete(node, scope, fallback)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            pass  # a docstring or bare literal: prose, binds nothing
        elif isinstance(node, ast.Match):
            self._expr(node.subject, scope)
            for case in node.cases:
                self._body(case.body, scope, fallback=fallback)
        else:
            for child in children(node):
                if isinstance(child, ast.expr):
                    self._expr(child, scope)
                elif isinstance(child, ast.stmt):
                    self._stmt(child, scope, fallback=fallback)

    def _import(self, node: ast.Import, scope: Scope, fallback: bool) -> None:
        for alias in node.names:
            if alias.asname:
                scope.bind(alias.asname, Binding(pos_of(node), "import", alias.name, fallback=fallback))
            else:
                top = alias.name.split(".")[0]
                scope.bind(top, Binding(pos_of(node), "import", top, fallback=fallback))

    def _import_from(self, node: ast.ImportFrom, scope: Scope, fallback: bool) -> None:
        for alias in node.names:
            if alias.name == "*":
                for name in self.exports.get(node.module or "", ()) if not node.level else ():
                    b = Binding(pos_of(node), "import", f"{node.module}.{name}", fallback=fallback)
                    scope.bind(name, b)
                continue
            name = alias.asname or alias.name
            if node.level:  # relative: the project view resolves it against this module's package
                qname = "." * node.level + (f"{node.module}." if node.module else "") + alias.name
                scope.bind(name, Binding(pos_of(node), "import", qname, fallback=fallback))
            elif not node.module:
                scope.bind(name, Binding(pos_of(node), "other", fallback=fallback))
            else:
                qname = f"{node.module}.{alias.name}"
                scope.bind(name, Binding(pos_of(node), "import", qname, fallback=fallback))

    def _def(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        scope.bind(node.name, Binding(pos_of(node), "def", node=node))
        for dec in node.decorator_list:
            self._expr(dec, scope)
        self._defaults(node.args, scope)
        inner = Scope(node, "function", scope)
        self.scope_of[id(node)] = inner
        self._params(node, inner)
        self._body(node.body, inner, fallback=False)

    def _class(self, node: ast.ClassDef, scope: Scope) -> None:
        scope.bind(node.name, Binding(pos_of(node), "class", node=node))
        for expr in (*node.bases, *node.decorator_list, *(k.value for k in node.keywords)):
            self._expr(expr, scope)
        inner = Scope(node, "class", scope)
        self.scope_of[id(node)] = inner
        self._body(node.body, inner, fallback=False)

    def _assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign, scope: Scope, fallback: bool) -> None:
        if isinstance(node, ast.Assign):
            self._expr(node.value, scope)
            for target in node.targets:
                self._target(target, node.value, scope, fallback, end_of(node))
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._expr(node.value, scope)
                self._target(node.target, node.value, scope, fallback, end_of(node))
                if isinstance(node.target, ast.Name):
                    scope.bindings[node.target.id][-1].node = node  # its annotation, for binding_value
        else:
            self._expr(node.value, scope)
            if isinstance(node.target, ast.Name):
                scope.bind(node.target.id, Binding(pos_of(node), "other", fallback=fallback))

    def _with(self, node: ast.With | ast.AsyncWith, scope: Scope, fallback: bool) -> None:
        for item in node.items:
            self._expr(item.context_expr, scope)
            if item.optional_vars is not None:
                if isinstance(item.optional_vars, ast.Name):
                    b = Binding(end_of(item.context_expr), "with", value=item.context_expr)
                    scope.bind(item.optional_vars.id, b)
                else:
                    self._target(item.optional_vars, None, scope, fallback)
        self._body(node.body, scope, fallback=fallback)

    def _try(self, node: ast.stmt, scope: Scope, fallback: bool) -> None:
        try_node = node  # ast.Try and ast.TryStar share these fields
        self._body(try_node.body, scope, fallback=fallback)  # type: ignore[attr-defined]
        for handler in try_node.handlers:  # type: ignore[attr-defined]
            if handler.name:
                scope.bind(handler.name, Binding(pos_of(handler), "other"))
            self._body(handler.body, scope, fallback=fallback or _catches_import_error(handler))
        self._body(try_node.orelse, scope, fallback=fallback)  # type: ignore[attr-defined]
        self._body(try_node.finalbody, scope, fallback=fallback)  # type: ignore[attr-defined]

    def _delete(self, node: ast.Delete, scope: Scope, fallback: bool) -> None:
        """`del name` unbinds it: a later use is no longer what was bound before."""
        for target in node.targets:
            if isinstance(target, ast.Name):
                scope.bind(target.id, Binding(pos_of(target), "other", fallback=fallback))
            else:
                self._expr(target, scope)

    def _defaults(self, args: ast.arguments, scope: Scope) -> None:
        for d in (*args.defaults, *args.kw_defaults):
            if d is not None:
                self._expr(d, scope)

    def _params(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, inner: Scope) -> None:
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)
        pairs: list[tuple[ast.arg, ast.expr | None]] = list(zip(positional, defaults, strict=True))
        pairs += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
        for arg, default in pairs:
            inner.bind(arg.arg, Binding(pos_of(fn), "param", node=arg, value=default))
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                inner.bind(extra.arg, Binding(pos_of(fn), "other"))
        if inner.class_scope is not None and positional:
            decorators = {d.id for d in fn.decorator_list if isinstance(d, ast.Name)}
            if "staticmethod" not in decorators:
                inner.self_name = positional[0].arg

    def _target(
        self, target: ast.expr, value: ast.expr | None, scope: Scope, fallback: bool, pos: Pos | None = None
    ) -> None:
        if isinstance(target, ast.Name):
            # The name is bound once the value is evaluated: `openai = openai.OpenAI()` reads the
            # module on its right-hand side and rebinds the name only after it.
            kind: BindingKind = "assign" if value is not None else "other"
            where = pos or pos_of(target)
            scope.bind(target.id, Binding(where, kind, value=value, fallback=fallback))
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                self._target(elt, None, scope, fallback)
        elif isinstance(target, ast.Starred):
            self._target(target.value, None, scope, fallback)
        elif isinstance(target, ast.Attribute):
            self._expr(target.value, scope)
            cls = scope.class_scope
            if (
                value is not None
                and cls is not None
                and isinstance(target.value, ast.Name)
                and target.value.id == scope.self_name
            ):
                cls.self_attrs.setdefault(target.attr, []).append((value, scope))
        else:
            self._expr(target, scope)

    def _expr(self, node: ast.expr, scope: Scope) -> None:
        """Walrus targets, and the names lambdas and comprehensions bind for themselves."""
        if type(node) is ast.Name:
            return  # the most common expression: binds and holds nothing here
        self._roots.append(node)
        nodes: list[ast.AST] = []
        walruses: list[ast.NamedExpr] = []
        stack: list[ast.AST] = [node]
        while stack:  # pre-order, as `Resolver.walk` goes
            sub = stack.pop()
            kind = type(sub)
            if kind is ast.Name:
                continue  # a third of all nodes: no children, nothing bound
            nodes.append(sub)
            kids = children(sub)
            if kids:
                kids.reverse()
                stack += kids
            if kind not in _EXPR_SEEN or kind is ast.Constant:
                continue  # most nodes (attributes, calls...) bind and hold nothing here
            if kind is ast.JoinedStr or kind.__name__ == "TemplateStr":
                self.fstrings.append(sub)
            elif isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                walruses.append(sub)
            elif isinstance(sub, ast.Lambda):
                a = sub.args
                params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x)]
                self._shadow([sub.body], {p.arg for p in params})
            elif isinstance(sub, _COMPREHENSIONS):
                gens = sub.generators
                names = {n.id for g in gens for n in walk(g.target) if isinstance(n, ast.Name)}
                heads = [sub.key, sub.value] if isinstance(sub, ast.DictComp) else [sub.elt]
                # The first iterable is evaluated outside: `[c for c in c]` reads the outer `c`.
                self._shadow([*heads, *(i for g in gens for i in g.ifs), *(g.iter for g in gens[1:])], names)
        self.expr_nodes[id(node)] = nodes
        if len(walruses) > 1:  # bound in breadth-first order, as they always were
            walruses = [w for w in walk(node) if isinstance(w, ast.NamedExpr) and isinstance(w.target, ast.Name)]
        for w in walruses:
            scope.bind(w.target.id, Binding(end_of(w), "assign", value=w.value))

    def _shadow(self, parts: list[ast.expr], names: set[str]) -> None:
        for part in parts:
            for sub in walk(part):
                if isinstance(sub, ast.Name) and sub.id in names:
                    self.shadowed.add(id(sub))


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names: list[ast.expr] = []
    if isinstance(handler.type, ast.Tuple):
        names = list(handler.type.elts)
    elif handler.type is not None:
        names = [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError") for n in names)
