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
from collections.abc import Sequence
from dataclasses import dataclass, field

from codemod.analysis.bindings import Scope, pos_of
from codemod.analysis.context import Context
from codemod.analysis.facts import ctor_id, module_name, outside_project, scope_qualname
from codemod.analysis.modelflow import EMPTY, Gather, ModelNames, model_constants
from codemod.analysis.moduleclient import MODULE_CLIENT, REF, SPEC, endpoint_path, stronger
from codemod.analysis.values import (
    ClassVal,
    ClientVal,
    FuncVal,
    ParamVal,
    QName,
    RefVal,
    ResourceVal,
    Value,
)

Refs = frozenset[str]


@dataclass(frozen=True, slots=True)
class Ctor:
    """A client constructor of this module; `target` the name or `self.attr` it is bound to by a
    plain assignment (what a split can copy), `status` the verdict on its own arguments."""

    id: str
    spec: str
    target: str | None
    status: str
    name: str = ""  # the class as the code calls it (`OpenAI`, `openai.AsyncOpenAI`)
    in_cell: tuple[int, int] | None = None  # in a notebook, (cell, line in it); the id counts lines in the whole
    via: str | None = None  # `n:<qname>`: a call of an imported name, a constructor if the view finds a class
    own: str = ""  # `api_key=` ...: passed to it, which would win over a partial's (`ConstructorForms.own_keyword`)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Pass:
    """A client handed to a function: `callee` a reference to the function, `param` the
    parameter's position or keyword."""

    callee: str
    param: int | str
    refs: Refs


@dataclass(frozen=True, slots=True)
class Summary:
    path: str
    module: str
    ctors: tuple[Ctor, ...] = ()
    exports: dict[str, Refs] = field(default_factory=dict)
    params: dict[str, tuple[str, ...]] = field(default_factory=dict)
    uses: tuple[Use, ...] = ()
    passes: tuple[Pass, ...] = ()
    names: ModelNames = EMPTY  # model names other code relies on (`modelflow`)
    models: tuple[str, ...] = ()  # module and class constants named like a model (`Digest.MODEL`)


