"""Where output goes and whether it is coloured. rich is imported only for a terminal.

Diffs and check output go to stdout, messages and summaries to stderr (SPEC §2). Colour follows
`--color` (auto: on a terminal or with FORCE_COLOR set, never with NO_COLOR set); a progress bar shows only on an
interactive stderr, never in CI or with --quiet.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, Literal

ColorMode = Literal["auto", "always", "never"]
COLOR_MODES: tuple[ColorMode, ...] = ("auto", "always", "never")  # `--color`'s choices


def use_color(mode: ColorMode, stream: IO[str]) -> bool:
    """`--color` wins; in auto, a set NO_COLOR turns colour off, then a set FORCE_COLOR on
    (CI logs that render ANSI), else colour only on a terminal."""
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def write(text: str, stream: IO[str], *, style: str | None = None, color: bool = False) -> None:
    """Write `text` as is; with colour, the whole text in `style` (a rich style name)."""
    if not text:
        return
    if color and style:
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
        console.print(Text(text.rstrip("\n"), style=style))
        return
    stream.write(text)
    stream.flush()


def write_diff(diff: str, stream: IO[str], *, color: bool) -> None:
    """A unified diff, byte for byte when plain; red/green/cyan per line with colour."""
    if not color:
        stream.write(diff)
        stream.flush()
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
    for line in diff.splitlines():
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        console.print(Text(line, style=style))


def write_diff_bytes(diff: bytes, stream: IO[str]) -> None:
    """A plain diff as the bytes it is made of (file encoding, BOM, CRs), so `git apply` gets
    them back; through the text layer only for a stream without one (e.g. io.StringIO)."""
    if not diff:
        return
    stream.flush()  # whatever was written as text goes first
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(diff.decode("utf-8", "surrogateescape"))
        stream.flush()
        return
    buffer.write(diff)
    buffer.flush()


def show_progress(quiet: bool, stream: IO[str] = sys.stderr) -> bool:
    return not quiet and not os.environ.get("CI") and _isatty(stream)


@contextmanager
def progress_bar(
    total: int, enabled: bool, label: str, *, delay: float = 1.0
) -> Iterator[Callable[[int], None] | None]:
    """A transient rich progress bar on stderr; yields an `advance(n)` callback or None.

    The bar appears only once the run has taken `delay` seconds: a quick run prints nothing,
    and rich is not even imported for it. It is drawn on stderr, so stdout stays a clean diff.
    """
    if not enabled or total < 1:
        yield None
        return
    from time import monotonic

    started = monotonic()
    done = 0
    bar: Any = None  # the rich Progress, once shown
    task: Any = None

    def advance(n: int) -> None:
        nonlocal done, bar, task
        done += n
        if bar is None:
            if monotonic() - started < delay:
                return
            bar, task = _start_bar(total, label)
        bar.update(task, completed=done)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()


def _start_bar(total: int, label: str) -> tuple[Any, Any]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=Console(file=sys.stderr, force_terminal=True),  # shown only when stderr is a tty
    )
    progress.start()
    return progress, progress.add_task(label, total=total)


def confirm(question: str) -> bool:
    """Ask once on the terminal; anything but y/yes is a no."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (EOFError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")
