"""`check` output: text, statistics and json exactly; every format parsed back; the summary."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from codemod.report.formats import FORMATS, ReportContext, render, summary
from codemod.types import Edit, EditKind, FileResult, Finding, Fix

FIX = Fix("Point the client at Lumyx", (Edit(EditKind.INSERT, 0, 0, "import os\n"),))


def finding(code: str, line: int, col: int, message: str = "msg", *, fix: bool = False) -> Finding:
    return Finding(code, message, line, col, line, col + 5, FIX if fix else None)


def ctx(root: Path, statistics: bool = False) -> ReportContext:
    return ReportContext(root=root, tool_version="0.1.0", statistics=statistics)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


SAMPLE = (
    FileResult(
        "src/b.py",
        (
            finding("LMX302", 9, 5, "chat parameter `tools` is not served by Lumyx"),
            finding("LMX101", 3, 10, "OpenAI client not pointed at Lumyx", fix=True),
        ),
        old_text="x",
        new_text="y",
    ),
    FileResult("src/a.py", (finding("LMX301", 2, 1, "embeddings: coming soon on Lumyx"),)),
    FileResult("src/clean.py"),
)


def test_text_is_ruff_concise_sorted_by_path_then_position(root: Path) -> None:
    assert render("text", SAMPLE, ctx(root)) == (
        "src/a.py:2:1: LMX301 embeddings: coming soon on Lumyx\n"
        "src/b.py:3:10: LMX101 [*] OpenAI client not pointed at Lumyx\n"
        "src/b.py:9:5: LMX302 chat parameter `tools` is not served by Lumyx\n"
    )


@pytest.mark.parametrize(
    "fmt", [pytest.param(f, id=f"{f}-with-no-results") for f in ("text", "github")]
)
def test_line_formats_print_nothing_without_findings(root: Path, fmt: str) -> None:
    assert render(fmt, [FileResult("a.py")], ctx(root)) == ""


def test_statistics_like_ruff(root: Path) -> None:
    results = [
        *SAMPLE,
        FileResult("c.py", (finding("LMX302", 1, 1), finding("LMX101", 4, 1, fix=True))),
        FileResult("d.py", (finding("LMX302", 1, 1),)),
    ]
    assert render("text", results, ctx(root, statistics=True)) == (
        "3\tLMX302\t    unserved-chat-parameter\n"
        "2\tLMX101\t[*] client-not-migrated\n"
        "1\tLMX301\t    unserved-endpoint\n"
    )


def test_statistics_without_fixable_has_no_marker_column(root: Path) -> None:
    results = [FileResult("a.py", (finding("LMX900", 1, 1),) * 10 + (finding("LMX501", 2, 1),))]
    assert render("text", results, ctx(root, statistics=True)) == (
        "10\tLMX900\tsyntax-error\n 1\tLMX501\thardcoded-api-key\n"
    )


def test_statistics_empty(root: Path) -> None:
    assert render("text", [FileResult("a.py")], ctx(root, statistics=True)) == ""


def test_json_exact(root: Path) -> None:
    results = [
        FileResult(
            "src/b.py",
            (Finding("LMX101", "OpenAI client not pointed at Lumyx", 3, 10, 4, 2, FIX),),
        ),
        FileResult("src/a.py", (Finding("LMX302", "`n` is not served", 7, 1, 7, 4),)),
    ]
    assert json.loads(render("json", results, ctx(root))) == [
        {
            "code": "LMX302",
            "name": "unserved-chat-parameter",
            "severity": "error",
            "message": "`n` is not served",
            "filename": "src/a.py",
            "location": {"row": 7, "column": 1},
            "end_location": {"row": 7, "column": 4},
            "fix": None,
            "url": "https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md#lmx302",
            "noqa_row": 7,
            "cell": None,
        },
        {
            "code": "LMX101",
            "name": "client-not-migrated",
            "severity": "error",
            "message": "OpenAI client not pointed at Lumyx",
            "filename": "src/b.py",
            "location": {"row": 3, "column": 10},
            "end_location": {"row": 4, "column": 2},
            "fix": {
                "applicability": "safe",
                "message": "Point the client at Lumyx",
                "edits": [{"kind": "insert", "start_offset": 0, "end_offset": 0, "content": "import os\n"}],
            },
            "url": "https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md#lmx101",
            "noqa_row": 3,
            "cell": None,
        },
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("pkg/m.py", "pkg/m.py", id="relative-to-cwd-which-is-root"),
        pytest.param("./pkg/../pkg/m.py", "pkg/m.py", id="normalised"),
        pytest.param("{root}/pkg/m.py", "pkg/m.py", id="absolute-under-root"),
        pytest.param("{outside}/m.py", "{outside}/m.py", id="outside-root-stays-absolute"),
    ],
)
def test_json_filename_relative_to_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, expected: str
) -> None:
    root = tmp_path / "repo"
    outside = tmp_path / "elsewhere"
    root.mkdir()
    monkeypatch.chdir(root)
    subst = {"root": str(root), "outside": str(outside)}
    results = [FileResult(path.format(**subst), (finding("LMX101", 1, 1),))]
    [item] = json.loads(render("json", results, ctx(root)))
    assert item["filename"] == expected.format(**subst)


def test_json_empty_is_an_empty_array(root: Path) -> None:
    assert render("json", [], ctx(root)) == "[]\n"


def test_json_order_is_stable_whatever_the_input_order(root: Path) -> None:
    forward = render("json", SAMPLE, ctx(root))
    assert render("json", tuple(reversed(SAMPLE)), ctx(root)) == forward


def test_unknown_code_gets_no_url(root: Path) -> None:
    [item] = json.loads(render("json", [FileResult("a.py", (finding("XYZ1", 1, 1),))], ctx(root)))
    assert item["url"] is None


def test_unknown_format_is_a_value_error(root: Path) -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render("xml", SAMPLE, ctx(root))


PER_FINDING = tuple(f for f in FORMATS if f != "markdown")  # markdown groups: its own tests


def codes_in(fmt: str, text: str) -> list[str]:
    """The codes a per-finding report holds, in order, read back the way its consumer reads it."""
    if fmt == "text":
        return [line.split(": ", 1)[1].split(" ", 1)[0] for line in text.splitlines()]
    if fmt == "full":
        lines = [line for line in text.splitlines() if ".py:" in line and not line.startswith(" ")]
        return [line.split(": ", 1)[1].split(" ", 1)[0] for line in lines]
    if fmt in ("json", "gitlab"):
        return [item.get("code") or item["check_name"] for item in json.loads(text)]
    if fmt == "json-lines":
        return [json.loads(line)["code"] for line in text.splitlines()]
    if fmt == "github":
        return [line.split("::")[-1].split(" ", 1)[0] for line in text.splitlines()]
    if fmt == "sarif":
        return [res["ruleId"] for res in json.loads(text)["runs"][0]["results"]]
    assert fmt == "junit"
    return [el.get("type") or "" for el in ET.fromstring(text).iter("failure")]


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f"{f}-parses-back") for f in PER_FINDING])
def test_every_format_parses_back_with_every_finding(root: Path, fmt: str) -> None:
    assert codes_in(fmt, render(fmt, SAMPLE, ctx(root))) == ["LMX301", "LMX101", "LMX302"]


SECRET = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f"{f}-prints-no-source") for f in FORMATS])
def test_no_format_prints_source_text(root: Path, fmt: str) -> None:
    source = f'client = OpenAI(api_key="{SECRET}")  # SOURCE-TEXT-MARKER\n'
    results = [
        FileResult(
            "app.py",
            (Finding("LMX501", "hardcoded API key sk-p...6789", 1, 26, 1, 72, FIX),),
            old_text=source,
            new_text=source.replace(SECRET, "x"),
        )
    ]
    out = render(fmt, results, ctx(root)) + summary(results)
    assert SECRET not in out
    assert "SOURCE-TEXT-MARKER" not in out


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        pytest.param(
            SAMPLE,
            "Scanned 3 files; 1 file with pending changes.\n"
            "Found 3 findings:\n"
            "  1  LMX101  client-not-migrated\n"
            "  1  LMX301  unserved-endpoint\n"
            "  1  LMX302  unserved-chat-parameter\n"
            "[*] 1 fixable: run `lumyx-migrate apply` to fix it.\n",
            id="findings-per-code-and-fixable-count",
        ),
        pytest.param(
            [FileResult("a.py"), FileResult("b.py")],
            "Scanned 2 files; 0 files with pending changes.\nAll checks passed!\n",
            id="clean",
        ),
        pytest.param(
            [
                FileResult("a.py", (finding("LMX201", 1, 1, fix=True),) * 12),
                FileResult("gen.py", skipped="generated"),
                FileResult(
                    "bad.py", (finding("LMX900", 1, 1),), error="invalid syntax (Python 3.11)"
                ),
            ],
            "Scanned 2 files (1 skipped); 1 file with pending changes.\n"
            "Found 13 findings:\n"
            "  12  LMX201  openai-model-name\n"
            "   1  LMX900  syntax-error\n"
            "[*] 12 fixable: run `lumyx-migrate apply` to fix them.\n"
            "1 file could not be read or parsed (LMX900/LMX901); it was not checked.\n",
            id="skipped-and-errors",
        ),
        pytest.param(
            [FileResult("a.py", old_text="a", new_text="b", internal_error=True)],
            "Scanned 1 file; 1 file with pending changes.\nAll checks passed!\n"
            "1 internal error: a bug in lumyx-migrate, please report it.\n",
            id="internal-error",
        ),
        pytest.param(
            [FileResult("a.py", old_text="same", new_text="same")],
            "Scanned 1 file; 0 files with pending changes.\nAll checks passed!\n",
            id="unchanged-new-text-is-not-pending",
        ),
        pytest.param(
            [FileResult("a.py", (finding("LMX302", 1, 1),))],
            "Scanned 1 file; 0 files with pending changes.\n"
            "Found 1 finding:\n"
            "  1  LMX302  unserved-chat-parameter\n",
            id="only-findings-for-a-person-is-not-pending",
        ),
        pytest.param(
            [FileResult("a.py", (finding("LMX101", 1, 1, fix=True),)), FileResult("b.py")],
            "Scanned 2 files; 1 file with pending changes.\n"
            "Found 1 finding:\n"
            "  1  LMX101  client-not-migrated\n"
            "[*] 1 fixable: run `lumyx-migrate apply` to fix it.\n",
            id="check-computes-no-new-text-a-fixable-finding-is-pending",
        ),
    ],
)
def test_summary(root: Path, results: list[FileResult], expected: str) -> None:
    assert summary(results) == expected


# --- through the command line: --output, --statistics, secrets ---------------------------------

SK_KEY = "sk-proj-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv"
NOVA_KEY = "nova_" + "Zy9Xw8Vu7Ts6Rq5Po4"
KEYED_SOURCE = f"""\
import os

