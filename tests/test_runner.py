"""The runner turns every file, however broken, into a value: findings, a rewrite, or one error."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import CLIENT, MIGRATED, default_rules

import codemod.analysis
import codemod.rewrite
from codemod import runner
from codemod.pool import run
from codemod.rules import load_rules
from codemod.runner import Options, process_file
from codemod.types import FileResult
from codemod.writer import digest

PY = f"{sys.version_info.major}.{sys.version_info.minor}"
EMBED = 'client.embeddings.create(model="text-embedding-3-small", input="x")\n'


def opts(**kwargs: object) -> Options:
    return Options(rules=default_rules(), **kwargs)  # type: ignore[arg-type]


def one(tmp_path: Path, data: bytes | str, **kwargs: object) -> FileResult:
    path = tmp_path / "m.py"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return process_file(path, "m.py", opts(**kwargs))


def error_codes(result: FileResult) -> list[str]:
    return [f.code for f in result.findings if f.code in ("LMX900", "LMX901")]


# --- what each kind of input becomes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "error"),
    [
        pytest.param(
            b"import openai\0\x01\x02",
            "LMX901",
            "file contains NUL bytes (binary content?); not Python source",
            id="NUL bytes",
        ),
        pytest.param(
            b"import openai\nx = '\xe9'\n",
            "LMX901",
            "cannot decode: not valid utf-8 at line 2 (byte 19); add a PEP 263 coding cookie or convert the file to UTF-8",
            id="not utf-8, no cookie",
        ),
        pytest.param(
            b"# coding: klingon\nimport openai\n",
            "LMX901",
            "cannot decode: unknown encoding 'klingon' in the coding cookie",
            id="unknown cookie",
        ),
        pytest.param(
            b"import openai\ndef (:\n",
            "LMX900",
            f"cannot parse: invalid syntax (line 2); parsed with Python {PY}: if the project uses newer "
            "syntax, run lumyx-migrate under the project's own Python",
            id="syntax error names the Python that parsed it",
        ),
        pytest.param(
            b"import openai\nx = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
            "LMX900",
            f"cannot parse: too many nested parentheses (line 2), beyond the limit of Python {PY}'s parser",
            id="parser nesting limit is not called newer syntax",
        ),
        pytest.param(
            b"import openai\nexec 'x = 1'\n",
            "LMX900",
            "cannot parse: Missing parentheses in call to 'exec'. Did you mean exec(...)? (line 2); this looks like Python 2 code, which the tool does not migrate",
            id="exec statement: Python 2 code",
        ),
        pytest.param(
            b"import openai\nmode = 0755\n",
            "LMX900",
            "cannot parse: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers (line 2); this looks like Python 2 code, which the tool does not migrate",
            id="octal literal: Python 2 code",
        ),
    ],
)
def test_bad_file_is_one_error_value(tmp_path: Path, data: bytes, code: str, error: str) -> None:
    result = one(tmp_path, data, fix=True)
    assert result.error == error
    assert error_codes(result) == [code]
    assert not result.internal_error
    assert result.new_text is None and result.new_bytes is None


def test_syntax_error_finding_points_at_the_error(tmp_path: Path) -> None:
    result = one(tmp_path, "import openai\nprint 'x'\n")
    (finding,) = result.findings
    assert (finding.code, finding.line, finding.col) == ("LMX900", 2, 1)
    assert finding.message.endswith("this looks like Python 2 code, which the tool does not migrate")


def test_unreadable_path_is_lmx901(tmp_path: Path) -> None:
    """A read failure (here: a folder where a file was expected) is a value, not an exception."""
    folder = tmp_path / "pkg.py"
    folder.mkdir()
    result = process_file(folder, "pkg.py", opts())
    assert result.error == "cannot read file: Is a directory"
    assert error_codes(result) == ["LMX901"]


def test_file_without_trigger_is_not_even_decoded(tmp_path: Path) -> None:
    """No trigger word: one read and nothing else, so undecodable non-OpenAI files are no error."""
    result = one(tmp_path, b"x = '\xff\xfe'\0\n")
    assert result == FileResult("m.py")


def test_the_prefilter_comes_from_the_options_rules(tmp_path: Path) -> None:
    """A module only a user's rules name makes the file worth reading under those rules alone
    (the NUL byte shows which files got past the prefilter)."""
    data = b"from acme.llm import ChatClient\n# \0\n"
    assert one(tmp_path, data) == FileResult("m.py")
    user = tmp_path / "rules.toml"
    user.write_text('[[clients]]\nid = "acme"\nmodule = "acme.llm"\nnames = ["ChatClient"]\n')
    path = tmp_path / "m.py"
    result = process_file(path, "m.py", Options(rules=load_rules(user)))
    assert (result.error, error_codes(result)) == (
        "file contains NUL bytes (binary content?); not Python source",
        ["LMX901"],
    )


@pytest.mark.parametrize(
    "marker",
    [
        pytest.param("# @generated\n", id="@generated"),
        pytest.param("# Code generated by a tool. DO NOT EDIT.\n", id="DO NOT EDIT"),
        pytest.param("# Generated by the protocol buffer compiler.\n", id="protoc"),
    ],
)
def test_generated_file_is_skipped_unless_asked(tmp_path: Path, marker: str) -> None:
    skipped = one(tmp_path, marker + CLIENT, fix=True)
    assert (skipped.skipped, skipped.findings, skipped.new_text) == ("generated file", (), None)
    included = one(tmp_path, marker + CLIENT, fix=True, include_generated=True)
    assert included.skipped is None
    assert included.new_text == marker + MIGRATED


def test_generated_marker_only_counts_near_the_top(tmp_path: Path) -> None:
    text = CLIENT + "#\n" * 1100 + "# @generated\n"
    assert one(tmp_path, text).skipped is None


@pytest.mark.parametrize(
    ("select", "ignore", "found"),
    [
        pytest.param((), (), ["LMX101", "LMX301"], id="everything by default"),
        pytest.param(("LMX1",), (), ["LMX101"], id="select by prefix"),
        pytest.param((), ("LMX301",), ["LMX101"], id="ignore a code"),
        pytest.param(("LMX",), ("LMX1",), ["LMX301"], id="more specific ignore wins"),
    ],
)
def test_select_and_ignore(tmp_path: Path, select: tuple[str, ...], ignore: tuple[str, ...], found: list[str]) -> None:
    result = one(tmp_path, CLIENT + EMBED, select=select, ignore=ignore)
    assert [f.code for f in result.findings] == found


def test_ignored_fix_is_not_applied(tmp_path: Path) -> None:
    result = one(tmp_path, CLIENT, fix=True, ignore=("LMX101",))
    assert (result.findings, result.new_text) == ((), None)


def test_errors_are_reported_whatever_is_ignored(tmp_path: Path) -> None:
    result = one(tmp_path, "import openai\ndef (:\n", ignore=("LMX9",))
    assert error_codes(result) == ["LMX900"]


def test_check_mode_computes_no_rewrite(tmp_path: Path) -> None:
    result = one(tmp_path, CLIENT, fix=False)
    assert [f.code for f in result.findings] == ["LMX101"]
    assert result.findings[0].fix is not None
    assert (result.old_text, result.new_text, result.new_bytes, result.old_digest) == (None, None, None, "")


def test_fix_mode_carries_what_the_writer_needs(tmp_path: Path) -> None:
    result = one(tmp_path, CLIENT, fix=True)
    assert (result.old_text, result.new_text) == (CLIENT, MIGRATED)
    assert result.new_bytes == MIGRATED.encode()
    assert result.old_digest == digest(CLIENT.encode())
    assert result.changed and result.error is None


def test_fix_mode_with_nothing_fixable_changes_nothing(tmp_path: Path) -> None:
    result = one(tmp_path, MIGRATED + EMBED, fix=True)
    assert [f.code for f in result.findings] == ["LMX301"]
    assert (result.new_text, result.changed) == (None, False)


def test_rewrite_is_encoded_in_the_files_own_encoding(tmp_path: Path) -> None:
    data = b"# coding: latin-1\n" + CLIENT.encode() + b"s = '\xe9'\n"
    result = one(tmp_path, data, fix=True)
    assert result.encoding == "iso-8859-1"
    assert result.new_bytes is not None and result.new_bytes.endswith(b"s = '\xe9'\n")


def test_original_that_parses_but_does_not_compile_may_still_be_rewritten(tmp_path: Path) -> None:
    """`return` at module level parses; the rewrite did not make it worse, so it is not our error."""
    result = one(tmp_path, "return 1\n" + CLIENT, fix=True)
    assert result.error is None
    assert result.new_text is not None and "LUMYX_API_KEY" in result.new_text


# --- failures deep inside: parser, analysis, libcst, our own bugs --------------------------------


def raising(exc: BaseException) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise exc

    return fail


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        pytest.param(RecursionError(), "cannot parse: too deeply nested for the parser (RecursionError)", id="RecursionError"),
        pytest.param(MemoryError(), "cannot parse: too deeply nested for the parser (MemoryError)", id="MemoryError without text"),
        pytest.param(ValueError("source code string cannot contain null bytes"), "cannot parse: source code string cannot contain null bytes", id="ValueError"),
    ],
)
def test_parser_failures_are_lmx900(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException, error: str
) -> None:
    monkeypatch.setattr(codemod.analysis, "parse", raising(exc))
    result = one(tmp_path, CLIENT)
    assert (result.error, error_codes(result), result.internal_error) == (error, ["LMX900"], False)


def test_real_parser_stack_exhaustion_is_lmx900(tmp_path: Path) -> None:
    """Thousands of unary minus signs exhaust CPython's parser; it must come back as a value."""
    result = one(tmp_path, "from openai import OpenAI\nclient = OpenAI(timeout=" + "-" * 20000 + "1)\n", fix=True)
    assert result.error is not None and result.error.startswith("cannot parse: too deeply nested for the parser (")
    assert error_codes(result) == ["LMX900"]


