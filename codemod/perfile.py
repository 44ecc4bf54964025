"""Settings per file, as ruff applies them: each file takes the `[tool.lumyx-migrate]` table
nearest to it (looked up once per folder), its patterns relative to that table's folder.

One scan still covers every file of the run, so the project view sees them all: the options
sent to the workers carry every table's options by folder (`Options.variants`) and each file
picks its own. Limits: the walk prunes with the excludes of the first path's table (and the
default excludes unless that table replaces them); a deeper table's excludes are applied to the
files found, after the walk; the project view decides clients with the first table's rules.
"""

from __future__ import annotations

import os
from pathlib import Path

from codemod.gitignore import IgnoreFile, matches_path
from codemod.options import Options
from codemod.settings import Run, Settings, find_pyproject, read_settings


class PerFile:
    """The run of each file, from the run of the first path (or of `--config`)."""

    def __init__(self, base: Run) -> None:
        self.base = base
        self._folders: dict[str, Path | None] = {}
        self._runs: dict[Path | None, Run] = {base.settings.path: base}

    def settings_path(self, file: str) -> Path | None:
        if self.base.flags.config is not None:
            return self.base.settings.path
        folder = os.path.dirname(file)
        if folder not in self._folders:
            self._folders[folder] = find_pyproject(Path(folder))
        return self._folders[folder]

    def run_for(self, file: str) -> Run:
        """Raises `ConfigError` or `RulesError` for a table that cannot be used."""
        path = self.settings_path(file)
        if path not in self._runs:
            self._runs[path] = self.base.for_settings(read_settings(path) if path is not None else Settings())
        return self._runs[path]

    def excluded(self, file: str) -> bool:
        """Whether the file's own table excludes it (patterns relative to the table's folder)."""
        run_ = self.run_for(file)
        where = run_.settings.path
        patterns = [*(run_.settings.exclude or ()), *run_.settings.extend_exclude]
        if where is None or not patterns or run_ is self.base:
            return False
        folder = os.path.join(os.path.abspath(where.parent), "")
        if not file.startswith(folder):
            return False
        return matches_path(IgnoreFile(patterns), file[len(folder) :].replace(os.sep, "/"))

    def options(self, *, fix: bool) -> Options:
        """The options of the first table, carrying every other table's by folder."""
        variants = sorted(
            ((_folder(run_), options_of(run_, fix=fix)) for run_ in self._runs.values()),
            key=lambda pair: (-len(pair[0]), pair[0]),
        )
        base = options_of(self.base, fix=fix)
        if len(variants) == 1 and variants[0][0] == base.folder:
            return base
        return _with_variants(base, tuple(variants))

    def runs(self) -> list[Run]:
        return list(self._runs.values())


def _with_variants(base: Options, variants: tuple[tuple[str, Options], ...]) -> Options:
    import dataclasses

    return dataclasses.replace(base, variants=variants)


def _folder(run_: Run) -> str:
    where = run_.settings.path
    return "" if where is None else os.path.join(os.path.abspath(where.parent), "")


def options_of(run_: Run, *, fix: bool) -> Options:
    return Options(
        rules=run_.rules,
        fix=fix,
        select=run_.select,
        ignore=run_.ignore,
        line_length=run_.line_length,
        include_generated=run_.include_generated,
        split_clients=run_.unserved_clients == "split",
        max_file_size=run_.max_file_size,
        folder=_folder(run_),
        per_file_ignores=run_.settings.per_file_ignores,
    )


def describe(run_: Run) -> str:
    """What `--show-settings` prints: the table and rules that apply, and the merged values."""
    per_file = [f"{pattern} = {','.join(found)}" for pattern, found in run_.settings.per_file_ignores]
    lines = [
        f"settings: {run_.settings.path or '(none: defaults)'}",
        f"rules: {run_.flags.rules_path or run_.settings.rules or '(built-in)'} ({run_.rules.provider.name})",
        f"select: {', '.join(run_.select) or 'ALL'}",
        f"ignore: {', '.join(run_.ignore) or '-'}",
        f"per-file-ignores: {'; '.join(per_file) or '-'}",
        f"exclude: {', '.join(run_.exclude) or '(defaults)'}",
        f"extend-exclude: {', '.join(run_.extend_exclude) or '-'}",
        f"line-length: {run_.line_length}",
        f"include-generated: {str(run_.include_generated).lower()}",
        f"unserved-clients: {run_.unserved_clients}",
        f"max-file-size: {run_.max_file_size or 'no limit'}",
        f"gitignore: {str(run_.gitignore).lower()}",
    ]
    return "\n".join(lines) + "\n"
