"""Name resolution over stdlib `ast`: what a name or expression stands for at a given place.

One pass collects every binding of every scope (imports with their aliases, function-level
imports, assignments that rebind a name, parameters, `with ... as`, defs, `self.x = ...` in
methods). `Resolver.value` then answers lazily what an expression is: a qualified name of an
imported module or symbol, an OpenAI client instance, a resource under a client
(`client.chat.completions`), a string, a dict literal, an environment read, a function...
Flow-insensitive within a scope except that a use sees the last binding before it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from codemod.rules import ClientSpec, Rules

Pos = tuple[int, int]


@dataclass
class Binding:
    pos: Pos
    kind: str  # import | assign | with | param | def | class | other
    qname: str | None = None  # for imports: the dotted name bound
    value: ast.expr | None = None  # for assign/with: the expression bound
    node: ast.AST | None = None  # def/class node, the ast.arg of a parameter, an annotated assignment
    scope: Scope | None = None  # the scope the binding lives in (for resolving `value`)
    fallback: bool = False  # bound inside `except ImportError:`: a fallback, not the real thing


@dataclass(eq=False)
class Scope:
    node: ast.AST
    kind: str  # module | function | class
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


# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QName:
    """An imported module or symbol, by its fully qualified name (`openai.OpenAI`)."""

    name: str


@dataclass(frozen=True, eq=False)
class ClientVal:
    """An instance of a client class. `ctor` is the constructing call when the tool saw it."""

    spec: ClientSpec
    ctor: ast.Call | None


@dataclass(frozen=True, eq=False)
class ResourceVal:
    """An attribute path under a client instance or the SDK module (`client.chat.completions`)."""

    base: ClientVal | QName
    path: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class StrVal:
    node: ast.Constant


@dataclass(frozen=True, eq=False)
class DictVal:
    node: ast.Dict
    scope: Scope


@dataclass(frozen=True, eq=False)
class EnvVal:
    """An environment read: `os.environ["X"]`, `os.environ.get("X", d)`, `os.getenv("X", d)`."""

    node: ast.expr
    name: str | None
    default: ast.expr | None


@dataclass(frozen=True, eq=False)
class FuncVal:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: Scope  # the function's own scope


@dataclass(frozen=True, eq=False)
class ClassVal:
    node: ast.ClassDef
    scope: Scope


@dataclass(frozen=True, eq=False)
class SelfVal:
    """`self` inside a method of the class whose scope this is."""

    scope: Scope


@dataclass(frozen=True, eq=False)
class ParamVal:
    arg: ast.arg
    default: ast.expr | None
    scope: Scope


@dataclass(frozen=True, eq=False)
class Unknown:
    pass


Value = (
    QName
    | ClientVal
    | ResourceVal
    | StrVal
    | DictVal
    | EnvVal
    | FuncVal
    | ClassVal
    | SelfVal
    | ParamVal
    | Unknown
)
UNKNOWN = Unknown()

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def pos_of(node: ast.AST) -> Pos:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def end_of(node: ast.AST) -> Pos:
    return (getattr(node, "end_lineno", None) or 0, getattr(node, "end_col_offset", None) or 0)


# --- collection -------------------------------------------------------------------------------


class _Collector:
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
        self.strings: list[ast.Constant] = []  # str literals in code (not docstrings)

    def run(self, tree: ast.Module) -> Scope:
        self._body(tree.body, self.module, fallback=False)
        return self.module

    def _body(self, stmts: list[ast.stmt], scope: Scope, *, fallback: bool) -> None:
        for stmt in stmts:
            self._stmt(stmt, scope, fallback=fallback)

    def _stmt(self, node: ast.stmt, scope: Scope, *, fallback: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, Binding(pos_of(node), "import", alias.name, fallback=fallback))
                else:
                    top = alias.name.split(".")[0]
                    scope.bind(top, Binding(pos_of(node), "import", top, fallback=fallback))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    for name in self.exports.get(node.module or "", ()) if not node.level else ():
                        b = Binding(pos_of(node), "import", f"{node.module}.{name}", fallback=fallback)
                        scope.bind(name, b)
                    continue
                name = alias.asname or alias.name
                if node.level or not node.module:
                    scope.bind(name, Binding(pos_of(node), "other", fallback=fallback))
                else:
                    qname = f"{node.module}.{alias.name}"
                    scope.bind(name, Binding(pos_of(node), "import", qname, fallback=fallback))
        elif isinstance(node, _FUNCS):
            scope.bind(node.name, Binding(pos_of(node), "def", node=node))
            for dec in node.decorator_list:
                self._expr(dec, scope)
            self._defaults(node.args, scope)
            inner = Scope(node, "function", scope)
            self.scope_of[id(node)] = inner
            self._params(node, inner)
            self._body(node.body, inner, fallback=False)
        elif isinstance(node, ast.ClassDef):
            scope.bind(node.name, Binding(pos_of(node), "class", node=node))
            for expr in (*node.bases, *node.decorator_list, *(k.value for k in node.keywords)):
                self._expr(expr, scope)
            inner = Scope(node, "class", scope)
            self.scope_of[id(node)] = inner
            self._body(node.body, inner, fallback=False)
        elif isinstance(node, ast.Assign):
            self._expr(node.value, scope)
            for target in node.targets:
                self._target(target, node.value, scope, fallback, end_of(node))
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._expr(node.value, scope)
                self._target(node.target, node.value, scope, fallback, end_of(node))
                if isinstance(node.target, ast.Name):
                    scope.bindings[node.target.id][-1].node = node  # its annotation, for binding_value
        elif isinstance(node, ast.AugAssign):
            self._expr(node.value, scope)
            if isinstance(node.target, ast.Name):
                scope.bind(node.target.id, Binding(pos_of(node), "other", fallback=fallback))
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                self._expr(item.context_expr, scope)
                if item.optional_vars is not None:
                    if isinstance(item.optional_vars, ast.Name):
                        b = Binding(end_of(item.context_expr), "with", value=item.context_expr)
                        scope.bind(item.optional_vars.id, b)
                    else:
                        self._target(item.optional_vars, None, scope, fallback)
            self._body(node.body, scope, fallback=fallback)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self._expr(node.iter, scope)
            self._target(node.target, None, scope, fallback)
            self._body(node.body, scope, fallback=fallback)
            self._body(node.orelse, scope, fallback=fallback)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            try_node = node  # ast.Try and ast.TryStar share these fields
            self._body(try_node.body, scope, fallback=fallback)  # type: ignore[attr-defined]
            for handler in try_node.handlers:  # type: ignore[attr-defined]
                if handler.name:
                    scope.bind(handler.name, Binding(pos_of(handler), "other"))
                self._body(handler.body, scope, fallback=fallback or _catches_import_error(handler))
            self._body(try_node.orelse, scope, fallback=fallback)  # type: ignore[attr-defined]
            self._body(try_node.finalbody, scope, fallback=fallback)  # type: ignore[attr-defined]
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
            # `del name` unbinds it: a later use is no longer what was bound before.
            for target in node.targets:
                if isinstance(target, ast.Name):
                    scope.bind(target.id, Binding(pos_of(target), "other", fallback=fallback))
                else:
                    self._expr(target, scope)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            pass  # a docstring or bare literal: prose, binds nothing
        elif isinstance(node, ast.Match):
            self._expr(node.subject, scope)
            for case in node.cases:
                self._body(case.body, scope, fallback=fallback)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self._expr(child, scope)
                elif isinstance(child, ast.stmt):
                    self._stmt(child, scope, fallback=fallback)

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
            kind = "assign" if value is not None else "other"
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
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant):
                if isinstance(sub.value, str):
                    self.strings.append(sub)
            elif isinstance(sub, ast.JoinedStr) or type(sub).__name__ == "TemplateStr":
                self.fstrings.append(sub)
            elif isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                scope.bind(sub.target.id, Binding(end_of(sub), "assign", value=sub.value))
            elif isinstance(sub, ast.Lambda):
                a = sub.args
                params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x)]
                self._shadow([sub.body], {p.arg for p in params})
            elif isinstance(sub, _COMPREHENSIONS):
                gens = sub.generators
                names = {n.id for g in gens for n in ast.walk(g.target) if isinstance(n, ast.Name)}
                heads = [sub.key, sub.value] if isinstance(sub, ast.DictComp) else [sub.elt]
                # The first iterable is evaluated outside: `[c for c in c]` reads the outer `c`.
                self._shadow([*heads, *(i for g in gens for i in g.ifs), *(g.iter for g in gens[1:])], names)

    def _shadow(self, parts: list[ast.expr], names: set[str]) -> None:
        for part in parts:
            for sub in ast.walk(part):
                if isinstance(sub, ast.Name) and sub.id in names:
                    self.shadowed.add(id(sub))


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names: list[ast.expr] = []
    if isinstance(handler.type, ast.Tuple):
        names = list(handler.type.elts)
    elif handler.type is not None:
        names = [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError") for n in names)


# --- resolution -------------------------------------------------------------------------------


class Resolver:
    """Answers what an expression stands for, at the place it is written."""

    def __init__(self, tree: ast.Module, rules: Rules) -> None:
        exports: dict[str, tuple[str, ...]] = {}
        for spec in rules.clients:
            exports[spec.module] = (*exports.get(spec.module, ()), *spec.names)
        collector = _Collector(tree, exports)
        self.module = collector.run(tree)
        self.scope_of = collector.scope_of
        self.shadowed = collector.shadowed
        self.fstrings = collector.fstrings
        self.strings = collector.strings
        self.rules = rules
        self._active: set[int] = set()

    def walk(self) -> Iterator[tuple[ast.AST, Scope]]:
        """Every node of the module with the scope it is evaluated in (pre-order)."""
        stack: list[tuple[ast.AST, Scope]] = [(self.module.node, self.module)]
        while stack:
            node, scope = stack.pop()
            yield node, scope
            inner = self.scope_of.get(id(node))
            children = list(ast.iter_child_nodes(node))
            for child in reversed(children):
                child_scope = scope
                if inner is not None and inner is not scope:
                    # Decorators, defaults, bases and annotations run in the outer scope.
                    child_scope = inner if _in_body(node, child) else scope
                stack.append((child, child_scope))

    def lookup(self, name: str, scope: Scope, pos: Pos) -> Binding | None:
        """The binding a use of `name` at `pos` in `scope` sees."""
        current: Scope | None = scope
        first = True
        while current is not None:
            if current.kind == "class" and not first:
                current = current.parent
                continue
            found = self._in_scope(current, name, pos if first else None)
            if found is not None:
                return found
            first = False
            current = current.parent
        return None

    @staticmethod
    def _in_scope(scope: Scope, name: str, pos: Pos | None) -> Binding | None:
        bindings = scope.bindings.get(name)
        if not bindings:
            return None
        real = [b for b in bindings if not b.fallback] or bindings
        if pos is not None:
            before = [b for b in real if b.pos < pos]
            if before:
                return before[-1]
            if scope.kind == "module":
                return None
        return real[-1]

    def value(self, node: ast.expr | None, scope: Scope) -> Value:
        if node is None:
            return UNKNOWN
        key = id(node)
        if key in self._active:
            return UNKNOWN
        self._active.add(key)
        try:
            return self._value(node, scope)
        finally:
            self._active.discard(key)

    def _value(self, node: ast.expr, scope: Scope) -> Value:
        if isinstance(node, ast.Name):
            return self._name(node, scope)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, scope)
        if isinstance(node, ast.Call):
            return self._call(node, scope)
        if isinstance(node, ast.Subscript):
            base = self.value(node.value, scope)
            if isinstance(base, QName) and base.name == "os.environ":
                return EnvVal(node, _const_str(node.slice), None)
            return UNKNOWN
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return StrVal(node)
        if isinstance(node, ast.Dict):
            return DictVal(node, scope)
        if isinstance(node, ast.Await):
            return self.value(node.value, scope)
        if isinstance(node, ast.BoolOp):
            for operand in node.values:
                val = self.value(operand, scope)
                if isinstance(val, ClientVal):
                    return val
            return UNKNOWN
        if isinstance(node, ast.IfExp):
            for branch in (node.body, node.orelse):
                val = self.value(branch, scope)
                if isinstance(val, ClientVal):
                    return val
            return UNKNOWN
        if isinstance(node, ast.NamedExpr):
            return self.value(node.value, scope)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            # `read.rstrip("/") + "/"`: still that environment read, normalised
            left = self.value(node.left, scope)
            if isinstance(left, EnvVal) and isinstance(node.right, ast.Constant):
                return left
        return UNKNOWN

    def _name(self, node: ast.Name, scope: Scope) -> Value:
        if id(node) in self.shadowed:
            return UNKNOWN
        if scope.self_name is not None and node.id == scope.self_name and scope.class_scope:
            return SelfVal(scope.class_scope)
        binding = self.lookup(node.id, scope, pos_of(node))
        if binding is None and node.id == "os":
            # `os.environ[...]` with `os` never bound here (imported below, or forgotten): the
            # module is what it can only mean, and what it is once a fix adds `import os`, so
            # that the first run already sees what the second would.
            return QName("os")
        return self.binding_value(binding)

    def binding_value(self, binding: Binding | None) -> Value:
        if binding is None:
            return UNKNOWN
        if binding.kind == "import" and binding.qname:
            return QName(binding.qname)
        if binding.kind in ("assign", "with") and binding.scope is not None:
            val = self.value(binding.value, binding.scope)
            if binding.kind == "with" and isinstance(val, ResourceVal):
                return UNKNOWN  # `with client.x.stream(...) as s`: a stream, not the resource
            if isinstance(val, Unknown) and isinstance(binding.node, ast.AnnAssign):
                # `client: AsyncOpenAI = get_client()` with a factory from another file
                annotated = self._annotation_client(binding.node.annotation, binding.scope)
                if annotated is not None:
                    return annotated
            return val
        if binding.kind == "param" and isinstance(binding.node, ast.arg) and binding.scope:
            annotated = self._annotation_client(binding.node.annotation, binding.scope)
            if annotated is not None:
                return annotated
            return ParamVal(binding.node, binding.value, binding.scope)
        if binding.kind == "def" and isinstance(binding.node, _FUNCS):
            inner = self.scope_of.get(id(binding.node))
            if inner is not None:
                return FuncVal(binding.node, inner)
        if binding.kind == "class" and isinstance(binding.node, ast.ClassDef):
            inner = self.scope_of.get(id(binding.node))
            if inner is not None:
                return ClassVal(binding.node, inner)
        return UNKNOWN

    def _annotation_client(self, annotation: ast.expr | None, scope: Scope) -> ClientVal | None:
        if annotation is None:
            return None
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
        candidates: list[ast.expr] = [annotation]
        if isinstance(annotation, ast.BinOp):  # OpenAI | None
            candidates = [annotation.left, annotation.right]
        elif isinstance(annotation, ast.Subscript):  # Optional[OpenAI]
            candidates = [annotation.slice]
        for cand in candidates:
            val = self.value(cand, scope)
            if isinstance(val, QName):
                spec = self.rules.client_by_qualname.get(val.name)
                if spec is not None:
                    return ClientVal(spec, None)
        return None

    def _attribute(self, node: ast.Attribute, scope: Scope) -> Value:
        base = self.value(node.value, scope)
        attr = node.attr
        if isinstance(base, QName):
            return QName(f"{base.name}.{attr}")
        if isinstance(base, ClientVal):
            if attr in self.rules.endpoints.passthrough:
                return base
            return ResourceVal(base, (attr,))
        if isinstance(base, ResourceVal):
            if attr in self.rules.endpoints.passthrough:
                return base
            return ResourceVal(base.base, (*base.path, attr))
        if isinstance(base, SelfVal):
            return self._class_attr(base.scope, attr, instance=True)
        if isinstance(base, ClassVal):
            return self._class_attr(base.scope, attr, instance=False)
        return UNKNOWN

    def _class_attr(self, cls: Scope, attr: str, *, instance: bool) -> Value:
        first: Value = UNKNOWN
        if instance:
            for value, method_scope in cls.self_attrs.get(attr, []):
                val = self.value(value, method_scope)
                if isinstance(val, ClientVal):
                    return val
                if isinstance(first, Unknown):
                    first = val
        binding = self._in_scope(cls, attr, None)
        if binding is not None:
            val = self.binding_value(binding)
            if not isinstance(val, Unknown):
                return val
        return first

    def _call(self, node: ast.Call, scope: Scope) -> Value:
        func = self.value(node.func, scope)
        if isinstance(func, QName):
            spec = self.rules.client_by_qualname.get(func.name)
            if spec is not None:
                return ClientVal(spec, node)
            if func.name in ("os.getenv", "os.environ.get"):
                name = _const_str(node.args[0]) if node.args else None
                default = node.args[1] if len(node.args) > 1 else None
                for kw in node.keywords:
                    if kw.arg == "default":
                        default = kw.value
                    elif kw.arg == "key" and name is None:
                        name = _const_str(kw.value)
                return EnvVal(node, name, default)
            return UNKNOWN
        passthrough = isinstance(node.func, ast.Attribute) and node.func.attr in self.rules.endpoints.passthrough
        if passthrough and isinstance(func, ClientVal | ResourceVal):
            return func  # `client.with_options(timeout=5)`: the same client, other options
        if isinstance(func, ClientVal):
            return UNKNOWN
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in ("strip", "rstrip", "lstrip")
            and isinstance(base := self.value(node.func.value, scope), EnvVal)
        ):
            return base
        if isinstance(func, ResourceVal):
            return UNKNOWN
        if isinstance(func, FuncVal):
            return self._returns(func)
        if isinstance(func, ClassVal):
            return UNKNOWN
        return UNKNOWN

    def _returns(self, func: FuncVal) -> Value:
        annotated = self._annotation_client(func.node.returns, func.scope.parent or func.scope)
        for expr in func.scope.returns:
            val = self.value(expr, func.scope)
            if isinstance(val, ClientVal):
                return val
        return annotated if annotated is not None else UNKNOWN


def _in_body(owner: ast.AST, child: ast.AST) -> bool:
    """Is `child` part of the body of the def/class `owner` (as opposed to its header)?"""
    if isinstance(owner, _FUNCS):
        return any(child is stmt for stmt in owner.body)
    if isinstance(owner, ast.ClassDef):
        return any(child is stmt for stmt in owner.body)
    if isinstance(owner, ast.Lambda):
        return child is owner.body
    return True


def _const_str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
