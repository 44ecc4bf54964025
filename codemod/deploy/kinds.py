"""Which kind of deployment or environment file a path is, from its name and place alone.

Kubernetes manifests have no naming convention: any other YAML file is a candidate, and with
its text it is one only when a document starts with `apiVersion:` and `kind:` at the top level.
Helm values are `values*.yaml` files (the convention `helm create` writes); Helm templates
(`templates/*.yaml` holding `{{`) are Go templates, not YAML, and are left alone.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Literal

Kind = Literal[
    "env-template",
    "env-real",
    "compose",
    "workflow",
    "kubernetes",
    "helm",
    "bicep",
    "arm",
    "terraform",
]

# A dotenv name part that says "this is a template to copy", never the file with the secrets.
_TEMPLATE_WORDS = frozenset({"example", "examples", "sample", "template", "tmpl", "tpl", "dist"})
# `.env.<part>` where <part> is a file extension: a program or data file, not a dotenv file.
_NOT_DOTENV = frozenset(
    {"py", "js", "mjs", "cjs", "ts", "json", "yaml", "yml", "toml", "sh", "md", "txt", "d", "swp"}
)
_YAML = re.compile(r"\.ya?ml\Z")
_TOP_API = re.compile(r"^apiVersion\s*:", re.MULTILINE)
_TOP_KIND = re.compile(r"^kind\s*:", re.MULTILINE)


_SUFFIXES = (".yml", ".yaml", ".bicep", ".bicepparam", ".tf", ".tfvars", ".json")


def maybe_deployment_name(name: str) -> bool:
    """A cheap first look at a file name for a folder walk: False for a file that can be no
    deployment or environment file (most files); True leaves the decision to `kind_of`."""
    lower = name.lower()
    return lower.endswith(_SUFFIXES) or "env" in lower


def is_deployment_file(path: str) -> bool:
    """Is the file at `path` (as discovery took it, any separator) read as an environment or
    deployment file, not as Python? By name: an explicit path of any other name is Python."""
    if path.endswith((".py", ".ipynb")):
        return False
    return kind_of(path.replace("\\", "/")) is not None


def kind_of(relative_posix_path: str, text: str | None = None) -> Kind | None:
    """The kind of the file at this path (relative, `/`-separated), or None for any other file.
    `text` only decides for generic YAML files (Kubernetes manifest or not)."""
    parts = relative_posix_path.split("/")
    name = parts[-1]
    lower = name.lower()
    env = _env_kind(lower)
    if env is not None:
        return env
    if lower.endswith((".bicep", ".bicepparam")):
        return "bicep"
    if lower.endswith((".tf", ".tfvars")):
        return "terraform"
    if lower.endswith(".json"):
        arm = fnmatchcase(lower, "azuredeploy*.json") or lower.endswith(".parameters.json")
        return "arm" if arm else None
    if not _YAML.search(lower):
        return None
    if len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows":
        return "workflow"
    if lower.startswith("docker-compose") or re.match(r"compose[.\-_]", lower):
        return "compose"
    if fnmatchcase(lower, "values*"):
        return "helm"
    return _kubernetes(parts, text)


def _env_kind(lower: str) -> Kind | None:
    """dotenv files: `.env`, `.env.<stage>`, `<stage>.env` are real; a template word in the
    name (`.env.example`, `example.env`, `.env.prod.sample`) makes it a template."""
    words = lower.split(".")
    if "env" not in words[1:] and not (words[0] == "env" and len(words) > 1):
        return None
    if words[-1] in _NOT_DOTENV:
        return None
    if any(w in _TEMPLATE_WORDS for w in words):
        return "env-template"
    if words[0] == "" and words[1] == "env":
        return "env-real"
    if words[-1] == "env":
        return "env-real"
    return None


def _kubernetes(parts: list[str], text: str | None) -> Kind | None:
    if text is None:
        return "kubernetes"
    if "templates" in parts[:-1] and "{{" in text:
        return None
    if _TOP_API.search(text) and _TOP_KIND.search(text):
        return "kubernetes"
    return None
