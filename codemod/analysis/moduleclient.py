"""The SDK's module-level client as one pseudo-constructor of the project.

`openai.chat.completions.create(...)` (SDK >= 1.0) and `openai.ChatCompletion.create(...)`
(SDK < 1.0) all go through ONE client per process, configured by `openai.api_key = ...` in
whichever module runs it. So it gets one decision from every module-level call in the project,
exactly like a constructor: the summaries name it `c:<module-client>`, and the project view's
decisions and model-constant blocking then work for it unchanged. It cannot be split (there is
no second module client to copy), so a project that calls an unserved endpoint on it anywhere
keeps it on OpenAI.
"""

from __future__ import annotations

from codemod.rules import Rules

MODULE_CLIENT = "<module-client>"
REF = f"c:{MODULE_CLIENT}"
SPEC = "openai-module"


def endpoint_path(rules: Rules, qname: str) -> str | None:
    """The endpoint path a call of `qname` (`openai.embeddings.create`, `openai.Embedding.create`)
    makes on the module client; None when it is no module-level API call."""
    prefix = rules.module_config.module + "."
    if not qname.startswith(prefix):
        return None
    path = qname[len(prefix) :]
    head = path.split(".")[0]
    if head in rules.legacy and "." in path:
        return rules.legacy[head]
    if rules.endpoints.is_resource_root(head):
        return path
    return None


def stronger(current: str, new: str | None) -> str:
    """Of two statuses of the module client, the one that decides: on the provider already,
    then left as it is, then migrate."""
    order = ("lumyx", "as-is", "migrate")
    return current if new is None or order.index(current) <= order.index(new) else new
