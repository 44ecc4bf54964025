"""`redact.mask`: how much of a secret any message may show."""

from __future__ import annotations

import pytest

from codemod.redact import mask


@pytest.mark.parametrize(
    ("secret", "shown"),
    [
        pytest.param("nova_0123456789abcdef", "nova…cdef", id="long: first 4 and last 4"),
        pytest.param("abcdefghijklm", "abcd…jklm", id="13 characters: first 4 and last 4"),
        pytest.param("abcdefghijkl", "abcd…", id="12 characters: first 4 only"),
        pytest.param("abcdefgh", "abcd…", id="8 characters: first 4 only"),
        pytest.param("abcdefg", "…", id="7 characters: nothing"),
        pytest.param("", "…", id="empty: nothing"),
    ],
)
def test_mask(secret: str, shown: str) -> None:
    assert mask(secret) == shown


@pytest.mark.parametrize("length", range(41))
def test_mask_never_shows_more_than_8_characters_or_two_thirds(length: int) -> None:
    secret = "".join(chr(ord("a") + i % 26) for i in range(length))
    visible = mask(secret).replace("…", "")
    assert len(visible) <= 8
    assert 3 * len(visible) <= 2 * length
    assert all(part in secret for part in mask(secret).split("…"))
