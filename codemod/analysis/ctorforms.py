"""The shapes real code builds clients in besides calling the class: a subclass, a
`functools.partial`, a dataclass field's default factory, a class chosen at run time. Plain
ast helpers and the values they evaluate to; `values.Resolver` decides which applies.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from codemod.analysis.bindings import Binding, Pos, Scope, pos_of
from codemod.analysis.valuetypes import (
    ChosenClass,
    ClassVal,
    ClientVal,
    PartialVal,
    ProjectFacts,
    QName,
    Unknown,
    Value,
)
from codemod.rules import ClientSpec, Rules

# The keep reason of a test double another module of test code calls (the project view's word).
DOUBLE = "a test double"
# Calls that read one environment variable (`values.EnvVal`).
ENV_READS = ("os.getenv", "os.environ.get")
# `functools.partial(OpenAI, ...)`: the partial is the constructor, calling it builds a client.
PARTIALS = frozenset({"functools.partial"})
# `field(default_factory=OpenAI)`: the class is called with no arguments by the framework.
FIELDS = frozenset({"dataclasses.field", "pydantic.Field", "pydantic.fields.Field", "attrs.field", "attr.ib", "attr.attrib"})


def kept(spec: ClientSpec, why: str) -> ClientSpec:
    """`spec` as a constructor that is left as it is (LMX107) for `why`."""
    return dataclasses.replace(spec, azure=False, unserved="", keep_reason=why)


def method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name:
            return stmt
    return None


def is_super_init(node: ast.Attribute) -> bool:
    """`super().__init__` (also `super(C, self).__init__`)."""
    sup = node.value
    return (
        node.attr == "__init__"
        and isinstance(sup, ast.Call)
        and isinstance(sup.func, ast.Name)
        and sup.func.id == "super"
        and not sup.keywords
        and len(sup.args) in (0, 2)
    )


def super_inits(init: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Call]:
    """The `super().__init__(...)` calls in a constructor's own body (not in nested defs)."""
    found: list[ast.Call] = []
    todo: list[ast.AST] = list(init.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_super_init(node.func):
            found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def subclass_refusal(cls: ast.ClassDef, init: ast.FunctionDef | ast.AsyncFunctionDef | None) -> tuple[ast.Call | None, str]:
    """For a subclass with its own constructor: the one `super().__init__(...)` call that builds
    the client, or why the tool cannot follow it."""
    if method(cls, "__new__") is not None:
        return None, f"subclass `{cls.name}` defines `__new__`; the tool cannot follow how it is built"
    if init is None:
        return None, ""
    calls = super_inits(init)
    if len(calls) != 1:
        how = "never calls" if not calls else "calls more than once"
        return None, f"subclass `{cls.name}` {how} `super().__init__(...)`; the tool cannot follow how it is built"
    if calls[0].args:  # a `*args` too
        return None, f"subclass `{cls.name}` passes positional arguments to `super().__init__`"
    return calls[0], ""


def client_class(val: object, rules: Rules) -> ClientSpec | None:
    """The spec of the client class `val` is, if it is one (a kept spec for a chosen class)."""
    if isinstance(val, QName):
        return rules.client_by_qualname.get(val.name)
    if isinstance(val, ChosenClass):
        return val.spec
    return None


def for_provider(call: ast.Call, spec: ClientSpec) -> bool:
    """Does this call of a one-provider factory (`init_chat_model`) build the client `spec` is?
    Only when it names the provider literally, by argument or as the model's prefix, or names
    a model the factory infers the provider from."""
    if not spec.provider_arg:
        return True
    named = next((k.value for k in call.keywords if k.arg == spec.provider_arg), None)
    if named is not None:
        return isinstance(named, ast.Constant) and named.value == spec.provider
    if any(k.arg is None for k in call.keywords):
        return False  # a `**spread` may name another provider
    model = _model_literal(call, spec)
    return model is not None and (model.startswith(f"{spec.provider}:") or (":" not in model and spec.infers_provider(model)))


def provider_inferred(call: ast.Call, spec: ClientSpec) -> bool:
    """Does this factory call leave the provider to be inferred from the model's name (which
    the provider's model name, once mapped, no longer tells)?"""
    if not spec.provider_arg or any(k.arg in (spec.provider_arg, None) for k in call.keywords):
        return False
    model = _model_literal(call, spec)
    return model is not None and ":" not in model and spec.infers_provider(model)


def _model_literal(call: ast.Call, spec: ClientSpec) -> str | None:
    model = next((k.value for k in call.keywords if k.arg in spec.model_args), None)
    if model is None and 0 <= spec.model_position < len(call.args):
        model = call.args[spec.model_position]
    return model.value if isinstance(model, ast.Constant) and isinstance(model.value, str) else None


def choice(candidates: list[Value], rules: Rules, why: str) -> Value | None:
    """What a class picked among `candidates` at run time is: the class itself when they are all
    the same client class, a `ChosenClass` of their spec when they all share one, a kept one when
    some client class is among them, else None."""
    specs = [client_class(c, rules) for c in candidates]
    if not any(specs):
        return None
    names = {c.name for c in candidates if isinstance(c, QName)}
    if len(names) == 1 and all(specs):
        return candidates[0]
    first = next(s for s in specs if s is not None)
    if all(s is first for s in specs) and not first.keep_reason:
        return ChosenClass(first)  # `OpenAI if sync else AsyncOpenAI`: built the same way either way
    return ChosenClass(kept(first, why))


def made_ref(val: Value, rules: Rules, *, double: bool) -> str | None:
    """What a module-level name that is a client class (a subclass without its own constructor,
    a class held in a variable) or a partial of one tells the project: `k:<spec>|<qname>|<why>`
    (`partial` for the qname of a partial, `|double` for a test double), so that another module
    calling it builds a client."""
    if isinstance(val, PartialVal):
        return f"k:{val.spec.id}|partial|"
    spec = client_class(val, rules)
    if spec is None or spec.provider_arg:
        return None
    return f"k:{spec.id}|{val.name if isinstance(val, QName) else ''}|{spec.keep_reason}" + ("|double" if double else "")


@dataclass(frozen=True)
class Subclass:
    """A subclass of a client class: what its base is, and the `super().__init__(...)` call
    that builds it when it has its own constructor (`base` is then still the base class)."""

    base: QName | ChosenClass
    ctor: ast.Call | None


class ConstructorForms:
    """The `values.Resolver` part that says what builds a client besides calling its class."""

    rules: Rules
    project: ProjectFacts | None
    scope_of: dict[int, Scope]
    module: Scope
    _subclasses: dict[int, Subclass | None]

    if TYPE_CHECKING:  # defined by `values.Resolver`, the class this part is mixed into

        def value(self, node: ast.expr | None, scope: Scope) -> Value: ...

        def lookup(self, name: str, scope: Scope, pos: Pos) -> Binding | None: ...

    def constructor(self, call: ast.Call, func: Value, scope: Scope) -> ClientSpec | None:
        """The client spec when `call` builds a client where it is written (the class called, a
        kept class, a partial or a field factory of one), else None."""
        func = self.imported_class(func)
        spec = client_class(func, self.rules)
        if spec is not None:
            return spec if for_provider(call, spec) else None
        if isinstance(func, QName) and func.name in PARTIALS | FIELDS:
            val = self.value(call, scope)
            if isinstance(val, PartialVal) and val.call is call:
                return val.spec
            if isinstance(val, ClientVal) and val.ctor is call:
                return val.spec
        return None

    def builds(self, val: Value) -> ClientVal | None:
        """The client calling `val` builds, when that is one constructor (a partial of a client
        class, a subclass built through its `super().__init__` call): what another module that
        calls it uses."""
        if isinstance(val, PartialVal):
            return ClientVal(val.spec, val.call)
        sub = self._subclass(val) if isinstance(val, ClassVal) else None
        spec = client_class(sub.base, self.rules) if sub is not None else None
        return ClientVal(spec, sub.ctor) if sub is not None and sub.ctor is not None and spec is not None else None

    def _built(self, node: ast.Call, func: Value, scope: Scope) -> Value | None:
        """What a call builds when it builds a client (or a partial of one); None otherwise."""
        if type(func) not in _BUILDERS and not isinstance(node.func, ast.Name):
            return None  # most calls: no class, partial or factory, and not `getattr(...)`
        func = self.imported_class(func)
        spec = client_class(func, self.rules)
        if spec is not None:
            return ClientVal(spec, node) if for_provider(node, spec) else None
        if isinstance(func, PartialVal | ClassVal):
            return self.builds(func)
        if isinstance(func, QName) and func.name in PARTIALS and node.args:
            spec = client_class(self.value(node.args[0], scope), self.rules)
            return PartialVal(spec, node) if spec is not None and not spec.provider_arg else None
        if isinstance(func, QName) and func.name in FIELDS:
            factory = next((k.value for k in node.keywords if k.arg == "default_factory"), None)
            if isinstance(factory, ast.Lambda):  # `lambda: OpenAI(...)`: the client built in it
                made = self.value(factory.body, scope)
                return made if isinstance(made, ClientVal) else None
            spec = client_class(self.value(factory, scope), self.rules)
            why = "the class is called by a field's `default_factory`, with no arguments the tool can add"
            return ClientVal(kept(spec, why), node) if spec is not None and not spec.provider_arg else None
        if isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) >= 2:
            return self._getattr(node, scope)
        return None

    def imported_class(self, func: Value) -> Value:
        """A name another module of the project binds to a client class (`from clients import
        Plain`): that class, as the project view says; anything else as it is."""
        if self.project is None or not isinstance(func, QName) or func.name in self.rules.client_by_qualname:
            return func
        made = self.project.client_class(f"n:{func.name}")
        if made is None:
            return func
        spec, qname, why, double = made
        if double:  # test code calling a test double: `placement.double` leaves it silently
            return ChosenClass(kept(spec, DOUBLE))
        if why and why != spec.keep_reason:  # a kept form (LMX108); a class the rules keep is that class
            return ChosenClass(kept(spec, why))
        return QName(qname) if qname else ChosenClass(spec)

    def own_keyword(self, call: ast.Call, settled: Callable[[ast.keyword], bool]) -> str:
        """The first argument of `call` that would win over a partial's key, URL, organization,
        project or headers (`api_key=`, `**kwargs`), unless `settled` (already the provider's);
        "" when none."""
        return passed_own(call, self._own_args, settled)

    @cached_property
    def _own_args(self) -> frozenset[str]:
        """The constructor arguments that would win over a partial's: asked at every call of a project name, built once a module."""
        rules = self.rules
        own = {n for spec in rules.clients for n in (*spec.api_key_args, *spec.base_url_args, *spec.blank_args)}
        return frozenset(own | {*rules.source.refuse_args, "default_headers"})

    def _getattr(self, node: ast.Call, scope: Scope) -> Value | None:
        """`getattr(openai, name)`: a client class looked up by a name known only at run time."""
        if self.lookup("getattr", scope, pos_of(node)) is not None:
            return None  # not the builtin
        module = self.value(node.args[0], scope)
        if not isinstance(module, QName):
            return None
        name = node.args[1]
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            return QName(f"{module.name}.{name.value}")
        found: list[Value] = [QName(q) for q in self.rules.client_by_qualname if q.rpartition(".")[0] == module.name]
        return choice(found, self.rules, "its class is looked up by name at run time")

    def _class_value(self, cls: ClassVal) -> Value:
        """A subclass of a client class without its own constructor is built like its base (the
        base's name stands for it); one whose constructor the tool cannot follow is kept."""
        sub = self._subclass(cls)
        if sub is None or sub.ctor is not None:
            return cls
        return sub.base

    def _subclass(self, cls: ClassVal) -> Subclass | None:
        key = id(cls.node)
        if key in self._subclasses:
            return self._subclasses[key]
        self._subclasses[key] = None  # a class deriving from itself resolves to nothing
        outer = cls.scope.parent or cls.scope
        bases = [self.value(b, outer) for b in cls.node.bases]
        base = next((b for b in bases if isinstance(b, QName | ChosenClass) and client_class(b, self.rules)), None)
        # A subclass of one built through its `super().__init__` call is built through that call.
        inherited = [self._subclass(b) for b in bases if isinstance(b, ClassVal)]
        found: Subclass | None = next((sub for sub in inherited if sub is not None and sub.ctor is not None), None)
        if found is None and isinstance(base, QName | ChosenClass):
            ctor, why = subclass_refusal(cls.node, method(cls.node, "__init__"))
            if ctor is None and not why and self._calls_on_self(cls.node):
                why = (
                    f"subclass `{cls.node.name}` calls the API on `self` in its methods without an `__init__` "
                    "that calls `super().__init__(...)`; the tool cannot tie those calls to one constructor"
                )
            spec = client_class(base, self.rules)
            if why and spec is not None:
                found = Subclass(ChosenClass(kept(spec, why)), None)
            elif isinstance(base, ChosenClass) and ctor is not None:
                found = Subclass(base, None)  # a kept class stays kept, whatever its subclass passes
            else:
                found = Subclass(base, ctor)
        self._subclasses[key] = found
        return found

    def self_client(self, cls: Scope) -> ClientVal | None:
        """What `self` is in a method of a client subclass built through its `super().__init__`."""
        if not isinstance(cls.node, ast.ClassDef):
            return None
        return self.builds(ClassVal(cls.node, cls))

    def client_subclass(self, cls: Scope) -> bool:
        return isinstance(cls.node, ast.ClassDef) and self._subclass(ClassVal(cls.node, cls)) is not None

    def exported(self, binding: Binding, val: Value) -> str | None:
        """`made_ref` of a module-level name this module binds (not one it imports)."""
        if binding.kind == "import":
            return None
        made = made_ref(val, self.rules, double=False)
        if made is None or binding.kind != "class" or binding.node is None:
            return made  # only a client class is asked whether it is a test double (a walk of its bases)
        return made_ref(val, self.rules, double=self.double_class(binding.node, self.module))

    def double(self, func: ast.expr, scope: Scope) -> bool:
        """Is the class `func` names (or one it derives from, in this module) a test double: an
        `__init__` that never builds the client, or an API resource of its own (`chat = ...`,
        `def chat(self)`, `self.chat = ...`)? Asked of test code only."""
        owner = scope.class_scope if isinstance(func, ast.Attribute) and is_super_init(func) else None
        return self.double_class(owner.node if owner is not None else func, scope)

    def double_class(self, start: ast.AST, scope: Scope) -> bool:
        """`double` from a class (or a name of one, looked up in `scope`)."""
        todo: list[tuple[ast.AST, Scope]] = [(start, scope)]
        seen: set[int] = set()
        while todo:
            node, where = todo.pop()
            binding = self.lookup(node.id, where, pos_of(node)) if isinstance(node, ast.Name) else None
            cls = binding.node if binding is not None and binding.kind == "class" else node
            inner = self.scope_of.get(id(cls)) if isinstance(cls, ast.ClassDef) else None
            if not isinstance(cls, ast.ClassDef) or inner is None or id(cls) in seen:
                continue
            seen.add(id(cls))
            init = method(cls, "__init__")
            names = {*inner.self_attrs, *inner.bindings}
            if (init is not None and not super_inits(init)) or any(self.rules.endpoints.is_resource_root(n) for n in names):
                return True
            todo.extend((b, inner.parent or inner) for b in cls.bases)
        return False

    def _calls_on_self(self, cls: ast.ClassDef) -> bool:
        """Does a method of `cls` reach the API through `self` (`self.chat...`)?"""
        endpoints = self.rules.endpoints
        for fn in cls.body:
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) or not fn.args.args:
                continue
            me = fn.args.args[0].arg
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == me
                    and (endpoints.is_resource_root(node.attr) or node.attr in endpoints.passthrough)
                ):
                    return True
        return False

    def _super_init(self, node: ast.Attribute, scope: Scope) -> Value:
        """`super().__init__` in a client subclass's constructor: the base class, called."""
        owner = scope.class_scope
        if owner is None or not isinstance(owner.node, ast.ClassDef):
            return UNKNOWN_VALUE
        sub = self._subclass(ClassVal(owner.node, owner))
        if sub is None or sub.ctor is None or sub.ctor.func is not node:
            return UNKNOWN_VALUE
        return sub.base


UNKNOWN_VALUE = Unknown()
# What `_built` looks at beyond `getattr(...)`: every other value builds nothing.
_BUILDERS = frozenset({QName, ChosenClass, PartialVal, ClassVal})


def passed_own(call: ast.Call, own: Container[str], settled: Callable[[ast.keyword], bool] = lambda kw: False) -> str:
    """The first keyword of `call` among `own` (or a `**kwargs`) not `settled`, as a message
    names it (`api_key=`, `**kwargs`); "" when none."""
    passed = next((kw for kw in call.keywords if kw.arg is None or (kw.arg in own and not settled(kw))), None)
    if passed is None:
        return ""
    return f"`{passed.arg}=`" if passed.arg else "`**kwargs`"
