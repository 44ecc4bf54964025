"""The one way a secret is shown: by every report, message and `doctor` line alike."""

from __future__ import annotations


def mask(secret: str) -> str:
    """First 4 and last 4 characters of a long secret, the first 4 of a medium one, nothing of a
    short one: never more than 8 characters and never more than two thirds of it."""
    if len(secret) > 12:
        return f"{secret[:4]}…{secret[-4:]}"
    if len(secret) >= 8:
        return f"{secret[:4]}…"
    return "…"