def test_analysis_recursion_is_lmx900(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codemod.analysis, "analyse_module", raising(RecursionError()))
    result = one(tmp_path, CLIENT)
    assert (result.error, error_codes(result)) == ("cannot analyse: too deeply nested", ["LMX900"])


def test_libcst_recursion_is_lmx900_and_keeps_the_findings(tmp_path: Path) -> None:
    """A chain deep enough for libcst but not for `ast`: the real RecursionError of the rewrite."""
    text = "from openai import OpenAI\nclient = OpenAI(timeout=" + "1+" * 1000 + "1)\n"
    result = one(tmp_path, text, fix=True)
    assert result.error == "cannot rewrite: too deeply nested for libcst"
    assert [f.code for f in result.findings] == ["LMX101", "LMX900"]
    assert (result.new_text, result.internal_error) == (None, False)


def test_libcst_parser_limit_is_lmx900_not_a_bug_of_ours(tmp_path: Path) -> None:
    """libcst 1.9 rejects ~3500 implicitly concatenated strings that Python accepts."""
    text = "from openai import OpenAI\nclient = OpenAI(default_headers={'x': " + "'a' " * 5000 + "})\n"
    result = one(tmp_path, text, fix=True)
    assert result.error == "cannot rewrite: libcst (ParserSyntaxError) cannot handle code that Python parses; left as it is"
    assert (error_codes(result), result.internal_error, result.new_text) == (["LMX900"], False, None)


