"""Package data read without importlib.resources when the package is a folder, and through it
when the package is inside a zip file."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from codemod import pkgdata


def test_a_folder_package_is_read_from_its_folder() -> None:
    here = Path(__file__).resolve().parents[1]
    assert pkgdata.read_text("codemod.codes", "index.toml") == (here / "codemod/codes/index.toml").read_text("utf-8")
    # (the shipped rules, `codemod.rules_data`, exist as a package in an installed wheel only:
    # tests/test_wheel.py runs the tool from one)


def test_a_nested_name_is_read() -> None:
    assert pkgdata.read_text("codemod.codes", "pages/LMX101.md").startswith("#")


def test_a_missing_file_raises_file_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        pkgdata.read_text("codemod.codes", "no-such-file.toml")


def test_a_package_inside_a_zip_is_read_through_importlib_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped_data_pkg/__init__.py", "")
        bundle.writestr("zipped_data_pkg/data/hello.txt", "hello from a zip\n")
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zipped_data_pkg", raising=False)
    assert pkgdata.read_text("zipped_data_pkg", "data/hello.txt") == "hello from a zip\n"
