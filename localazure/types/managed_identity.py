"""User-assigned managed identities (``Microsoft.ManagedIdentity/userAssignedIdentities``, azure-mgmt-msi's
``Identity``; api-version 2023-01-31 by default).

A tracked resource with read-only ``properties.tenantId``, ``principalId`` (the object id of its service principal)
and ``clientId``, both kept across updates. Its service principal is in the directory while the identity exists:
role assignments may name it (``types/_identity.managed_identity_principal_ids``), and resources that list it in
``identity.userAssignedIdentities`` get its ids.
"""

from __future__ import annotations

from localazure.resource_types import USER_ASSIGNED_IDENTITIES
from localazure.types._base import ValidatedType, kept, new_guid, tenant_of


class UserAssignedIdentity(ValidatedType):
    def fill(self, result, context):
        properties = result["properties"]
        properties.pop("provisioningState", None)
        properties.update(
            {
                "tenantId": tenant_of(context),
                "principalId": kept(context, "principalId", new_guid),
                "clientId": kept(context, "clientId", new_guid),
            }
        )


def register(app) -> None:
    app.registry.register(UserAssignedIdentity(USER_ASSIGNED_IDENTITIES))
