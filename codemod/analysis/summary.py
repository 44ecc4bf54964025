"""What one module tells the project, gathered during its one analysis walk: the clients it
builds, the names and functions it exports that hold or return clients, the API calls it makes
and on what, and the clients it hands to functions. Small values; the tree is not kept.

References are strings the project view resolves to constructor ids (`codemod.analysis.project`):
`c:<id>` a constructor (id = `path:line:col`), `n:<qname>` an imported name, `f:<qname>` the
result of calling an imported function, `p:<function>:<param>` a parameter (function relative to
its module). A relative import keeps its leading dots until the view resolves it.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field

from codemod.analysis.bindings import Scope
from codemod.analysis.context import Context
from codemod.analysis.facts import scope_qualname
from codemod.analysis.values import (
    ClientVal,
    FuncVal,
    QName,
    RefVal,
    ResourceVal,
    Value,
)

Refs = frozenset[str]


@dataclass(frozen=True)
class Ctor:
    """A client constructor of this module; `target` the name or `self.attr` it is bound to by a
    plain assignment (what a split can copy), `status` the verdict on its own arguments."""

    id: str
    spec: str
    target: str | None
    status: str


@dataclass(frozen=True)
class Use:
    """An API call (`<receiver>.<path>(...)`) on what `refs` may be; `span` is the receiver's
    offsets in the text when it is a plain name or attribute (what a split re-points)."""

    refs: Refs
    path: str
    kind: str
    line: int
    col: int
    span: tuple[int, int] | None = None
    cell: int | None = None  # in a notebook, `line` counts in this cell
    model: str | None = None  # `n:<qname>`: the model argument is a name imported from a module


@dataclass(frozen=True)
class Pass:
    """A client handed to a function: `callee` a reference to the function, `param` the
    parameter's position or keyword."""

    callee: str
    param: int | str
    refs: Refs


@dataclass(frozen=True)
class Summary:
    path: str
    module: str
    ctors: tuple[Ctor, ...] = ()
    exports: dict[str, Refs] = field(default_factory=dict)
    params: dict[str, tuple[str, ...]] = field(default_factory=dict)
    uses: tuple[Use, ...] = ()
    passes: tuple[Pass, ...] = ()


def ctor_id(path: str, call: ast.Call) -> str:
    return f"{path}:{call.lineno}:{call.col_offset + 1}"


