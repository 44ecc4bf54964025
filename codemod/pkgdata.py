"""Data files shipped in the package (the rules, the code index and pages), read straight from
the package's folder: importing `importlib.resources` pulls in zipfile, tempfile and shutil,
which cost every run a few milliseconds (issue 11). A package that is not a plain folder (a zip
import) is still read through `importlib.resources`."""

from __future__ import annotations

import importlib
import os


def read_text(package: str, name: str) -> str:
    """`name` (a path relative to `package`'s folder, `/`-separated) as UTF-8 text; raises
    FileNotFoundError when no folder of the package holds it."""
    module = importlib.import_module(package)
    for folder in getattr(module, "__path__", ()):
        try:
            with open(os.path.join(folder, *name.split("/")), encoding="utf-8") as handle:
                return handle.read()
        except (FileNotFoundError, NotADirectoryError):
            continue
    from importlib import resources  # a package inside a zip file

    return resources.files(package).joinpath(name).read_text("utf-8")
