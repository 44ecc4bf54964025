"""Where a YAML deployment file hands environment variables to a program.

Works on the node graph of `yaml.compose` (typed `Any` here: PyYAML ships no types), so every
variable keeps the exact character offsets of its name and value. Which mappings count depends
on the kind of file: compose `services.*.environment`, workflow `env:` of the workflow, a job,
its container or a `run:` step, `env:` lists of Kubernetes containers, Helm values `env:`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Form = Literal["mapping", "list", "k8s"]
# Helm values keys that conventionally hold a container's environment.
_HELM_KEYS = frozenset({"env", "environment", "envvars", "extraenv", "extraenvvars", "additionalenv"})


@dataclass(frozen=True)
class Var:
    """One variable of an environment block: its name's offsets and the entry's extent."""

    name: str
    start: int  # the name's first character (inside quotes)
    end: int
    item: int  # where the entry starts: the mapping key or the sequence item
    last: int  # the entry's last offset (end of its value)
    simple: bool  # one line, no block scalar: a line can be inserted after it
    secret: tuple[str, str] | None = None  # Kubernetes valueFrom.secretKeyRef (name, key)


@dataclass(frozen=True)
class Block:
    form: Form
    flow: bool
    vars: tuple[Var, ...]


def blocks(root: Any, kind: str) -> Iterator[Block]:
    """Every environment block of one document for this kind of file."""
    if kind == "compose":
        for service in _values(_get(root, "services")):
            yield from _block(_get(service, "environment"))
    elif kind == "workflow":
        yield from _workflow(root)
    elif kind == "kubernetes":
        yield from _search(root, frozenset({"env"}), lists_only=True)
    elif kind == "helm":
        yield from _search(root, _HELM_KEYS, lists_only=False)


def _workflow(root: Any) -> Iterator[Block]:
    """Only environments a `run:` step sees: a step or job that only feeds an action is left."""
    jobs = list(_values(_get(root, "jobs")))
    running = [job for job in jobs if any(_runs(step) for step in _items(_get(job, "steps")))]
    if running:
        yield from _block(_get(root, "env"))
    for job in running:
        yield from _block(_get(job, "env"))
        yield from _block(_get(_get(job, "container"), "env"))
        for step in _items(_get(job, "steps")):
            if _runs(step):
                yield from _block(_get(step, "env"))


def _runs(step: Any) -> bool:
    return _get(step, "run") is not None


def _search(node: Any, keys: frozenset[str], *, lists_only: bool) -> Iterator[Block]:
    if _is(node, "mapping"):
        for key, value in node.value:
            named = _is(key, "scalar") and str(key.value).lower() in keys
            if named and (not lists_only or _is(value, "sequence")):
                yield from _block(value)
                continue
            yield from _search(value, keys, lists_only=lists_only)
    elif _is(node, "sequence"):
        for item in node.value:
            yield from _search(item, keys, lists_only=lists_only)


def _block(node: Any) -> Iterator[Block]:
    flow = bool(getattr(node, "flow_style", False))
    if _is(node, "mapping"):
        found = [_map_var(k, v) for k, v in node.value if _is(k, "scalar")]
        yield Block("mapping", flow, tuple(found))
    elif _is(node, "sequence"):
        items = list(node.value)
        if items and all(_is(i, "mapping") for i in items):
            k8s = [v for v in (_k8s_var(i) for i in items) if v is not None]
            yield Block("k8s", flow, tuple(k8s))
        else:
            listed = [_list_var(i) for i in items if _is(i, "scalar")]
            yield Block("list", flow, tuple(listed))


def _map_var(key: Any, value: Any) -> Var:
    start = _inner(key)
    last = int(value.end_mark.index)
    simple = (
        _is(value, "scalar")
        and value.style in (None, "'", '"')
        and key.start_mark.line == value.end_mark.line
    )
    name = str(key.value)
    return Var(name, start, start + len(name), int(key.start_mark.index), last, simple)


def _list_var(item: Any) -> Var:
    start = _inner(item)
    name = str(item.value).split("=", 1)[0]
    simple = item.style in (None, "'", '"') and item.start_mark.line == item.end_mark.line
    return Var(name, start, start + len(name), int(item.start_mark.index), int(item.end_mark.index), simple)


def _k8s_var(item: Any) -> Var | None:
    name_node = _get(item, "name")
    if not _is(name_node, "scalar"):
        return None
    ref = _get(_get(item, "valueFrom"), "secretKeyRef")
    secret_name, secret_key = _get(ref, "name"), _get(ref, "key")
    secret = None
    if _is(secret_name, "scalar") and _is(secret_key, "scalar"):
        secret = (str(secret_name.value), str(secret_key.value))
    start = _inner(name_node)
    name = str(name_node.value)
    return Var(name, start, start + len(name), int(item.start_mark.index),
               int(item.end_mark.index), False, secret)


def _inner(node: Any) -> int:
    """Offset of a scalar's first character of content (after an opening quote)."""
    return int(node.start_mark.index) + (1 if node.style in ("'", '"') else 0)


def _is(node: Any, node_id: str) -> bool:
    return getattr(node, "id", None) == node_id


def _get(node: Any, key: str) -> Any:
    if not _is(node, "mapping"):
        return None
    for k, v in node.value:
        if _is(k, "scalar") and k.value == key:
            return v
    return None


def _values(node: Any) -> Iterator[Any]:
    if _is(node, "mapping"):
        for _, v in node.value:
            yield v


def _items(node: Any) -> Iterator[Any]:
    if _is(node, "sequence"):
        yield from node.value
