"""A run's configuration: the target's `[tool.lumyx-migrate]` settings merged with the flags.

Settings apply per file, as ruff's do: each file takes the nearest `pyproject.toml` with the
table above it (`--config FILE` names one for every file), its patterns relative to that file's
folder. The command line wins over them. A bad value, including an unknown
code in `select` / `ignore`, is a `ConfigError` naming the file and key (exit 2). `line-length`
falls back to ruff's and black's. Nothing here prints or exits: errors are raised for the
session to report.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from codemod import codes
from codemod.report.console import ColorMode
from codemod.rewrite import DEFAULT_LINE_LENGTH
from codemod.rules import Rules, load_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECTION = "lumyx-migrate"
# A client some of whose calls the provider does not serve: left on OpenAI, or split in two.
UnservedClients = Literal["keep", "split"]
_LISTS = ("exclude", "extend-exclude", "select", "extend-select", "ignore")
_CODE_LISTS = ("select", "extend-select", "ignore")
# Parsing costs ~70 bytes of memory per byte of source: 2 MB keeps a process near 200 MB.
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
_SIZE = re.compile(r"\s*(\d+)\s*(B|KB|MB|GB)?\s*", re.IGNORECASE)
_UNITS = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}


class ConfigError(Exception):
    """The project's settings cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Settings:
    path: Path | None = None  # the pyproject.toml they came from
    rules: Path | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # (gitignore-style pattern relative to the settings' folder, codes not reported there)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    line_length: int = DEFAULT_LINE_LENGTH
    include_generated: bool = False
    unserved_clients: UnservedClients = "keep"
    max_file_size: int | None = DEFAULT_MAX_FILE_SIZE  # None: no limit


def find_pyproject(start: Path) -> Path | None:
    """The settings file for `start`, walking up: the nearest `pyproject.toml` that has a
    `[tool.lumyx-migrate]` table, as ruff picks the nearest with `[tool.ruff]`; when none has
    one, the nearest `pyproject.toml` (its ruff/black line length still counts); else None."""
    here = start.resolve()
    if here.is_file() or not here.exists():
        here = here.parent
    nearest = None
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        nearest = nearest or candidate
        if _mentions_section(candidate):
            return candidate
    return nearest


def _mentions_section(path: Path) -> bool:
    """Whether the file has a `[tool.lumyx-migrate]` table. A file that names the tool but
    cannot be read counts as having it, so that its error is reported, not skipped."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if SECTION not in text:
        return False
    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        return True
    return isinstance(tool, dict) and SECTION in tool


def parse_size(value: object) -> int | None:
    """A size in bytes from `4MB`, `512 KB`, `100000` or an integer; 0 means no limit (None).
    Raises ValueError naming what is accepted."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value or None
    found = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError(f"must be a size such as 4MB, 512KB or a number of bytes (0: no limit), not {value!r}")
    return int(found.group(1)) * _UNITS[(found.group(2) or "B").upper()] or None


def format_size(size: int) -> str:
    """`4 MB`, `512 KB` or `100 bytes`, as the max-file-size setting is written."""
    for unit, shift in (("MB", 20), ("KB", 10)):
        if size >= 1 << shift and not size % (1 << shift):
            return f"{size >> shift} {unit}"
    return f"{size} bytes"


def load_settings(start: Path) -> Settings:
    """The settings that apply at `start` (a file or folder): those of `find_pyproject`."""
    path = find_pyproject(start)
    return Settings() if path is None else read_settings(path)