from openai import OpenAI

client = OpenAI(api_key="{SK_KEY}")
proxy = OpenAI(
    api_key=os.getenv("PROXY_KEY", "{NOVA_KEY}"),
    base_url="http://localhost:9/v1?token={SK_KEY}",
)
HEADERS = {{"Authorization": "Bearer {NOVA_KEY}"}}
client.chat.completions.create(model=os.environ.get("M", "{NOVA_KEY}"), messages=[])
"""


def cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from codemod.cli import main

    monkeypatch.chdir(cwd)
    monkeypatch.setenv("NO_COLOR", "1")
    result = CliRunner().invoke(main, [*args, "--jobs", "1"], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def keyed(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(KEYED_SOURCE)
    return tmp_path


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f"check-{f}") for f in FORMATS])
def test_no_format_prints_a_key_in_full(
    keyed: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Every format, to stdout and to --output, with and without --statistics: keys masked."""
    report = keyed.parent / f"report.{fmt}"
    outputs = []
    for extra in ([], ["--output", str(report)], ["--statistics", "-v"]):
        code, out, err = cli(["check", "--format", fmt, *extra, "."], keyed, monkeypatch)
        assert code == 1
        outputs += [out, err]
    outputs.append(report.read_text(encoding="utf-8"))
    everything = "\n".join(outputs)
    assert "LMX501" in everything  # the keys were found...
    assert SK_KEY not in everything and NOVA_KEY not in everything  # ...and never shown whole
    assert SK_KEY[:4] + "…" + SK_KEY[-4:] in everything  # shown masked (text/json/...)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["diff", "."], id="diff-summary"),
        pytest.param(["diff", "-v", "--exit-code", "."], id="diff-verbose-summary"),
        pytest.param(["apply", "--yes", "."], id="apply-summary"),
    ],
)
def test_diff_and_apply_summaries_never_print_a_key(
    keyed: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """The summary on stderr lists the LMX501 findings masked. (The diff on stdout is the
    source itself, which `git apply` must match: it is not a report.)"""
    _, _, err = cli(args, keyed, monkeypatch)
    assert "LMX501 hardcoded API key sk-p…t0Uv in source" in err
    assert SK_KEY not in err and NOVA_KEY not in err


def _parsed(fmt: str, text: str) -> list[str]:
    if fmt == "markdown":  # the fixable finding is counted on its file, not listed
        return ["LMX101"] if "- `app.py`: 1 fix" in text else []
    return codes_in(fmt, text)


ONE_FINDING = "from openai import OpenAI\n\nclient = OpenAI()\n"


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in FORMATS])
def test_output_file_holds_what_stdout_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """--output FILE writes the same report stdout would get, and prints nothing to stdout."""
    (tmp_path / "app.py").write_text(ONE_FINDING)
    report = tmp_path / "out" / "report.txt"
    report.parent.mkdir()
    code_stdout, to_stdout, _ = cli(["check", "--format", fmt, "app.py"], tmp_path, monkeypatch)
    code_file, stdout, _ = cli(
        ["check", "--format", fmt, "--output", str(report), "app.py"], tmp_path, monkeypatch
    )
    assert (code_stdout, code_file) == (1, 1)
    assert stdout == ""
    written = report.read_text(encoding="utf-8")
    assert written == to_stdout
    assert _parsed(fmt, written) == ["LMX101"]


