"""Issue 11: the fast paths must answer exactly what the slow ones did.

Compiled globs against `fnmatchcase`, name excludes against pathspec, the walk without
contexts against `ast.walk`, the secrets' prefix skip, and the runner's memory-flat `scan` (clean
files only counted, the size limit, the parent's prefilter) against the per-file results.
"""

from __future__ import annotations

import ast
import dataclasses
import fnmatch
import gc
from pathlib import Path

import pytest
from pathspec import GitIgnoreSpec
from support import CLIENT, default_rules

from codemod.analysis import analyse
from codemod.analysis.bindings import children, walk
from codemod.discover import DEFAULT_EXCLUDES, _Names, discover
from codemod.pool import scan
from codemod.rules import SourceFacts
from codemod.rules.model import _any_glob, _literal_start
from codemod.runner import Options
from codemod.settings import ConfigError, Flags, format_size, parse_size, resolve_run

NAMES = ["build", "dist", "a.egg-info", ".venv", "venv", "src", "x.py", "buildx", "node_modules", "Build", ".git", "[x]"]
GLOBS = ["gpt-*", "*OPENAI*KEY*", "gpt-[34]*", "o?-mini", "*/*", "a[!b]c", "lit[eral", ""]
VALUES = ["gpt-4o", "GPT-4o", "my_openai_api_key", "o1-mini", "o10-mini", "org/model", "abc", "acc", "lit[eral", "", "gpt-\n"]


@pytest.mark.parametrize("fold", [pytest.param(False, id="case-sensitive"), pytest.param(True, id="folded")])
def test_compiled_globs_answer_as_fnmatchcase(fold: bool) -> None:
    for glob in GLOBS:
        for value in VALUES:
            v, g = (value.lower(), glob.lower()) if fold else (value, glob)
            assert _any_glob(value, (glob,), fold=fold) is fnmatch.fnmatchcase(v, g), (glob, value)
    assert _any_glob("gpt-4o", (), fold=False) is False


@pytest.mark.parametrize(
    ("model", "index"),
    [
        pytest.param("gpt-image-1", 1, id="a specific rule before the catch-all"),
        pytest.param("gpt-4o", 2, id="the catch-all"),
        pytest.param("org/model", 0, id="the first rule"),
        pytest.param("claude-3", None, id="no rule"),
    ],
)
def test_rule_for_is_the_first_matching_rule(model: str, index: int | None) -> None:
    models = default_rules().models
    slow = next((i for i, rule in enumerate(models.map) if any(fnmatch.fnmatchcase(model, g) for g in rule.match)), None)
    assert slow == index
    assert models.rule_for(model) is (None if index is None else models.map[index])


@pytest.mark.parametrize(
    ("pattern", "start"),
    [
        pytest.param("^sk-(proj-)?[A-Za-z0-9]{16,}$", "sk", id="anchored literal"),
        pytest.param("^nova_(?=x)", "nova_", id="literal up to a lookahead"),
        pytest.param("^ab?c", "a", id="an optional last letter is dropped"),
        pytest.param("key|sk-", "", id="a top-level alternative: unsure"),
        pytest.param("^(?i)sk-", "", id="flags first: unsure"),
        pytest.param("[0-9]+", "", id="no literal start"),
    ],
)
def test_literal_start_of_key_patterns(pattern: str, start: str) -> None:
    assert _literal_start(pattern) == start


def test_key_prefixes_none_when_one_pattern_has_no_literal_start() -> None:
    facts = dataclasses.replace(default_rules().source, key_patterns=("^sk-[a-z0-9]{8,}$", "[0-9]{20,}"))
    assert facts.key_prefixes is None
    assert default_rules().source.key_prefixes == ("sk", "nova_")


def test_a_key_without_a_literal_prefix_is_still_found() -> None:
    """With no usable prefix the scan tries every string, as before."""
    rules = dataclasses.replace(
        default_rules(), source=dataclasses.replace(default_rules().source, key_patterns=("^[0-9]{24}$",))
    )
    found = analyse('TOKEN = "123456789012345678901234"\nOTHER = "plain"\n', rules)
    assert [f.code for f in found] == ["LMX501"]


def test_strings_without_a_prefix_are_not_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []
    real = SourceFacts.looks_like_key
    monkeypatch.setattr(SourceFacts, "looks_like_key", lambda self, v: tried.append(v) or real(self, v))
    found = analyse('A = "hello world"\nB = "Bearer sk-proj-abc123def456ghi789"\n', default_rules())
    assert [f.code for f in found] == ["LMX501"]
    assert "hello world" not in tried and tried


