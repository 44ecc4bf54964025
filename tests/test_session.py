"""The glue between runner and reports: what counts as an error, what is written, exit codes."""

from __future__ import annotations

from pathlib import Path

from codemod.session import Outcome, _display
from codemod.types import FileResult, Finding

FIXABLE = Finding("LMX101", "m", 1, 1, 1, 2, fix=None)


def test_outcome_counts() -> None:
    results = [
        FileResult("a.py", old_text="x", new_text="y"),
        FileResult("b.py", error="cannot parse"),
        FileResult("c.py", error="internal error: boom", internal_error=True),
        FileResult("d.py", (FIXABLE,)),
    ]
    outcome = Outcome(results, problems=[("e.py", "broken symlink")])
    assert [r.path for r in outcome.changed] == ["a.py"]
    assert outcome.file_errors == 3, "two failed files and one discovery problem"
    assert outcome.internal_errors == 1


def test_display_is_relative_under_cwd_and_absolute_elsewhere(tmp_path: Path, monkeypatch: object) -> None:
    import os

    here = Path(os.getcwd()).resolve()
    assert _display(here / "pkg" / "a.py") == os.path.join("pkg", "a.py")
    outside = Path("/") / "definitely-elsewhere" / "b.py"
    assert _display(outside) == str(outside)
