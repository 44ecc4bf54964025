"""`[tool.lumyx-migrate]` in the target project's pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.config import ConfigError, Settings, find_pyproject, load_settings


def project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(text)
    (tmp_path / "src").mkdir()
    return tmp_path / "src"


def test_found_by_walking_up(tmp_path: Path) -> None:
    start = project(tmp_path, "")
    assert find_pyproject(start) == tmp_path / "pyproject.toml"
    assert find_pyproject(start / "missing.py") == tmp_path / "pyproject.toml"


def test_no_pyproject_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path) in (Settings(), load_settings(tmp_path))


def test_every_setting(tmp_path: Path) -> None:
    start = project(
        tmp_path,
        '[tool.lumyx-migrate]\nrules = "ci/rules.toml"\nexclude = ["gen"]\nextend-exclude = ["x"]\n'
        'select = ["LMX1"]\nignore = ["LMX105"]\nline-length = 100\ninclude-generated = true\n',
    )
    s = load_settings(start)
    assert s.rules == tmp_path / "ci/rules.toml"
    assert (s.exclude, s.extend_exclude, s.select, s.ignore) == (("gen",), ("x",), ("LMX1",), ("LMX105",))
    assert (s.line_length, s.include_generated) == (100, True)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        pytest.param("[tool.ruff]\nline-length = 120\n", 120, id="ruff's line length"),
        pytest.param("[tool.black]\nline-length = 99\n", 99, id="black's line length"),
        pytest.param("[tool.lumyx-migrate]\nline-length = 79\n[tool.ruff]\nline-length = 120\n", 79, id="ours wins"),
        pytest.param("[project]\nname = 'x'\n", 88, id="default 88"),
    ],
)
def test_line_length(tmp_path: Path, text: str, length: int) -> None:
    assert load_settings(project(tmp_path, text)).line_length == length


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[tool.lumyx-migrate]\nselekt = []\n", "tool.lumyx-migrate.selekt: unknown key", id="unknown key"),
        pytest.param("[tool.lumyx-migrate]\nexclude = 'gen'\n", "tool.lumyx-migrate.exclude: must be a list of strings", id="string for list"),
        pytest.param("[tool.lumyx-migrate]\nrules = 1\n", "tool.lumyx-migrate.rules: must be a string", id="rules not a path"),
        pytest.param("[tool.lumyx-migrate]\nline-length = 'long'\n", "line-length: must be an integer", id="bad line length"),
        pytest.param("[tool.lumyx-migrate]\ninclude-generated = 1\n", "include-generated: must be true or false", id="bad boolean"),
        pytest.param("[tool\n", "cannot read", id="not TOML"),
    ],
)
def test_bad_values_are_errors_naming_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    start = project(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(start)
    assert str(info.value).startswith(str(tmp_path / "pyproject.toml"))
    assert message in str(info.value)
