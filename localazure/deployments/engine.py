"""The collection's ARM template engine, as the endpoint uses it: the engine's facade
(``plugins/module_utils/arm/api.py``), imported by the collection's name so that the endpoint runs the very
engine the collection ships. ``make setup`` puts that name on the venv's path.

The rest of ``localazure`` imports the engine from here.
"""

from __future__ import annotations

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm import api
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import (
    AZURE_CLOUD_ENVIRONMENT,
    REDACTED,
    ArmTemplateError,
    DeploymentContext,
    OfflineResolver,
    Resolver,
    TemplateResult,
    UnknownValue,
    WorkBudget,
    check_parameter_values,
    contains_unknown,
    effective_change_type,
    evaluate_template,
    is_secure,
    murmur_hash64,
    plain_parameter_values,
    resource_change,
    scrub,
    secret_texts,
    supplied_secrets,
)

# The what-if differ, for callers that write ``whatif.resource_change(...)``.
whatif = api
AZURE_ENVIRONMENT = AZURE_CLOUD_ENVIRONMENT

__all__ = [
    "AZURE_CLOUD_ENVIRONMENT",
    "AZURE_ENVIRONMENT",
    "REDACTED",
    "ArmTemplateError",
    "DeploymentContext",
    "OfflineResolver",
    "Resolver",
    "TemplateResult",
    "UnknownValue",
    "WorkBudget",
    "check_parameter_values",
    "contains_unknown",
    "effective_change_type",
    "evaluate_template",
    "is_secure",
    "murmur_hash64",
    "plain_parameter_values",
    "resource_change",
    "scrub",
    "secret_texts",
    "supplied_secrets",
    "whatif",
]
