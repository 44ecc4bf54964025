"""Command line: parses arguments, hands results to the report module. Nothing else."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """Migrate OpenAI SDK code to Lumyx AI."""
