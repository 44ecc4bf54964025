"""The docs are tests: every page's Example yields its code and its Use instead does not.

Analysis codes are checked by analysing the page's examples after the preamble its index entry
names; the file codes (LMX900/LMX901, emitted by the runner) by writing each example to a file in
the encoding the index gives and processing it as a run would; the codes of deployment and
environment files (the index gives their `example_path`) by `codemod.deploy.analyse` at that path.
"""

from __future__ import annotations

import pkgutil
from importlib import resources
from pathlib import Path

import pytest
from support import default_rules

import codemod.analysis.detectors
from codemod import codes, deploy
from codemod.analysis import analyse
from codemod.runner import Options, process_file

RUNNER = "codemod.runner"
DETECTORS = {
    f"codemod.analysis.detectors.{module.name}" for module in pkgutil.iter_modules(codemod.analysis.detectors.__path__)
}
DEPLOY = {f"codemod.deploy.{name}" for name in ("envfile", "files", "textscan", "yamlenv")}
DEPLOY_CODES = [c for c, info in codes.CODES.items() if info.example_path is not None]
ANALYSED = [
    c for c, info in codes.CODES.items() if RUNNER not in info.emitted_by and c not in DEPLOY_CODES
]
FILE_CODES = [c for c, info in codes.CODES.items() if RUNNER in info.emitted_by]


def source(code: str, section: str) -> str:
    info = codes.get(code)
    page = codes.page(code, default_rules())
    example = page.example if section == "example" else page.use_instead
    return codes.preamble(info.preamble, default_rules()) + example + "\n"


@pytest.mark.parametrize("code", [pytest.param(c, id=f"{c} example") for c in ANALYSED])
def test_the_example_yields_its_code(code: str) -> None:
    found = [f.code for f in analyse(source(code, "example"), default_rules())]
    assert code in found


@pytest.mark.parametrize("code", [pytest.param(c, id=f"{c} use instead") for c in ANALYSED])
def test_use_instead_does_not_yield_the_code(code: str) -> None:
    found = [f.code for f in analyse(source(code, "use_instead"), default_rules())]
    assert code not in found


def deploy_codes(code: str, section: str) -> list[str]:
    """The codes `deploy.analyse` finds in the page's example, saved at the index's path, in a
    project whose code reads the provider's variables."""
    info = codes.get(code)
    assert info.example_path is not None
    page = codes.page(code, default_rules())
    text = (page.example if section == "example" else page.use_instead) + "\n"
    found = deploy.analyse(info.example_path, text, default_rules(), project_reads_lumyx=True)
    assert found is not None, f"{info.example_path} is no deployment file"
    return [f.code for f in found]


@pytest.mark.parametrize("code", [pytest.param(c, id=f"{c} deploy example") for c in DEPLOY_CODES])
def test_the_deploy_example_yields_its_code(code: str) -> None:
    assert deploy_codes(code, "example") == [code]


@pytest.mark.parametrize("code", [pytest.param(c, id=f"{c} deploy use instead") for c in DEPLOY_CODES])
def test_the_deploy_use_instead_is_clean(code: str) -> None:
    assert deploy_codes(code, "use_instead") == []


def test_the_deploy_codes_are_the_three_of_issue_12() -> None:
    """The page tests above run over these; an empty list would prove nothing."""
    assert DEPLOY_CODES == ["LMX601", "LMX602", "LMX603"]


def test_use_instead_with_the_client_preamble_is_clean() -> None:
    """The call examples are written against a migrated client: the preamble yields nothing."""
    assert analyse(codes.preamble("client", default_rules()), default_rules()) == []


def write_example(tmp_path: Path, code: str, section: str) -> Path:
    info = codes.get(code)
    page = codes.page(code, default_rules())
    text = page.example if section == "example" else page.use_instead
    path = tmp_path / "m.py"
    encoding = info.example_encoding if section == "example" else _declared(text)
    path.write_bytes((text + "\n").encode(encoding))
    return path


def _declared(text: str) -> str:
    """The encoding a Use instead declares in its coding cookie (else UTF-8): it is saved so."""
    first = text.splitlines()[0] if text else ""
    return first.split("coding:")[1].split()[0] if "coding:" in first else "utf-8"


@pytest.mark.parametrize("code", [pytest.param(c, id=f"{c} example file") for c in FILE_CODES])
def test_the_example_file_yields_its_code_through_the_runner(tmp_path: Path, code: str) -> None:
    result = process_file(write_example(tmp_path, code, "example"), "m.py", Options(default_rules()))
    assert [f.code for f in result.findings] == [code]
    assert result.error is not None


@pytest.mark.parametrize("code", [pytest.param(c, id=f"{c} use instead file") for c in FILE_CODES])
def test_the_use_instead_file_is_processed(tmp_path: Path, code: str) -> None:
    path = write_example(tmp_path, code, "use_instead")
    result = process_file(path, "m.py", Options(default_rules()))
    assert (result.findings, result.error) == ((), None)


def test_the_latin1_example_really_is_not_utf8(tmp_path: Path) -> None:
    """The LMX901 example is saved as Latin-1 under a UTF-8 cookie; the test above relies on it."""
    data = write_example(tmp_path, "LMX901", "example").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_index_and_pages_hold_the_same_codes() -> None:
    pages = resources.files("codemod.codes").joinpath("pages")
    names = sorted(p.name for p in pages.iterdir() if p.name.endswith(".md"))
    assert names == [f"{code}.md" for code in codes.CODES]


@pytest.mark.parametrize("code", [pytest.param(c, id=c) for c in codes.CODES])
def test_emitted_by_names_the_agreed_modules(code: str) -> None:
    emitted_by = codes.get(code).emitted_by
    assert emitted_by and len(set(emitted_by)) == len(emitted_by)
    assert set(emitted_by) <= DETECTORS | DEPLOY | {RUNNER}
    assert (RUNNER in emitted_by) == code.startswith("LMX9")
    assert (codes.get(code).example_path is not None) == (not set(emitted_by) & (DETECTORS | {RUNNER}))


def test_every_preamble_is_named_and_every_name_used() -> None:
    used = {info.preamble for info in codes.CODES.values()}
    assert used == set(codes.PREAMBLES)
