"""Model names a constructor receives through a `**` dict literal: only under the names the
rules give that constructor's model arguments (`model_args`, e.g. `model_name` for ChatOpenAI)."""

from __future__ import annotations

import pytest
from support import assert_noop, assert_rewrite, codes

HEAD = "import os\nfrom langchain_openai import ChatOpenAI\n"
LUMYX = 'api_key=os.environ["LUMYX_API_KEY"], base_url=os.environ["LUMYX_BASE_URL"]'


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            HEAD + f'llm = ChatOpenAI({LUMYX}, **{{"model_name": "gpt-4o"}})\n',
            HEAD + f'llm = ChatOpenAI({LUMYX}, **{{"model_name": "nova_1_1"}})\n',
            id="model_name, a ChatOpenAI model argument, in a ** literal is mapped",
        ),
        pytest.param(
            HEAD + f'llm = ChatOpenAI({LUMYX}, **{{"model": "gpt-4o"}})\n',
            HEAD + f'llm = ChatOpenAI({LUMYX}, **{{"model": "nova_1_1"}})\n',
            id="model in a ** literal is mapped",
        ),
    ],
)
def test_model_in_spread_is_mapped(before: str, after: str) -> None:
    assert_rewrite(before, after)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            HEAD + f'llm = ChatOpenAI({LUMYX}, **{{"tags": "gpt-4o"}})\n',
            ["LMX201"],
            id="a model name under another key is reported, not rewritten",
        ),
        pytest.param(
            HEAD + 'llm = ChatOpenAI(base_url="http://localhost:8000/v1", **{"model_name": "gpt-4o"})\n',
            ["LMX102"],
            id="a client left on another host keeps its model",
        ),
    ],
)
def test_model_in_spread_left(source: str, expected: list[str]) -> None:
    assert codes(source) == expected
    assert_noop(source)