def test_output_file_that_cannot_be_written_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text(ONE_FINDING)
    code, _, err = cli(["check", "--output", "missing/dir/r.txt", "."], tmp_path, monkeypatch)
    assert code == 2
    assert err.startswith("lumyx-migrate: error: cannot write missing/dir/r.txt: ")


def test_statistics_through_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text(ONE_FINDING + 'client.chat.completions.create(messages=[], n=2)\n')
    (tmp_path / "b.py").write_text(ONE_FINDING)
    code, out, err = cli(["check", "--statistics", "."], tmp_path, monkeypatch)
    assert code == 1
    assert out == "2\tLMX101\t[*] client-not-migrated\n1\tLMX302\t    unserved-chat-parameter\n"
    assert err.startswith(
        "Clients (decided from the whole project):\n"
        "  migrate  a.py:3:10  OpenAI  chat\n"
        "  migrate  b.py:3:10  OpenAI  -\n"
        "2 clients: 2 migrate\n"
        "Scanned 2 files; 2 files with pending changes.\nFound 3 findings:\n"
    )


def test_text_summary_of_a_clean_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text("print('no OpenAI here')\n")
    code, out, err = cli(["check", "."], tmp_path, monkeypatch)
    assert (code, out) == (0, "")
    assert err.startswith("Scanned 1 file; 0 files with pending changes.\nAll checks passed!\n")


