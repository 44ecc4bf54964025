"""Name resolution (codemod/analysis/bindings.py, values.py): what an expression stands for where it is written.

`what(source, expr)` resolves the last read of the expression text `expr` in `source`, in
the scope it is evaluated in, and names the result. The rewrite tables at the end show the
same decisions end to end.
"""

from __future__ import annotations

import ast
from textwrap import dedent

import pytest
import support
from support import assert_noop, assert_rewrite, codes, default_rules

from codemod.analysis.values import (
    ChosenClass,
    ClassVal,
    ClientVal,
    DictVal,
    EnvVal,
    FuncVal,
    ParamVal,
    PartialVal,
    QName,
    Resolver,
    ResourceVal,
    StrVal,
    Value,
)


@pytest.fixture(autouse=True)
def _mechanics(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rewrites here show their own change, not the blank organization/project arguments."""
    support.without_blanks(monkeypatch)


def describe(value: Value) -> str:
    if isinstance(value, QName):
        return value.name
    if isinstance(value, ClientVal):
        return f"client {value.spec.id}"
    if isinstance(value, ResourceVal):
        return "resource " + ".".join(value.path)
    if isinstance(value, EnvVal):
        default = ast.literal_eval(value.default) if value.default is not None else None
        return f"env {value.name} {default}"
    if isinstance(value, StrVal):
        return f"str {value.node.value}"
    if isinstance(value, DictVal):
        return "dict"
    if isinstance(value, ParamVal):
        return f"param {value.arg.arg}"
    if isinstance(value, FuncVal | ClassVal):
        return type(value).__name__
    if isinstance(value, ChosenClass):
        return f"kept class {value.spec.id}: {value.spec.keep_reason}"
    if isinstance(value, PartialVal):
        return f"partial {value.spec.id} at line {value.call.lineno}"
    return "unknown"


def what(source: str, expr: str) -> str:
    source = dedent(source)
    tree = ast.parse(source)
    resolver = Resolver(tree, default_rules())
    found = [
        (node, scope)
        for node, scope in resolver.walk()
        if isinstance(node, ast.expr)
        and not isinstance(getattr(node, "ctx", None), ast.Store | ast.Del)
        and ast.get_source_segment(source, node) == expr
    ]
    assert found, f"{expr!r} not in the source"
    node, scope = found[-1]
    return describe(resolver.value(node, scope))


RESOLVES = [
    pytest.param("import openai\nopenai.OpenAI\n", "openai.OpenAI", "openai.OpenAI", id="import openai"),
    pytest.param("import openai as oa\noa.OpenAI\n", "oa.OpenAI", "openai.OpenAI", id="import openai as oa"),
    pytest.param("from openai import OpenAI as C\nC\n", "C", "openai.OpenAI", id="from openai import OpenAI as C"),
    pytest.param("import openai.types\nopenai\n", "openai", "openai", id="import a.b binds a"),
    pytest.param("import openai.types as t\nt\n", "t", "openai.types", id="import a.b as t binds a.b"),
    pytest.param(
        "def f():\n    from openai import OpenAI\n    return OpenAI\n", "OpenAI", "openai.OpenAI", id="function-level import"
    ),
    pytest.param(
        "def f():\n    from openai import OpenAI\nOpenAI\n", "OpenAI", "unknown", id="function-level import stays in the function"
    ),
    pytest.param("from openai import OpenAI\nMake = OpenAI\nMake\n", "Make", "openai.OpenAI", id="rebound by assignment"),
    pytest.param("from openai import OpenAI\nc = OpenAI()\nc\n", "c", "client openai", id="bound to a constructor"),
    pytest.param(
        "import openai\nopenai = openai.OpenAI()\nopenai\n", "openai", "client openai", id="openai = openai.OpenAI() rebinds"
    ),
    pytest.param(
        "import openai\nx = openai\nopenai = 3\n", "openai", "openai", id="a use before the rebinding sees the import"
    ),
    pytest.param("import openai\nopenai = 3\nopenai\n", "openai", "unknown", id="a use after the rebinding does not"),
    pytest.param(
        "from openai import OpenAI\nOpenAI = make_wrapper(OpenAI)\nOpenAI\n", "OpenAI", "unknown", id="rebound to a wrapper"
    ),
    pytest.param(
        "OpenAI\nfrom openai import OpenAI\n", "OpenAI", "unknown", id="module-level use before the import"
    ),
    pytest.param(
        "def f():\n    return OpenAI\nfrom openai import OpenAI\n",
        "OpenAI",
        "openai.OpenAI",
        id="a function sees the module's final binding",
    ),
    pytest.param("from openai import OpenAI\nclass OpenAI: ...\nOpenAI\n", "OpenAI", "ClassVal", id="shadowed by a local class"),
    pytest.param("from openai import OpenAI\ndef OpenAI(): ...\nOpenAI\n", "OpenAI", "FuncVal", id="shadowed by a local def"),
    pytest.param(
        "from openai import OpenAI\ndef f(OpenAI):\n    return OpenAI\n", "OpenAI", "param OpenAI", id="shadowed by a parameter"
    ),
    pytest.param(
        "from openai import OpenAI\nmake = lambda OpenAI: OpenAI\n", "OpenAI", "unknown", id="shadowed by a lambda parameter"
    ),
    pytest.param(
        "from openai import OpenAI\nmake = lambda: OpenAI\n", "OpenAI", "openai.OpenAI", id="a lambda sees the enclosing name"
    ),
    pytest.param(
        "from openai import OpenAI\ncs = [OpenAI for OpenAI in makers]\n",
        "OpenAI",
        "unknown",
        id="shadowed by a comprehension variable",
    ),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI()\nrs = [c for c in others]\n",
        "c",
        "unknown",
        id="a comprehension variable is not the client of the same name",
    ),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI()\nrs = {k: c for k in keys}\n",
        "c",
        "client openai",
        id="a comprehension sees the enclosing client",
    ),
    pytest.param(
        "from openai import OpenAI\nclass A:\n    OpenAI = None\n    def f(self):\n        return OpenAI\n",
        "OpenAI",
        "openai.OpenAI",
        id="class attributes are not visible from methods",
    ),
    pytest.param("from openai import OpenAI\ndel OpenAI\nOpenAI\n", "OpenAI", "unknown", id="del unbinds"),
    pytest.param("from openai import *\nOpenAI\n", "OpenAI", "openai.OpenAI", id="star import of the SDK"),
    pytest.param(
        "from llama_index.llms.openai import *\nOpenAI\n",
        "OpenAI",
        "llama_index.llms.openai.OpenAI",
        id="star import of a wrapper module the rules declare",
    ),
    pytest.param("from mylib import *\nOpenAI\n", "OpenAI", "unknown", id="star import of another module binds nothing known"),
    pytest.param(
        "try:\n    import openai\nexcept ImportError:\n    openai = None\nopenai\n",
        "openai",
        "openai",
        id="try: import openai except ImportError: fallback ignored",
    ),
    pytest.param(
        "try:\n    from openai import OpenAI\nexcept ModuleNotFoundError:\n    OpenAI = None\nOpenAI\n",
        "OpenAI",
        "openai.OpenAI",
        id="except ModuleNotFoundError fallback ignored",
    ),
    pytest.param(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from openai import OpenAI\nOpenAI\n",
        "OpenAI",
        "openai.OpenAI",
        id="import under if",
    ),
    pytest.param(
        "from openai import OpenAI\nif (c := OpenAI()):\n    pass\nc\n", "c", "client openai", id="walrus binds"
    ),
    pytest.param("from openai import OpenAI\nwith OpenAI() as c:\n    c\n", "c", "client openai", id="with ... as"),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI()\nwith c.chat.completions.stream() as s:\n    s\n",
        "s",
        "unknown",
        id="with a stream: not the resource",
    ),
    pytest.param(
        "from openai import OpenAI\nclass S:\n    def __init__(self):\n        self.client = OpenAI()\n"
        "    def go(self):\n        return self.client\n",
        "self.client",
        "client openai",
        id="self.client assigned in __init__",
    ),
    pytest.param(
        "from openai import OpenAI\nclass S:\n    client = OpenAI()\n    def go(self):\n        return self.client\n",
        "self.client",
        "client openai",
        id="class attribute through self",
    ),
    pytest.param(
        "from openai import AsyncOpenAI\ndef f(c: AsyncOpenAI):\n    return c\n", "c", "client openai", id="annotated parameter"
    ),
    pytest.param(
        "from openai import OpenAI\ndef f(c: 'OpenAI | None' = None):\n    return c\n",
        "c",
        "client openai",
        id="string annotation with None",
    ),
    pytest.param(
        "from openai import OpenAI\ndef make():\n    return OpenAI()\nc = make()\n", "make()", "client openai", id="same-file factory"
    ),
    pytest.param(
        "from openai import AsyncOpenAI\nfrom .clients import get_client\nclient: AsyncOpenAI = get_client()\nclient\n",
        "client",
        "client openai",
        id="annotated local from a factory in another file",
    ),
    pytest.param(
        "from openai import AsyncOpenAI\nclient: AsyncOpenAI = 3\nx: int = get_client()\nx\n",
        "x",
        "unknown",
        id="an annotation that is not a client adds nothing",
    ),
    pytest.param(
        "from openai import OpenAI\nc = OpenAI()\nc.with_options(timeout=1).chat.completions\n",
        "c.with_options(timeout=1).chat.completions",
        "resource chat.completions",
        id="with_options is transparent",
    ),
    pytest.param("import os\nos.environ['K']\n", "os.environ['K']", "env K None", id="os.environ[...]"),
    pytest.param("import os\nos.getenv('K', 'd')\n", "os.getenv('K', 'd')", "env K d", id="os.getenv with default"),
    pytest.param(
        "from os import environ\nenviron.get('K', default='d')\n",
        "environ.get('K', default='d')",
        "env K d",
        id="from os import environ; .get(default=)",
    ),
    pytest.param("import os as o\no.getenv('K')\n", "o.getenv('K')", "env K None", id="import os as o"),
    pytest.param("M = 'gpt-4'\nM\n", "M", "str gpt-4", id="string constant"),
    pytest.param("D = {'a': 1}\nD\n", "D", "dict", id="dict literal"),
    pytest.param("import openai\nimport openai as openai\nopenai\n", "openai", "openai", id="re-import as itself"),
]


@pytest.mark.parametrize(("source", "expr", "expected"), RESOLVES)
def test_resolves(source: str, expr: str, expected: str) -> None:
    assert what(source, expr) == expected


def test_a_self_referencing_assignment_does_not_loop() -> None:
    assert what("x = x\nx\n", "x") == "unknown"
    assert what("a = b\nb = a\na\n", "a") == "unknown"


KEY = 'api_key=os.environ["LUMYX_API_KEY"]'
BASE = 'base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")'

REWRITES = [
    pytest.param(
        "import os\nfrom openai import *\nc = OpenAI()\n",
        f"import os\nfrom openai import *\nc = OpenAI(\n    {KEY},\n    {BASE},\n)\n",
        id="star import of the SDK is migrated",
    ),
    pytest.param(
        "import os\ntry:\n    import openai\nexcept ImportError:\n    openai = None\nc = openai.OpenAI()\n",
        f"import os\ntry:\n    import openai\nexcept ImportError:\n    openai = None\nc = openai.OpenAI(\n    {KEY},\n    {BASE},\n)\n",
        id="conditional import is migrated",
    ),
    pytest.param(
        "import os\nfrom openai import OpenAI\nC = OpenAI\nc = C()\n",
        f"import os\nfrom openai import OpenAI\nC = OpenAI\nc = C(\n    {KEY},\n    {BASE},\n)\n",
        id="class rebound by assignment is migrated",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrite(before: str, after: str) -> None:
    assert_rewrite(before, after)


UNTOUCHED = [
    pytest.param("from openai import OpenAI\ndel OpenAI\nc = OpenAI()\n", id="del OpenAI"),
    pytest.param("from openai import OpenAI\nmake = lambda OpenAI: OpenAI()\n", id="lambda parameter named OpenAI"),
    pytest.param("from openai import OpenAI\ncs = [OpenAI() for OpenAI in makers]\n", id="comprehension variable named OpenAI"),
    pytest.param("from openai import OpenAI\ndef f(OpenAI):\n    return OpenAI()\n", id="parameter named OpenAI"),
    pytest.param("from openai import OpenAI\ndef f():\n    class OpenAI: ...\n    return OpenAI()\n", id="local class in a function"),
    pytest.param("from openai import OpenAI\nOpenAI = make_wrapper(OpenAI)\nc = OpenAI()\n", id="rebound to a wrapper"),
    pytest.param(
        "import os\nfrom openai import OpenAI\n"
        "client = OpenAI(api_key=os.environ['LUMYX_API_KEY'], base_url=os.environ['LUMYX_BASE_URL'])\n"
        "rs = [client.chat.completions.create(model='gpt-4', messages=[]) for client in others]\n",
        id="comprehension variable named like a client keeps its model",
    ),
    pytest.param("from mylib import *\nc = OpenAI()\n", id="star import of another module"),
]


@pytest.mark.parametrize("source", UNTOUCHED)
def test_untouched(source: str) -> None:
    assert_noop(source)


def test_an_annotated_client_from_another_file_has_its_calls_checked() -> None:
    source = (
        "from openai import AsyncOpenAI\nfrom .clients import get_client\n"
        "async def embed(texts):\n    client: AsyncOpenAI = get_client()\n"
        "    return await client.embeddings.create(model='text-embedding-3-small', input=texts)\n"
    )
    assert codes(source) == ["LMX301"]


# Statements the fixture programs reach only through the CLI's worker processes (which coverage
# does not measure): the same decisions in process.
STATEMENTS = [
    pytest.param("from openai import OpenAI\nc = OpenAI()\nc += 1\nc\n", "c", "unknown",
                 id="an augmented assignment rebinds"),
    pytest.param("import openai\nfor openai in makers:\n    openai\n", "openai", "unknown",
                 id="a for target rebinds"),
    pytest.param("import openai\nfor x in openai.models:\n    pass\nelse:\n    openai\n", "openai",
                 "openai", id="a for loop's else sees the import"),
    pytest.param("from openai import OpenAI\ntry:\n    pass\nexcept ValueError as OpenAI:\n    OpenAI\n",
                 "OpenAI", "unknown", id="except-as rebinds"),
    pytest.param("from openai import OpenAI\nwith make() as (a, OpenAI):\n    OpenAI\n", "OpenAI",
                 "unknown", id="a with target tuple rebinds"),
    pytest.param("try:\n    from openai import OpenAI\nexcept (ImportError, ValueError):\n    OpenAI = None\nOpenAI\n",
                 "OpenAI", "openai.OpenAI", id="a fallback in a tuple of ImportError keeps the import"),
    pytest.param("try:\n    from openai import OpenAI\nexcept ValueError:\n    OpenAI = None\nOpenAI\n",
                 "OpenAI", "unknown", id="a handler of other errors rebinds"),
    pytest.param("from openai import AsyncOpenAI\nc = AsyncOpenAI()\nasync def f():\n    return await c\n",
                 "await c", "client openai", id="await is transparent"),
    pytest.param("from typing import Optional\nfrom openai import OpenAI\ndef f(c: Optional[OpenAI]):\n    return c\n",
                 "c", "client openai", id="a parameter annotated Optional[OpenAI]"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expr", "expected"), STATEMENTS)
def test_statements_that_bind(source: str, expr: str, expected: str) -> None:
    assert what(source, expr) == expected


CTOR_FORMS = [
    pytest.param("from openai._client import AsyncOpenAI\nAsyncOpenAI\n", "AsyncOpenAI", "openai._client.AsyncOpenAI", id="the SDK's defining module"),
    pytest.param("from openai import OpenAI\nclass M(OpenAI):\n    pass\nM\n", "M", "openai.OpenAI", id="a bare subclass stands for its base"),
    pytest.param(
        "from openai import OpenAI\nclass M(OpenAI):\n    def __init__(self):\n        super().__init__()\nM\n", "M", "ClassVal",
        id="a subclass with its own __init__ stays a class",
    ),
    pytest.param(
        "from openai import OpenAI\nclass M(OpenAI):\n    def __init__(self):\n        super().__init__()\nM()\n", "M()", "client openai",
        id="calling it builds the client its super().__init__ call constructs",
    ),
    pytest.param(
        "from openai import OpenAI\nclass M(OpenAI):\n    def __init__(self):\n        super().__init__()\n", "super().__init__", "openai.OpenAI",
        id="super().__init__ in it is the base class",
    ),
    pytest.param(
        "class B:\n    pass\nclass M(B):\n    def __init__(self):\n        super().__init__()\n", "super().__init__", "unknown",
        id="super().__init__ of another class is nothing",
    ),
    pytest.param("import functools\nfrom openai import OpenAI\np = functools.partial(OpenAI)\np\n", "p", "partial openai at line 3", id="a partial of a client class"),
    pytest.param("import functools\nfrom openai import OpenAI\np = functools.partial(OpenAI)\np()\n", "p()", "client openai", id="calling the partial"),
    pytest.param(
        "from openai import OpenAI\nD = {'a': OpenAI}\nD['a']\n", "D['a']", "kept class openai: its class is looked up in a dict at run time",
        id="a dict entry is kept even when it can only be one class",
    ),
    pytest.param(
        "from openai import OpenAI, AzureOpenAI\nc = AzureOpenAI if x else OpenAI\nc\n", "c", "kept class azure: its class is chosen at run time",
        id="a run-time choice between client classes is kept",
    ),
    pytest.param("from openai import OpenAI\nc = OpenAI if x else OpenAI\nc\n", "c", "openai.OpenAI", id="a choice between the same class is that class"),
    pytest.param("c = int if x else str\nc\n", "c", "unknown", id="a choice between other classes is nothing"),
]


@pytest.mark.parametrize(("source", "expr", "expected"), CTOR_FORMS)
def test_constructor_forms_resolve(source: str, expr: str, expected: str) -> None:
    assert what(source, expr) == expected
