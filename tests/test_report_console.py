"""Colour and progress only where a person watches: never on a pipe, in CI, or when quiet."""

from __future__ import annotations

import io
from typing import get_args

import pytest

from codemod.report import console


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("mode", "tty", "no_color", "expected"),
    [
        pytest.param("auto", True, False, True, id="auto on a terminal: colour"),
        pytest.param("auto", False, False, False, id="auto on a pipe: plain"),
        pytest.param("auto", True, True, False, id="NO_COLOR wins over a terminal"),
        pytest.param("always", False, True, True, id="always: colour even on a pipe"),
        pytest.param("never", True, False, False, id="never: plain even on a terminal"),
    ],
)
def test_use_color(monkeypatch: pytest.MonkeyPatch, mode: console.ColorMode, tty: bool, no_color: bool, expected: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    stream = Tty() if tty else io.StringIO()
    assert console.use_color(mode, stream) is expected


def test_color_choices_are_the_modes_the_type_allows() -> None:
    """`--color` offers exactly the states `use_color` is typed for, in the order help shows."""
    assert console.COLOR_MODES == get_args(console.ColorMode) == ("auto", "always", "never")


@pytest.mark.parametrize(
    ("quiet", "tty", "ci", "expected"),
    [
        pytest.param(False, True, False, True, id="terminal: progress"),
        pytest.param(False, False, False, False, id="pipe: none"),
        pytest.param(False, True, True, False, id="CI set: none"),
        pytest.param(True, True, False, False, id="quiet: none"),
    ],
)
def test_show_progress(monkeypatch: pytest.MonkeyPatch, quiet: bool, tty: bool, ci: bool, expected: bool) -> None:
    monkeypatch.delenv("CI", raising=False)
    if ci:
        monkeypatch.setenv("CI", "true")
    assert console.show_progress(quiet, Tty() if tty else io.StringIO()) is expected


def test_no_bar_when_disabled() -> None:
    with console.progress_bar(10_000, False, "Scanning") as advance:
        assert advance is None


def test_quick_run_shows_no_bar_and_imports_no_rich(capsys: pytest.CaptureFixture[str]) -> None:
    """Under the delay nothing is drawn, so a quick run on a terminal prints no bar at all."""
    with console.progress_bar(10, True, "Scanning", delay=60.0) as advance:
        assert advance is not None
        advance(10)
    assert capsys.readouterr() == ("", "")


def test_slow_run_draws_the_bar_on_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    """Past the delay the bar appears, on stderr: stdout (a diff piped to a file) stays clean."""
    with console.progress_bar(10, True, "Scanning", delay=0.0) as advance:
        assert advance is not None
        advance(4)
        advance(6)
    out, err = capsys.readouterr()
    assert out == ""
    assert "Scanning" in err


def test_plain_diff_is_written_byte_for_byte() -> None:
    out = io.StringIO()
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\r\n+b\r\n"
    console.write_diff(diff, out, color=False)
    assert out.getvalue() == diff


def test_coloured_diff_marks_lines() -> None:
    out = io.StringIO()
    console.write_diff("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n", out, color=True)
    text = out.getvalue()
    assert "\x1b[" in text
    assert "a" in text and "b" in text


def test_confirm_reads_one_answer(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert console.confirm("Rewrite 2 files?") is True
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert console.confirm("Rewrite 2 files?") is False
    assert "Rewrite 2 files? [y/N]" in capsys.readouterr().err


class Closed(io.StringIO):
    """A stream whose isatty raises, as a closed file's does."""

    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


@pytest.mark.parametrize(
    "stream",
    [
        pytest.param(Closed(), id="a closed stream is no terminal"),
        pytest.param(object(), id="an object without isatty is no terminal"),
    ],
)
def test_auto_colour_on_an_odd_stream_is_plain(monkeypatch: pytest.MonkeyPatch, stream: object) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert console.use_color("auto", stream) is False  # type: ignore[arg-type]


class Interrupted(io.StringIO):
    def __init__(self, error: type[BaseException]) -> None:
        super().__init__()
        self.error = error

    def readline(self, size: int | None = -1) -> str:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(EOFError, id="end of input is a no"),
        pytest.param(KeyboardInterrupt, id="Ctrl-C at the question is a no"),
    ],
)
def test_confirm_without_an_answer_is_no(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: type[BaseException]
) -> None:
    monkeypatch.setattr("sys.stdin", Interrupted(error))
    assert console.confirm("Rewrite 2 files?") is False
    assert capsys.readouterr().err == "Rewrite 2 files? [y/N] "