def test_the_format_list_is_one_cheap_constant() -> None:
    """`codemod.report.FORMATS` is the list the renderers and the command line share; importing
    it loads no renderer."""
    import subprocess
    import sys

    from codemod import report
    from codemod.report import formats

    assert formats.FORMATS is report.FORMATS == (
        "text", "full", "json", "json-lines", "github", "gitlab", "sarif", "junit", "markdown"
    )
    probe = "import sys, codemod.report; print(sorted(m for m in sys.modules if m.startswith('codemod')))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout == "['codemod', 'codemod.report']\n"



# --- the table of client decisions ------------------------------------------------------------

from codemod.analysis.facts import ClientRecord  # noqa: E402
from codemod.report.clients import render_clients  # noqa: E402

KEEP = ClientRecord("rag/clients.py", 10, 12, "OpenAI", "keep", ("chat", "embeddings"), "rag/search.py:10", "LMX106")
MIGRATE = ClientRecord("rag/rerank.py", 7, 10, "OpenAI", "migrate", ("chat",))
SPLIT = ClientRecord("assistant.py", 11, 23, "openai.OpenAI", "split", ("chat", "images"), "assistant.py:26", "LMX101")
MODULE = ClientRecord("chat.py", None, None, "openai (module client)", "keep", ("chat",), "search.py:9", "LMX402")
UNUSED = ClientRecord("z.py", 2, 5, "AsyncOpenAI", "migrate")
AS_IS = ClientRecord("a.py", 3, 7, "AzureOpenAI", "as-is", ("chat",))


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param(
            [MIGRATE, SPLIT, KEEP],
            "Clients (decided from the whole project):\n"
            "  split    assistant.py:11:23    openai.OpenAI  chat, images      LMX101 (assistant.py:26)\n"
            "  keep     rag/clients.py:10:12  OpenAI         chat, embeddings  LMX106 (rag/search.py:10)\n"
            "  migrate  rag/rerank.py:7:10    OpenAI         chat\n"
            "3 clients: 1 migrate, 1 split, 1 keep\n",
            id="sorted by path, aligned, counted in the order migrate split keep",
        ),
        pytest.param(
            [MODULE],
            "Clients (decided from the whole project):\n"
            "  keep  chat.py  openai (module client)  chat  LMX402 (search.py:9)\n"
            "1 client: 1 keep\n",
            id="the module client has a file, no line",
        ),
        pytest.param(
            [UNUSED, AS_IS],
            "Clients (decided from the whole project):\n"
            "  as-is    a.py:3:7  AzureOpenAI  chat\n"
            "  migrate  z.py:2:5  AsyncOpenAI  -\n"
            "2 clients: 1 migrate, 1 as-is\n",
            id="a client no call uses shows a dash, one left as it is no code",
        ),
        pytest.param([], "", id="no clients, nothing at all"),
    ],
)
def test_render_clients(records: list[ClientRecord], expected: str) -> None:
    assert render_clients(records) == expected