def test_libcst_exception_raised_directly_is_lmx900(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libcst raises CSTLogicError on some 3.14 t-strings (SPEC §2): a per-file error."""
    from libcst._exceptions import CSTLogicError

    monkeypatch.setattr(codemod.rewrite, "apply_fixes", raising(CSTLogicError("t-string")))
    result = one(tmp_path, CLIENT, fix=True)
    assert result.error == "cannot rewrite: libcst (CSTLogicError) cannot handle code that Python parses; left as it is"


def test_our_own_rewrite_bug_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codemod.rewrite, "apply_fixes", raising(codemod.rewrite.RewriteError("overlapping edits at offset 3")))
    result = one(tmp_path, CLIENT, fix=True)
    assert result.error == "internal error: RewriteError: overlapping edits at offset 3"
    assert result.internal_error and result.new_bytes is None


@pytest.mark.parametrize(
    ("new_text", "problem"),
    [
        pytest.param(CLIENT + "client = OpenAI(\n", "SyntaxError: '(' was never closed (m.py, line 4)", id="does not parse"),
        pytest.param(CLIENT + "return 1\n", "SyntaxError: 'return' outside function (m.py, line 4)", id="parses but does not compile"),
    ],
)
def test_rewrite_that_would_not_compile_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_text: str, problem: str
) -> None:
    monkeypatch.setattr(codemod.rewrite, "apply_fixes", lambda *a, **k: new_text)
    result = one(tmp_path, CLIENT, fix=True)
    assert result.error == f"internal error: the rewritten file would not compile ({problem}); left untouched"
    assert result.internal_error
    assert (result.new_text, result.new_bytes) == (None, None)


def test_rewrite_the_encoding_cannot_hold_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codemod.rewrite, "apply_fixes", lambda text, *a, **k: text + "e = '\u20ac'\n")
    result = one(tmp_path, b"# coding: latin-1\n" + CLIENT.encode(), fix=True)
    assert result.error == "internal error: the rewrite cannot be written in iso-8859-1: ordinal not in range(256)"
    assert result.internal_error


def test_rewrite_that_changes_nothing_is_no_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codemod.rewrite, "apply_fixes", lambda text, *a, **k: text)
    result = one(tmp_path, CLIENT, fix=True)
    assert (result.changed, result.new_bytes, result.error) == (False, None, None)


def test_any_other_exception_is_an_internal_error_for_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codemod.analysis, "analyse_module", raising(RuntimeError("boom\nsecond line")))
    result = one(tmp_path, CLIENT)
    assert result == FileResult("m.py", error="internal error: RuntimeError: boom", internal_error=True)


# --- many files --------------------------------------------------------------------------------


def tree(tmp_path: Path, count: int) -> list[tuple[Path, str]]:
    files = []
    for i in range(count):
        path = tmp_path / f"m{i:03d}.py"
        path.write_text(CLIENT if i % 2 else "import openai\ndef (:\n")
        files.append((path, path.name))
    return files


@pytest.mark.parametrize("jobs", [pytest.param(1, id="in-process"), pytest.param(2, id="two workers")])
def test_run_sorts_results_and_reports_progress(tmp_path: Path, jobs: int) -> None:
    files = tree(tmp_path, 40)
    ticks: list[int] = []
    results = run(list(reversed(files)), opts(fix=True), jobs=jobs, progress=ticks.append)
    assert [r.path for r in results] == sorted(d for _, d in files)
    assert sum(ticks) == 40
    assert [r.changed for r in results] == [bool(i % 2) for i in range(40)]
    assert [r.error is not None for r in results] == [not i % 2 for i in range(40)]


def test_the_concurrent_futures_pool_gives_the_same_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where forking is not safe (macOS, Windows) the standard pool runs the same chunks."""
    from codemod import forkpool

    forked = run(tree(tmp_path, 12), opts(fix=True), jobs=2)
    monkeypatch.setattr(forkpool, "available", lambda: False)
    standard = run(tree(tmp_path, 12), opts(fix=True), jobs=2)
    assert [(r.path, r.error, r.changed, len(r.findings)) for r in standard] == [
        (r.path, r.error, r.changed, len(r.findings)) for r in forked
    ]
    assert sum(r.changed for r in forked) == 6


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the patched worker needs fork")
def test_a_worker_that_dies_makes_internal_errors_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A segfault in native code kills a worker; its files become internal errors (exit 2)."""
    real = runner.process_file

    def die_on_m007(path: Path, display: str, options: Options) -> FileResult:
        if display == "m007.py":
            os._exit(1)
        return real(path, display, options)

    monkeypatch.setattr(runner, "process_file", die_on_m007)
    results = run(tree(tmp_path, 16), opts(), jobs=2)
    assert [r.path for r in results] == [f"m{i:03d}.py" for i in range(16)]
    dead = [r for r in results if r.internal_error]
    assert "m007.py" in [r.path for r in dead]
    assert {r.error for r in dead} == {
        "internal error: the worker process handling this file (or one next to it) died; run with --jobs 1 to find which file"
    }
