"""A write either replaces the file whole, keeping its mode, or leaves it exactly as it was."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.discover import discover
from codemod.writer import (
    TEMP_SUFFIX,
    WriteError,
    digest,
    is_temp_name,
    remove_stale_temps,
    write_atomic,
)

OLD = b"import openai\r\nclient = openai.OpenAI()\r\n"
NEW = b"import os\r\nimport openai\r\nclient = openai.OpenAI(api_key=os.environ['K'])\r\n"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(TEMP_SUFFIX))


def make(tmp_path: Path, data: bytes = OLD, mode: int = 0o644) -> Path:
    path = tmp_path / "app.py"
    path.write_bytes(data)
    path.chmod(mode)
    return path


def test_digest_is_sha256_hex() -> None:
    assert digest(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param(0o644, id="rw-r--r--"),
        pytest.param(0o755, id="executable"),
        pytest.param(0o600, id="private"),
        pytest.param(0o444, id="read-only"),
        pytest.param(0o2755, id="setgid"),
    ],
)
def test_write_replaces_content_and_keeps_mode(tmp_path: Path, mode: int) -> None:
    path = make(tmp_path, mode=mode)
    inode = path.stat().st_ino
    write_atomic(path, NEW, expected_digest=digest(OLD))
    assert path.read_bytes() == NEW
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.stat().st_ino != inode  # renamed over, not written in place
    assert leftovers(tmp_path) == []


def test_bytes_are_written_verbatim(tmp_path: Path) -> None:
    data = "\ufeff# -*- coding: latin-1 -*-\r\nx = 'é'\r\ny = 1".encode("latin-1", "replace")
    path = make(tmp_path)
    write_atomic(path, data, expected_digest=digest(OLD))
    assert path.read_bytes() == data


def test_changed_on_disk_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = make(tmp_path)
    expected = digest(OLD)
    path.write_bytes(b"# edited by the user meanwhile\n")
    with pytest.raises(WriteError, match="changed on disk since it was read; not overwritten"):
        write_atomic(path, NEW, expected_digest=expected)
    assert path.read_bytes() == b"# edited by the user meanwhile\n"
    assert leftovers(tmp_path) == []


def test_change_between_temp_and_rename_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest is compared after the temp is written, right before the rename."""
    path = make(tmp_path)
    real_fsync = os.fsync

    def fsync_then_user_edits(fd: int) -> None:
        real_fsync(fd)
        path.write_bytes(b"# saved by the editor\n")

    monkeypatch.setattr("codemod.writer.os.fsync", fsync_then_user_edits)
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert path.read_bytes() == b"# saved by the editor\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param("symlink", "is a symlink; not replaced", id="symlink"),
        pytest.param("dangling", "is a symlink; not replaced", id="broken-symlink"),
        pytest.param("missing", "no longer exists; not written", id="deleted"),
        pytest.param("directory", "is not a regular file; not written", id="directory"),
        pytest.param("fifo", "is not a regular file; not written", id="fifo"),
    ],
)
def test_refused_targets(tmp_path: Path, setup: str, message: str) -> None:
    target = make(tmp_path)
    path = tmp_path / "x.py"
    if setup == "symlink":
        path.symlink_to(target)
    elif setup == "dangling":
        path.symlink_to(tmp_path / "gone.py")
    elif setup == "directory":
        path.mkdir()
    elif setup == "fifo":
        os.mkfifo(path)
    with pytest.raises(WriteError) as info:
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert str(info.value) == f"{path}: {message}"
    assert info.value.path == path
    assert "\n" not in str(info.value)
    assert target.read_bytes() == OLD
    if setup == "symlink":
        assert path.is_symlink()
    assert leftovers(tmp_path) == []