def _clients_table(records: list[ClientRecord], results: list[FileResult]) -> list[str]:
    from codemod.report.markdown import migration_report, render_markdown

    text = render_markdown(migration_report(results, clients=records))
    return text.split("## Clients\n\n", 1)[1].split("\n\n", 1)[0].splitlines()[2:] if "## Clients" in text else []


@pytest.mark.parametrize(
    ("records", "results", "expected"),
    [
        pytest.param(
            [KEEP, MIGRATE],
            [
                FileResult("rag/clients.py", (finding("LMX106", 10, 12, "kept: embeddings"), finding("LMX501", 10, 12, "a key"))),
                FileResult("rag/rerank.py", (finding("LMX101", 7, 10, "not pointed", fix=True),)),
            ],
            [
                "| `OpenAI` | `rag/clients.py:10:12` | keep on OpenAI | kept: embeddings |",
                "| `OpenAI` | `rag/rerank.py:7:10` | migrate | not pointed |",
            ],
            id="the decision from the record, the reason from the finding at the constructor",
        ),
        pytest.param(
            [MODULE, AS_IS],
            [FileResult("a.py", (finding("LMX104", 3, 1, "Azure"),))],
            [
                "| `openai (module client)` | `chat.py` | keep on OpenAI | used for chat; LMX402 at search.py:9 |",
                "| `AzureOpenAI` | `a.py:3:7` | left as it is | Azure |",
            ],
            id="a finding on the constructor's line explains it; without one, the uses and the code",
        ),
        pytest.param(
            [],
            [FileResult("a.py", (finding("LMX106", 3, 10, "OpenAI client `OpenAI` stays on OpenAI"),))],
            ["| `OpenAI` | `a.py:3:10` | keep on OpenAI | OpenAI client `OpenAI` stays on OpenAI |"],
            id="without records (no project view) the findings still say it",
        ),
    ],
)
def test_markdown_clients_from_records(
    records: list[ClientRecord], results: list[FileResult], expected: list[str]
) -> None:
    assert _clients_table(records, results) == expected
