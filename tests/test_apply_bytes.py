"""Bytes in, bytes out: `apply` keeps encoding, BOM, line endings, a missing final newline,
tabs, permission bits and symlinks; every byte outside the changed lines stays as it was."""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main

KEY = b'api_key=os.environ["LUMYX_API_KEY"],'
BASE = b'base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),'


# The SDK client without the blank organization/project arguments: these cases are about the
# bytes around the change, which the blanks (tested in test_detector_placement.py) only lengthen.
NO_BLANKS = """[[clients]]
id = "openai"
module = "openai"
names = ["OpenAI", "AsyncOpenAI", "Client", "AsyncClient"]
api_key_args = ["api_key"]
base_url_args = ["base_url"]
"""


def apply(root: Path, *paths: str) -> tuple[int, str]:
    old = Path.cwd()
    rules = root.parent / f"{root.name}-rules.toml"
    rules.write_text(NO_BLANKS)
    os.chdir(root)
    try:
        args = ["apply", "--yes", "-q", "--jobs", "1", "--rules", str(rules), *(paths or ["."])]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stderr


def changed_old_lines(old: bytes, new: bytes) -> set[int]:
    """1-based numbers of the lines of `old` that are not found unchanged, in order, in `new`.
    Lines keep their endings, so a CRLF turned into LF counts as a change."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return {i + 1 for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal" for i in range(i1, i2)}


CASES = [
    pytest.param(
        b'# -*- coding: latin-1 -*-\n"""Caf\xe9 client."""\nfrom openai import OpenAI\n\n'
        b'GREETING = "d\xe9j\xe0 vu"  # \xa9\nclient = OpenAI(timeout=5)\n',
        b'# -*- coding: latin-1 -*-\n"""Caf\xe9 client."""\nimport os\n\nfrom openai import OpenAI\n\n'
        b'GREETING = "d\xe9j\xe0 vu"  # \xa9\nclient = OpenAI(\n    timeout=5,\n    ' + KEY + b"\n    " + BASE + b"\n)\n",
        {6},
        id="latin-1 cookie: non-ASCII bytes stay latin-1",
    ),
    pytest.param(
        b"\xef\xbb\xbffrom openai import OpenAI\n\nclient = OpenAI()\n",
        b"\xef\xbb\xbfimport os\n\nfrom openai import OpenAI\n\nclient = OpenAI(\n    " + KEY + b"\n    " + BASE + b"\n)\n",
        {1, 3},  # line 1 is BOM + import in the old file: the BOM moves in front of `import os`
        id="UTF-8 BOM stays first",
    ),
    pytest.param(
        b"from openai import OpenAI\r\n\r\nclient = OpenAI(\r\n    timeout=5,  # seconds\r\n)\r\nprint(client)\r\n",
        b"import os\r\n\r\nfrom openai import OpenAI\r\n\r\nclient = OpenAI(\r\n    timeout=5,  # seconds\r\n    "
        + KEY + b"\r\n    " + BASE + b"\r\n)\r\nprint(client)\r\n",
        set(),
        id="CRLF everywhere, new lines included, comment in the call kept",
    ),
    pytest.param(
        b"from openai import OpenAI\r\nA = 1\n\nclient = OpenAI()\rB = 2\n",
        b"import os\r\n\r\nfrom openai import OpenAI\r\nA = 1\n\nclient = OpenAI(\r\n    "
        + KEY + b"\r\n    " + BASE + b"\r\n)\rB = 2\n",
        {4},
        id="mixed endings: each old one kept, new lines take the first",
    ),
    pytest.param(
        b"from openai import OpenAI\n\nclient = OpenAI()",
        b"import os\n\nfrom openai import OpenAI\n\nclient = OpenAI(\n    " + KEY + b"\n    " + BASE + b"\n)",
        {3},
        id="no final newline stays without one",
    ),
    pytest.param(
        b"from openai import OpenAI\n\n\ndef make():\n\tif True:\n\t\treturn OpenAI(\n\t\t\tmax_retries=2,\n\t\t)\n\treturn None\n",
        b"import os\n\nfrom openai import OpenAI\n\n\ndef make():\n\tif True:\n\t\treturn OpenAI(\n\t\t\tmax_retries=2,\n\t\t\t"
        + KEY + b"\n\t\t\t" + BASE + b"\n\t\t)\n\treturn None\n",
        set(),
        id="tab indentation: new arguments indented with tabs",
    ),
    pytest.param(
        b"from openai import OpenAI\n\n\ndef make():\n\treturn OpenAI(max_retries=2)\n",
        b"import os\n\nfrom openai import OpenAI\n\n\ndef make():\n\treturn OpenAI(\n\t\tmax_retries=2,\n\t\t"
        + KEY + b"\n\t\t" + BASE + b"\n\t)\n",
        {5},
        id="tab indentation: a call split over lines indents with tabs",
    ),
]


@pytest.mark.parametrize(("before", "after", "changed"), CASES)
def test_apply_keeps_every_byte_it_does_not_change(tmp_path: Path, before: bytes, after: bytes, changed: set[int]) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(before)
    code, err = apply(tmp_path)
    assert code == 0, err
    assert path.read_bytes() == after
    assert changed_old_lines(before, after) == changed
    assert apply(tmp_path)[0] == 0 and path.read_bytes() == after, "a second run changed the file"


def test_changed_line_helper_sees_a_lost_carriage_return() -> None:
    """The helper above must not hide the very thing it is there to catch."""
    assert changed_old_lines(b"a\r\nb\r\n", b"a\r\nb\n") == {2}
    assert changed_old_lines(b"a\r\nb\r\n", b"x\r\na\r\nb\r\n") == set()


@pytest.mark.parametrize(
    "mode",
    [pytest.param(0o755, id="executable script"), pytest.param(0o600, id="private"), pytest.param(0o444, id="read-only")],
)
def test_apply_keeps_permission_bits(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(b"from openai import OpenAI\nclient = OpenAI()\n")
    path.chmod(mode)
    assert apply(tmp_path)[0] == 0
    assert b"LUMYX_API_KEY" in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_symlink_inside_is_an_alias_and_stays_a_link(tmp_path: Path) -> None:
    """The target is rewritten once, in place; the link is never replaced by a regular file."""
    real = tmp_path / "real.py"
    real.write_bytes(b"from openai import OpenAI\nclient = OpenAI()\n")
    (tmp_path / "alias.py").symlink_to("real.py")
    assert apply(tmp_path)[0] == 0
    assert os.readlink(tmp_path / "alias.py") == "real.py"
    assert real.read_bytes().count(b"LUMYX_API_KEY") == 1


def test_a_symlink_named_on_the_command_line_is_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    before = b"from openai import OpenAI\nclient = OpenAI()\n"
    real.write_bytes(before)
    (tmp_path / "alias.py").symlink_to("real.py")
    code, err = apply(tmp_path, "alias.py")
    assert code == 1
    assert "alias.py: is a symlink; not replaced" in err.splitlines()  # the display path, as every other line
    assert (os.readlink(tmp_path / "alias.py"), real.read_bytes()) == ("real.py", before)


def test_a_folder_link_leading_outside_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    before = b"from openai import OpenAI\nclient = OpenAI()\n"
    (outside / "lib.py").write_bytes(before)
    project = tmp_path / "project"
    project.mkdir()
    (project / "vendor").symlink_to(outside)
    code, err = apply(project)
    assert code == 1
    assert err.splitlines()[0] == "vendor: symlink leads outside the given paths; not followed"
    assert (outside / "lib.py").read_bytes() == before
    assert sorted(p.name for p in outside.iterdir()) == ["lib.py"]


def test_a_file_edited_between_scan_and_write_is_not_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user saves in an editor while `apply` shows its diff: their edit wins, and is reported."""
    from codemod import session

    path = tmp_path / "app.py"
    path.write_bytes(b"from openai import OpenAI\nclient = OpenAI()\n")
    other = tmp_path / "other.py"
    other.write_bytes(b"from openai import OpenAI\nother = OpenAI()\n")
    edited = b"from openai import OpenAI\nclient = OpenAI()  # edited meanwhile\n"
    real = session.print_diffs

    def edit_then_print(*args: object, **kwargs: object) -> None:
        path.write_bytes(edited)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(session, "print_diffs", edit_then_print)
    code, err = apply(tmp_path)
    assert code == 1
    assert "app.py: changed on disk since it was read; not overwritten" in err.splitlines()
    assert path.read_bytes() == edited
    assert b"LUMYX_API_KEY" in other.read_bytes(), "the other file is still written"