def read_settings(path: Path) -> Settings:
    """The `[tool.lumyx-migrate]` table of one file (all defaults when it has none)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    tool = data.get("tool", {})
    section: Any = tool.get(SECTION, {}) if isinstance(tool, dict) else {}
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: tool.{SECTION}: must be a table")
    known = {"rules", "line-length", "include-generated", "unserved-clients", "max-file-size", "per-file-ignores", *_LISTS}
    for key in section:
        if key not in known:
            raise ConfigError(f"{path}: tool.{SECTION}.{key}: unknown key (known: {', '.join(sorted(known))})")
    for key in _LISTS:
        value = section.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{path}: tool.{SECTION}.{key}: must be a list of strings")
    for key in _CODE_LISTS:
        _check_codes(section.get(key) or (), path, key)
    rules = section.get("rules")
    if rules is not None and not isinstance(rules, str):
        raise ConfigError(f"{path}: tool.{SECTION}.rules: must be a string (a path)")
    generated = section.get("include-generated", False)
    if not isinstance(generated, bool):
        raise ConfigError(f"{path}: tool.{SECTION}.include-generated: must be true or false")
    line_length = _line_length(section, tool, path)
    try:
        max_size = parse_size(section.get("max-file-size", DEFAULT_MAX_FILE_SIZE))
    except ValueError as exc:
        raise ConfigError(f"{path}: tool.{SECTION}.max-file-size: {exc}") from None
    exclude = section.get("exclude")
    return Settings(
        path=path,
        rules=(path.parent / rules) if rules else None,
        exclude=tuple(exclude) if exclude is not None else None,
        extend_exclude=tuple(section.get("extend-exclude", ())),
        select=tuple(section.get("select", ())),
        extend_select=tuple(section.get("extend-select", ())),
        ignore=tuple(section.get("ignore", ())),
        per_file_ignores=_per_file_ignores(section, path),
        line_length=line_length,
        include_generated=generated,
        unserved_clients=_unserved(section, path),
        max_file_size=max_size,
    )


UNSERVED_CHOICES: tuple[UnservedClients, ...] = ("keep", "split")


def _check_codes(selectors: Sequence[str], path: Path, key: str) -> None:
    for selector in selectors:
        if not codes.known_selector(selector):
            raise ConfigError(
                f"{path}: tool.{SECTION}.{key}: unknown code or prefix {selector!r}"
                " (`lumyx-migrate rules` lists the codes)"
            )


def _per_file_ignores(section: dict[str, Any], path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`per-file-ignores = { "tests/**" = ["LMX5"] }`: codes not reported in matching files."""
    table = section.get("per-file-ignores", {})
    where = f"tool.{SECTION}.per-file-ignores"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where}: must be a table of pattern = [codes]")
    out = []
    for pattern, selectors in table.items():
        if not (isinstance(selectors, list) and all(isinstance(v, str) for v in selectors)):
            raise ConfigError(f"{path}: {where}.{pattern}: must be a list of codes")
        _check_codes(selectors, path, f"per-file-ignores.{pattern}")
        out.append((pattern, split_codes(selectors)))
    return tuple(out)


def _unserved(section: dict[str, Any], path: Path) -> UnservedClients:
    """What to do with a client some of whose calls the provider does not serve."""
    value = section.get("unserved-clients", "keep")
    if value == "keep" or value == "split":
        return value  # type: ignore[no-any-return]
    raise ConfigError(f"{path}: tool.{SECTION}.unserved-clients: must be one of keep, split, got {value!r}")


def _line_length(section: dict[str, Any], tool: Any, path: Path) -> int:
    candidates = [(f"tool.{SECTION}.line-length", section.get("line-length"))]
    if isinstance(tool, dict):
        for name in ("ruff", "black"):
            other = tool.get(name)
            if isinstance(other, dict):
                candidates.append((f"tool.{name}.line-length", other.get("line-length")))
    for where, value in candidates:
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 20:
            raise ConfigError(f"{path}: {where}: must be an integer of at least 20")
        return value
    return DEFAULT_LINE_LENGTH


@dataclass(frozen=True)
class Flags:
    """What the command line said, named as the click options are; None where it said nothing."""

    paths: tuple[str, ...] = ()
    rules_path: Path | None = None
    config: Path | None = None
    exclude: tuple[str, ...] = ()
    no_gitignore: bool = False
    force_exclude: bool = False
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore_codes: tuple[str, ...] = ()
    jobs: int | None = None
    include_generated: bool | None = None
    unserved_clients: UnservedClients | None = None
    line_length: int | None = None
    max_file_size: str | None = None
    stdin_filename: str | None = None
    show_settings: bool = False
    show_files: bool = False
    color: ColorMode = "auto"
    quiet: bool = False
    verbose: bool = False


