"""The directory, subscriptions and pre-existing resources an endpoint starts with, and ``connection.json``.

The default seed matches ``inventories/local``: subscription 11111111-2222-4333-8444-555555555555, the principals
``deployer`` (Owner on it) and ``model-developer-test`` (no role), the work packages' developer groups, and the
given private network (resource group ``rg-it4ad-network-local``, virtual network ``vnet-it4ad-local``, subnet
``snet-ml``). A seed file (JSON or YAML) adds tenants, subscriptions, principals, groups and resources; with
``"replace_default": true`` it replaces the default seed instead. Seeding is idempotent: what exists is kept.

Seed file shape::

    tenants: [{id, display_name?}]                      # the first tenant is the home tenant
    subscriptions: [{id, display_name?, tenant_id?}]    # the first subscription is connection.json's
    principals: [{name, tenant_id?, client_id?, client_secret?, object_id?,
                  roles?: [{role: Owner|Contributor|Reader|User Access Administrator|<definition GUID>, scope}]}]
    groups: [{object_id, display_name, tenant_id?,      # Entra ID groups that role assignments may name;
              members?: [<principal name or object id>]}]  # RBAC grants a group's roles to its members
    resources: [{id, body, api_version?}]               # resource groups first, parents before children
    policy_assignments: [{name, scope, policy_rule}]    # Azure Policy modify effects (localazure/policy.py)
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from pathlib import Path
from types import MappingProxyType

import yaml

from localazure import resource_groups
from localazure.ids import parse_resource_path, scope_parts
from localazure.rbac.builtin_roles import BUILT_IN_ROLES, role_definition_id
from localazure.resource_types import ROLE_ASSIGNMENTS

SEED_NAMESPACE = uuid.UUID("5b2f7f0e-3c59-4a43-9d0b-6c1c2f3d9a10")
CONNECTION_FILE = "connection.json"
LOCAL_SUBSCRIPTION = "11111111-2222-4333-8444-555555555555"
LOCAL_TENANT = "72f988bf-0000-4000-8000-00000000a11c"
# Built-in role definition ids by lower-cased role name, for seeds that name a role (rbac/builtin_roles.py).
BUILTIN_ROLE_IDS = MappingProxyType(
    {body["properties"]["roleName"].lower(): role_id for role_id, body in BUILT_IN_ROLES.items()}
)

_NETWORK_GROUP = f"/subscriptions/{LOCAL_SUBSCRIPTION}/resourceGroups/rg-it4ad-network-local"
_VNET = f"{_NETWORK_GROUP}/providers/Microsoft.Network/virtualNetworks/vnet-it4ad-local"
DEFAULT_SEED = {
    "tenants": [{"id": LOCAL_TENANT, "display_name": "it4ad local"}],
    "subscriptions": [{"id": LOCAL_SUBSCRIPTION, "display_name": "it4ad-local", "tenant_id": LOCAL_TENANT}],
    "principals": [
        {"name": "deployer", "roles": [{"role": "Owner", "scope": f"/subscriptions/{LOCAL_SUBSCRIPTION}"}]},
        {"name": "model-developer-test"},
    ],
    # The developer groups of inventories/local's work packages, which the role assignments name; the test
    # principal is a perception developer.
    "groups": [
        {
            "object_id": "4b0c6f1e-2a7d-4e93-a5c8-1f6b9d3e7a10",
            "display_name": "it4ad perception developers",
            "members": ["model-developer-test"],
        },
        {"object_id": "8e2d4a6c-5f1b-4c7e-9d3a-2b8f0e6c4a20", "display_name": "it4ad planning developers"},
    ],
    "resources": [
        {"id": _NETWORK_GROUP, "body": {"location": "westeurope", "tags": {"owner": "network-team"}}},
        {
            "id": _VNET,
            "body": {
                "location": "westeurope",
                "properties": {"addressSpace": {"addressPrefixes": ["10.20.0.0/16"]}, "enableDdosProtection": False},
            },
        },
        {
            "id": f"{_VNET}/subnets/snet-ml",
            "body": {
                "properties": {
                    "addressPrefix": "10.20.1.0/24",
                    "privateEndpointNetworkPolicies": "Disabled",
                    "privateLinkServiceNetworkPolicies": "Enabled",
                }
            },
        },
    ],
}


def load_seed_file(path: Path | None) -> dict:
    if path is None:
        return DEFAULT_SEED
    text = Path(path).read_text()
    extra = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    extra = extra or {}
    if extra.get("replace_default"):
        return extra
    return {
        key: list(DEFAULT_SEED.get(key, [])) + list(extra.get(key, []))
        for key in ("tenants", "subscriptions", "principals", "groups", "resources", "policy_assignments")
    }


def _stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(SEED_NAMESPACE, "/".join(parts)))


def apply_seed(app, seed: dict) -> None:
    store = app.store
    tenants = seed.get("tenants") or [{"id": LOCAL_TENANT}]
    home_tenant = tenants[0]["id"]
    with store.transaction():
        for tenant in tenants:
            store.add_tenant(tenant["id"], tenant.get("display_name", tenant["id"]))
        for subscription in seed.get("subscriptions", []):
            store.add_subscription(
                subscription["id"],
                subscription.get("tenant_id", home_tenant),
                subscription.get("display_name", subscription["id"]),
            )
        for principal in seed.get("principals", []):
            tenant_id = principal.get("tenant_id", home_tenant)
            store.add_principal(
                principal["name"],
                tenant_id,
                principal.get("client_id") or _stable_uuid("client", tenant_id, principal["name"]),
                principal.get("client_secret") or secrets.token_urlsafe(30),
                principal.get("object_id") or _stable_uuid("object", tenant_id, principal["name"]),
            )
        for group in seed.get("groups", []):
            store.add_directory_group(group["object_id"], group.get("tenant_id", home_tenant), group["display_name"])
    by_name = {item["name"]: item for item in store.principals()}
    for group in seed.get("groups", []):
        for member in group.get("members", []):
            # A member is a seeded principal (by name) or another directory object (by object id: a nested group).
            store.add_group_member(group["object_id"], by_name[member]["object_id"] if member in by_name else member)
    for principal in seed.get("principals", []):
        for role in principal.get("roles", []):
            record_role_assignment(app, by_name[principal["name"]], role["role"], role["scope"])
    for resource in seed.get("resources", []):
        _seed_resource(app, resource)
    for assignment in seed.get("policy_assignments", []):
        app.policies.add(assignment)


def record_role_assignment(app, principal: dict, role: str, scope: str) -> str:
    """Store a role assignment as ARM returns it (enforcement is phase C's)."""
    role_id = BUILTIN_ROLE_IDS.get(role.lower(), role)
    subscription_id = scope_parts(scope)[0]
    name = _stable_uuid("assignment", scope.lower(), principal["object_id"], role_id)
    assignment_id = f"{scope.rstrip('/')}/providers/{ROLE_ASSIGNMENTS}/{name}"
    if not app.store.resource_exists(assignment_id):
        now = time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime())
        body = {
            "id": assignment_id,
            "type": ROLE_ASSIGNMENTS,
            "name": name,
            "properties": {
                "roleDefinitionId": role_definition_id(role_id, subscription_id),
                "principalId": principal["object_id"],
                "principalType": "ServicePrincipal",
                "scope": scope,
                "condition": None,
                "conditionVersion": None,
                "createdOn": now,
                "updatedOn": now,
                "createdBy": None,
                "updatedBy": None,
                "delegatedManagedIdentityResourceId": None,
                "description": None,
            },
        }
        app.store.put_resource(assignment_id, ROLE_ASSIGNMENTS, scope, body, now=time.time())
    return assignment_id


