"""The ARM template engine's public interface: what callers outside ``arm/`` import, and nothing else.

- ``evaluate_template(template, parameter_values, context, resolver)`` -> ``TemplateResult``, or raises
  ``ArmTemplateError`` (ARM's ``InvalidTemplate`` and friends, with the JSON path as ``target``);
- ``DeploymentContext``: where the deployment happens (subscription, group, location, scope, ...);
- ``Resolver``: how ``reference()``, ``list*()``, ``existing`` resources and linked templates reach real
  state; ``OfflineResolver`` answers every question with an ``UnknownValue``;
- ``resource_change`` / ``effective_change_type`` / ``EFFECTIVE_CHANGE_TYPES``: the what-if differ;
- the secure-value helpers: ``supplied_secrets``, ``secret_texts``, ``scrub`` and ``REDACTED``;
- parameter files: ``plain_parameter_values``, ``check_parameter_values``, ``is_secure``;
- ``WorkBudget``: the bound on one evaluation's work (see ``limits``).
"""

from __future__ import annotations

from .context import AZURE_CLOUD_ENVIRONMENT, DeploymentContext
from .errors import ArmTemplateError
from .hashing import murmur_hash64
from .limits import MAX_VALUE_SIZE, MAX_WORK, WorkBudget
from .parameters import SECURE_TYPES, check_parameter_values, is_secure, plain_parameter_values
from .resolver import OfflineResolver, Resolver
from .secure import REDACTED, scrub, secret_texts, supplied_secrets
from .template import TemplateResult, evaluate_template
from .values import UnknownValue, contains_unknown, placeholder_for
from .whatif import EFFECTIVE_CHANGE_TYPES, effective_change_type, resource_change

__all__ = [
    "AZURE_CLOUD_ENVIRONMENT",
    "ArmTemplateError",
    "DeploymentContext",
    "EFFECTIVE_CHANGE_TYPES",
    "MAX_VALUE_SIZE",
    "MAX_WORK",
    "OfflineResolver",
    "REDACTED",
    "SECURE_TYPES",
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
    "placeholder_for",
    "plain_parameter_values",
    "resource_change",
    "scrub",
    "secret_texts",
    "supplied_secrets",
]
