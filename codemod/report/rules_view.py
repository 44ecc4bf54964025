"""`lumyx-migrate rules`: the effective rules and every finding code, as plain text."""

from __future__ import annotations

from codemod import codes
from codemod.rules import Rules


def render_rules(rules: Rules) -> str:
    p = rules.provider
    out = [
        f"Rules: {' + '.join(rules.paths)}",
        "",
        f"Provider      {p.name}",
        f"Base URL      {p.base_url}  (env {p.base_url_env})",
        f"API key       env {p.api_key_env}, keys start with {p.key_prefix!r}",
        f"Models        {', '.join(p.models)}",
        "",
        "Clients (constructors that are migrated or reported):",
    ]
    for spec in rules.clients:
        kind = "azure: reported" if spec.azure else "migrated"
        names = ", ".join(spec.names)
        out.append(f"  {spec.id:<16} {spec.module}: {names}  [{kind}]")
    out += ["", "Model map (first match wins):"]
    for rule in rules.models.map:
        target = f"-> {rule.to}" if rule.action == "map" else rule.action
        reason = f"  ({rule.reason})" if rule.reason else ""
        out.append(f"  {', '.join(rule.match)}  {target}{reason}")
    e = rules.endpoints
    out += [
        f"Model parameters: {', '.join(rules.models.param_names)}",
        "",
        "Endpoints:",
        f"  served        {', '.join(e.served)}",
        f"  {p.name} only  {', '.join(e.exclusive)}" if e.exclusive else "",
        f"  coming soon   {', '.join(e.coming_soon)}",
        f"  not served    {', '.join(e.unserved)}",
        "",
        f"Chat parameters served: {', '.join(rules.chat.params)}",
        f"Request options (never flagged): {', '.join(rules.chat.request_options)}",
        f"Roles: {', '.join(rules.chat.roles)}; at most {rules.chat.max_stop} stop sequences; "
        f"temperature {rules.chat.temperature_min:g}..{rules.chat.temperature_max:g}",
        "",
        "Finding codes:",
    ]
    out = [line for i, line in enumerate(out) if line or (i and out[i - 1])]
    for info in codes.CODES.values():
        fix = {"always": "fix", "sometimes": "fix*", "never": ""}[info.fix]
        out.append(f"  {info.code}  {fix:<4}  {info.summary}")
    out += ["", "fix: auto-fixable; fix*: sometimes. `lumyx-migrate explain CODE` documents one code."]
    return "\n".join(out) + "\n"