def module_name(path: str) -> str:
    """The dotted name a file is imported by, from its path (`pkg/__init__.py` is `pkg`)."""
    parts = path.replace("\\", "/").removesuffix(".py").removesuffix(".ipynb").split("/")
    parts = [p for p in parts if p not in ("", ".")]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class Collector:
    """Fed by the analysis walk; `summary()` at the end."""

    def __init__(self, ctx: Context, path: str) -> None:
        self.ctx = ctx
        self.path = path
        self.uses: list[Use] = []
        self.passes: list[Pass] = []
        self.ctors: list[Ctor] = []
        self.param_functions: dict[str, tuple[str, ...]] = {}
        self._roots: dict[str, bool] = {}  # `endpoints.is_resource_root`, asked once a name
        self._single: dict[str, Refs] = {}  # one frozenset per reference: summaries are kept (memory)

    def _is_root(self, name: str) -> bool:
        known = self._roots.get(name)
        if known is None:
            known = self._roots[name] = self.ctx.rules.endpoints.is_resource_root(name)
        return known

    def one(self, ref: str) -> Refs:
        """`frozenset({ref})`, the same object for every use of the same reference."""
        found = self._single.get(ref)
        if found is None:
            found = self._single[ref] = frozenset({ref})
        return found

    def refs(self, val: Value) -> Refs:
        if isinstance(val, ClientVal):
            if val.ctor is not None:
                return self.one(f"c:{ctor_id(self.path, val.ctor)}")
            if val.via is not None and not val.refs:
                return self.one(val.via)
            return frozenset(f"c:{ref}" for ref in val.refs)
        if isinstance(val, RefVal):
            return self.one(val.ref)
        if isinstance(val, QName):
            return self.one(f"n:{val.name}")
        return frozenset()

    def on_assign(self, node: ast.Assign | ast.AnnAssign, scope: Scope) -> None:
        """Remember `name = OpenAI(...)` / `self.name = OpenAI(...)`: what a split copies."""
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) != 1 or not isinstance(node.value, ast.Call):
            return
        target = targets[0]
        if isinstance(target, ast.Name) or (
            isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == scope.self_name
        ):
            self.ctx.assigned[id(node.value)] = (node, self.ctx.source(target))

    def on_call(self, call: ast.Call, scope: Scope) -> None:
        func = self.ctx.callee(call, scope)
        state = self.ctx.client_states.get(id(call))
        if state is not None and isinstance(func, QName):
            spec = self.ctx.rules.client_by_qualname[func.name]
            self.ctors.append(Ctor(ctor_id(self.path, call), spec.id, self.ctx.split_target(call), state.status))
        self._use(call, func, scope)
        callee = self._callee(call, func, scope)
        if callee is None:
            return
        arguments: list[tuple[int | str, ast.expr]] = list(enumerate(call.args))
        arguments += [(kw.arg, kw.value) for kw in call.keywords if kw.arg is not None]
        for param, expr in arguments:
            if isinstance(expr, ast.Call):  # built in place (`f(OpenAI())`): only a constructor counts
                built = self.ctx.callee(expr, scope)  # resolved once, its own visit reuses it
                if isinstance(built, QName) and built.name in self.ctx.rules.client_by_qualname:
                    self.passes.append(Pass(callee, param, self.one(f"c:{ctor_id(self.path, expr)}")))
                continue
            if not isinstance(expr, ast.Name | ast.Attribute):
                continue  # a client is handed over by name (`f(client)`, `f(self.client)`)
            val = self.ctx.value(expr, scope)
            refs = self._project_name(val.name) if isinstance(val, QName) else self.refs(val)
            if refs:
                self.passes.append(Pass(callee, param, refs))

    def _callee(self, call: ast.Call, func: Value, scope: Scope) -> str | None:
        if isinstance(func, QName):
            return f"n:{func.name}"
        if isinstance(func, FuncVal):
            name = scope_qualname(func.scope)
            return f"n:{self.ctx_module()}.{name}" if name else None
        return None

    def ctx_module(self) -> str:
        return module_name(self.path)

    def _use(self, call: ast.Call, func: Value, scope: Scope) -> None:
        endpoints = self.ctx.rules.endpoints
        if isinstance(func, ResourceVal) and not isinstance(func.base, QName):
            path = ".".join(func.path)
            kind = endpoints.classify(path)
            if kind is not None:
                refs = self.refs(func.base)
                for ref in refs:
                    if ref.startswith("p:"):
                        self._note_params(ref, scope)
                self._add_use(call, refs, path, kind, scope)
            return
        if isinstance(func, QName):
            parts = func.name.split(".")
            if parts[0] == self.ctx.rules.module_config.module:
                return
            for i in range(1, len(parts)):
                if self._is_root(parts[i]):
                    kind = endpoints.classify(".".join(parts[i:]))
                    if kind is not None:
                        refs = self.one("n:" + ".".join(parts[:i]))
                        self._add_use(call, refs, ".".join(parts[i:]), kind, scope)
                    return

    def _add_use(self, call: ast.Call, refs: Refs, path: str, kind: str, scope: Scope) -> None:
        receiver = _receiver(call.func, len(path.split(".")))
        span = self.ctx.span(receiver) if isinstance(receiver, ast.Name | ast.Attribute) else None
        line, col = call.lineno, call.col_offset + 1
        self.uses.append(Use(refs, path, kind, line, col, span, model=self._imported_model(call, scope)))

    def _imported_model(self, call: ast.Call, scope: Scope) -> str | None:
        """The imported constant a call's `model=` names (`settings.MODEL`, `from c import M`):
        whether another module may rewrite it depends on where this call goes."""
        for kw in call.keywords:
            if kw.arg == "model" and isinstance(kw.value, ast.Name | ast.Attribute):
                val = self.ctx.value(kw.value, scope)
                if isinstance(val, QName):
                    return f"n:{val.name}"
        return None

    def _note_params(self, ref: str, scope: Scope) -> None:
        function = ref.split(":")[1]
        current: Scope | None = scope
        while current is not None and scope_qualname(current) != function:
            current = current.parent
        node = current.node if current is not None else None
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            self.param_functions[function] = tuple(a.arg for a in (*args.posonlyargs, *args.args))

    def summary(self) -> Summary:
        resolver = self.ctx.resolver
        exports: dict[str, Refs] = {}
        for name, bindings in resolver.module.bindings.items():
            real = [b for b in bindings if not b.fallback] or bindings
            val = resolver.binding_value(real[-1])
            refs = self.refs(val) if not isinstance(val, QName) else self._project_name(val.name)
            if refs and not isinstance(val, FuncVal):
                exports[name] = refs
            if isinstance(val, FuncVal):
                returned = frozenset().union(*(self.refs(self.ctx.value(e, val.scope)) for e in val.scope.returns))
                if returned:
                    exports[f"{name}()"] = returned
        return Summary(
            path=self.path,
            module=module_name(self.path),
            ctors=tuple(self.ctors),
            exports=exports,
            params=dict(self.param_functions),
            uses=tuple(self.uses),
            passes=tuple(self.passes),
        )


    def _project_name(self, qname: str) -> Refs:
        """An imported name kept for the project view (a re-export it may have to follow), unless
        it surely comes from outside the project: the stdlib or a client module of the rules."""
        root = qname.split(".")[0]
        if root in sys.stdlib_module_names or root in self.ctx.rules.client_roots:
            return frozenset()
        return self.one(f"n:{qname}")



def _receiver(func: ast.expr, depth: int) -> ast.expr:
    """The expression the endpoint path hangs on: `client` in `client.chat.completions.create`."""
    node = func
    for _ in range(depth):
        if not isinstance(node, ast.Attribute):
            return node
        node = node.value
    return node
