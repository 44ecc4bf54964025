"""One generic converter from a TOML table to a frozen dataclass, driven by its fields.

Keys are the field names; a field without a default is a required key; the type hint says what
the value must be. Messages name the file, the dotted key and the reason, e.g.
`rules.toml: chat.max_stop: must be an integer, got a string`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Collection, Mapping
from typing import Any, Literal, NamedTuple, TypeVar, Union

from codemod.rules.model import FieldProblem

T = TypeVar("T")


class RulesError(Exception):
    """A rules file that cannot be used; the message names the file, the key and why."""


# A scalar type: how a message names it, and whether a TOML value is one.
_SCALARS: dict[type, tuple[str, Callable[[object], bool]]] = {
    str: ("a string", lambda v: isinstance(v, str)),
    bool: ("true or false", lambda v: isinstance(v, bool)),
    int: ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    float: ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool)),
}
_DESCRIBED = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}


def convert(
    cls: type[T], data: object, where: str, shown: str, *, also_known: Collection[str] = ()
) -> T:
    """The `cls` value the table `data` (found at `where` in file `shown`) describes.

    Present keys are checked in the file's order, then missing required ones; `also_known`
    keys are the caller's: listed as known, skipped here."""
    if not isinstance(data, dict):
        raise RulesError(f"{shown}: {where}: must be a table")
    keys = _keys(cls)
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in also_known:
            continue
        if name not in keys:
            known = ", ".join(sorted([*keys, *also_known]))
            raise RulesError(f"{shown}: {_join(where, name)}: unknown key (known: {known})")
        values[name] = _value(keys[name], value, _join(where, name), shown)
    for name, key in keys.items():
        if name not in data and key.required:
            values[name] = _missing(key, _join(where, name), shown)
    try:
        return cls(**values)
    except FieldProblem as exc:
        raise RulesError(f"{shown}: {_join(where, exc.key)}: {exc.problem}") from exc


class _Key(NamedTuple):
    """One key of a table: the field's resolved type, its metadata, and whether it is required."""

    hint: Any
    metadata: Mapping[str, Any]
    required: bool


def _keys(cls: type) -> dict[str, _Key]:
    """The file's keys of dataclass `cls`; `get_type_hints` resolves the annotations that
    `from __future__ import annotations` left as strings."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: _Key(
            _unoptional(hints[f.name]),
            f.metadata,
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
        if not f.metadata.get("internal")
    }


def _missing(key: _Key, where: str, shown: str) -> Any:
    """A required key that is absent: a table or an array of tables says what it must be."""
    if _is_dataclass(key.hint) or _table_array_of(key.hint) is not None:
        return _value(key, None, where, shown)
    raise RulesError(f"{shown}: {where}: missing required key")


def _value(key: _Key, value: object, where: str, shown: str) -> Any:
    """`value` checked against the key's type, as the dataclass holds it."""
    tp = key.hint
    if _is_dataclass(tp):
        return convert(tp, value, where, shown)
    item = _table_array_of(tp)
    if item is not None:
        if not isinstance(value, list):
            raise RulesError(f"{shown}: {where}: must be an array of tables ([[{where}]])")
        return tuple(convert(item, v, f"{where}[{i}]", shown) for i, v in enumerate(value))
    origin = typing.get_origin(tp)
    if origin is tuple:
        return _strings(key, value, where, shown)
    if origin is Mapping:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise RulesError(f"{shown}: {where}: must be a table of strings")
        return dict(value)
    if origin is Literal:
        choices = typing.get_args(tp)
        _scalar(type(choices[0]), value, where, shown)
        if value not in choices:
            allowed = ", ".join(map(str, choices))
            raise RulesError(f"{shown}: {where}: must be one of {allowed}, got {value!r}")
        return value
    return _scalar(tp, value, where, shown)


def _strings(key: _Key, value: object, where: str, shown: str) -> tuple[str, ...]:
    """A list of strings, each passing the field's `each` check when it has one."""
    if typing.get_args(key.hint) != (str, ...):
        raise TypeError(f"{where}: no rules-file reading for {key.hint!r}")  # a schema bug
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{shown}: {where}: must be a list of strings, got {_describe(value)}")
    check: Callable[[str], str | None] = key.metadata.get("each", lambda _: None)
    for item in value:
        problem = check(item)
        if problem:
            raise RulesError(f"{shown}: {where}: {problem}")
    return tuple(value)


def _scalar(tp: Any, value: object, where: str, shown: str) -> Any:
    if tp not in _SCALARS:
        raise TypeError(f"{where}: no rules-file reading for {tp!r}")  # a schema bug, not a file's
    kind, accepts = _SCALARS[tp]
    if not accepts(value):
        raise RulesError(f"{shown}: {where}: must be {kind}, got {_describe(value)}")
    return float(typing.cast(float, value)) if tp is float else value


def _unoptional(tp: Any) -> Any:
    """`X | None` is X: TOML has no null, so a present key is never None."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _is_dataclass(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _table_array_of(tp: Any) -> type | None:
    """The dataclass of `tuple[D, ...]` (an array of tables); None for any other type."""
    if typing.get_origin(tp) is tuple:
        item = typing.get_args(tp)[0]
        if _is_dataclass(item):
            return typing.cast(type, item)
    return None


def _describe(value: object) -> str:
    return _DESCRIBED.get(type(value), f"a {type(value).__name__}")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
