"""What an expression stands for where it is written: `Resolver.value` over the bindings.

`Resolver.value` answers lazily what an expression is: a qualified name of an imported module
or symbol, an OpenAI client instance, a resource under a client (`client.chat.completions`), a
string, a dict literal, an environment read, a function... Flow-insensitive within a scope
except that a use sees the last binding before it.
"""

from __future__ import annotations

import ast
from collections.abc import Container, Iterator
from itertools import repeat

from codemod.analysis import ctorforms as forms
from codemod.analysis.bindings import FUNCS, Binding, Collector, Pos, Scope, children, pos_of
from codemod.analysis.facts import body_ids, const_str, scope_qualname
from codemod.analysis.valuetypes import (
    ChosenClass,
    ClassVal,
    ClientVal,
    DictVal,
    EnvVal,
    FuncVal,
    ParamVal,
    PartialVal,
    ProjectFacts,
    QName,
    RefVal,
    ResourceVal,
    SelfVal,
    StrVal,
    Unknown,
    Value,
)
from codemod.rules import Rules

__all__ = [
    "UNKNOWN", "ChosenClass", "ClassVal", "ClientVal", "DictVal", "EnvVal", "FuncVal",
    "ParamVal", "PartialVal", "ProjectFacts", "QName", "RefVal", "Resolver", "ResourceVal",
    "SelfVal", "StrVal", "Unknown", "Value",
]

UNKNOWN = Unknown()


