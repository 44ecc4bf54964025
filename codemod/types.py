"""Plain values shared by analysis, rewrite, runner and report: no behaviour, no I/O.

Analysis produces `Finding`s; an auto-fixable one carries a `Fix`, a plan of `Edit`s at exact
character offsets into the decoded source text. The rewrite module applies those plans; the
runner wraps everything about one file into a `FileResult`; reports only read these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class EditKind(str, Enum):
    """How an edit changes the text between `start` and `end`."""

    REPLACE = "replace"  # replace text[start:end] by `text`
    INSERT = "insert"  # insert `text` at `start` (== end)
    CALL_ARGS = "call_args"  # text[start:end] is a call: add keyword arguments (libcst)


@dataclass(frozen=True)
class ArgChange:
    """A keyword argument to add to a call (values already present are replaced by REPLACE)."""

    name: str
    value: str  # Python source of the new value


@dataclass(frozen=True)
class Edit:
    """One step of a fix plan, at character offsets into the decoded text."""

    kind: EditKind
    start: int
    end: int
    text: str = ""
    args: tuple[ArgChange, ...] = ()


@dataclass(frozen=True)
class Fix:
    """An auto-fix: what it does (for humans) and the edits that do it."""

    title: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    """One thing the tool saw. Line and column are 1-based; columns count characters."""

    code: str
    message: str
    line: int
    col: int
    end_line: int
    end_col: int
    fix: Fix | None = None
    cell: int | None = None  # in a notebook: the 1-based cell the line and columns count in

    @property
    def fixable(self) -> bool:
        return self.fix is not None


@dataclass(frozen=True)
class FileResult:
    """Everything the runner learned about one file. Errors are values, never exceptions.

    `path` is the path as the user would type it (relative to the working directory when
    possible). `new_text` is set only when the fixes changed the file; `old_text` with it, so
    the report module can print a diff. `error` is a one-line message for a file that could
    not be processed (its findings then hold an LMX900/LMX901 finding); `internal_error` marks
    a bug of the tool (e.g. a rewrite whose output did not parse): exit code 2.
    """

    path: str
    findings: tuple[Finding, ...] = ()
    old_text: str | None = None
    new_text: str | None = None
    error: str | None = None
    internal_error: bool = False
    skipped: str | None = None  # why the file was not analysed (e.g. "generated"), or None
    # A module or notebook that reads the provider's key variable once migrated (it names it
    # already, or a fix points a client at the provider): the run then checks the project's
    # environment templates and deployment files for that variable.
    reads_provider_env: bool = False
    # For apply: what is needed to write safely, filled by the runner.
    encoding: str = "utf-8"
    old_digest: str = ""
    new_bytes: bytes | None = field(default=None, repr=False)
    # What the file tells the project view (`analysis.summary.Summary`); typed loosely so that
    # these plain values import nothing of the analysis.
    summary: object = field(default=None, repr=False, compare=False)
    # A module the prefilter skipped whose bytes hold a connector word (`source.connector_words`):
    # read again once the candidates' exports are known (`codemod.pool`).
    connector: bool = field(default=False, repr=False, compare=False)

    @property
    def changed(self) -> bool:
        return self.new_text is not None and self.new_text != self.old_text
