"""`[tool.lumyx-migrate]` in the target project's pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.rewrite import DEFAULT_LINE_LENGTH
from codemod.rules import RulesError
from codemod.settings import (
    ConfigError,
    Flags,
    Settings,
    find_pyproject,
    load_settings,
    resolve_run,
    split_codes,
)


def project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(text)
    (tmp_path / "src").mkdir()
    return tmp_path / "src"


def test_found_by_walking_up(tmp_path: Path) -> None:
    start = project(tmp_path, "")
    assert find_pyproject(start) == tmp_path / "pyproject.toml"
    assert find_pyproject(start / "missing.py") == tmp_path / "pyproject.toml"


def test_no_pyproject_means_defaults(tmp_path: Path) -> None:
    if find_pyproject(tmp_path) is not None:
        pytest.skip("a pyproject.toml above the temp folder")
    assert load_settings(tmp_path) == Settings()


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


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("select", "LMX7", id="select: no such group"),
        pytest.param("ignore", "E501", id="ignore: another tool's code"),
        pytest.param("select", "", id="select: empty string"),
    ],
)
def test_unknown_selectors_are_errors(tmp_path: Path, key: str, value: str) -> None:
    """A typo in select/ignore would silently check nothing (or everything)."""
    start = project(tmp_path, f'[tool.lumyx-migrate]\n{key} = ["LMX1", "{value}"]\n')
    with pytest.raises(ConfigError) as info:
        load_settings(start)
    assert str(info.value) == (
        f"{tmp_path / 'pyproject.toml'}: tool.lumyx-migrate.{key}: unknown code or prefix {value!r}"
        " (`lumyx-migrate rules` lists the codes)"
    )


@pytest.mark.parametrize(
    "selectors",
    [
        pytest.param(["LMX3", "lmx101", "ALL"], id="prefix, code in any case, ALL"),
        pytest.param([], id="empty list"),
    ],
)
def test_known_selectors_are_kept(tmp_path: Path, selectors: list[str]) -> None:
    listed = ", ".join(f'"{s}"' for s in selectors)
    start = project(tmp_path, f"[tool.lumyx-migrate]\nselect = [{listed}]\nignore = [{listed}]\n")
    settings = load_settings(start)
    assert (settings.select, settings.ignore) == (tuple(selectors), tuple(selectors))


def test_nearest_pyproject_with_the_section_wins(tmp_path: Path) -> None:
    """A sub-package's own pyproject.toml without our table does not hide the repo's settings."""
    (tmp_path / "pyproject.toml").write_text('[tool.lumyx-migrate]\nignore = ["LMX3"]\n')
    package = tmp_path / "packages" / "api"
    package.mkdir(parents=True)
    (package / "pyproject.toml").write_text("[project]\nname = 'api'\n[tool.ruff]\nline-length = 120\n")
    assert find_pyproject(package / "src") == tmp_path / "pyproject.toml"
    assert load_settings(package).ignore == ("LMX3",)


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        pytest.param("[tool.lumyx-migrate]\nselect = ['LMX1']\n", "inner", id="inner has the table"),
        pytest.param("[project]\nname = 'x'  # lumyx-migrate\n", "outer", id="a mention is not the table"),
        pytest.param("[tool.lumyx-migrate\n", "inner", id="a broken inner file naming the tool is reported"),
    ],
)
def test_which_pyproject(tmp_path: Path, inner: str, expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.lumyx-migrate]\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text(inner)
    chosen = {"inner": tmp_path / "sub" / "pyproject.toml", "outer": tmp_path / "pyproject.toml"}
    assert find_pyproject(tmp_path / "sub") == chosen[expected]


def test_nearest_pyproject_without_any_table_still_gives_line_length(tmp_path: Path) -> None:
    start = project(tmp_path, "[tool.black]\nline-length = 99\n")
    assert find_pyproject(start) == tmp_path / "pyproject.toml"
    assert load_settings(start).line_length == 99


# --- through the command line: found from the first path, the command line wins, exit 2 -------

EMBEDDINGS = (
    "import os\nfrom openai import OpenAI\n"
    'client = OpenAI(api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"])\n'
    'client.embeddings.create(input="x")\n'
    "client.chat.completions.create(messages=[], tools=[])\n"
)


def check(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str], str]:
    """Exit code, codes reported, stderr."""
    from click.testing import CliRunner

    from codemod.cli import main

    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["check", "-q", "--jobs", "1", *args])
    found = [line.split(": ")[1].split(" ")[0] for line in result.stdout.splitlines()]
    return result.exit_code, found, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """repo/pyproject.toml ignores LMX301; repo/src/app.py has an LMX301 and an LMX302."""
    (tmp_path / "repo" / "src").mkdir(parents=True)
    (tmp_path / "repo" / "pyproject.toml").write_text('[tool.lumyx-migrate]\nignore = ["LMX301"]\n')
    (tmp_path / "repo" / "src" / "app.py").write_text(EMBEDDINGS)
    return tmp_path / "repo"


@pytest.mark.parametrize(
    ("cwd", "args", "expected"),
    [
        pytest.param(".", ["src"], ["LMX302"], id="from the repo root"),
        pytest.param("src", ["."], ["LMX302"], id="from a subfolder: found walking up"),
        pytest.param("..", ["repo/src/app.py"], ["LMX302"], id="from outside: found from the first path"),
        pytest.param(".", ["--ignore", "LMX302", "src"], ["LMX301"], id="--ignore replaces the file's ignore"),
        pytest.param(".", ["--ignore", "LMX1", "src"], ["LMX301", "LMX302"], id="--ignore drops the file's ignore"),
        pytest.param(
            ".",
            ["--select", "LMX301", "src"],
            ["LMX301"],
            id="--select drops the file's ignore, as ruff's does",
        ),
        pytest.param(".", ["--select", "LMX302", "src"], ["LMX302"], id="--select narrows"),
    ],
)
def test_settings_through_the_cli(
    repo: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, args: list[str], expected: list[str]
) -> None:
    code, found, _ = check(args, (repo / cwd).resolve(), monkeypatch)
    assert (code, found) == (1, expected)


def test_no_settings_outside_the_repo(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same file copied outside the repo reports both codes: the settings really did act."""
    (tmp_path / "loose.py").write_text(EMBEDDINGS)
    code, found, _ = check(["loose.py"], tmp_path, monkeypatch)
    assert (code, found) == (1, ["LMX301", "LMX302"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('select = "LMX1"', "tool.lumyx-migrate.select: must be a list of strings", id="not a list"),
        pytest.param('ignore = ["LMX7"]', "tool.lumyx-migrate.ignore: unknown code or prefix 'LMX7'", id="unknown code"),
        pytest.param("line-length = 5", "tool.lumyx-migrate.line-length: must be an integer of at least 20", id="too short"),
        pytest.param('rules = "missing.toml"', "missing.toml: cannot read rules file", id="rules file missing"),
    ],
)
def test_bad_value_is_exit_2_naming_file_and_key(
    repo: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    (repo / "pyproject.toml").write_text(f"[tool.lumyx-migrate]\n{text}\n")
    code, found, err = check(["src"], repo / "src", monkeypatch)
    assert (code, found) == (2, [])
    assert err.startswith("lumyx-migrate: error: ") and message in err
    assert err.count("\n") == 1, "one clear line, no traceback"


def test_rules_command_shows_the_projects_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`rules` shows what `check` would use here: the rules file named in pyproject.toml."""
    from click.testing import CliRunner

    from codemod.cli import main

    (tmp_path / "ours.toml").write_text('[provider]\nname = "Lumyx AI (staging)"\n')
    project(tmp_path, '[tool.lumyx-migrate]\nrules = "ours.toml"\n')
    monkeypatch.chdir(tmp_path)
    shown = CliRunner().invoke(main, ["rules"])
    assert shown.exit_code == 0, shown.output
    assert "Lumyx AI (staging)" in shown.output
    (tmp_path / "ours.toml").write_text('[provider]\nnmae = "x"\n')
    refused = CliRunner().invoke(main, ["rules"])
    assert refused.exit_code == 2
    assert "provider.nmae: unknown key" in refused.output


# -- the merge with the command line ---------------------------------------------------------


def test_a_run_with_no_flags_and_no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if find_pyproject(tmp_path) is not None:
        pytest.skip("a pyproject.toml above the temp folder")
    run = resolve_run(Flags())
    assert (run.paths, run.select, run.ignore, run.exclude, run.extend_exclude) == ((".",), (), (), (), ())
    assert (run.gitignore, run.jobs, run.include_generated, run.color, run.quiet, run.verbose) == (
        True, None, False, "auto", False, False,
    )  # fmt: skip
    assert run.line_length == DEFAULT_LINE_LENGTH == 88
    assert run.settings == Settings()


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        pytest.param((), ("LMX1",), id="the file's select"),
        pytest.param(("lmx301, LMX302", "LMX9"), ("LMX301", "LMX302", "LMX9"), id="--select replaces it, split and upper-cased"),
    ],
)
def test_select_from_flags_or_file(tmp_path: Path, select: tuple[str, ...], expected: tuple[str, ...]) -> None:
    start = project(tmp_path, '[tool.lumyx-migrate]\nselect = ["LMX1"]\nignore = ["LMX105"]\n')
    run = resolve_run(Flags(paths=(str(start),), select=select))
    assert run.select == expected
    assert run.ignore == (() if select else ("LMX105",)), "a --select drops the file's ignore"


def test_flags_win_over_the_file_and_excludes_add_up(tmp_path: Path) -> None:
    start = project(
        tmp_path,
        '[tool.lumyx-migrate]\nextend-exclude = ["gen"]\nline-length = 100\ninclude-generated = true\n',
    )
    flags = Flags(paths=(str(start),), exclude=("tmp",), line_length=79, include_generated=False, no_gitignore=True)
    run = resolve_run(flags)
    assert (run.extend_exclude, run.line_length, run.include_generated, run.gitignore) == (
        ("gen", "tmp"), 79, False, False,
    )  # fmt: skip
    assert resolve_run(Flags(paths=(str(start),))).include_generated is True, "unset flag: the file's"


@pytest.mark.parametrize(
    ("flags", "error", "message"),
    [
        pytest.param(Flags(select=("LMX7",)), ConfigError, "unknown code or prefix 'LMX7' in --select/--ignore (see `lumyx-migrate rules`)", id="unknown selector"),
        pytest.param(Flags(ignore_codes=("LMX1,NOPE",)), ConfigError, "unknown code or prefix 'NOPE' in --select/--ignore (see `lumyx-migrate rules`)", id="unknown ignore"),
    ],
)
def test_bad_flags_are_raised_not_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: Flags, error: type[Exception], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error) as raised:
        resolve_run(flags)
    assert str(raised.value) == message


def test_a_missing_rules_file_is_a_rules_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RulesError, match="cannot read rules file"):
        resolve_run(Flags(rules_path=tmp_path / "missing.toml"))


def test_split_codes() -> None:
    assert split_codes(["lmx1, LMX301,", " ", "lmx2"]) == ("LMX1", "LMX301", "LMX2")