class Resolver(forms.ConstructorForms):
    """Answers what an expression stands for, at the place it is written."""

    def __init__(self, tree: ast.Module, rules: Rules, project: ProjectFacts | None = None) -> None:
        exports: dict[str, tuple[str, ...]] = {}
        for spec in rules.clients:
            exports[spec.module] = (*exports.get(spec.module, ()), *spec.names)
        collector = Collector(tree, exports)
        self.module = collector.run(tree)
        self.scope_of = collector.scope_of
        self.shadowed = collector.shadowed
        self.fstrings = collector.fstrings
        self.strings = collector.strings  # a function: the literals are read again when asked for
        self._expr_nodes = collector.expr_nodes
        self.rules = rules
        self.project = project
        self._active: set[int] = set()
        self._subclasses: dict[int, forms.Subclass | None] = {}

    def walk(self, types: Container[type] | None = None, constants: list[ast.Constant] | None = None) -> Iterator[tuple[ast.AST, Scope]]:
        """Every node of the module (only those of `types`, when given) with the scope it is
        evaluated in (pre-order); contexts and operators left out (see `bindings.children`).
        With `constants`, the literals go there in that order instead (they need no scope)."""
        stack: list[tuple[ast.AST, Scope]] = [(self.module.node, self.module)]
        scope_of = self.scope_of
        pop, push = stack.pop, stack.extend
        names = types is None or ast.Name in types  # a third of all nodes: not stacked when not asked for
        walked = {} if types is None or names else self._expr_nodes  # the scope pass met these in this order
        while stack:
            node, scope = pop()
            inside = walked.get(id(node))
            if inside is not None and types is not None:
                for sub in inside:
                    if constants is not None and type(sub) is ast.Constant:
                        constants.append(sub)
                    elif type(sub) in types:
                        yield sub, scope
                continue
            if constants is not None and type(node) is ast.Constant:
                constants.append(node)
                continue  # no children
            if types is None or type(node) in types:
                yield node, scope
            kids = children(node)
            if not kids:
                continue
            kids.reverse()
            inner = scope_of.get(id(node))
            if inner is None or inner is scope:
                push(zip(kids, repeat(scope)) if names else [(kid, scope) for kid in kids if type(kid) is not ast.Name])
                continue
            # Decorators, defaults, bases and annotations run in the outer scope.
            body = body_ids(node)
            push([(child, inner if body is None or id(child) in body else scope) for child in kids])

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
        if len(bindings) == 1:  # most names: the answer below, without its lists
            only = bindings[0]
            return None if pos is not None and not only.pos < pos and scope.kind == "module" else only
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
                return EnvVal(node, const_str(node.slice), None)
            if isinstance(base, DictVal):  # `CLIENTS[name]`
                found = [self.value(v, base.scope) for v in base.node.values]
                # kept even when every entry is the same class: a dict can be changed anywhere
                return forms.choice([*found, UNKNOWN], self.rules, "its class is looked up in a dict at run time") or UNKNOWN
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
            branches = [b for b in (node.body, node.orelse) if not (isinstance(b, ast.Constant) and b.value is None)]
            found = [self.value(b, scope) for b in branches]
            return forms.choice(found, self.rules, "its class is chosen at run time") or UNKNOWN
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
            remote = self._remote(f"n:{binding.qname}") if self.project is not None else None
            return remote or QName(binding.qname)
        if binding.kind in ("assign", "with") and binding.scope is not None:
            val = self.value(binding.value, binding.scope)
            if binding.kind == "with" and isinstance(val, ResourceVal):
                return UNKNOWN  # `with client.x.stream(...) as s`: a stream, not the resource
            if isinstance(val, Unknown | RefVal) and isinstance(binding.node, ast.AnnAssign):
                # `client: AsyncOpenAI = get_client()` with a factory from another file
                annotated = self._annotation_client(binding.node.annotation, binding.scope)
                if annotated is not None:
                    return ClientVal(annotated.spec, None, via=val.ref if isinstance(val, RefVal) else None)
            return val
        if binding.kind == "param" and isinstance(binding.node, ast.arg) and binding.scope:
            injected = self._injected(binding.value, binding.scope)
            if injected is not None:
                return injected
            ref = self._param_ref(binding.node, binding.scope) if self.project is not None else None  # else: when annotated
            remote = self._remote(ref) if ref else None
            if remote is not None:
                return remote
            annotated = self._annotation_client(binding.node.annotation, binding.scope)
            if annotated is not None:
                return ClientVal(annotated.spec, None, via=ref or self._param_ref(binding.node, binding.scope))
            return ParamVal(binding.node, binding.value, binding.scope)
        if binding.kind == "def" and isinstance(binding.node, FUNCS):
            inner = self.scope_of.get(id(binding.node))
            if inner is not None:
                return FuncVal(binding.node, inner)
        if binding.kind == "class" and isinstance(binding.node, ast.ClassDef):
            inner = self.scope_of.get(id(binding.node))
            if inner is not None:
                return self._class_value(ClassVal(binding.node, inner))
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
        if forms.is_super_init(node):
            return self._super_init(node, scope)
        base = self.value(node.value, scope)
        attr = node.attr
        if isinstance(base, QName):
            return QName(f"{base.name}.{attr}")
        if isinstance(base, ParamVal):
            ref = self._param_ref(base.arg, base.scope)
            base = RefVal(ref) if ref else base
        if isinstance(base, ClientVal | RefVal):
            if attr in self.rules.endpoints.passthrough:
                return base
            return ResourceVal(base, (attr,))
        if isinstance(base, ResourceVal):
            if attr in self.rules.endpoints.passthrough:
                return base
            return ResourceVal(base.base, (*base.path, attr))
        if isinstance(base, SelfVal):
            found = self._class_attr(base.scope, attr, instance=True)
            own = self.self_client(base.scope) if isinstance(found, Unknown) else None
            if own is not None:  # `self.chat` in a client subclass: the client itself
                return own if attr in self.rules.endpoints.passthrough else ResourceVal(own, (attr,))
            return found
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
        if instance and isinstance(first, Unknown):
            return self._field(cls, attr) or first
        return first

    def _field(self, cls: Scope, attr: str) -> Value | None:
        """An attribute the class never assigns (a dataclass field, or set from outside): the
        `__init__` parameter of that name, for the project view to tie to its call sites."""
        name = scope_qualname(cls)
        if name is None or attr in cls.self_attrs or not isinstance(cls.node, ast.ClassDef):
            return None
        if self.client_subclass(cls):  # `self.chat` in a client subclass is the client itself
            return None
        ref = f"p:{name}.__init__:{attr}"
        remote = self._remote(ref)
        if remote is not None:
            return remote
        for stmt in cls.node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr:
                annotated = self._annotation_client(stmt.annotation, cls.parent or cls)
                if annotated is not None:
                    return ClientVal(annotated.spec, None, via=ref)
        return RefVal(ref)

    def _call(self, node: ast.Call, scope: Scope) -> Value:
        func = self.value(node.func, scope)
        built = self._built(node, func, scope)
        if built is not None:
            return built
        if isinstance(func, QName):
            if func.name in self.rules.source.wrappers and node.args:
                return self.value(node.args[0], scope)  # `instructor.from_openai(client)`
            if func.name not in forms.ENV_READS:
                return self._remote(f"f:{func.name}") or RefVal(f"f:{func.name}")
            name = const_str(node.args[0]) if node.args else None
            default = node.args[1] if len(node.args) > 1 else None
            for kw in node.keywords:
                if kw.arg == "default":
                    default = kw.value
                elif kw.arg == "key" and name is None:
                    name = const_str(kw.value)
            return EnvVal(node, name, default)
        passthrough = isinstance(node.func, ast.Attribute) and node.func.attr in self.rules.endpoints.passthrough
        if passthrough and isinstance(func, ClientVal | ResourceVal | RefVal):
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
        return UNKNOWN

    def _injected(self, default: ast.expr | None, scope: Scope) -> Value | None:
        """`client = Depends(get_client)`: the framework passes what the factory returns."""
        if not (isinstance(default, ast.Call) and default.args):
            return None
        func = self.value(default.func, scope)
        if not (isinstance(func, QName) and func.name in self.rules.source.injectors):
            return None
        factory = self.value(default.args[0], scope)
        if isinstance(factory, QName):
            return self._remote(f"f:{factory.name}") or RefVal(f"f:{factory.name}")
        val = self._returns(factory) if isinstance(factory, FuncVal) else None
        return val if isinstance(val, ClientVal | RefVal) else None

    def _remote(self, ref: str) -> ClientVal | None:
        """The client the project says `ref` is, when there is a project view and it is one."""
        return None if self.project is None else self.project.client(ref)

    def _param_ref(self, arg: ast.arg, scope: Scope) -> str | None:
        """`p:<function>:<param>` for a parameter of a function the project can name."""
        name = scope_qualname(scope)
        return f"p:{name}:{arg.arg}" if name else None

    def _returns(self, func: FuncVal) -> Value:
        annotated = self._annotation_client(func.node.returns, func.scope.parent or func.scope)
        for expr in func.scope.returns:
            val = self.value(expr, func.scope)
            if isinstance(val, ClientVal):
                return val
        return annotated if annotated is not None else UNKNOWN

