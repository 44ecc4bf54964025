"""Environment templates and deployment/CI files that hand `OPENAI_*` variables to code the
migration now points at the provider's variables (issue 12). Pure: text in, findings out.

The runner needs one call per file: `analyse(path, text, rules, project_reads_lumyx=...)`
returns None for a path that is no such file, else its findings (fixes as character-offset
edits, like the Python analysis). `project_reads_lumyx` says whether the migrated project reads
the provider's variables at all; when it does not, nothing is reported.
"""

from __future__ import annotations

from codemod.deploy.kinds import Kind, kind_of
from codemod.rules import Rules
from codemod.types import Finding

CODES = ("LMX601", "LMX602", "LMX603")

__all__ = ["CODES", "Kind", "analyse", "kind_of"]


def analyse(
    relative_posix_path: str, text: str, rules: Rules, *, project_reads_lumyx: bool
) -> list[Finding] | None:
    """The findings for one file, or None when its path and text make it no deployment file."""
    kind = kind_of(relative_posix_path, text)
    if kind is None:
        return None
    # Imported here: a run without such files (most) never loads the scanners (issue 11: start-up).
    from codemod.deploy import envfile, textscan, yamlenv

    if kind in ("env-template", "env-real"):
        return envfile.analyse_env(text, rules, kind=kind, project_reads_lumyx=project_reads_lumyx)
    if kind in ("bicep", "arm", "terraform"):
        return textscan.analyse_text(text, rules, kind=kind, project_reads_lumyx=project_reads_lumyx)
    return yamlenv.analyse_yaml(text, rules, kind=kind, project_reads_lumyx=project_reads_lumyx)