SOURCE = '''
import os
x: int = 1
def f(a, *, b=None, **kw):
    global g
    y = {**kw, "k": [i for i in range(a) if i > b]}
    return lambda z: (z + 1, -z, not z, z is None, f"{z!r:>10}")
match x:
    case {"a": 1, **rest}: pass
    case Point(x=0, y=1): pass
'''


def test_walk_is_ast_walk_without_contexts_and_operators() -> None:
    tree = ast.parse(SOURCE)
    skipped = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
    expected = [n for n in ast.walk(tree) if not isinstance(n, skipped)]
    assert walk(tree) == expected
    assert children(tree.body[0]) == list(ast.iter_child_nodes(tree.body[0]))


PATHS = [
    ("build", True), ("build", False), ("src/build", True), ("a.egg-info", True), ("pkg/x.egg-info", True),
    ("dist", True), ("dist", False), ("src/dist", True), ("src/app.py", False), ("Build", True), ("buildx", True),
    ("gen", True), ("gen.py", False), ("x/gen", True), ("cache", True), ("cache", False),
]


@pytest.mark.parametrize(
    "patterns",
    [
        pytest.param(list(DEFAULT_EXCLUDES), id="the default excludes"),
        pytest.param(["dist/", "gen*", "*.egg-info", "cache/"], id="folder-only and glob names"),
        pytest.param(["build", "!build/keep", "gen"], id="a negation: all to pathspec"),
        pytest.param(["src/build", "gen"], id="a path pattern goes to pathspec"),
    ],
)
def test_name_excludes_answer_as_pathspec(patterns: list[str]) -> None:
    names = _Names(patterns)
    rest = GitIgnoreSpec.from_lines(names.rest) if names.rest else None
    spec = GitIgnoreSpec.from_lines(patterns)
    for rel, is_dir in PATHS:
        name = rel.rpartition("/")[2]
        path = rel + "/" if is_dir else rel
        fast = names.match(name, is_dir) or (rest is not None and rest.match_file(path))
        # The walk never enters an excluded folder, so a name is only ever asked about under kept ones.
        parents_kept = not any(spec.match_file(rel[: i] + "/") for i in range(len(rel)) if rel[i] == "/")
        if parents_kept:
            assert fast is spec.match_file(path), (patterns, rel, is_dir)


