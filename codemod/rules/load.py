"""Reading the rules: the shipped default, a user's file extending or replacing it, the merge.

A bad file is refused with its path, the key and the reason before any source file is read.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

from codemod import pkgdata
from codemod.rules.model import Rules
from codemod.rules.schema import RulesError, convert

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT = "<default rules>"


def default_rules_text() -> str:
    """The shipped rules: inside the wheel as package data, or the repo's rules/ folder."""
    try:
        return pkgdata.read_text("codemod.rules_data", "lumyx.toml")
    except (ModuleNotFoundError, FileNotFoundError):
        here = Path(__file__).resolve().parents[2] / "rules" / "lumyx.toml"
        return here.read_text("utf-8")


def load_rules(path: str | Path | None = None) -> Rules:
    """The default rules, extended (or replaced, with `extends = false`) by the file at `path`."""
    base = _parse(default_rules_text(), DEFAULT)
    if path is None:
        return _build(base, DEFAULT, (DEFAULT,))
    shown = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise RulesError(f"{shown}: cannot read rules file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise RulesError(f"{shown}: rules file is not UTF-8: {exc.reason}") from exc
    user = _parse(text, shown)
    extends = user.pop("extends", True)
    if not isinstance(extends, bool):
        raise RulesError(f"{shown}: extends: must be true or false")
    if extends:
        return _build(_merge(base, user), shown, (DEFAULT, shown))
    return _build(user, shown, (shown,))


def _build(data: dict[str, Any], shown: str, paths: tuple[str, ...]) -> Rules:
    rules = convert(Rules, data, "", shown, also_known=("extends",))
    return dataclasses.replace(rules, paths=paths)


def _parse(text: str, shown: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{shown}: not valid TOML: {exc}") from exc
    return data


def _merge(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; lists replace; user clients replace same-id ones or are added;
    user model rules come first (first match wins, so they take precedence)."""
    out = dict(base)
    for key, value in user.items():
        if key == "clients" and isinstance(value, list):
            by_id = {c.get("id"): c for c in value if isinstance(c, dict)}
            kept = [c for c in base.get("clients", []) if c.get("id") not in by_id]
            out["clients"] = kept + list(value)
        elif key == "models" and isinstance(value, dict) and isinstance(base.get("models"), dict):
            merged = dict(base["models"])
            for mkey, mvalue in value.items():
                if mkey == "map" and isinstance(mvalue, list):
                    merged["map"] = list(mvalue) + list(base["models"].get("map", []))
                else:
                    merged[mkey] = mvalue
            out["models"] = merged
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = {**base[key], **value}
        else:
            out[key] = value
    return out
