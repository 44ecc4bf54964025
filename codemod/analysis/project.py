"""The project view: module summaries joined by the project's imports, and one decision per
client constructor from every use of it anywhere in the project.

A client is *migrated* when every call made on it is one the provider serves; *kept* (left as
it is, reported) when some call is not served; *split* (with `unserved-clients = "split"`) when
the unserved calls are all in the constructor's own file on the very name it is bound to, so
that a copy of the original constructor can serve them. A constructor whose own arguments
forbid a migration (another host, Azure, a test double...) is left *as-is* whatever its uses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from codemod.analysis.facts import MIGRATE, ClientRecord, Decision, is_test_path
from codemod.analysis.modelflow import Joined
from codemod.analysis.moduleclient import MODULE_CLIENT
from codemod.analysis.summary import Ctor, Pass, Summary, Use
from codemod.analysis.values import ClientVal
from codemod.rules import ClientSpec, Rules

UNSERVED_KINDS = ("coming_soon", "unserved")


class ProjectView:
    """Built once per run from every candidate file's summary."""

    def __init__(self, summaries: Iterable[Summary], rules: Rules, *, split: bool) -> None:
        self.summaries = {s.path: s for s in summaries}
        self._by_module = {s.module: s for s in self.summaries.values()}
        self._suffixes: dict[str, list[Summary]] = {}
        for summary in self.summaries.values():
            parts = summary.module.split(".")
            for i in range(len(parts)):
                self._suffixes.setdefault(".".join(parts[i:]), []).append(summary)
        self._re_exports: dict[tuple[str, bool], tuple[Summary, str] | None] = {}  # a scan of all: once a name
        self.ctors = {c.id: (s, c) for s in self.summaries.values() for c in s.ctors if c.via is None}
        _merge_module_client(self.ctors, self.summaries.values())
        self.specs: dict[str, ClientSpec] = {spec.id: spec for spec in rules.clients}
        self._made: dict[tuple[str, str], set[str]] = {}  # (path, qname called) -> constructors there
        self._overrides: dict[str, tuple[str, str]] = {}  # partial -> (where, `api_key=`) a call passes
        self._passes: dict[tuple[str, str], list[tuple[Summary, Pass]]] = {}
        for summary in self.summaries.values():
            for p in summary.passes:
                target = self._locate(p.callee[2:], summary)
                if target is not None:
                    self._passes.setdefault((target[0].path, target[1]), []).append((summary, p))
        self._memo: dict[tuple[str, str], frozenset[str]] = {}
        for summary in self.summaries.values():
            for ctor in summary.ctors:
                if ctor.via is not None:
                    self._class_call(summary, ctor, ctor.via)
        self.model_names = Joined({s.path: s.names for s in self.summaries.values() if s.names})
        self._read_constants()
        self.kept_models: set[str] = set()  # model names other code relies on, sent by some call
        self.decisions = self._decide(split=split)
        self.blocked = self._blocked_constants()

    # --- resolution -----------------------------------------------------------------------

    def resolve(self, ref: str, where: Summary) -> frozenset[str]:
        """The constructor ids `ref`, written in `where`, may stand for."""
        key = (ref, where.path)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = frozenset()  # a cycle resolves to nothing
        found = self._resolve(ref, where)
        self._memo[key] = found
        return found

    def _resolve(self, ref: str, where: Summary) -> frozenset[str]:
        kind, _, rest = ref.partition(":")
        if kind == "c":
            return frozenset({rest})
        if kind == "f" and (where.path, rest) in self._made:  # `Plain()`: a class of another module
            return frozenset(self._made[(where.path, rest)])
        if kind in ("n", "f"):
            return self._exported(self._absolute(rest, where), call=kind == "f")
        if kind == "p":
            function, _, param = rest.rpartition(":")
            return self._param(where, function, param)
        return frozenset()

    def _ids(self, refs: Iterable[str], where: Summary) -> frozenset[str]:
        """The constructor ids any of `refs`, written in `where`, may stand for."""
        return frozenset().union(*(self.resolve(r, where) for r in refs))

    def _locate(self, qname: str, where: Summary) -> tuple[Summary, str] | None:
        """`_split_name` of a name as `where` writes it (a relative one made absolute)."""
        return self._split_name(self._absolute(qname, where))

    def _split_name(self, qname: str) -> tuple[Summary, str] | None:
        """The project module `qname` names something in, and the name inside it."""
        parts = qname.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = self._module(".".join(parts[:i]))
            if module is not None:
                return module, ".".join(parts[i:])
        return None

    def _exported(self, qname: str, *, call: bool) -> frozenset[str]:
        found = self._split_name(qname) or self._re_exported(qname, call=call)
        if found is None:
            return frozenset()
        module, name = found
        refs = module.exports.get(f"{name}()" if call else name)
        if refs is None and call:  # `from .clients import get_client` re-exported, then called
            refs = frozenset("f:" + r[2:] for r in module.exports.get(name, ()) if r.startswith("n:"))
        return self._ids(refs or (), module)

    def _re_exported(self, qname: str, *, call: bool) -> tuple[Summary, str] | None:
        """`pkg.name` when `pkg/__init__.py` only re-exports it (and, naming no client module,
        was never read): the one module under `pkg` that defines `name`."""
        if (qname, call) not in self._re_exports:
            package, _, name = qname.rpartition(".")
            key = f"{name}()" if call else name
            found = [s for s in self.summaries.values() if key in s.exports and f".{package}." in f".{s.module}"]
            self._re_exports[(qname, call)] = (found[0], name) if len(found) == 1 else None
        return self._re_exports[(qname, call)]

    def made(self, ref: str, where: Summary, seen: frozenset[str] = frozenset()) -> tuple[ClientSpec, str, str, bool] | None:
        """(spec, qname or `partial`, why kept, a test double) when the `n:` ref `ref` names a client class or a
        partial another module binds (`ctorforms.made_ref`), following re-exports."""
        qname = self._absolute(ref[2:], where)
        found = self._split_name(qname) or self._re_exported(qname, call=False) if ref.startswith("n:") else None
        if found is None or ref in seen:
            return None
        module, name = found
        for r in sorted(module.exports.get(name, ())):
            if r.startswith("k:"):
                spec_id, qname, why, *double = r[2:].split("|")
                spec = self.specs.get(spec_id)
                return (spec, qname, why, bool(double)) if spec is not None else None
            made = self.made(r, module, seen | {ref})
            if made is not None:
                return made
        return None

    def _class_call(self, summary: Summary, ctor: Ctor, via: str) -> None:
        """A call of an imported name: a constructor of this module when the name is a client
        class (kept as it is when it passes its own key, URL...); a call that overrides the key
        of a partial of one when it passes its own."""
        made = self.made(via, summary)
        if made is None:
            return
        spec, qname, why, double = made
        if qname == "partial":
            for pid in self._exported(self._absolute(via[2:], summary), call=True) if ctor.own else ():
                self._overrides.setdefault(pid, (ctor.id.rpartition(":")[0], ctor.own))
            return
        status = "as-is" if why or spec.provider_arg else "migrate"
        status = "test-double" if double and is_test_path(summary.path) else status  # a test talking to a double
        if ctor.own and status == "migrate":  # its own key or URL: where it points is not the view's to say
            self._overrides[ctor.id] = (ctor.id.rpartition(":")[0], ctor.own)
        self.ctors[ctor.id] = (summary, dataclasses.replace(ctor, spec=spec.id, status=status, via=None))
        self._made.setdefault((summary.path, via[2:]), set()).add(ctor.id)

    def _param(self, where: Summary, function: str, param: str) -> frozenset[str]:
        """What the call sites pass as `param`; those of a class (`Service(client)`) for the
        parameters of its `__init__`, counted after `self`."""
        names = where.params.get(function, ())
        sites = [(0, s) for s in self._passes.get((where.path, function), ())]
        if function.endswith(".__init__"):
            sites += [(1, s) for s in self._passes.get((where.path, function.removesuffix(".__init__")), ())]
        found: set[str] = set()
        for skip, (passer, p) in sites:
            position = p.param + skip if isinstance(p.param, int) else -1
            if p.param == param or (0 <= position < len(names) and names[position] == param):
                for r in p.refs:
                    found |= self.resolve(r, passer)
        return frozenset(found)

    def _module(self, dotted: str) -> Summary | None:
        exact = self._by_module.get(dotted)
        if exact is not None:
            return exact
        candidates = self._suffixes.get(dotted, [])
        return candidates[0] if len(candidates) == 1 else None

    @staticmethod
    def _absolute(qname: str, where: Summary) -> str:
        """`..x.y` relative to the module of `where`, made absolute."""
        level = len(qname) - len(qname.lstrip("."))
        if not level:
            return qname
        package = where.module.split(".")
        if not where.path.endswith("__init__.py"):
            package = package[:-1]
        package = package[: len(package) - (level - 1)] if level > 1 else package
        return ".".join([*package, qname[level:]]) if qname[level:] else ".".join(package)

    # --- decisions ------------------------------------------------------------------------

    def _decide(self, *, split: bool) -> dict[str, Decision]:
        uses: dict[str, list[tuple[Summary, int, Use]]] = {}  # (summary, index of the use in it, use)
        for summary in self.summaries.values():
            for index, use in enumerate(summary.uses):
                for cid in self._ids(use.refs, summary):
                    uses.setdefault(cid, []).append((summary, index, use))
        decisions: dict[str, Decision] = {}
        for cid, (home, ctor) in self.ctors.items():
            if ctor.status in ("test-double", "lumyx"):
                decisions[cid] = Decision("ignore") if ctor.status == "test-double" else MIGRATE
                continue
            if ctor.status != "migrate" or cid in self._overrides:
                decisions[cid] = Decision("as-is", repointed=(self._overrides[cid],) if cid in self._overrides else ())
                continue
            mine = uses.get(cid, [])
            whys = [(s, u, self._why_kept(s, i, u)) for s, i, u in mine if u.kind != "repoint"]
            unserved = [(s, u) for s, u, why in whys if why is not None]
            where = tuple(sorted({(_where(s, u), why) for s, u, why in whys if why is not None}))
            repointed = tuple(sorted({(_where(s, u), u.path) for s, _, u in mine if u.kind == "repoint"}))
            if repointed:  # another module sets its key or URL: moving it would cross the keys
                decisions[cid] = Decision("keep", where, repointed=repointed)
                continue
            if not unserved:
                decisions[cid] = MIGRATE
                continue
            local = all(s is home and u.span is not None for s, u in unserved)
            served = len(unserved) < len(mine)  # a copy that serves only what stays: kept
            if split and ctor.target is not None and local and served:
                spans = tuple(sorted({u.span for _, u in unserved if u.span is not None}))
                decisions[cid] = Decision("split", where, spans)
            else:
                decisions[cid] = Decision("keep", where)
        return decisions

    def records(self, module: str) -> list[ClientRecord]:
        """Each constructor's decision as a user sees it, by place; test doubles left out.
        `module` names the SDK's module-level client (`openai`)."""
        roots: dict[str, set[str]] = {}
        for summary in self.summaries.values():
            for use in summary.uses:
                if use.kind != "repoint":
                    for cid in self._ids(use.refs, summary):
                        roots.setdefault(cid, set()).add(use.path.split(".")[0])
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per set of roots (`chat`): kept all run
        out = [
            self._record(cid, home, ctor, module, shared.setdefault(kept := tuple(sorted(roots.get(cid, ()))), kept))
            for cid, (home, ctor) in self.ctors.items()
        ]
        return sorted((r for r in out if r is not None), key=lambda r: r.order)

    def _record(self, cid: str, home: Summary, ctor: Ctor, module: str, roots: tuple[str, ...]) -> ClientRecord | None:
        decision = self.decisions.get(cid, MIGRATE)
        if decision.kind == "ignore":
            return None
        kind = "migrated" if ctor.status == "lumyx" else decision.kind
        cell = None
        if cid == MODULE_CLIENT:  # one per process: shown at the first module that uses it
            path = min(s.path for s in self.summaries.values() if any(c.id == MODULE_CLIENT for c in s.ctors))
            line, col, name = None, None, f"{module} (module client)"
        else:
            path, line_, col_ = cid.rsplit(":", 2)
            path = home.path if path == home.path else path  # the summary's string, not one more copy
            line, col, name = int(line_), int(col_), ctor.name or ctor.spec
            cell, line = ctor.in_cell or (None, line)
        places = [w for w, _ in decision.unserved] or [w for w, _ in decision.repointed]
        first = min(places, key=_place_key) if places and kind in ("keep", "split") else None
        # the finding each decision shows as (placement: LMX101/106/309; module_config: LMX402)
        if cid == MODULE_CLIENT and kind in ("keep", "as-is"):
            code: str | None = "LMX402"
        elif kind == "keep":
            code = "LMX309" if decision.repointed else "LMX106"
        else:
            code = "LMX101" if kind == "split" else None
        return ClientRecord(path, line, col, name, kind, roots, first, code, cell)

    def _read_constants(self) -> None:
        """Another module's model constant compared, used as a key or returned: its value is
        relied on like a literal used so (`modelflow`)."""
        for path in sorted(self.summaries):  # the first use found names the place, whatever the order
            summary = self.summaries[path]
            for qname, line, how in summary.names.reads:
                found = self._locate(qname, summary)
                value = self.model_names.const(found[0].path, found[1]) if found is not None else None
                if value is not None:
                    self.model_names.read(value, f"{how} at {summary.path}:{line}")

    def _why_kept(self, summary: Summary, index: int, use: Use) -> str | None:
        """Why a call (the `index`-th use of `summary`) stays on OpenAI: its endpoint when the
        provider does not serve it, or `model <name>` when it sends a model name other code
        relies on (`modelflow`)."""
        if use.kind in UNSERVED_KINDS:
            return use.path
        joined = self.model_names
        name = joined.sent(summary.path, index)
        if name is None and use.model is not None:
            found = self._locate(use.model[2:], summary)
            name = joined.const(found[0].path, found[1]) if found is not None else None
        if name is None or name not in joined.others:
            return None
        self.kept_models.add(name)
        return f"model {name}"

    def _blocked_constants(self) -> set[tuple[str, str]]:
        """(path, name) of the module constants a call that stays on OpenAI passes as its
        model: rewriting one would send the provider's model name to OpenAI."""
        blocked: set[tuple[str, str]] = set()
        for summary in self.summaries.values():
            for use in summary.uses:
                if use.model is None:
                    continue
                kinds = {self.decisions.get(i, MIGRATE).kind for i in self._ids(use.refs, summary)} - {"ignore"}
                if kinds <= {"migrate"} or (kinds == {"split"} and use.kind not in UNSERVED_KINDS):
                    continue
                found = self._locate(use.model[2:], summary)
                if found is not None:
                    blocked.add((found[0].path, found[1]))
        return blocked

    def needs_second_look(self, path: str) -> bool:
        """Does this file's analysis change with the project view (a decision other than
        migrate for one of its clients, or a client it reaches through another module)?"""
        summary = self.summaries.get(path)
        if summary is None:
            return False
        if any(p == path for p, _ in self.blocked) or self.model_names.changes(summary.names):
            return True
        if any(self.decisions.get(c.id, MIGRATE).kind in ("keep", "split") or c.id in self._overrides for c in summary.ctors):
            return True
        if any(c.via is not None and c.id in self.ctors for c in summary.ctors):
            return True  # it calls a client class of another module
        if any(c.id == MODULE_CLIENT and c.status == "migrate" for c in summary.ctors):
            return self.decisions[MODULE_CLIENT].kind != "migrate"  # left by another module
        remote = [r for u in summary.uses for r in u.refs if not r.startswith("c:")]
        remote += [r for p in summary.passes for r in p.refs if not r.startswith("c:")]
        return any(self.resolve(r, summary) for r in remote)

    def facts(self, path: str) -> FileFacts | None:
        summary = self.summaries.get(path)
        return FileFacts(self, summary) if summary is not None else None


