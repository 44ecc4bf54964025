"""Turning results into text for people and machines; the only place that formats output.

`FORMATS` lives here, with no import, so that the command line can offer the choices without
loading any renderer.
"""

FORMATS = (  # `check --format` choices
    "text",
    "full",
    "json",
    "json-lines",
    "github",
    "gitlab",
    "sarif",
    "junit",
    "markdown",
)
