"""Deterministic benchmark corpora for `make bench`.

Two corpora are written under an output directory:

* ``a/``: ordinary Python packages with no OpenAI use and none of the strings the tool's
  prefilter looks for (``openai`` in any case, ``gpt-``, ``davinci``, ``nova_``, ``sk-``).
  Sizes are drawn like a real repository's: many 1-5 KB modules, some 10-40 KB ones and a
  few of 100 KB and more, plus ``__init__.py`` files and test modules in nested packages.
* ``b/``: modules of 2-20 KB that mix ordinary code with OpenAI use in the ways real projects
  write it (aliases, module-level and factory clients, ``with`` blocks, ``**params`` dicts,
  module configuration, model constants, ``os.getenv`` defaults, embeddings, LangChain...).

Every byte comes from ``random.Random`` instances seeded with fixed strings, so the same
arguments write the same bytes on every run and every machine (no ``hash()``, no set order).

Usage: ``python bench/corpus.py OUTDIR [--a-files N] [--b-files N] [--quick] [--verify]``
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

DEFAULT_A_FILES = 5000
DEFAULT_B_FILES = 500
QUICK_A_FILES = 1000
QUICK_B_FILES = 100

# Substrings corpus A must never contain (checked by --verify).
A_FORBIDDEN = (b"openai", b"gpt-", b"davinci", b"nova_", b"sk-", b"lumyx", b"langchain")

NOUNS = (
    "account", "address", "alert", "archive", "asset", "attempt", "batch", "bucket", "buffer",
    "cache", "channel", "chunk", "column", "command", "comment", "config", "connection",
    "context", "counter", "cursor", "customer", "dataset", "deadline", "delta", "device",
    "document", "domain", "draft", "entry", "event", "export", "feature", "field", "filter",
    "folder", "frame", "graph", "group", "handler", "header", "history", "image", "index",
    "invoice", "item", "job", "journal", "key", "label", "layer", "ledger", "limit", "listing",
    "lock", "manifest", "member", "message", "metric", "mode", "node", "note", "offset", "order",
    "owner", "package", "page", "parcel", "partition", "payload", "payment", "period", "plugin",
    "policy", "pool", "position", "price", "profile", "project", "queue", "quota", "range",
    "record", "region", "release", "report", "request", "resource", "response", "result",
    "revision", "role", "route", "row", "rule", "sample", "schema", "score", "segment",
    "session", "setting", "shard", "signal", "snapshot", "source", "span", "stage", "state",
    "status", "step", "store", "stream", "summary", "table", "tag", "target", "template",
    "tenant", "ticket", "timer", "token", "topic", "trace", "transfer", "user", "value",
    "vendor", "version", "view", "volume", "window", "worker", "zone",
)
VERBS = (
    "add", "apply", "build", "check", "clean", "collect", "compute", "convert", "copy",
    "create", "decode", "delete", "encode", "ensure", "expand", "export", "extract", "fetch",
    "filter", "find", "flush", "format", "gather", "get", "group", "handle", "load", "lookup",
    "make", "merge", "normalize", "parse", "prepare", "process", "read", "refresh", "register",
    "render", "reset", "resolve", "restore", "run", "save", "scan", "select", "send", "split",
    "store", "sync", "update", "validate", "write",
)
ADJS = (
    "active", "base", "cached", "current", "default", "empty", "extra", "final", "first",
    "full", "global", "inner", "last", "local", "main", "max", "min", "new", "next", "old",
    "outer", "partial", "pending", "primary", "raw", "remote", "safe", "shared", "short",
    "small", "stale", "total", "valid",
)
TOP_PACKAGES = (
    "core", "storage", "api", "billing", "accounts", "scheduler", "reporting", "ingest",
    "search", "notifications", "utils", "plugins",
)
STDLIB = (
    ("import", "os"), ("import", "sys"), ("import", "re"), ("import", "json"),
    ("import", "logging"), ("import", "itertools"), ("import", "functools"),
    ("import", "contextlib"), ("import", "threading"), ("import", "time"), ("import", "uuid"),
    ("import", "hashlib"), ("import", "math"), ("from", "collections", "defaultdict"),
    ("from", "collections", "OrderedDict"), ("from", "collections", "Counter"),
    ("from", "dataclasses", "dataclass, field"), ("from", "pathlib", "Path"),
    ("from", "datetime", "datetime, timedelta"), ("from", "enum", "Enum"),
    ("from", "abc", "ABC, abstractmethod"), ("from", "typing", "Any, Iterable, Iterator"),
    ("from", "typing", "Callable, Mapping, Sequence"), ("from", "decimal", "Decimal"),
)
EXCEPTIONS = ("ValueError", "KeyError", "TypeError", "RuntimeError", "LookupError", "OSError")
SENTENCE_TAILS = (
    "for the given {n}.", "from the {a} {n}.", "and return the {n}.", "if the {n} allows it.",
    "without touching the {a} {n}.", "in place.", "once per {n}.", "using the {a} {n} table.",
    "so that callers can retry.", "— see the module docstring for the rules.",
)
COMMENTS = (
    "# TODO: move this into the {n} layer once the {n2} API settles.",
    "# Keep the order stable: callers rely on it.",
    "# The {a} {n} may be missing on old records.",
    "# NOTE: cheap check first, the {n} lookup is slow.",
    "# Fall back to the {a} {n} (see issue {num}).",
    "# pragma: no cover",
    "# Both branches are exercised by the {n} tests.",
)


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


class CodeGen:
    """Writes plausible, syntactically valid Python from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.choice = rng.choice
        self.random = rng.random
        self.randint = rng.randint

    # -- names and text -----------------------------------------------------------------
    def noun(self) -> str:
        return self.choice(NOUNS)

    def ident(self) -> str:
        r = self.random()
        if r < 0.35:
            return self.noun()
        if r < 0.65:
            return f"{self.choice(ADJS)}_{self.noun()}"
        return f"{self.noun()}_{self.noun()}"

    def func_name(self) -> str:
        r = self.random()
        name = f"{self.choice(VERBS)}_{self.noun()}"
        if r < 0.3:
            name += f"_{self.noun()}"
        return name

    def class_name(self) -> str:
        parts = [self.noun()]
        if self.random() < 0.7:
            parts.append(self.choice(("manager", "service", "store", "builder", "handler",
                                      "registry", "client", "view", "parser", "index")))
        if self.random() < 0.3:
            parts.insert(0, self.choice(ADJS))
        return "".join(p.capitalize() for p in parts)

    def sentence(self) -> str:
        head = f"{self.choice(VERBS).capitalize()} the {self.choice(ADJS)} {self.noun()}"
        tail = self.choice(SENTENCE_TAILS).format(n=self.noun(), a=self.choice(ADJS))
        return f"{head} {tail}"

    def comment(self) -> str:
        return self.choice(COMMENTS).format(
            n=self.noun(), n2=self.noun(), a=self.choice(ADJS), num=self.randint(10, 9999)
        )

    def docstring(self, indent: str, params: list[str], returns: bool) -> list[str]:
        first = self.sentence()
        if self.random() < 0.45:
            return [f'{indent}"""{first}"""']
        lines = [f'{indent}"""{first}', ""]
        for _ in range(self.randint(1, 3)):
            lines.append(f"{indent}{self.sentence()}")
        if params and self.random() < 0.7:
            lines += ["", f"{indent}Args:"]
            lines += [f"{indent}    {p}: the {self.choice(ADJS)} {self.noun()}." for p in params]
        if returns and self.random() < 0.6:
            lines += ["", f"{indent}Returns:", f"{indent}    The {self.noun()} {self.noun()}."]
        if self.random() < 0.2:
            lines += ["", f"{indent}Example:", f"{indent}    >>> {self.func_name()}({self.randint(1, 9)})"]
        lines.append(f'{indent}"""')
        return [ln if ln.strip() else "" for ln in lines]

    # -- expressions --------------------------------------------------------------------
    def string(self) -> str:
        r = self.random()
        if r < 0.5:
            return f'"{self.noun()}"'
        if r < 0.7:
            return f"'{self.choice(ADJS)}_{self.noun()}'"
        if r < 0.85:
            return f'"{self.noun()}.{self.noun()}"'
        return f'"{self.choice(VERBS)} {self.noun()} %s"'

    def atom(self, names: list[str]) -> str:
        r = self.random()
        if names and r < 0.5:
            return self.choice(names)
        if r < 0.62:
            return str(self.choice((0, 1, 2, 3, 8, 10, 16, 60, 100, 256, 1024, 3600,
                                    self.randint(0, 5000))))
        if r < 0.78:
            return self.string()
        if r < 0.84:
            return self.choice(("None", "True", "False"))
        if r < 0.9:
            return f"{self.randint(0, 99) / 10}"
        return self.ident().upper() if self.random() < 0.5 else self.ident()

    def expr(self, names: list[str], depth: int = 0) -> str:
        if depth >= 2:
            return self.atom(names)
        d = depth + 1
        r = self.random()
        if r < 0.28:
            return self.atom(names)
        if r < 0.42:
            args = ", ".join(self.expr(names, d) for _ in range(self.randint(0, 3)))
            return f"{self.func_name()}({args})"
        if r < 0.55:
            obj = self.choice(names) if names else self.ident()
            meth = self.choice(("get", "setdefault", "pop", "items", "keys", "values", "copy",
                                "strip", "split", "startswith", "join", "append", "lower",
                                "format", "update", "count", "index"))
            args = ", ".join(self.atom(names) for _ in range(self.randint(0, 2)))
            return f"{obj}.{meth}({args})"
        if r < 0.63:
            op = self.choice(("+", "-", "*", "//", "%", "or", "and", "==", "!=", "<", ">=",
                              "in", "not in"))
            return f"{self.expr(names, d)} {op} {self.expr(names, d)}"
        if r < 0.7:
            var = self.choice(("x", "item", "key", "row", "entry", "value", "n"))
            src = self.choice(names) if names else self.ident()
            body = self.choice((var, f"{var}.{self.noun()}", f"{self.func_name()}({var})",
                                f"str({var})", f"{var} * 2", f"({var}, {self.atom(names)})"))
            cond = f" if {var}" if self.random() < 0.3 else (
                f" if {var} is not None" if self.random() < 0.3 else "")
            kind = self.random()
            if kind < 0.5:
                return f"[{body} for {var} in {src}{cond}]"
            if kind < 0.7:
                return f"{{{var}: {body} for {var} in {src}{cond}}}"
            if kind < 0.85:
                return f"sum(1 for {var} in {src}{cond})"
            return f"{{{body} for {var} in {src}}}"
        if r < 0.76:
            items = ", ".join(f'"{self.noun()}": {self.atom(names)}'
                              for _ in range(self.randint(1, 4)))
            return f"{{{items}}}"
        if r < 0.81:
            items = ", ".join(self.atom(names) for _ in range(self.randint(0, 4)))
            if self.random() < 0.7 or not items:
                return f"[{items}]"
            return f"({items},)"
        if r < 0.86:
            obj = self.choice(names) if names else self.ident()
            return f"{obj}[{self.atom(names)}]"
        if r < 0.9:
            t = f"{self.expr(names, d)} if {self.expr(names, d)} else {self.atom(names)}"
            return f"({t})" if depth else t
        if r < 0.96:
            n = self.choice(names) if names else self.noun()
            return f'f"{self.noun()} {{{n}}} {self.choice(VERBS)}ed"'
        if r < 0.98:
            t = f"lambda x: {self.choice(('x', 'x + 1', 'x[0]', 'not x', 'str(x)'))}"
            return f"({t})" if depth else t
        return f"len({self.choice(names) if names else self.ident()})"

    # -- statements ---------------------------------------------------------------------
    def block(self, ind: str, names: list[str], depth: int, n: int, ctx: frozenset[str]) -> list[str]:
        out: list[str] = []
        for _ in range(n):
            out += self.stmt(ind, names, depth, ctx)
        return out or [f"{ind}pass"]

    def stmt(self, ind: str, names: list[str], depth: int, ctx: frozenset[str]) -> list[str]:
        r = self.random()
        nested = depth < 3
        if r < 0.25:
            target = self.ident()
            line = f"{ind}{target} = {self.expr(names)}"
            names.append(target)
            return [line]
        if r < 0.3:
            return [f"{ind}{self.comment()}", *self.stmt(ind, names, depth, ctx)]
        if r < 0.35 and names:
            return [f"{ind}{self.choice(names)} {self.choice(('+=', '-=', '|=', '*='))} {self.atom(names)}"]
        if r < 0.41:
            return [f"{ind}{self.expr(names)}"]
        if r < 0.46:
            level = self.choice(("debug", "info", "warning", "debug"))
            arg = self.choice(names) if names else self.atom(names)
            return [f'{ind}logger.{level}("{self.choice(VERBS)} {self.noun()} %s", {arg})']
        if r < 0.58 and nested:
            out = [f"{ind}if {self.expr(names, 1)}:"]
            out += self.block(ind + "    ", names, depth + 1, self.randint(1, 3), ctx)
            if self.random() < 0.3:
                out.append(f"{ind}elif {self.expr(names, 1)}:")
                out += self.block(ind + "    ", names, depth + 1, self.randint(1, 2), ctx)
            if self.random() < 0.4:
                out.append(f"{ind}else:")
                out += self.block(ind + "    ", names, depth + 1, self.randint(1, 2), ctx)
            return out
        if r < 0.67 and nested:
            var = self.choice(("item", "entry", "row", "key", "name", "record", "chunk"))
            src = self.choice(names) if names and self.random() < 0.7 else self.expr(names, 1)
            if self.random() < 0.2:
                head = f"{ind}for index, {var} in enumerate({src}):"
                inner = [*names, "index", var]
            else:
                head = f"{ind}for {var} in {src}:"
                inner = [*names, var]
            body = self.block(ind + "    ", inner, depth + 1, self.randint(1, 3), ctx | {"loop"})
            if self.random() < 0.15:
                body.append(f"{ind}    if not {var}:")
                body.append(f"{ind}        {self.choice(('break', 'continue'))}")
            return [head, *body]
        if r < 0.73 and nested:
            out = [f"{ind}try:"]
            out += self.block(ind + "    ", names, depth + 1, self.randint(1, 3), ctx)
            exc = self.choice(EXCEPTIONS)
            if self.random() < 0.5:
                out.append(f"{ind}except {exc} as exc:")
                out.append(f'{ind}    logger.warning("{self.noun()} failed: %s", exc)')
                if self.random() < 0.5:
                    out.append(f'{ind}    raise {self.choice(EXCEPTIONS)}("{self.sentence()}") from exc')
            else:
                out.append(f"{ind}except ({exc}, {self.choice(EXCEPTIONS)}):")
                out += self.block(ind + "    ", names, depth + 1, 1, ctx)
            if self.random() < 0.2:
                out.append(f"{ind}finally:")
                out += self.block(ind + "    ", names, depth + 1, 1, ctx)
            return out
        if r < 0.77 and nested:
            res = self.choice((f"open({self.atom(names)}, encoding=\"utf-8\")", "self._lock"
                               if "self" in names else "threading.Lock()",
                               f"contextlib.suppress({self.choice(EXCEPTIONS)})"))
            as_ = f" as {self.choice(('handle', 'fh', 'stream_'))}" if "open(" in res else ""
            inner = [*names, as_[4:]] if as_ else names
            return [f"{ind}with {res}{as_}:",
                    *self.block(ind + "    ", inner, depth + 1, self.randint(1, 3), ctx)]
        if r < 0.8 and nested and "loop" not in ctx:
            var = self.ident()
            return [f"{ind}while {var} < {self.randint(2, 100)}:",
                    f"{ind}    {var} += 1",
                    *self.block(ind + "    ", [*names, var], depth + 1, 1, ctx | {"loop"})]
        if r < 0.84 and "func" in ctx:
            if "gen" in ctx:
                return [f"{ind}yield {self.expr(names)}"]
            test = self.choice(names) if names else self.func_name() + "()"
            if self.random() < 0.5:
                test = f"{test} is not None" if self.random() < 0.5 else f"isinstance({test}, dict)"
            return [f"{ind}assert {test}, \"{self.noun()} must be set\""]
        if r < 0.87:
            return [f"{ind}raise {self.choice(EXCEPTIONS)}(f\"{self.noun()} {{{self.choice(names) if names else 'None'}}} is {self.choice(ADJS)}\")"]
        if r < 0.9 and "async" in ctx:
            return [f"{ind}await asyncio.sleep({self.choice(('0', '0.1', '1'))})"]
        target = self.ident()
        names.append(target)
        return [f"{ind}{target}: {self.choice(('int', 'str', 'list[str]', 'dict[str, Any]', 'float | None'))} = {self.atom(names)}"]

    # -- definitions --------------------------------------------------------------------
    def params(self, method: bool) -> tuple[list[str], str]:
        names = [self.ident() for _ in range(self.randint(0, 4))]
        names = list(dict.fromkeys(names))
        parts = ["self"] if method else []
        defaults = False
        for i, p in enumerate(names):
            ann = self.choice(("", ": str", ": int", ": bool", ": Any", ": list[str]",
                               ": dict[str, Any] | None", ": float"))
            if defaults or (i >= len(names) - 2 and self.random() < 0.4):
                defaults = True
                default = self.atom([])
                parts.append(f"{p}{ann} = {default}" if ann else f"{p}={default}")
            else:
                parts.append(f"{p}{ann}")
        if self.random() < 0.08:
            parts.append("**kwargs")
            names.append("kwargs")
        return names, ", ".join(parts)

    def function(self, ind: str, method: bool = False, name: str | None = None,
                 small: bool = False) -> list[str]:
        name = name or self.func_name()
        is_async = self.random() < 0.08
        is_gen = not is_async and self.random() < 0.07
        names, sig = self.params(method)
        out: list[str] = []
        dr = self.random()
        if method:
            if dr < 0.1:
                out.append(f"{ind}@property")
                names, sig = [], "self"
            elif dr < 0.16:
                out.append(f"{ind}@classmethod")
                sig = "cls" + sig[4:]
            elif dr < 0.22:
                out.append(f"{ind}@staticmethod")
                sig = sig[6:] if sig.startswith("self, ") else ""
        elif dr < 0.08:
            out.append(f"{ind}@functools.lru_cache(maxsize={self.choice((32, 128, 1024, None))})")
        elif dr < 0.12:
            out.append(f"{ind}@contextlib.contextmanager")
            is_gen, is_async = True, False
        ret = self.choice(("", " -> None", " -> str", " -> int", " -> bool",
                           " -> dict[str, Any]", " -> list[str]"))
        if is_gen:
            ret = self.choice(("", " -> Iterator[str]"))
        kw = "async def" if is_async else "def"
        out.append(f"{ind}{kw} {name}({sig}){ret}:")
        body_ind = ind + "    "
        if self.random() < 0.65:
            out += self.docstring(body_ind, names, ret not in ("", " -> None"))
        ctx = {"func"}
        if is_gen:
            ctx.add("gen")
        if is_async:
            ctx.add("async")
        local = [*names, "self"] if method and "self" in sig else list(names)
        size = self.choice((1, 2, 3) if small else (2, 3, 4, 5, 6, 8, 10, 14))
        out += self.block(body_ind, local, 0, size, frozenset(ctx))
        if is_gen:
            out.append(f"{body_ind}yield {self.expr(local)}")
        elif ret not in ("", " -> None") or self.random() < 0.3:
            out.append(f"{body_ind}return {self.expr(local)}")
        return out

    def klass(self, ind: str = "", small: bool = False) -> list[str]:
        name = self.class_name()
        r = self.random()
        out: list[str] = []
        if r < 0.12:
            out.append(f"class {name}Error({self.choice(EXCEPTIONS)}):")
            out.append(f'    """{self.sentence()}"""')
            return out
        if r < 0.2:
            out.append(f"class {name}(Enum):")
            out.append(f'    """{self.sentence()}"""')
            out.append("")
            members = list(dict.fromkeys(self.noun().upper() for _ in range(self.randint(2, 8))))
            out += [f'    {m} = "{m.lower()}"' for m in members]
            return out
        if r < 0.45:
            out.append("@dataclass(frozen=True)" if self.random() < 0.4 else "@dataclass")
            out.append(f"class {name}:")
            out += self.docstring("    ", [], False)
            fields = list(dict.fromkeys(self.ident() for _ in range(self.randint(2, 7))))
            for i, f in enumerate(fields):
                ann = self.choice(("str", "int", "float", "bool", "list[str]", "dict[str, Any]"))
                if i >= len(fields) - 2 and self.random() < 0.5:
                    default = ("field(default_factory=list)" if ann.startswith("list") else
                               "field(default_factory=dict)" if ann.startswith("dict") else
                               self.atom([]))
                    out.append(f"    {f}: {ann} = {default}")
                else:
                    out.append(f"    {f}: {ann}")
            for _ in range(self.randint(0, 1 if small else 3)):
                out.append("")
                out += self.function("    ", method=True, small=small)
            return out
        base = self.choice(("", "", "(ABC)", "(object)", f"({self.class_name()})"))
        out.append(f"class {name}{base}:")
        out += self.docstring("    ", [], False)
        if self.random() < 0.3:
            out.append("")
            out.append(f"    {self.ident().upper()} = {self.atom([])}")
        out.append("")
        names, sig = self.params(True)
        out.append(f"    def __init__({sig}) -> None:")
        for p in names:
            out.append(f"        self._{p} = {p}")
        out.append(f"        self._{self.ident()} = {self.choice(('{}', '[]', 'None', '0'))}")
        if self.random() < 0.3:
            out.append("        self._lock = threading.Lock()")
        for _ in range(self.randint(1, 2 if small else 7)):
            out.append("")
            out += self.function("    ", method=True, small=small)
        if self.random() < 0.3:
            out.append("")
            out.append("    def __repr__(self) -> str:")
            out.append(f'        return f"{name}({{self.__dict__!r}})"')
        return out

    def table(self) -> list[str]:
        name = f"_{self.ident().upper()}_TABLE"
        out = [f"{name}: dict[str, tuple[int, str]] = {{"]
        for i in range(self.randint(40, 400)):
            out.append(f'    "{self.noun()}_{i}": ({self.randint(0, 65535)}, "{self.choice(ADJS)}"),')
        out.append("}")
        return out

    def imports(self) -> list[str]:
        picks = sorted(set(self.rng.sample(range(len(STDLIB)), self.randint(2, 9))))
        lines = []
        for i in picks:
            spec = STDLIB[i]
            lines.append(f"import {spec[1]}" if spec[0] == "import" else
                         f"from {spec[1]} import {spec[2]}")
        if "import logging" not in lines:
            lines.append("import logging")
        return lines

    def item(self, budget: int) -> list[str]:
        """One top-level definition, kept small when little of the size budget is left."""
        small = budget < 2500
        r = self.random()
        if r < 0.5:
            return self.function("", small=small)
        if r < 0.98 or small:
            return self.klass(small=small)
        return self.table()

    def module(self, target: int, package: str) -> str:
        out: list[str] = []
        out += self.docstring("", [], False)
        if self.random() < 0.5:
            out.append("")
            out.append("from __future__ import annotations")
        out.append("")
        out += self.imports()
        out.append("")
        for _ in range(self.randint(0, 3)):
            rel = self.choice((".", "..", f"{package}.")) if package else "."
            sep = "" if rel.endswith(".") else "."
            out.append(f"from {rel}{sep}{self.noun()} import {self.class_name()}, {self.func_name()}")
        out.append("")
        out.append("logger = logging.getLogger(__name__)")
        out.append("")
        for _ in range(self.randint(0, 5)):
            out.append(f"{self.ident().upper()} = {self.atom([])}")
        size = sum(len(x) + 1 for x in out)
        while size < target:
            out.append("")
            out.append("")
            item = self.item(target - size)
            out += item
            size += sum(len(x) + 1 for x in item) + 2
        if self.random() < 0.1:
            out += ["", "", 'if __name__ == "__main__":', f"    {self.func_name()}()"]
        return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------