@dataclass(frozen=True)
class Run:
    """A command's resolved inputs: settings merged with the command line."""

    paths: tuple[str, ...]
    rules: Rules
    settings: Settings
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    gitignore: bool
    jobs: int | None
    line_length: int
    include_generated: bool
    unserved_clients: UnservedClients
    color: ColorMode
    quiet: bool
    verbose: bool
    max_file_size: int | None = DEFAULT_MAX_FILE_SIZE  # candidate files above it are skipped
    flags: Flags = Flags()  # kept to merge them with another file's settings (`for_settings`)

    def for_settings(self, settings: Settings) -> Run:
        """The run for files that another `[tool.lumyx-migrate]` table governs."""
        return self if settings == self.settings else merge(self.flags, settings)


def split_codes(values: Sequence[str]) -> tuple[str, ...]:
    """Comma-separated selectors, possibly repeated, as one upper-case tuple."""
    return tuple(v.strip().upper() for value in values for v in value.split(",") if v.strip())


def base_settings(flags: Flags) -> Settings:
    """`--config FILE`, else the settings nearest the first path (the stdin file's for `-`)."""
    if flags.config is not None:
        if not flags.config.is_file():
            raise ConfigError(f"--config: no such file: {flags.config}")
        return read_settings(flags.config)
    paths = flags.paths or (".",)
    first = flags.stdin_filename if paths[0] == "-" and flags.stdin_filename else paths[0]
    return load_settings(Path("." if first == "-" else first))


def resolve_run(flags: Flags) -> Run:
    """Merge the project's settings with the flags; raises `ConfigError` or `RulesError`."""
    return merge(flags, base_settings(flags))


def merge(flags: Flags, settings: Settings) -> Run:
    """`settings` with the command line over them; raises `ConfigError` or `RulesError`."""
    paths = flags.paths or (".",)
    select = split_codes(flags.select) or split_codes(settings.select)
    if select:  # an empty select is every code: extending it changes nothing
        select = (*select, *split_codes(settings.extend_select), *split_codes(flags.extend_select))
    # As in ruff, a --select on the command line starts afresh: the file's ignore no longer applies.
    ignore = split_codes(flags.ignore_codes) or (() if flags.select else split_codes(settings.ignore))
    for selector in (*split_codes(flags.select), *split_codes(flags.ignore_codes)):
        if not codes.known_selector(selector):
            raise ConfigError(f"unknown code or prefix {selector!r} in --select/--ignore (see `lumyx-migrate rules`)")
    for selector in split_codes(flags.extend_select):
        if not codes.known_selector(selector):
            raise ConfigError(f"unknown code or prefix {selector!r} in --extend-select (see `lumyx-migrate rules`)")
    generated = flags.include_generated
    try:
        max_size = settings.max_file_size if flags.max_file_size is None else parse_size(flags.max_file_size)
    except ValueError as exc:
        raise ConfigError(f"--max-file-size: {exc}") from None
    return Run(
        paths=paths,
        rules=load_rules(flags.rules_path or settings.rules),
        settings=settings,
        select=select,
        ignore=ignore,
        exclude=settings.exclude or (),
        extend_exclude=(*settings.extend_exclude, *flags.exclude),
        gitignore=not flags.no_gitignore,
        jobs=flags.jobs,
        line_length=flags.line_length or settings.line_length,
        include_generated=bool(generated if generated is not None else settings.include_generated),
        unserved_clients=flags.unserved_clients or settings.unserved_clients,
        color=flags.color,
        quiet=flags.quiet,
        verbose=flags.verbose,
        max_file_size=max_size,
        flags=flags,
    )


def project_rules(rules_path: Path | None) -> Rules:
    """The rules a command run here would use: --rules, else the project's pyproject setting.

    Raises `ConfigError` or `RulesError`."""
    return load_rules(rules_path or load_settings(Path(".")).rules)