def test_failed_rename_removes_temp_and_keeps_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("codemod.writer.os.replace", broken_replace)
    with pytest.raises(WriteError) as info:
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert str(info.value) == f"{path}: cannot write: No space left on device"
    assert path.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_interrupt_removes_temp_and_propagates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path)

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("codemod.writer.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert path.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_unwritable_folder_is_a_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path)

    def no_create(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("codemod.writer.os.open", no_create)
    with pytest.raises(WriteError, match=r"cannot write: Permission denied$"):
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert path.read_bytes() == OLD


def test_temp_file_is_in_the_same_folder_and_recognisable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path)
    seen: list[str] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append(str(src))
        real_replace(src, dst)

    monkeypatch.setattr("codemod.writer.os.replace", spy)
    write_atomic(path, NEW, expected_digest=digest(OLD))
    (temp,) = seen
    assert Path(temp).parent == tmp_path
    assert Path(temp).name.startswith(".app.py.")
    assert is_temp_name(Path(temp).name)


def test_long_file_name_still_fits(tmp_path: Path) -> None:
    path = tmp_path / ("m" * 250 + ".py")
    path.write_bytes(OLD)
    write_atomic(path, NEW, expected_digest=digest(OLD))
    assert path.read_bytes() == NEW


@pytest.mark.parametrize(
    ("name", "ours"),
    [
        pytest.param(".app.py.0123456789ab.lumyx-tmp", True, id="ours"),
        pytest.param(".a b.py.ffffffffffff.lumyx-tmp", True, id="ours-with-space"),
        pytest.param("app.py.0123456789ab.lumyx-tmp", False, id="no-leading-dot"),
        pytest.param(".app.py.lumyx-tmp", False, id="no-random-part"),
        pytest.param(".app.py.0123456789AB.lumyx-tmp", False, id="uppercase-random"),
        pytest.param(".app.py.0123456789ab.lumyx-tmp.py", False, id="other-suffix"),
        pytest.param("notes.lumyx-tmp", False, id="user-file"),
    ],
)
def test_is_temp_name(name: str, ours: bool) -> None:
    assert is_temp_name(name) is ours


def clean_up_after_a_walk(root: Path) -> list[Path]:
    """What a run does with the leftovers of a killed one: the walk finds them, the writer removes."""
    return remove_stale_temps(discover([str(root)], cwd=root).stale_temps)


def test_stale_temps_found_by_the_walk_are_removed_and_only_ours(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    stale = [
        tmp_path / ".a.py.0123456789ab.lumyx-tmp",
        tmp_path / "pkg" / "sub" / ".b.py.abcdefabcdef.lumyx-tmp",
    ]
    kept = [
        tmp_path / "a.py",
        tmp_path / "notes.lumyx-tmp",
        tmp_path / ".git" / ".c.py.0123456789ab.lumyx-tmp",
    ]
    for path in stale + kept:
        path.write_bytes(b"x")
    (tmp_path / "pkg" / ".d.py.0123456789ab.lumyx-tmp").mkdir()  # a folder: not ours
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / ".e.py.0123456789ab.lumyx-tmp").write_bytes(b"x")
    (tmp_path / "linked").symlink_to(outside)

    assert clean_up_after_a_walk(tmp_path) == sorted(stale)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept)
    assert (outside / ".e.py.0123456789ab.lumyx-tmp").exists()
    assert clean_up_after_a_walk(tmp_path) == []


def test_remove_stale_temps_never_touches_other_names(tmp_path: Path) -> None:
    ours = tmp_path / ".a.py.0123456789ab.lumyx-tmp"
    user = tmp_path / "a.py"
    ours.write_bytes(b"x")
    user.write_bytes(b"x")
    link = tmp_path / ".l.py.0123456789ab.lumyx-tmp"
    link.symlink_to(user)
    assert remove_stale_temps([user, ours, link, tmp_path / ".g.py.0123456789ab.lumyx-tmp"]) == [
        ours
    ]
    assert user.exists()
    assert link.is_symlink()


KILLED_WRITER = """
import sys, time
from pathlib import Path
from codemod import writer

def stall(src, dst):
    print("temp written", flush=True)
    time.sleep(60)

writer.os.replace = stall
path = Path(sys.argv[1])
writer.write_atomic(path, b"new", expected_digest=writer.digest(path.read_bytes()))
"""