# Corpus A: layout and sizes
# --------------------------------------------------------------------------------------
def _target_size(rng: random.Random) -> int:
    """Bytes for one module: many 1-5 KB, some 5-60 KB, a few 60-300 KB."""
    r = rng.random()
    lo, hi = (1024, 5 * 1024) if r < 0.6 else (5 * 1024, 20 * 1024) if r < 0.88 else \
        (20 * 1024, 60 * 1024) if r < 0.97 else (60 * 1024, 100 * 1024) if r < 0.995 else \
        (100 * 1024, 300 * 1024)
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _packages(rng: random.Random, n_dirs: int) -> list[str]:
    gen = CodeGen(rng)
    dirs: list[str] = []
    frontier = [f"src/{p}" for p in TOP_PACKAGES]
    dirs += frontier
    while len(dirs) < n_dirs:
        parent = rng.choice(dirs)
        if parent.count("/") >= 5:
            continue
        child = f"{parent}/{gen.noun() if rng.random() < 0.6 else gen.ident()}"
        if child not in dirs:
            dirs.append(child)
    tests = [f"tests/{p}" for p in TOP_PACKAGES]
    return dirs + tests


@dataclass
class CorpusStats:
    files: int = 0
    bytes: int = 0
    largest: int = 0
    under_5k: int = 0
    between_10k_40k: int = 0
    over_100k: int = 0

    def add(self, n: int) -> None:
        self.files += 1
        self.bytes += n
        self.largest = max(self.largest, n)
        self.under_5k += n <= 5 * 1024
        self.between_10k_40k += 10 * 1024 <= n <= 40 * 1024
        self.over_100k += n >= 100 * 1024

    def line(self, label: str) -> str:
        return (f"{label}: {self.files} files, {_kb(self.bytes)} "
                f"(<=5 KB: {self.under_5k}, 10-40 KB: {self.between_10k_40k}, "
                f">=100 KB: {self.over_100k}, largest {_kb(self.largest)})")


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def generate_a(outdir: Path, n_files: int = DEFAULT_A_FILES) -> CorpusStats:
    """Corpus A: `n_files` ordinary modules (``__init__.py`` files included)."""
    rng = random.Random("corpus-a-layout-v1")
    dirs = _packages(rng, max(8, n_files // 13))
    stats = CorpusStats()
    used: set[str] = set()
    files: list[str] = []
    for d in dirs:
        files.append(f"{d}/__init__.py")
        used.add(files[-1])
    gen = CodeGen(rng)
    while len(files) < n_files:
        d = rng.choice(dirs)
        stem = gen.ident() if rng.random() < 0.5 else gen.func_name()
        if d.startswith("tests/"):
            stem = f"test_{stem}"
        path = f"{d}/{stem}.py"
        if path not in used:
            used.add(path)
            files.append(path)
    files = files[:n_files]
    for i, rel in enumerate(files):
        frng = random.Random(f"corpus-a-file-v1-{i}")
        g = CodeGen(frng)
        pkg = rel.split("/")[1] if rel.startswith("src/") else ""
        if rel.endswith("__init__.py"):
            r = frng.random()
            text = "" if r < 0.4 else (
                f'"""{g.sentence()}"""\n' if r < 0.7 else g.module(frng.randint(200, 1500), pkg))
        else:
            text = g.module(_target_size(frng), pkg)
        stats.add(_write(outdir / rel, text))
    return stats


# --------------------------------------------------------------------------------------
# Corpus B: OpenAI use mixed into ordinary code
# --------------------------------------------------------------------------------------
CHAT_MODELS = ("gpt-4", "gpt-4o", "gpt-4o-mini", "gpt-4-turbo", "gpt-3.5-turbo", "gpt-4.1",
               "gpt-4.1-mini")


@dataclass
class Style:
    """How one module gets at the SDK."""

    imports: list[str]
    ctor: str  # expression naming the client class
    is_async: bool
    module_name: str | None  # name bound to the `openai` module, when imported


def _style(rng: random.Random) -> Style:
    r = rng.randrange(9)
    if r == 0:
        return Style(["from openai import OpenAI"], "OpenAI", False, None)
    if r == 1:
        return Style(["from openai import AsyncOpenAI"], "AsyncOpenAI", True, None)
    if r == 2:
        return Style(["import openai"], "openai.OpenAI", False, "openai")
    if r == 3:
        return Style(["import openai as oa"], "oa.OpenAI", False, "oa")
    if r == 4:
        alias = rng.choice(("C", "LLMClient", "_OpenAI", "Chat"))
        return Style([f"from openai import OpenAI as {alias}"], alias, False, None)
    if r == 5:
        return Style(["from openai import AsyncOpenAI as AC"], "AC", True, None)
    if r == 6:
        return Style(["from openai import Client"], "Client", False, None)
    if r == 7:
        return Style(["import openai", "from openai import OpenAI"], "OpenAI", False, "openai")
    return Style(["import openai as oai_sdk"], "oai_sdk.AsyncOpenAI", True, "oai_sdk")


class OpenAIGen:
    """Snippets of OpenAI use for one module of corpus B."""

    def __init__(self, rng: random.Random, style: Style) -> None:
        self.rng = rng
        self.s = style
        self.g = CodeGen(rng)
        self.consts: list[str] = []  # module-level lines (model constants, clients)
        self.needs_os = False
        self.extra_imports: list[str] = []

    def model(self) -> str:
        m = self.rng.choice(CHAT_MODELS)
        return f"'{m}'" if self.rng.random() < 0.2 else f'"{m}"'

    def messages(self, ind: str, var: str) -> list[str]:
        if self.rng.random() < 0.5:
            return [f"{ind}messages=[{{\"role\": \"user\", \"content\": {var}}}],"]
        sys_text = self.g.sentence().replace('"', "'")
        return [f"{ind}messages=[",
                f'{ind}    {{"role": "system", "content": "{sys_text}"}},',
                f'{ind}    {{"role": "user", "content": {var}}},',
                f"{ind}],"]

    def aw(self) -> str:
        return "await " if self.s.is_async else ""

    def adef(self) -> str:
        return "async def" if self.s.is_async else "def"

    def model_expr(self) -> str:
        r = self.rng.random()
        if r < 0.55 or not self.consts:
            return self.model()
        names = [c.split("=")[0].split(":")[0].strip() for c in self.consts]
        consts = [n for n in names if "MODEL" in n]
        return self.rng.choice(consts) if consts else self.model()

    def add_constants(self) -> None:
        r = self.rng.random()
        have = "\n".join(self.consts)
        if r < 0.35 and "DEFAULT_MODEL" not in have:
            self.consts.append(f"DEFAULT_MODEL = {self.model()}")
        elif r < 0.6 and "CHAT_MODEL" not in have:
            self.needs_os = True
            env = self.rng.choice(("CHAT_MODEL", "OPENAI_MODEL", "LLM_MODEL"))
            self.consts.append(f'CHAT_MODEL = os.getenv("{env}", {self.model()})')
        elif r < 0.7 and "SUMMARY_MODEL" not in have:
            self.consts.append(f"SUMMARY_MODEL: str = {self.model()}  # cheap and fast")

    def module_client(self) -> list[str]:
        r = self.rng.random()
        if r < 0.4:
            return [f"client = {self.s.ctor}()"]
        if r < 0.7:
            self.needs_os = True
            return [f'client = {self.s.ctor}(api_key=os.getenv("OPENAI_API_KEY"), max_retries=3)']
        if r < 0.85:
            self.needs_os = True
            return [f"client = {self.s.ctor}(",
                    '    api_key=os.environ["OPENAI_API_KEY"],',
                    '    base_url="https://api.openai.com/v1",',
                    "    timeout=30.0,",
                    ")"]
        return [f"_CLIENT = {self.s.ctor}(timeout=60)  # shared by the helpers below",
                "client = _CLIENT"]

    def create_call(self, ind: str, client: str, var: str, multi: bool, extra: str = "") -> list[str]:
        target = self.rng.choice(("response", "resp", "completion", "result"))
        if not multi:
            tail = self.rng.choice(("", "  # quick path", "  # noqa: E501"))
            return [f"{ind}{target} = {self.aw()}{client}.chat.completions.create("
                    f"model={self.model_expr()}, messages=[{{\"role\": \"user\", \"content\": {var}}}]"
                    f"{extra}){tail}",
                    f"{ind}return {target}.choices[0].message.content"]
        lines = [f"{ind}{target} = {self.aw()}{client}.chat.completions.create(",
                 f"{ind}    model={self.model_expr()},  # {self.rng.choice(('keep in sync with docs', 'see config', 'best quality'))}"]
        lines += self.messages(ind + "    ", var)
        for p in self.rng.sample(("temperature=0.2,", "max_tokens=512,", "top_p=0.9,",
                                  "presence_penalty=0.0,", "seed=42,", "stop=[\"\\n\\n\"],",
                                  "timeout=20,"), self.rng.randint(0, 3)):
            lines.append(f"{ind}    {p}")
        if extra:
            lines.append(f"{ind}    {extra.lstrip(', ')},")
        lines.append(f"{ind})")
        lines.append(f"{ind}return {target}.choices[0].message.content")
        return lines

    def func_with_module_client(self) -> list[str]:
        name = self.rng.choice(("ask", "complete", "chat", "answer_question", "summarize"))
        name += f"_{self.g.noun()}"
        out = [f"{self.adef()} {name}(prompt: str) -> str:",
               f'    """{self.g.sentence()}"""']
        out += self.create_call("    ", "client", "prompt", self.rng.random() < 0.6)
        return out

    def factory(self) -> list[str]:
        name = self.rng.choice(("make_client", "get_client", "build_client", "new_llm_client"))
        out = [f"def {name}(timeout: float = 30.0):",
               f'    """{self.g.sentence()}"""']
        r = self.rng.random()
        if r < 0.5:
            out.append(f"    return {self.s.ctor}(timeout=timeout, max_retries=2)")
        else:
            self.needs_os = True
            out += [f"    return {self.s.ctor}(",
                    '        api_key=os.getenv("OPENAI_API_KEY", ""),',
                    "        timeout=timeout,",
                    "    )"]
        out += ["", "", f"{self.adef()} run_{self.g.noun()}(text: str) -> str:",
                f"    llm = {name}()"]
        out += self.create_call("    ", "llm", "text", self.rng.random() < 0.5)
        return out

    def klass(self) -> list[str]:
        cname = self.g.class_name() + self.rng.choice(("Assistant", "Bot", "Agent", "Summarizer"))
        attr = self.rng.choice(("client", "_client", "llm"))
        out = [f"class {cname}:",
               f'    """{self.g.sentence()}"""',
               "",
               f"    def __init__(self, model: str = {self.model()}, temperature: float = 0.3) -> None:",
               "        self.model = model",
               "        self.temperature = temperature"]
        if self.rng.random() < 0.5:
            self.needs_os = True
            out.append(f'        self.{attr} = {self.s.ctor}(api_key=os.getenv("OPENAI_API_KEY"))')
        else:
            out.append(f"        self.{attr} = {self.s.ctor}()")
        out += ["",
                f"    {self.adef()} reply(self, history: list[dict[str, str]]) -> str:",
                f"        out = {self.aw()}self.{attr}.chat.completions.create(",
                "            model=self.model,",
                "            messages=history,",
                "            temperature=self.temperature,",
                "        )",
                "        return out.choices[0].message.content or \"\""]
        if self.rng.random() < 0.4:
            out += ["",
                    f"    {self.adef()} stream_reply(self, prompt: str):",
                    f"        stream = {self.aw()}self.{attr}.chat.completions.create(",
                    "            model=self.model,",
                    '            messages=[{"role": "user", "content": prompt}],',
                    "            stream=True,",
                    "        )"]
            loop = "async for" if self.s.is_async else "for"
            out += [f"        {loop} chunk in stream:",
                    "            delta = chunk.choices[0].delta.content",
                    "            if delta:",
                    "                yield delta"]
        return out

    def with_block(self) -> list[str]:
        kw = "async with" if self.s.is_async else "with"
        out = [f"{self.adef()} one_shot_{self.g.noun()}(question: str) -> str:",
               f"    {kw} {self.s.ctor}() as client:"]
        out += self.create_call("        ", "client", "question", self.rng.random() < 0.5)
        return out

    def params_dict(self) -> list[str]:
        out = [f"{self.adef()} call_with_params(prompt: str, **overrides) -> str:",
               "    params = {",
               f'        "model": {self.model_expr()},',
               '        "messages": [{"role": "user", "content": prompt}],',
               f'        "temperature": {self.rng.choice(("0", "0.7", "1.0"))},',
               "    }",
               "    params.update(overrides)",
               f"    response = {self.aw()}client.chat.completions.create(**params)",
               "    return response.choices[0].message.content"]
        return out

    def default_param(self) -> list[str]:
        out = [f"{self.adef()} summarize_{self.g.noun()}(text: str, model: str = {self.model()}) -> str:",
               f'    """{self.g.sentence()}"""',
               f"    r = {self.aw()}client.chat.completions.create(model=model, "
               'messages=[{"role": "user", "content": "Summarize: " + text}])',
               "    return r.choices[0].message.content"]
        return out

    def embeddings(self) -> list[str]:
        em = self.rng.choice(("text-embedding-3-small", "text-embedding-3-large",
                              "text-embedding-ada-002"))
        return [f"{self.adef()} embed_{self.g.noun()}(texts: list[str]) -> list[list[float]]:",
                f'    result = {self.aw()}client.embeddings.create(model="{em}", input=texts)',
                "    return [d.embedding for d in result.data]"]

    def unsupported(self) -> list[str]:
        out = [f"{self.adef()} call_tools(prompt: str, tools: list[dict]) -> object:",
               f"    return {self.aw()}client.chat.completions.create(",
               f"        model={self.model()},",
               "        messages=[",
               '            {"role": "developer", "content": "Use the tools."},',
               '            {"role": "user", "content": prompt},',
               "        ],",
               "        tools=tools,",
               '        tool_choice="auto",',
               "        logprobs=True,",
               "        n=2,",
               "    )"]
        return out

    def models_list(self) -> list[str]:
        return [f"{self.adef()} available_models() -> list[str]:",
                f"    page = {self.aw()}client.models.list()",
                "    return [m.id for m in page.data]"]

    def legacy(self) -> list[str]:
        mod = self.s.module_name
        return ["def legacy_complete(prompt):",
                f"    resp = {mod}.ChatCompletion.create(",
                f"        model={self.model()},",
                '        messages=[{"role": "user", "content": prompt}],',
                "    )",
                '    return resp["choices"][0]["message"]["content"]']

    def module_config(self) -> list[str]:
        mod = self.s.module_name
        self.needs_os = True
        out = [f'{mod}.api_key = os.getenv("OPENAI_API_KEY")']
        if self.rng.random() < 0.4:
            out.append(f'{mod}.base_url = os.getenv("OPENAI_BASE_URL", "https://api.openai.com/v1")')
        return out

    def module_client_call(self) -> list[str]:
        mod = self.s.module_name
        return [f"def quick_{self.g.noun()}(q: str) -> str:",
                f"    r = {mod}.chat.completions.create(model={self.model_expr()}, "
                'messages=[{"role": "user", "content": q}])',
                "    return r.choices[0].message.content"]

    def langchain(self) -> list[str]:
        self.extra_imports.append("from langchain_openai import ChatOpenAI")
        kw = self.rng.choice(("model", "model_name"))
        return [f"def build_chain_{self.g.noun()}(temperature: float = 0.0):",
                f"    llm = ChatOpenAI({kw}={self.model()}, temperature=temperature)",
                "    return llm"]


def generate_b(outdir: Path, n_files: int = DEFAULT_B_FILES) -> CorpusStats:
    """Corpus B: `n_files` modules of 2-20 KB, each using OpenAI in several ways."""
    stats = CorpusStats()
    for i in range(n_files):
        rng = random.Random(f"corpus-b-file-v1-{i}")
        g = CodeGen(rng)
        style = _style(rng)
        o = OpenAIGen(rng, style)
        o.add_constants()
        if rng.random() < 0.3:
            o.add_constants()
        header_client = rng.random() < 0.75
        client_lines = o.module_client() if header_client else []
        top: list[str] = []
        if style.module_name and rng.random() < 0.5:
            top += o.module_config()
        pieces: list[list[str]] = []
        uses_client = [o.func_with_module_client, o.params_dict, o.default_param,
                       o.embeddings, o.unsupported, o.models_list]
        standalone = [o.factory, o.klass, o.with_block]
        for _ in range(rng.randint(2, 5)):
            pool = standalone + (uses_client if header_client else [])
            pieces.append(rng.choice(pool)())
        if style.module_name and not style.is_async and rng.random() < 0.3:
            pieces.append(o.legacy())
        if style.module_name and rng.random() < 0.3:
            pieces.append(o.module_client_call())
        if rng.random() < 0.2:
            pieces.append(o.langchain())
        # Ordinary code around the OpenAI use, to a size drawn log-uniformly in 2-16 KB (the
        # last definition may overshoot it).
        target = int(math.exp(rng.uniform(math.log(2048), math.log(16 * 1024))))
        ordinary = g.module(0, "app")
        head_end = ordinary.index("logger = logging.getLogger(__name__)")
        head = ordinary[:head_end].rstrip("\n").split("\n")
        imports = [ln for ln in head if ln.startswith(("import ", "from "))]
        docs = head[: next(i for i, ln in enumerate(head) if ln.startswith(("import", "from")))]
        new_imports = list(style.imports) + o.extra_imports
        if o.needs_os and "import os" not in imports:
            new_imports.append("import os")
        if style.is_async:
            new_imports.append("import asyncio")
        all_imports = sorted(set(imports) | set(new_imports))
        future = [ln for ln in all_imports if "__future__" in ln]
        rest = [ln for ln in all_imports if "__future__" not in ln]
        out = [*docs, *future, *([""] if future else []), *rest, "",
               "logger = logging.getLogger(__name__)", ""]
        out += o.consts
        out += top
        out += client_lines
        size = sum(len(x) + 1 for x in out) + sum(sum(len(x) + 1 for x in p) for p in pieces)
        body: list[list[str]] = []
        while size < target:
            item = g.item(target - size)
            body.append(item)
            size += sum(len(x) + 1 for x in item) + 2
        # Spread the OpenAI pieces among the ordinary ones.
        for p in pieces:
            body.insert(rng.randint(0, len(body)), p)
        for item in body:
            out += ["", "", *item]
        if style.is_async and rng.random() < 0.5:
            out += ["", "", "async def main() -> None:",
                    f"    print(await {rng.choice(['ask', 'one_shot', 'run'])}_entry('hello'))",
                    "", "", 'if __name__ == "__main__":', "    asyncio.run(main())"]
        text = "\n".join(out) + "\n"
        pkg = f"service_{i % 25:02d}"
        sub = ("handlers", "llm", "jobs", "api", "")[i % 5]
        rel = f"{pkg}/{sub}/{g.func_name()}_{i}.py" if sub else f"{pkg}/{g.func_name()}_{i}.py"
        stats.add(_write(outdir / rel, text))
    return stats


def generate(outdir: Path, a_files: int = DEFAULT_A_FILES,
             b_files: int = DEFAULT_B_FILES) -> tuple[CorpusStats, CorpusStats]:
    """Write OUTDIR/a and OUTDIR/b; return their statistics."""
    return generate_a(outdir / "a", a_files), generate_b(outdir / "b", b_files)


def verify(outdir: Path) -> list[str]:
    """Problems found: unparsable files or ones that draw a SyntaxWarning, forbidden strings
    in A, B files without OpenAI."""
    problems: list[str] = []
    for corpus in ("a", "b"):
        for root, _dirs, files in os.walk(outdir / corpus):
            for f in files:
                p = Path(root) / f
                data = p.read_bytes()
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    try:
                        compile(data, str(p), "exec", dont_inherit=True)
                    except (SyntaxError, SyntaxWarning) as exc:
                        problems.append(f"{p}: {exc!r}")
                low = data.lower()
                if corpus == "a":
                    problems += [f"{p}: contains {s!r}" for s in A_FORBIDDEN if s in low]
                elif b"openai" not in low:
                    problems.append(f"{p}: no OpenAI use")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--a-files", type=int, default=None)
    ap.add_argument("--b-files", type=int, default=None)
    ap.add_argument("--quick", action="store_true", help="smaller corpora (1,000 + 100 files)")
    ap.add_argument("--verify", action="store_true", help="parse every file and check contents")
    args = ap.parse_args(argv)
    a_n = args.a_files or (QUICK_A_FILES if args.quick else DEFAULT_A_FILES)
    b_n = args.b_files or (QUICK_B_FILES if args.quick else DEFAULT_B_FILES)
    t0 = time.perf_counter()
    a, b = generate(args.outdir, a_n, b_n)
    print(a.line(f"A {args.outdir / 'a'}"))
    print(b.line(f"B {args.outdir / 'b'}"))
    print(f"generated in {time.perf_counter() - t0:.1f} s")
    if args.verify:
        problems = verify(args.outdir)
        for p in problems[:20]:
            print(p, file=sys.stderr)
        print(f"verify: {len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
