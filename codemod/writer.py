"""Replace source files so that a crash, a kill or a concurrent edit never costs the user code.

Every write goes to a temp file in the same folder and is renamed over the original, so a file
is always either its old or its new version; a file that changed since it was read, a symlink
or anything but a regular file is refused. Temp files carry a recognisable name so that the
walk never takes them for sources and the next run can remove what a killed run left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

TEMP_SUFFIX = ".lumyx-tmp"

# `.{name}.{12 hex digits}.lumyx-tmp`: strict, so that no file of the user's can be taken for ours.
_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{12}" + re.escape(TEMP_SUFFIX), re.DOTALL)
_MAX_PREFIX_BYTES = 200  # leaves room for the random part and suffix under NAME_MAX (255)


class WriteError(Exception):
    """A file was not written. `str()` is one line naming the file; the file is untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def digest(data: bytes) -> str:
    """The SHA-256 of `data` in hex: what `write_atomic` compares the file on disk against."""
    import hashlib  # imported here: discovery imports this module, and `check` never writes

    return hashlib.sha256(data).hexdigest()


def is_temp_name(name: str) -> bool:
    """Whether a file name is one of `write_atomic`'s temp files."""
    return _TEMP_NAME.fullmatch(name) is not None


def _temp_prefix(name: str) -> str:
    prefix = f".{name}"
    while len(os.fsencode(prefix)) > _MAX_PREFIX_BYTES:
        prefix = prefix[:-1]
    return prefix + "."


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _check_target(path: Path) -> os.stat_result:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise WriteError(path, "no longer exists; not written") from None
    except OSError as exc:
        raise WriteError(path, f"cannot stat: {_one_line(exc)}") from None
    if stat.S_ISLNK(st.st_mode):
        raise WriteError(path, "is a symlink; not replaced")
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(path, "is not a regular file; not written")
    return st


def _current_digest(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return digest(handle.read())
    except OSError as exc:
        raise WriteError(path, f"cannot read back before replacing: {_one_line(exc)}") from None


def _create_temp(directory: Path, name: str, pending: list[Path]) -> int:
    """Create a new temp file; its path goes into `pending` before the file exists, so that a
    Ctrl-C landing right after its creation still leaves the caller its name to remove."""
    import secrets  # imported here: discovery imports this module, and `check` never writes

    prefix = _temp_prefix(name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        pending.append(directory / f"{prefix}{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            return os.open(pending[-1], flags, 0o600)
        except FileExistsError:
            pending.pop()
    raise FileExistsError(f"no free temp file name in {directory}")


def _fsync_directory(directory: Path) -> None:
    # Makes the rename durable. Not every platform or file system can open or sync a folder; the
    # rename itself has happened by then, so failing here loses nothing but durability.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, expected_digest: str) -> None:
    """Replace the regular file `path` by `data` in one rename, keeping its permission bits.

    Refused with `WriteError`, the file left as it is, when the file is a symlink or not a
    regular file, or when its bytes no longer hash to `expected_digest` (the digest of what was
    read). On any failure the temp file is removed; an interrupted write leaves the old file.
    """
    path = Path(path)
    _check_target(path)  # refuse links and non-files before creating anything
    directory = path.parent
    pending: list[Path] = []  # the temp file until it is renamed
    try:
        fd = _create_temp(directory, path.name, pending)
        temp = pending[-1]
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Checked as late as possible: the window for a concurrent edit is the few calls below.
        now = _check_target(path)
        if _current_digest(path) != expected_digest:
            raise WriteError(path, "changed on disk since it was read; not overwritten")
        if hasattr(os, "chown") and (now.st_uid, now.st_gid) != (os.getuid(), os.getgid()):
            # Keep the owner where we may (root, or a group we belong to); a user who cannot
            # is writing their own copy, like every editor does.
            with contextlib.suppress(OSError):
                os.chown(temp, now.st_uid, now.st_gid)
        os.chmod(temp, stat.S_IMODE(now.st_mode))  # after chown, which may clear set-id bits
        os.replace(temp, path)
        pending.clear()
    except BaseException as exc:
        for temp in pending:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        if isinstance(exc, WriteError) or not isinstance(exc, Exception):
            raise  # KeyboardInterrupt and friends pass through, after the clean-up
        raise WriteError(path, f"cannot write: {_one_line(exc)}") from exc
    _fsync_directory(directory)


def remove_stale_temps(paths: Iterable[Path]) -> list[Path]:
    """Remove the given leftover temp files (e.g. `Discovery.stale_temps`); return those removed.

    A path whose name is not one of ours, or that is not a regular file, is never removed.
    """
    removed: list[Path] = []
    for path in paths:
        if not is_temp_name(path.name):
            continue
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            os.unlink(path)
        except OSError:
            continue
        removed.append(path)
    return sorted(removed)

