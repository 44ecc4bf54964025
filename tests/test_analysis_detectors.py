"""Each detector declares in `CODES` exactly the codes it emits (issue 9, item 2).

Checked twice: statically, from the codes each detector module writes in its source; and
dynamically, by recording which detector module created each finding while the fixtures and
the snippets of the analysis tests are analysed. Together with the runner's two codes and the
`CODES` of the deployment-file modules (codemod.deploy.envfile, files, textscan, yamlenv: checked
statically here, their findings by tests/test_deploy_*.py), the detectors' `CODES` are the
documented codes.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent
from types import FrameType, ModuleType

import pytest
from support import FIXTURES, default_rules

import codemod.analysis.detectors
from codemod import codes
from codemod.analysis import analyse
from codemod.analysis.context import Context
from codemod.deploy import envfile, files, textscan, yamlenv
from codemod.types import Finding, Fix

TESTS = Path(__file__).resolve().parent
PACKAGE = codemod.analysis.detectors.__name__
RUNNER_CODES = {"LMX900", "LMX901"}  # a file that cannot be parsed or decoded
CODE = re.compile(r"LMX[0-9]{3}")


def detector_modules() -> list[ModuleType]:
    """Every module of the detectors package, found on disk: a new one is checked unasked."""
    path = codemod.analysis.detectors.__path__
    return [importlib.import_module(f"{PACKAGE}.{info.name}") for info in pkgutil.iter_modules(path)]


DETECTORS = detector_modules()
DEPLOY_MODULES = [envfile, files, textscan, yamlenv]  # the deploy modules that emit findings


def written_codes(module: ModuleType) -> set[str]:
    """The codes a module's source can emit: every `ctx.add`/`ctx.finding`/`Finding(...)` code,
    and every other string that is a code. A code the reader cannot see fails the test."""
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
            found.add(node.value)
        if isinstance(node, ast.Call) and _emits(node):
            first = node.args[0] if node.args else None
            shown = ast.unparse(node)
            assert isinstance(first, ast.Constant), f"{module.__name__}: the code of `{shown}` is not a literal"
            assert isinstance(first.value, str) and CODE.fullmatch(first.value), shown
    return found


def _emits(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "Finding"
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("add", "finding")
        and isinstance(func.value, ast.Name)
        and func.value.id == "ctx"
    )


def test_the_package_holds_the_eight_detectors() -> None:
    """The static and dynamic checks below run over these; an empty list would prove nothing."""
    names = [m.__name__.removeprefix(PACKAGE + ".") for m in DETECTORS]
    assert names == ["calls", "clients", "headers", "models", "module_config", "placement", "repoint", "secrets"]


def test_the_deploy_package_holds_four_emitting_modules() -> None:
    """Every module of codemod.deploy whose source holds a code string is one of DEPLOY_MODULES
    (`text.finding` builds the findings but is handed its code)."""
    import codemod.deploy

    writers = []
    for info in pkgutil.iter_modules(codemod.deploy.__path__):
        module = importlib.import_module(f"codemod.deploy.{info.name}")
        assert module.__file__ is not None
        tree = ast.parse(Path(module.__file__).read_text("utf-8"))
        if any(isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE.fullmatch(n.value)
               for n in ast.walk(tree)):
            writers.append(module)
    assert writers == DEPLOY_MODULES


@pytest.mark.parametrize(
    "module", [pytest.param(m, id=m.__name__.rsplit(".", 1)[1]) for m in DETECTORS + DEPLOY_MODULES]
)
def test_codes_written_in_a_detector_are_the_codes_it_declares(module: ModuleType) -> None:
    """A code the module writes but does not declare fails; so does a declared code it never writes."""
    declared = module.CODES
    assert isinstance(declared, tuple)
    assert len(set(declared)) == len(declared), f"{module.__name__}.CODES repeats a code"
    assert written_codes(module) == set(declared)


def test_declared_codes_and_the_runner_codes_are_every_documented_code() -> None:
    declared = {code for module in DETECTORS for code in module.CODES}
    deploy = {code for module in DEPLOY_MODULES for code in module.CODES}
    assert declared | RUNNER_CODES | deploy == set(codes.CODES)
    assert not declared & RUNNER_CODES


def test_the_deploy_package_declares_the_codes_only_it_emits() -> None:
    """codemod.deploy.CODES are the codes no detector and not the runner emits."""
    import codemod.deploy

    others = {code for module in DETECTORS for code in module.CODES} | RUNNER_CODES
    deploy = {code for module in DEPLOY_MODULES for code in module.CODES}
    assert set(codemod.deploy.CODES) == deploy - others


def test_the_index_names_the_modules_that_declare_each_code() -> None:
    """`emitted_by` in codes/index.toml is what the detectors declare, not a second opinion."""
    declared: dict[str, set[str]] = {code: set() for code in codes.CODES}
    for module in DETECTORS + DEPLOY_MODULES:
        for code in module.CODES:
            declared[code].add(module.__name__)
    for code in RUNNER_CODES:
        declared[code].add("codemod.runner")
    assert {code: set(info.emitted_by) for code, info in codes.CODES.items()} == declared


# --- dynamically: who created each finding ------------------------------------------------------


def _emitter(frame: FrameType | None) -> str:
    """The detector module nearest on the stack (the one that asked for the finding)."""
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        if name.startswith(PACKAGE + "."):
            return name
        frame = frame.f_back
    return "<not a detector>"


# What the fixtures and the multi-line snippets of the tests leave out.
EXTRA = (
    "from openai import OpenAI\nc = OpenAI()\n"
    'c.chat.completions.create(model="gpt-4", messages=[], stop=["a", "b", "c", "d", "e"], temperature=3)\n'
    'c.chat.completions.create(model="davinci-002", messages=[])\n'
)


def _snippets() -> Iterator[tuple[str, str]]:
    """(where, source) for every fixture module and every string of the analysis tests that is a
    Python module (before/after tables, finding tables), and `EXTRA`."""
    yield "EXTRA", EXTRA
    rules = default_rules()
    for code, info in codes.CODES.items():  # every page's Example, after the preamble it names
        if "codemod.runner" not in info.emitted_by and info.example_path is None:
            yield f"page {code}", codes.preamble(info.preamble, rules) + codes.page(code, rules).example + "\n"
    for path in sorted(FIXTURES.glob("*/before/**/*.py")):
        yield str(path.relative_to(FIXTURES)), path.read_text("utf-8")
    for path in sorted([*TESTS.glob("test_detector_*.py"), *TESTS.glob("test_analysis_*.py")]):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value:
                text = dedent(node.value)
                try:
                    ast.parse(text)
                except SyntaxError:
                    continue
                yield f"{path.name}:{node.lineno}", text


@pytest.fixture(scope="module")
def emitted() -> dict[str, set[str]]:
    """Detector module -> the codes it created while the snippets were analysed."""
    seen: dict[str, set[str]] = {}
    original = Context.finding

    def recording(self: Context, code: str, message: str, node: ast.AST, fix: Fix | None = None) -> Finding:
        seen.setdefault(_emitter(sys._getframe(1)), set()).add(code)
        return original(self, code, message, node, fix)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Context, "finding", recording)
        for _where, text in _snippets():
            analyse(text, default_rules())
    return seen


def test_every_finding_is_created_by_a_detector(emitted: dict[str, set[str]]) -> None:
    assert set(emitted) == {m.__name__ for m in DETECTORS}


@pytest.mark.parametrize("module", [pytest.param(m, id=m.__name__.rsplit(".", 1)[1]) for m in DETECTORS])
def test_a_detector_emits_only_the_codes_it_declares(module: ModuleType, emitted: dict[str, set[str]]) -> None:
    assert emitted[module.__name__] <= set(module.CODES)


@pytest.mark.parametrize("module", [pytest.param(m, id=m.__name__.rsplit(".", 1)[1]) for m in DETECTORS])
def test_the_snippets_make_every_declared_code_appear(module: ModuleType, emitted: dict[str, set[str]]) -> None:
    """Otherwise the dynamic check would not have seen what it claims to check."""
    assert set(module.CODES) <= emitted[module.__name__]
