"""The values an expression can stand for (see `values.Resolver`), and what the project view
offers a file's analysis. Plain data."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Protocol

from codemod.analysis.bindings import Scope
from codemod.analysis.facts import Decision
from codemod.rules import ClientSpec


@dataclass(frozen=True)
class QName:
    """An imported module or symbol, by its fully qualified name (`openai.OpenAI`)."""

    name: str


@dataclass(frozen=True, eq=False)
class ClientVal:
    """An instance of a client class. `ctor` is the constructing call when the tool saw it in
    this file; `refs` the constructors elsewhere in the project it may be (project view)."""

    spec: ClientSpec
    ctor: ast.Call | None
    refs: frozenset[str] = frozenset()
    via: str | None = None  # a parameter annotated as a client: the project ref it is known by


@dataclass(frozen=True, eq=False)
class RefVal:
    """What only the project can tell: the result of calling an imported function (`f:a.b.get`)
    or a parameter (`p:a.b.summarize:client`). Phase one records uses of it; with a project
    view the resolver turns the ones that are clients into `ClientVal`s."""

    ref: str


@dataclass(frozen=True, eq=False)
class ResourceVal:
    """An attribute path under a client instance or the SDK module (`client.chat.completions`)."""

    base: ClientVal | QName | RefVal
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


@dataclass(frozen=True, eq=False)
class ChosenClass:
    """A client class the tool cannot name for sure (a dict entry, a run-time choice, a subclass
    whose constructor it cannot follow): what it builds is kept, for the reason `spec` gives."""

    spec: ClientSpec


@dataclass(frozen=True, eq=False)
class PartialVal:
    """`functools.partial(OpenAI, ...)`: `call` is the constructor, calling the partial builds it."""

    spec: ClientSpec
    call: ast.Call


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
    | RefVal
    | ChosenClass
    | PartialVal
    | Unknown
)

class ProjectFacts(Protocol):
    """What the project view tells one file's analysis (see `codemod.analysis.project`)."""

    def client(self, ref: str) -> ClientVal | None: ...

    def client_class(self, ref: str) -> tuple[ClientSpec, str, str, bool] | None: ...

    def decision(self, ctor: str) -> Decision: ...

    def model_blocked(self, name: str) -> bool: ...

    def model_elsewhere(self, name: str, *, sent: bool) -> str | None: ...
