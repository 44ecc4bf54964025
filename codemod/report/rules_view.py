"""`lumyx-migrate rules`: the effective rules and every finding code, as plain text."""

from __future__ import annotations

from codemod import codes
from codemod.rules import Rules

_FIX = {"always": "fix", "sometimes": "fix*", "never": ""}


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
    width = max((len(spec.id) for spec in rules.clients), default=0)
    for spec in rules.clients:
        kind = "azure: reported" if spec.azure else "migrated"
        out.append(f"  {spec.id:<{width}}  {spec.module}: {', '.join(spec.names)}  [{kind}]")
    out += ["", "Model map (first match wins):"]
    for rule in rules.models.map:
        target = f"-> {rule.to}" if rule.action == "map" else rule.action
        reason = f"  ({rule.reason})" if rule.reason else ""
        out.append(f"  {', '.join(rule.match)}  {target}{reason}")
    out += ["", f"Model parameters: {', '.join(rules.models.param_names)}", "", "Endpoints:"]
    e = rules.endpoints
    rows = [
        ("served", e.served),
        (f"{p.name} only", e.exclusive),
        ("coming soon", e.coming_soon),
        ("not served", e.unserved),
    ]
    label = max(len(name) for name, _ in rows)
    out += [f"  {name:<{label}}  {', '.join(entries)}" for name, entries in rows if entries]
    c = rules.chat
    out += [
        "",
        f"Chat parameters served: {', '.join(c.params)}",
        f"Request options (never flagged): {', '.join(c.request_options)}",
        f"Roles: {', '.join(c.roles)}; at most {c.max_stop} stop sequences; "
        f"temperature {c.temperature_min:g}..{c.temperature_max:g}",
        "",
        "Finding codes:",
    ]
    for info in codes.CODES.values():
        out.append(
            f"  {info.code}  {_FIX[info.fix]:<4}  {codes.summary(info.code, rules)}".rstrip()
        )
    out += [
        "",
        "fix: auto-fixable; fix*: sometimes. `lumyx-migrate explain CODE` documents one code.",
    ]
    return "\n".join(out) + "\n"
