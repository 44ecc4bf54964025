"""Turning results into text for people and machines; the only place that formats output."""

FORMATS = ("text", "json", "github", "sarif", "junit")  # `check --format` choices
