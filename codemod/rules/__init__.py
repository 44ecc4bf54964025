"""The rules file: every provider fact, loaded once from TOML into frozen, validated values.

Code never names a provider, a model or an endpoint; it asks these values. `model` declares
them (and so the file's schema), `schema` checks a table against a dataclass, `load` reads and
merges the files.
"""

from codemod.rules.load import default_rules_text, load_rules
from codemod.rules.model import (
    Action,
    Chat,
    ClientSpec,
    EndpointKind,
    Endpoints,
    ModelRule,
    Models,
    ModuleConfig,
    Provider,
    Rules,
    SourceFacts,
)
from codemod.rules.schema import RulesError

__all__ = [
    "Action",
    "Chat",
    "ClientSpec",
    "EndpointKind",
    "Endpoints",
    "ModelRule",
    "Models",
    "ModuleConfig",
    "Provider",
    "Rules",
    "RulesError",
    "SourceFacts",
    "default_rules_text",
    "load_rules",
]