def _seed_resource(app, resource: dict) -> None:
    resource_id = resource["id"]
    if app.store.resource_exists(resource_id):
        return
    path = parse_resource_path(resource_id)
    if path is None:
        subscription_id, group = scope_parts(resource_id)
        if not group:
            raise ValueError(f"seed: '{resource_id}' is neither a resource group nor a provider resource id")
        resource_groups.create_or_update(app, subscription_id, group, resource["body"])
        return
    resource_type = app.registry.get(path.full_type)
    if resource_type is None:
        raise ValueError(f"seed: resource type {path.full_type} of '{resource_id}' is not registered")
    app.resources.put(
        path, resource["body"], resource.get("api_version") or resource_type.default_api_version, internal=True
    )


def write_connection_file(app) -> Path:
    subscriptions = app.store.subscriptions()
    tenants = app.store.tenants()
    home_tenant = tenants[0]["tenant_id"]
    document = {
        "arm_endpoint": app.arm_endpoint,
        # The blob data plane, path-style (localazure/blob/): format with the account's name.
        "blob_endpoint": app.arm_endpoint + "/{account}",
        # The container registries' token exchange and /v2/, path-style (localazure/acr/): format with the
        # registry's name.
        "registry_endpoint": app.arm_endpoint + "/{registry}",
        "authority_host": app.authority_host,
        "metadata_url": f"{app.arm_endpoint}/metadata/endpoints?api-version=2019-05-01",
        "cloud_name": "LocalAzure",
        "tenant_id": home_tenant,
        "subscription_id": subscriptions[0]["subscription_id"] if subscriptions else None,
        "ca_bundle": str((app.state_dir / "ca.pem").resolve()),
        "port": int(app.arm_endpoint.rsplit(":", 1)[1]),
        "admin_secret_file": str((app.state_dir / "admin-secret").resolve()),
        "principals": {
            item["name"]: {
                "client_id": item["client_id"],
                "client_secret": item["client_secret"],
                "object_id": item["object_id"],
                "tenant_id": item["tenant_id"],
            }
            for item in app.store.principals()
        },
    }
    path = app.state_dir / CONNECTION_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n")
    temporary.chmod(0o600)
    temporary.replace(path)
    return path