def _merge_module_client(ctors: dict[str, tuple[Summary, Ctor]], summaries: Iterable[Summary]) -> None:
    """The module-level client is one per process: its status is the strongest any module
    gives it (already on the provider, then left as it is by its own configuration)."""
    mine = [c for s in summaries for c in s.ctors if c.id == MODULE_CLIENT]
    for status in ("lumyx", "as-is"):
        if any(c.status == status for c in mine):
            home = ctors[MODULE_CLIENT][0]
            ctors[MODULE_CLIENT] = (home, dataclasses.replace(mine[0], status=status))
            return


def _place_key(where: str) -> tuple[str, int]:
    """`path:line` (`path:cell N:line`) in file order: line 9 before line 10."""
    head, _, line = where.rpartition(":")
    return (head, int(line)) if line.isdigit() else (where, 0)


def _where(summary: Summary, use: Use) -> str:
    """`path:line`, or ruff's `path:cell N:line` in a notebook."""
    cell = f"cell {use.cell}:" if use.cell is not None else ""
    return f"{summary.path}:{cell}{use.line}"


class FileFacts:
    """What the project view tells the analysis of one file (`values.ProjectFacts`)."""

    def __init__(self, view: ProjectView, summary: Summary) -> None:
        self.view = view
        self.summary = summary

    def client(self, ref: str) -> ClientVal | None:
        ids = self.view.resolve(ref, self.summary)
        specs = [self.view.specs.get(self.view.ctors[i][1].spec) for i in sorted(ids) if i in self.view.ctors]
        spec = next((s for s in specs if s is not None), None)
        return ClientVal(spec, None, ids) if spec is not None else None

    def client_class(self, ref: str) -> tuple[ClientSpec, str, str, bool] | None:
        """(spec, qname, why kept, a test double called by test code) when `ref` (`n:<qname>`)
        names a client class another module binds (`ctorforms.ConstructorForms.imported_class`)."""
        made = self.view.made(ref, self.summary)
        if made is None or made[1] == "partial":
            return None
        spec, qname, why, double = made
        return spec, qname, why, double and is_test_path(self.summary.path)

    def decision(self, ctor: str) -> Decision:
        return self.view.decisions.get(ctor, MIGRATE)

    def model_blocked(self, name: str) -> bool:
        """Is this module-level constant passed as the model of a call that stays on OpenAI?"""
        return (self.summary.path, name) in self.view.blocked

    def model_elsewhere(self, name: str, *, sent: bool) -> str | None:
        """Where else the project relies on the model name `name` (`how at path:line`); with
        `sent`, only when some call that sends it stays on OpenAI because of it."""
        if sent and name not in self.view.kept_models:
            return None
        return self.view.model_names.others.get(name)