def test_sigkill_mid_write_leaves_old_file_and_a_cleanable_temp(tmp_path: Path) -> None:
    path = make(tmp_path)
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == b"temp written\n"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert path.read_bytes() == OLD
    (temp,) = leftovers(tmp_path)
    assert (tmp_path / temp).read_bytes() == b"new"
    assert clean_up_after_a_walk(tmp_path) == [tmp_path / temp]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        pytest.param(OSError(28, "No space left on device"), "No space left on device",
                     id="an OSError gives its strerror"),
        pytest.param(OSError("quota exceeded\n  on /home"), "quota exceeded on /home",
                     id="an OSError without strerror gives its text on one line"),
        pytest.param(ValueError("embedded\nnull byte"), "embedded null byte",
                     id="any other error gives its text on one line"),
        pytest.param(RuntimeError(), "RuntimeError", id="an error without text gives its type"),
    ],
)  # fmt: skip
def test_write_error_reason_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, reason: str
) -> None:
    path = make(tmp_path)

    def broken_replace(src: object, dst: object) -> None:
        raise error

    monkeypatch.setattr("codemod.writer.os.replace", broken_replace)
    with pytest.raises(WriteError) as info:
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert str(info.value) == f"{path}: cannot write: {reason}"
    assert info.value.__cause__ is error
    assert path.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_target_that_cannot_be_stat_ed_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path)

    def no_stat(target: object) -> os.stat_result:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("codemod.writer.os.lstat", no_stat)
    with pytest.raises(WriteError) as info:
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert str(info.value) == f"{path}: cannot stat: Permission denied"
    assert path.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_target_that_cannot_be_read_back_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest check reads the file again right before the rename; failing that, no rename."""
    path = make(tmp_path)

    def no_read(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("codemod.writer.open", no_read, raising=False)
    with pytest.raises(WriteError) as info:
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert str(info.value) == f"{path}: cannot read back before replacing: Permission denied"
    assert path.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_no_free_temp_name_after_a_hundred_tries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path)
    taken = tmp_path / f".app.py.0123456789ab{TEMP_SUFFIX}"
    taken.write_bytes(b"someone else's")
    monkeypatch.setattr("secrets.token_hex", lambda n: "0123456789ab")
    with pytest.raises(WriteError) as info:
        write_atomic(path, NEW, expected_digest=digest(OLD))
    assert str(info.value) == f"{path}: cannot write: no free temp file name in {tmp_path}"
    assert path.read_bytes() == OLD
    assert taken.read_bytes() == b"someone else's"


@pytest.mark.parametrize(
    "failing",
    [
        pytest.param("open", id="folder cannot be opened"),
        pytest.param("fsync", id="folder cannot be synced"),
    ],
)
def test_folder_sync_failure_after_the_rename_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = make(tmp_path)
    real_open, real_fsync = os.open, os.fsync
    refused: list[str] = []

    def open_(target: object, flags: int, *args: object) -> int:
        if failing == "open" and Path(str(target)) == tmp_path:
            refused.append("open")
            raise PermissionError(13, "Permission denied")
        return real_open(target, flags, *args)  # type: ignore[arg-type]

    def fsync(fd: int) -> None:
        if failing == "fsync" and stat.S_ISDIR(os.fstat(fd).st_mode):
            refused.append("fsync")
            raise OSError(22, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr("codemod.writer.os.open", open_)
    monkeypatch.setattr("codemod.writer.os.fsync", fsync)
    write_atomic(path, NEW, expected_digest=digest(OLD))
    assert refused == [failing]
    assert path.read_bytes() == NEW
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root gives files away")
def test_root_keeps_the_owner_of_a_file_it_rewrites(tmp_path: Path) -> None:
    path = make(tmp_path, mode=0o640)
    os.chown(path, 4321, 4322)
    write_atomic(path, NEW, expected_digest=digest(OLD))
    st = os.stat(path)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4321, 4322, 0o640)
    assert path.read_bytes() == NEW
