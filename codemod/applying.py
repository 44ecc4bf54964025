"""`apply`: the diff, what needs a person, one question on a terminal, the writes, and a
summary that counts only the files really written."""

from __future__ import annotations

import dataclasses
import os
import sys

from codemod import session
from codemod.report import console
from codemod.report.common import plural
from codemod.session import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    Outcome,
    interruptible_writes,
    start,
)
from codemod.session import error as session_error
from codemod.settings import Flags, Run

NO_UNDO = "lumyx-migrate: warning: not in a git repository: nothing can undo this rewrite; keep a copy first"


@interruptible_writes
def apply(flags: Flags, *, yes: bool, allow_dirty: bool) -> int:
    """Print the diff and what needs a person, ask once on a terminal, write, say what is left."""
    if "-" in flags.paths:
        return session_error("apply does not read stdin: use `diff -`, which prints the change")
    started = start(flags, fix=True)
    if isinstance(started, int):
        return started
    run_, outcome = started
    return apply_outcome(outcome, run_, yes=yes, allow_dirty=allow_dirty)


def _ask(question: str) -> bool | None:
    """Once on the terminal: anything but y/yes is a no; None on Ctrl-C."""
    try:
        console.write(f"{question} [y/N] ", sys.stderr)
        return sys.stdin.readline().strip().lower() in ("y", "yes")
    except KeyboardInterrupt:
        return None


def apply_outcome(outcome: Outcome, run_: Run, *, yes: bool, allow_dirty: bool) -> int:
    """Write the changes of a scan (unless a file holds the user's own uncommitted work)."""
    from codemod.writer import remove_stale_temps

    if outcome.internal_errors:
        session.print_diffs(outcome, run_)
        console.write("lumyx-migrate: internal errors above; nothing was written\n", sys.stderr)
        return EXIT_ERROR
    for temp in remove_stale_temps(outcome.stale_temps):
        console.write(f"{temp}: removed a temporary file left by an interrupted run\n", sys.stderr)
    changed = outcome.changed
    if changed and not allow_dirty:
        refused = _refuse_dirty(outcome)
        if refused is not None:
            return refused
    session.print_diffs(outcome, run_)
    asking = bool(changed) and not yes and sys.stdin.isatty()
    if changed and not _in_git(outcome):
        console.write(NO_UNDO + "\n", sys.stderr)
    if asking:
        session.print_needs_person(outcome, run_, summary=False)  # seen before the answer, with the diff
        answer = _ask(f"Rewrite {plural(len(changed), 'file')}?")
        if answer is None:
            console.write("\nlumyx-migrate: interrupted; nothing written\n", sys.stderr)
            return EXIT_INTERRUPTED
        if not answer:
            console.write("Nothing written.\n", sys.stderr)
            return EXIT_FAILED
    return _write(outcome, run_, listed=not asking)


def _write(outcome: Outcome, run_: Run, *, listed: bool) -> int:
    from codemod.writer import WriteError, write_atomic
    from codemod.written import as_written

    changed = outcome.changed
    written = []
    for result in changed:
        assert result.new_bytes is not None
        try:
            write_atomic(outcome.absolute[result.path], result.new_bytes, expected_digest=result.old_digest)
        except WriteError as exc:
            console.write(f"{result.path}: {exc.reason}\n", sys.stderr)
        else:
            written.append(result)
    failed = len(changed) - len(written)
    now = dataclasses.replace(outcome, results=as_written(outcome.results, outcome.absolute, run_, written))
    left = session.print_needs_person(now, run_, applied=True, rewritten=len(written), not_written=failed, listed=listed)
    if failed or outcome.file_errors or left:
        return EXIT_FAILED
    return 0


def _in_git(outcome: Outcome) -> bool:
    from codemod.gitstate import repo_root

    cache: dict[str, str | None] = {}
    return all(repo_root(os.path.dirname(os.path.abspath(outcome.absolute[r.path])), cache) is not None for r in outcome.changed)
def _refuse_dirty(outcome: Outcome) -> int | None:
    """Exit 2, saying why, when a file to rewrite has uncommitted changes; else None."""
    from codemod.gitstate import GitStateError, dirty_files

    changed = outcome.changed
    targets = [outcome.absolute[r.path] for r in changed]
    try:
        dirty = dirty_files(targets) or set()
    except GitStateError as exc:
        return session_error(str(exc))
    resolved = {d.resolve() for d in dirty}
    refused = sorted(r.path for r in changed if outcome.absolute[r.path].resolve() in resolved)
    if not refused:
        return None
    names = ", ".join(refused[:10]) + (f" and {len(refused) - 10} more" if len(refused) > 10 else "")
    return session_error(
        f"uncommitted changes in {names}; commit or stash them so the rewrite can be reviewed "
        "and undone with git, or pass --allow-dirty"
    )


