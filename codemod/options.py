"""What to do with each file: the options a run sends once to every worker process, and the
options of the settings table governing each file (settings per file)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from codemod.prefilter import Prefilter
from codemod.rewrite import DEFAULT_LINE_LENGTH
from codemod.rules import Rules

if TYPE_CHECKING:
    import re

    from codemod.analysis.project import ProjectView


@dataclass(frozen=True)
class Options:
    """What to do with each file; sent once to every worker process."""

    rules: Rules
    fix: bool = False  # compute the rewritten text (diff/apply), not only findings (check)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    line_length: int = DEFAULT_LINE_LENGTH
    include_generated: bool = False
    project: ProjectView | None = None  # the second look: decisions from the whole project
    split_clients: bool = False  # `unserved-clients = "split"`
    max_file_size: int | None = None  # bigger candidate modules are skipped (settings' default)
    # Phase 2 (deployment files): does the migrated project read the provider's variables?
    project_reads_lumyx: bool = False
    # Settings per file: the folder (absolute, ending in a separator) of the table these
    # options come from, its per-file-ignores, and the options of every table of the run
    # by folder, deepest first ("" last: files no table governs).
    folder: str = ""
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    variants: tuple[tuple[str, Options], ...] = ()
    file_ignore: tuple[str, ...] = ()  # per-file-ignores matching this file: never reported, whatever select says

    @cached_property
    def _memo(self) -> dict[object, Options]:
        return {}

    def for_file(self, path: str) -> Options:
        """The options of the table governing `path`, with its per-file-ignores added."""
        opts = next((o for folder, o in self.variants if path.startswith(folder)), self)
        if opts is not self and (opts.project, opts.project_reads_lumyx) != (self.project, self.project_reads_lumyx):
            key = (opts.folder, id(self.project), self.project_reads_lumyx)
            if key not in self._memo:
                self._memo[key] = dataclasses.replace(opts, project=self.project, project_reads_lumyx=self.project_reads_lumyx)
            opts = self._memo[key]
        if not opts.per_file_ignores or not path.startswith(opts.folder):
            return opts
        from codemod.gitignore import IgnoreFile, matches_path

        rel = path[len(opts.folder) :].replace("\\", "/")
        extra = tuple(c for pattern, found in opts.per_file_ignores if matches_path(IgnoreFile([pattern]), rel) for c in found)
        if not extra:
            return opts
        if extra not in opts._memo:
            opts._memo[extra] = dataclasses.replace(opts, file_ignore=extra, per_file_ignores=())
        return opts._memo[extra]

    @cached_property
    def prefilter(self) -> Prefilter:
        """Built from the rules once per process, not once per file."""
        return Prefilter.from_rules(self.rules)

    @cached_property
    def deploy_trigger(self) -> re.Pattern[bytes]:
        from codemod.deploy.files import trigger

        return trigger(self.rules)
