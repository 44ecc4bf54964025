"""Turning results into text for people and machines; the only place that formats output."""
