"""Issue 13 item 5 through the command line: custom mappings stay consistent, `# noqa: LMXnnn`
suppresses, a suppression naming an unknown code warns."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.analysis.suppress import codes_on_line, listed_codes
from codemod.cli import main

CUSTOM = """\
[[models.map]]
match = ["gpt-4o"]
to = "nova_2_0"
"""
APP = """\
from openai import OpenAI

client = OpenAI(api_key="x", base_url="https://api.lumyx-ai.site/v1")
client.chat.completions.create(model="gpt-4o", messages=[])
"""


def cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("NO_COLOR", "1")
    result = CliRunner().invoke(main, [*args, "--jobs", "1"], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_custom_mapping_target_passes_check_after_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rules.toml").write_text(CUSTOM)
    (tmp_path / "app.py").write_text(APP)
    cli(["apply", "--yes", "--allow-dirty", "--rules", "rules.toml", "--select", "LMX2", "app.py"], tmp_path, monkeypatch)
    assert 'model="nova_2_0"' in (tmp_path / "app.py").read_text()
    code, out, _ = cli(["check", "--rules", "rules.toml", "--select", "LMX2", "app.py"], tmp_path, monkeypatch)
    assert (code, out) == (0, "")


def test_an_unmapped_model_is_still_lmx202(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Must-not-touch: only mapping targets become valid, not any `nova_` name."""
    (tmp_path / "rules.toml").write_text(CUSTOM)
    (tmp_path / "app.py").write_text(APP.replace("gpt-4o", "nova_9_9"))
    code, out, _ = cli(["check", "--rules", "rules.toml", "--select", "LMX2", "app.py"], tmp_path, monkeypatch)
    assert code == 1
    assert "LMX202 model 'nova_9_9' has no mapping in the rules" in out


def test_mapping_targets_are_served_models(tmp_path: Path) -> None:
    from codemod.rules import load_rules

    (tmp_path / "rules.toml").write_text(CUSTOM)
    rules = load_rules(tmp_path / "rules.toml")
    assert rules.served_models == frozenset({"nova_1_1", "nova_2_0"})
    assert rules.provider.models == ("nova_1_1",)  # what the provider declares stays as written


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        pytest.param("# noqa: LMX302", frozenset({"LMX302"}), id="noqa-with-our-code"),
        pytest.param("# noqa: E501, LMX302,LMX303", frozenset({"LMX302", "LMX303"}), id="noqa-mixed-with-another-linter"),
        pytest.param("# NOQA:lmx3", frozenset({"LMX3"}), id="noqa-prefix-any-case"),
        pytest.param("# noqa", None, id="bare-noqa-is-another-linter"),
        pytest.param("# noqa: E501", None, id="noqa-for-another-linter-only"),
        pytest.param("# lumyx: ignore[LMX302]", frozenset({"LMX302"}), id="lumyx-ignore-unchanged"),
    ],
)
def test_noqa_comments(comment: str, expected: frozenset[str] | None) -> None:
    assert codes_on_line(comment) == expected


CALL = 'client.chat.completions.create(model="nova_1_1", messages=[], tools=[])'


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        pytest.param("  # noqa: LMX302", False, id="noqa-suppresses"),
        pytest.param("  # lumyx: ignore[LMX302]", False, id="lumyx-ignore-suppresses"),
        pytest.param("  # noqa: E501", True, id="other-linter-noqa-does-not"),
        pytest.param("  # noqa", True, id="bare-noqa-does-not"),
        pytest.param('  # "noqa: LMX302" in a string does not', True, id="text-not-a-code"),
    ],
)
def test_noqa_through_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, comment: str, reported: bool) -> None:
    head = APP.splitlines()[:3]
    (tmp_path / "app.py").write_text("\n".join([*head, CALL + comment]) + "\n")
    _, out, _ = cli(["check", "--select", "LMX302", "app.py"], tmp_path, monkeypatch)
    assert ("LMX302" in out) is reported


def test_unknown_code_in_a_suppression_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    head = APP.splitlines()[:3]
    (tmp_path / "app.py").write_text("\n".join([*head, CALL + "  # lumyx: ignore[LMX3O2]"]) + "\n")
    code, out, err = cli(["check", "--select", "LMX302", "app.py"], tmp_path, monkeypatch)
    assert code == 1 and "LMX302" in out
    assert err.splitlines()[0] == (
        "app.py:4: warning: unknown code 'LMX3O2' in a suppression comment; it suppresses "
        "nothing (`lumyx-migrate rules` lists the codes)"
    )


def test_known_codes_do_not_warn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    head = APP.splitlines()[:3]
    (tmp_path / "app.py").write_text("\n".join([*head, CALL + "  # lumyx: ignore[LMX303]  # noqa: E501"]) + "\n")
    _, _, err = cli(["check", "--select", "LMX302", "app.py"], tmp_path, monkeypatch)
    assert "warning" not in err


def test_listed_codes_reads_comments_only() -> None:
    text = 'x = "# lumyx: ignore[NOPE]"\ny = 1  # noqa: LMX1, F401\nz = 2  # lumyx: ignore[A,B]\n'
    assert listed_codes(text) == [(2, "LMX1"), (3, "A"), (3, "B")]
