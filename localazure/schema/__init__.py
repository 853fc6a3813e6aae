"""Request-body validation for the local Azure endpoint, from the official Azure SDKs' generated models.

``RequestBodyValidator().validate(type, api_version, body)`` returns the ``BodyProblem``s Azure would
answer a PUT body with (HTTP 400, Azure's codes and words; see problems.py for the sources and the
approximations). Importing this package imports no SDK; each SDK models module is imported on first use.

What is checked: unknown members (rejected), JSON types, enums (case-insensitive), required members,
msrest constraints (pattern, lengths, bounds, item counts, uniqueness), discriminated subtypes (ML
``computeType``, ``datastoreType``, ``credentialsType`` ...). Read-only members are ignored, as Azure
ignores them on PUT. Member names match case-insensitively, as in Azure's .NET deserializers.

api-versions: exact for the versions whose models are installed; a published version without installed
models is judged by the installed version nearest in date (see catalog.py), so members that differ
between the two versions are judged by the installed model, apart from the listed legacy members.
TypeSpec models carry no value constraints (pattern, lengths), so those are checked only for msrest types.
"""

from .catalog import SUPPORTED_TYPES
from .problems import BodyProblem
from .validator import RequestBodyValidator, UnsupportedApiVersion, UnsupportedResourceType

__all__ = ["RequestBodyValidator", "BodyProblem", "SUPPORTED_TYPES", "UnsupportedApiVersion", "UnsupportedResourceType"]
