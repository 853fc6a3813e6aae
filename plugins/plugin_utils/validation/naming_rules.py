# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure's naming rules for the resource types the collection deploys.

Source: "Naming rules and restrictions for Azure resources" in the Azure Resource Manager docs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NamingRule:
    pattern: str
    explanation: str
    globally_unique: bool = False

    def accepts(self, name: str) -> bool:
        return re.fullmatch(self.pattern, name) is not None


_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

NAMING_RULES = {
    "microsoft.storage/storageaccounts": NamingRule(
        r"[a-z0-9]{3,24}", "3-24 lowercase letters and digits", globally_unique=True
    ),
    "microsoft.storage/storageaccounts/blobservices/containers": NamingRule(
        r"(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*",
        "3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
    ),
    "microsoft.containerregistry/registries": NamingRule(
        r"[a-zA-Z0-9]{5,50}", "5-50 letters and digits", globally_unique=True
    ),
    "microsoft.keyvault/vaults": NamingRule(
        r"(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]",
        "3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no '--'",
        globally_unique=True,
    ),
    "microsoft.operationalinsights/workspaces": NamingRule(
        r"[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]",
        "4-63 letters, digits and hyphens, starting and ending with a letter or digit",
    ),
    "microsoft.insights/components": NamingRule(
        r"[^%&\\?/]{1,260}(?<![ .])", "1-260 characters without %&\\?/, not ending in a space or period"
    ),
    "microsoft.network/privateendpoints": NamingRule(
        r"[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_])?",
        "2-64 letters, digits, '_', '.' and '-', starting with a letter or digit, ending with a letter, digit or '_'",
    ),
    "microsoft.machinelearningservices/workspaces": NamingRule(
        r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}", "3-33 letters, digits, '-' and '_', starting with a letter or digit"
    ),
    "microsoft.machinelearningservices/workspaces/computes": NamingRule(
        r"[a-zA-Z][a-zA-Z0-9-]{0,14}[a-zA-Z0-9]",
        "2-16 letters, digits and hyphens, starting with a letter, not ending with a hyphen",
    ),
    "microsoft.authorization/roledefinitions": NamingRule(_GUID, "a GUID"),
    "microsoft.authorization/roleassignments": NamingRule(_GUID, "a GUID"),
}


def rule_for(resource_type: str) -> NamingRule | None:
    return NAMING_RULES.get(resource_type.lower())


def leaf_name(resource_name: str) -> str:
    """A child resource's own name is the last segment of ``parent/child``."""
    return resource_name.rsplit("/", 1)[-1]