def test_discovery_holds_strings_in_tree_order(tmp_path: Path) -> None:
    for rel in ("a/b.py", "a-b/c.py", "a/c/d.py", "a.py", "build/x.py", "z/x.egg-info/y.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    found = discover([str(tmp_path)], cwd=tmp_path)
    assert [p[len(str(tmp_path)) + 1 :] for p in found.paths] == ["a/b.py", "a/c/d.py", "a-b/c.py", "a.py"]
    assert found.files == sorted(found.files)
    assert all(isinstance(p, str) for p in found.paths)


def tree(root: Path, clean: int, candidates: int) -> list[tuple[str, str]]:
    files = []
    for i in range(clean + candidates):
        path = root / f"m{i:03d}.py"
        path.write_text(CLIENT if i < candidates else f"x = {i}\n")
        files.append((str(path), path.name))
    return files


@pytest.mark.parametrize("jobs", [pytest.param(1, id="in-process"), pytest.param(2, id="parent prefilter")])
def test_scan_keeps_no_result_for_clean_files(tmp_path: Path, jobs: int) -> None:
    files = tree(tmp_path, clean=6, candidates=2)
    done = scan(reversed(files), Options(rules=default_rules()), jobs=jobs)
    assert [r.path for r in done.results] == ["m000.py", "m001.py"]
    assert done.clean == 6
    assert done.clean_paths is None


def test_scan_keeps_clean_paths_on_request(tmp_path: Path) -> None:
    files = tree(tmp_path, clean=3, candidates=1)
    ticks: list[int] = []
    done = scan(reversed(files), Options(rules=default_rules()), jobs=2, keep_clean=True, progress=ticks.append)
    assert done.clean_paths == ["m001.py", "m002.py", "m003.py"]
    assert sum(ticks) == 4


@pytest.mark.parametrize(
    ("limit", "skipped"),
    [
        pytest.param(10, "larger than 10 bytes (max-file-size)", id="over the limit: skipped"),
        pytest.param(len(CLIENT), None, id="exactly the limit: analysed"),
        pytest.param(None, None, id="no limit"),
    ],
)
def test_size_limit_skips_big_candidates(tmp_path: Path, limit: int | None, skipped: str | None) -> None:
    files = tree(tmp_path, clean=1, candidates=1)
    (tmp_path / "m001.py").write_text("x = 1\n" * 100)  # big but clean: never skipped, only counted
    done = scan(files, Options(rules=default_rules(), max_file_size=limit), jobs=1)
    assert [(r.path, r.skipped) for r in done.results] == [("m000.py", skipped)]
    assert [bool(r.findings) for r in done.results] == [skipped is None]
    assert done.clean == 1


@pytest.mark.parametrize(
    ("value", "size"),
    [
        pytest.param("4MB", 4 << 20, id="megabytes"),
        pytest.param("512 kb", 512 << 10, id="kilobytes, any case"),
        pytest.param("1000", 1000, id="bytes"),
        pytest.param(2048, 2048, id="an integer"),
        pytest.param("0", None, id="zero: no limit"),
    ],
)
def test_parse_size(value: object, size: int | None) -> None:
    assert parse_size(value) == size


@pytest.mark.parametrize("value", [pytest.param("4 TB", id="unknown unit"), pytest.param(-1, id="negative"),
                                   pytest.param(True, id="a boolean"), pytest.param("", id="empty")])
def test_parse_size_refuses(value: object) -> None:
    with pytest.raises(ValueError, match="must be a size such as 4MB"):
        parse_size(value)


def test_format_size() -> None:
    assert [format_size(n) for n in (2 << 20, 512 << 10, 1000, 1536 << 10)] == ["2 MB", "512 KB", "1000 bytes", "1536 KB"]


@pytest.mark.parametrize(
    ("setting", "flag", "expected"),
    [
        pytest.param(None, None, 2 << 20, id="the default"),
        pytest.param('"8MB"', None, 8 << 20, id="the setting"),
        pytest.param('"8MB"', "1KB", 1 << 10, id="the flag wins"),
        pytest.param("0", None, None, id="zero: no limit"),
    ],
)
def test_max_file_size_setting_and_flag(tmp_path: Path, setting: str | None, flag: str | None, expected: int | None) -> None:
    line = f"max-file-size = {setting}\n" if setting is not None else ""
    (tmp_path / "pyproject.toml").write_text(f"[tool.lumyx-migrate]\n{line}")
    run = resolve_run(Flags(paths=(str(tmp_path),), max_file_size=flag))
    assert run.max_file_size == expected


def test_a_bad_max_file_size_names_the_setting(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lumyx-migrate]\nmax-file-size = "big"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool.lumyx-migrate.max-file-size: must be a size"):
        resolve_run(Flags(paths=(str(tmp_path),)))
    (tmp_path / "pyproject.toml").write_text("[tool.lumyx-migrate]\n")
    with pytest.raises(ConfigError, match="--max-file-size: must be a size"):
        resolve_run(Flags(paths=(str(tmp_path),), max_file_size="x"))


@pytest.mark.parametrize("jobs", [pytest.param(1, id="in-process"), pytest.param(2, id="parent prefilter")])
def test_scan_says_where_each_kept_result_is(tmp_path: Path, jobs: int) -> None:
    files = tree(tmp_path, clean=3, candidates=2)
    done = scan(files, Options(rules=default_rules()), jobs=jobs)
    assert done.where == {"m000.py": str(tmp_path / "m000.py"), "m001.py": str(tmp_path / "m001.py")}


def test_the_run_lets_go_of_each_path_once_handed_out() -> None:
    from codemod.session import _let_go

    paths = ["/a/x.py", "/a/y.py"]
    seen = []
    for pair in _let_go(paths):
        seen.append((pair, list(paths)))
    assert seen == [(("/a/x.py", "/a/x.py"), ["/a/y.py"]), (("/a/y.py", "/a/y.py"), [])]


def test_discovery_sorts_as_paths_in_place() -> None:
    from codemod.gitignore import sort_as_paths

    paths = ["/r/a.py", "/r/a-b/c.py", "/r/a/b.py", "/r/a/c/d.py", "/r/A.py", "/r/a b.py"]
    sort_as_paths(paths)
    assert paths == [str(p) for p in sorted(Path(p) for p in paths)]
    assert paths == ["/r/A.py", "/r/a/b.py", "/r/a/c/d.py", "/r/a b.py", "/r/a-b/c.py", "/r/a.py"]


def test_an_analysed_module_leaves_no_cycle_for_the_collector() -> None:
    """The tree and the analysis go by reference counting (`Context.release`): a garbage
    collection walking them all was a tenth of `check --jobs 1`."""
    from codemod.analysis import analyse_module

    text = CLIENT + "class A:\n    def __init__(self, c=client):\n        self.c = c\n\n    def f(self):\n        return self.c\n"
    gc.collect()
    gc.disable()
    try:
        findings, _ = analyse_module(text, default_rules())
        assert [f.code for f in findings] == ["LMX101"]
        assert gc.collect() == 0
    finally:
        gc.enable()
