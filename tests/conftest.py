"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from standin import LumyxStandin
from standin_openai import OpenAIStandin


@pytest.fixture
def lumyx_server() -> Iterator[LumyxStandin]:
    """A fresh Lumyx stand-in on 127.0.0.1 (free port) for one test; `.url` ends in `/v1`."""
    with LumyxStandin() as server:
        yield server


@pytest.fixture
def openai_server() -> Iterator[OpenAIStandin]:
    """A fresh OpenAI stand-in beside it (serves every endpoint, refuses `nova_` keys and
    `nova_1_1`); `.url` ends in `/v1`."""
    server = OpenAIStandin()  # not `with`: its typed `__enter__` returns the base class
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(autouse=True)
def _no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """A FORCE_COLOR in the environment (some CI sets it) must not colour the outputs tests pin."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