class Collector:
    """Fed by the analysis walk; `summary()` at the end."""

    def __init__(self, ctx: Context, path: str) -> None:
        self.ctx = ctx
        self.path = path
        self.module = module_name(path)
        self.uses: list[Use] = []
        self.passes: list[Pass] = []
        self.ctors: list[Ctor] = []
        self.param_functions: dict[str, tuple[str, ...]] = {}
        self._roots: dict[str, bool] = {}  # `endpoints.is_resource_root`, asked once a name
        self.names = Gather(ctx)
        self.module_client = False  # configures or calls the SDK's module-level client
        self.module_status = "migrate"
        self.models: list[str] = []
        self._single: dict[str, Refs] = {}  # one frozenset per reference: summaries are kept (memory)

    def _is_root(self, name: str) -> bool:
        if name not in self._roots:
            self._roots[name] = self.ctx.rules.endpoints.is_resource_root(name)
        return self._roots[name]

    def one(self, ref: str) -> Refs:
        """`frozenset({ref})`, the same object for every use of the same reference."""
        if ref not in self._single:
            self._single[ref] = frozenset({ref})
        return self._single[ref]

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
        self._note_module_config(node, targets, scope)
        self.models.extend(model_constants(self.ctx, targets, scope))
        if len(targets) != 1 or not isinstance(node.value, ast.Call):
            return
        target = targets[0]
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id != scope.self_name:
            self._set_from_outside(target, node.value, scope)
        if isinstance(target, ast.Name) or (
            isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == scope.self_name
        ):
            self.ctx.assigned[id(node.value)] = (node, self.ctx.source(target))

    def on_call(self, call: ast.Call, scope: Scope) -> None:
        func = self.ctx.callee(call, scope)
        state = self.ctx.client_states.get(id(call))
        spec = self.ctx.resolver.constructor(call, func, scope) if state is not None else None
        if spec is not None and state is not None:
            name = self.ctx.source(call.func)
            self.ctors.append(Ctor(ctor_id(self.path, call), spec.id, self.ctx.split_target(call), state.status, name=name))
        elif isinstance(func, QName) and self._project_name(func.name):  # `Plain()`, `Plain` from another module
            own = self.ctx.resolver.own_keyword(call, lambda kw: self.ctx.settled(kw, scope))
            target, name = self.ctx.split_target(call), self._func_text(call.func)
            self.ctors.append(Ctor(ctor_id(self.path, call), "", target, "migrate", name, via=f"n:{func.name}", own=own))
        self._use(call, func, scope)
        arguments: list[tuple[int | str, ast.expr]] = [(i, a) for i, a in enumerate(call.args) if isinstance(a, _HANDED)]
        arguments += [(kw.arg, kw.value) for kw in call.keywords if kw.arg is not None and isinstance(kw.value, _HANDED)]
        callee = self._callee(call, func, scope) if arguments else None
        if callee is None:
            return
        for param, expr in arguments:
            if isinstance(expr, ast.Call):  # built in place: `f(OpenAI())`, `Service(get_client())`
                refs = self._built(expr, scope)
            else:  # handed over by name: `f(self.client)`
                refs = self._named(self.ctx.value(expr, scope))
            if refs:
                self.passes.append(Pass(callee, param, refs))

    def _func_text(self, func: ast.expr) -> str:
        """`ctx.source` of a called name: an ASCII name is its own text (one not NFKC-normalised)."""
        return func.id if isinstance(func, ast.Name) and func.id.isascii() else self.ctx.source(func)

    def _set_from_outside(self, target: ast.Attribute, value: ast.Call, scope: Scope) -> None:
        """`svc.client = make_client()` on a project class's instance: a pass to its `__init__` parameter (or field)."""
        assert isinstance(target.value, ast.Name)
        owner = self._instance_of(target.value, scope)
        if owner is None:
            return
        refs = self._built(value, scope)
        if refs:
            self.passes.append(Pass(owner, target.attr, refs))

    def _built(self, call: ast.Call, scope: Scope) -> Refs:
        """What a call made in place hands over: a constructor's client, a project function's result."""
        built = self.ctx.callee(call, scope)
        if not isinstance(built, QName):
            return frozenset()
        if built.name in self.ctx.rules.client_by_qualname:
            return self.one(f"c:{ctor_id(self.path, call)}")
        return frozenset("f:" + r[2:] for r in self._project_name(built.name))

    def _instance_of(self, name: ast.Name, scope: Scope) -> str | None:
        """`n:<class>` when `name` is an instance of a project class; None for anything else (`requests.get(...)`)."""
        made = self.ctx.value(name, scope)
        if isinstance(made, RefVal) and made.ref.startswith("f:") and self._project_name(made.ref[2:]):
            return "n:" + made.ref[2:]
        binding = self.ctx.resolver.lookup(name.id, scope, pos_of(name))
        if binding is None or binding.kind != "assign" or binding.scope is None or not isinstance(binding.value, ast.Call):
            return None
        cls = self.ctx.value(binding.value.func, binding.scope)
        return self._callee(binding.value, cls, binding.scope) if isinstance(cls, ClassVal) else None

    def _callee(self, call: ast.Call, func: Value, scope: Scope) -> str | None:
        if isinstance(func, QName):  # not `json.dumps(client)`: only the project's functions tie
            return f"n:{func.name}" if self._project_name(func.name) else None
        if isinstance(func, FuncVal | ClassVal):  # a class: its `__init__` gets the arguments
            name = scope_qualname(func.scope)
            return f"n:{self.module}.{name}" if name else None
        return None

    def _use(self, call: ast.Call, func: Value, scope: Scope) -> None:
        endpoints = self.ctx.rules.endpoints
        if isinstance(func, ResourceVal) and not isinstance(func.base, QName):
            path = ".".join(func.path)
            kind = endpoints.classify(path)
            if kind is not None:
                refs = self.refs(func.base)
                self._note_params(refs, scope)
                self._add_use(call, refs, path, kind, scope)
            return
        if isinstance(func, QName):
            parts = func.name.split(".")
            if parts[0] == self.ctx.rules.module_config.module:
                self._module_use(call, func.name, scope)
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
        if headers := self.ctx.openai_headers(call, scope, "extra_headers"):  # OpenAI-only: its client stays
            path, kind = f"header {headers[0][1]}", "unserved"
        self.uses.append(Use(refs, path, kind, line, col, span, model=self._imported_model(call, scope)))
        self.names.on_use(len(self.uses) - 1, call, scope)

    def _imported_model(self, call: ast.Call, scope: Scope) -> str | None:
        """The imported constant a call's `model=` names: whether another module may rewrite it depends on this call."""
        for kw in call.keywords:
            if kw.arg == "model" and isinstance(kw.value, ast.Name | ast.Attribute):
                val = self.ctx.value(kw.value, scope)
                if isinstance(val, QName):
                    return f"n:{val.name}"
        return None

    def _note_params(self, refs: Refs, scope: Scope) -> None:
        """The parameter names of the functions the `p:` refs among `refs` name (up from the use, or
        from the module down for `self.x` set in `__init__`), for call sites passing by position."""
        for function in (r.split(":")[1] for r in refs if r.startswith("p:")):
            if function in self.param_functions:
                continue
            current: Scope | None = scope
            while current is not None and scope_qualname(current) != function:
                current = current.parent
            node = current.node if current is not None else self._defined(function)
            owner = self._defined(function.removesuffix(".__init__")) if node is None else None
            if isinstance(owner, ast.ClassDef):  # a class without `__init__`: its fields, in order
                fields = [s.target.id for s in owner.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
                self.param_functions[function] = ("self", *fields)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                self.param_functions[function] = tuple(a.arg for a in (*args.posonlyargs, *args.args))

    def _defined(self, qualname: str) -> ast.AST | None:
        """The def or class `qualname` (`Class.method`) names, from the module down."""
        scope: Scope | None = self.ctx.resolver.module
        node: ast.AST | None = None
        for part in qualname.split("."):
            bindings = scope.bindings.get(part) if scope is not None else None
            if not bindings or bindings[-1].kind not in ("def", "class"):
                return None
            node = bindings[-1].node
            scope = self.ctx.resolver.scope_of.get(id(node))
        return node

    def _repoints(self, candidates: Sequence[tuple[ast.AST, Scope]]) -> None:
        """`client.base_url = ...` / `client.with_options(api_key=...)` on a client this module
        did not build (a parameter, an attribute, a factory's): a use of kind `repoint`, which
        keeps the client (rewriting another module's line is not this module's business)."""
        names = {n for spec in self.ctx.rules.clients for n in (*spec.api_key_args, *spec.base_url_args)}
        for node, scope in candidates:
            pairs: list[tuple[ast.expr, str, ast.expr]]
            if isinstance(node, ast.Assign):
                pairs = [(t.value, t.attr, t) for t in node.targets if isinstance(t, ast.Attribute) and t.attr in names]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                pairs = [(node.func.value, f"{node.func.attr}({kw.arg}=...)", node) for kw in node.keywords if kw.arg in names]
            else:
                continue
            for receiver, what, at in pairs:
                val = self.ctx.value(receiver, scope)
                if isinstance(val, ClientVal) and val.ctor is not None:
                    continue  # built here: `detectors.repoint` rewrites or refuses the line
                refs: Refs
                if isinstance(val, ParamVal):
                    name = scope_qualname(val.scope)
                    refs = frozenset({f"p:{name}:{val.arg.arg}"}) if name else frozenset()
                else:  # not `openai.api_key = ...`: the module client is `module_config`'s
                    refs = self._named(val)
                self._note_params(refs, scope)
                if refs:
                    self.uses.append(Use(refs, f"{self.ctx.source(receiver)}.{what}", "repoint", at.lineno, at.col_offset + 1))

    def summary(self, repoints: Sequence[tuple[ast.AST, Scope]] = ()) -> Summary:
        """What the module tells the project; `repoints` the lines that may re-point a client (found once for both)."""
        self._repoints(repoints)
        resolver = self.ctx.resolver
        exports: dict[str, Refs] = {}
        for name, bindings in resolver.module.bindings.items():
            real = [b for b in bindings if not b.fallback] or bindings
            val = resolver.binding_value(real[-1])
            refs = self._named(val)
            if refs and not isinstance(val, FuncVal):
                exports[name] = refs
            made = resolver.exported(real[-1], val)
            if made is not None:  # `class Plain(OpenAI): pass`, `Client = OpenAI`, a partial
                exports[name] = frozenset({made})
            built = resolver.builds(val)  # a partial or subclass of a client class, called there
            if built is not None:
                exports[f"{name}()"] = self.refs(built)
            if isinstance(val, FuncVal):
                returned = frozenset().union(*(self.refs(self.ctx.value(e, val.scope)) for e in val.scope.returns))
                if returned:
                    exports[f"{name}()"] = returned
        module_client = (Ctor(MODULE_CLIENT, SPEC, None, self.module_status),) if self.module_client else ()
        return Summary(
            path=self.path,
            module=self.module,
            ctors=(*self.ctors, *module_client),
            exports=exports,
            params=dict(self.param_functions),
            uses=tuple(self.uses),
            passes=tuple(self.passes),
            names=self.names.names(),
            models=tuple(self.models),
        )

    def _note_module_config(self, node: ast.Assign | ast.AnnAssign, targets: Sequence[ast.expr], scope: Scope) -> None:
        """`openai.api_key = ...` and friends configure the module-level client; a module-level
        base URL already on the provider, or one the tool leaves (another host, Azure), fixes
        where it goes whatever its calls."""
        mc = self.ctx.rules.module_config
        for target in targets:
            if not (isinstance(target, ast.Attribute) and self.ctx.sets_sdk_module(target, scope)):
                continue
            self.module_client = True
            if node.value is None or scope.kind != "module":
                continue
            if target.attr in mc.base_url_attrs:
                verdict = self.ctx.base_verdict(node.value, scope)
                status = {"ok": "lumyx", "elsewhere": "as-is", "opaque": "as-is"}.get(verdict)
                self.module_status = stronger(self.module_status, status)
            elif target.attr in mc.api_key_attrs and self.ctx.key_verdict(node.value, scope) == "opaque":
                self.module_status = stronger(self.module_status, "as-is")  # LMX103: whose key is it?
            elif target.attr in mc.azure_markers and "azure" in self.ctx.source(node.value).lower():
                self.module_status = stronger(self.module_status, "as-is")

    def _module_use(self, call: ast.Call, qname: str, scope: Scope) -> None:
        """A call on the module-level client: a use of the pseudo-constructor `c:<module-client>`."""
        path = endpoint_path(self.ctx.rules, qname)
        kind = self.ctx.rules.endpoints.classify(path) if path is not None else None
        if path is not None and kind is not None:
            self.module_client = True
            self._add_use(call, frozenset({REF}), path, kind, scope)
            if any(kw.arg in self.ctx.rules.module_config.api_key_attrs for kw in call.keywords):
                self.module_status = stronger(self.module_status, "as-is")  # a key per call (LMX404)

    def _named(self, val: Value) -> Refs:
        """`refs` of what a name stands for (handed over, bound at module level); an imported one only if it may be the project's."""
        return self._project_name(val.name) if isinstance(val, QName) else self.refs(val)

    def _project_name(self, qname: str) -> Refs:
        """An imported name kept for the project view, unless it surely comes from the stdlib or a client module."""
        if outside_project(qname, self.ctx.rules.client_roots):
            return frozenset()
        return self.one(f"n:{qname}")


_HANDED = (ast.Call, ast.Name, ast.Attribute)  # the arguments that may hand a client over


def _receiver(func: ast.expr, depth: int) -> ast.expr:
    """The expression the endpoint path hangs on: `client` in `client.chat.completions.create`."""
    for _ in range(depth):
        if not isinstance(func, ast.Attribute):
            break
        func = func.value
    return func
